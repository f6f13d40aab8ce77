"""Query expressions the modules' selectors share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import BooleanField, Expression, F


class InIds(Expression):
    """``column = ANY(%s::bigint[])``: a long list of ids as one parameter (an array), not
    one placeholder each as ``column__in`` writes it (with 100,000 ids the statement's text
    and its parsing cost more than the query). The array goes as its text form
    (``{1,2,3}``, built by one join: the driver's element-by-element array dump cost
    0.6 s for the dose-intensity report's 330,000 ids at the M centre). Use as a filter:
    ``Model.objects.filter(InIds("order_id", ids))``."""

    output_field = BooleanField()

    def __init__(self, column: str, ids: Iterable[int]) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.ids = [int(i) for i in ids]

    def resolve_expression(self, *args: Any, **kwargs: Any) -> InIds:
        resolved = super().resolve_expression(*args, **kwargs)
        resolved.column = self.column.resolve_expression(*args, **kwargs)
        return resolved

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.column)
        literal = "{" + ",".join(map(str, self.ids)) + "}"  # integers: nothing to quote
        return f"{column} = ANY(%s::bigint[])", [*params, literal]
