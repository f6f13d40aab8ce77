"""A code list whose members carry their Italian label: each code and its label are written
once, side by side, instead of an enum followed by a dictionary repeating every member.

    class Method(LabelledCode):
        CT = "ct", "TC"
        MRI = "mri", "RM"

    Method.CT == "ct"; Method("ct") is Method.CT; Method.CT.label_it == "TC"
    METHOD_LABELS_IT = Method.labels_it()  # {Method.CT: "TC", Method.MRI: "RM"}, in order

A member is a ``StrEnum`` member (its value the stable English code stored and sent by the
API); the label is what the pages show. Pure Python: usable from any module's domain.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from corsia.core.domain.errors import ValidationFailed


class LabelledCode(StrEnum):
    label_it: str

    # ``label_it`` has a default only for the type checker: ``Method("ct")`` looks a member up
    # (the enum machinery, not this method); a member declared without its label is refused.
    def __new__(cls, value: str, label_it: str = "") -> Self:
        if not label_it:
            raise TypeError(f"{cls.__name__} {value!r}: a code needs its Italian label")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label_it = label_it
        return member

    @classmethod
    def labels_it(cls) -> dict[Self, str]:
        """Every member with its label, in declaration order (the order of a select)."""
        return {member: member.label_it for member in cls}


def code_of(code_list: Any, value: object, field: str, message: str) -> Any:
    """The member of ``code_list`` (a ``LabelledCode``) whose code is ``value``, else a
    refusal with ``message`` (code ``<field>_unknown``). Whatever is sent, only its first
    40 characters are looked up."""
    try:
        return code_list(str(value)[:40])
    except ValueError:
        raise ValidationFailed(message, code=f"{field}_unknown", field=field) from None
