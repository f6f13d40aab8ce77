"""Invariant over random bags through the real services (Hypothesis): no order with a
blocking check reaches the pharmacy — a bag that blocks is never signed, and every order
that ends validated has no blocking finding, neither as signed nor computed again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corsia.accounts.models import User
from corsia.core.domain.errors import CorsiaError
from corsia.nutrition import selectors, services
from corsia.nutrition.models import NutritionOrder
from corsia.patients.models import Patient
from corsia.testing.nutrition import drafted

pytestmark = pytest.mark.django_db
# the components that make blocks likely: inorganic phosphate with calcium, concentrated
# glucose on a peripheral vein, sodium and potassium beyond their per-kg limits
CODES = [
    "AA_AMINOVEN_10", "GLU_50", "GLU_10", "LIP_SMOFLIPID_20", "P_GLYCOPHOS", "P_K2HPO4",
    "CA_GLUC_10", "NA_CL_2", "K_CL_2", "WFI", "CA_CL_10",
]  # fmt: skip
lines = st.lists(
    st.tuples(st.sampled_from(CODES), st.decimals(min_value="0.5", max_value="900", places=1)),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=lines, route=st.sampled_from(["central", "peripheral"]))
def test_no_order_with_a_blocked_check_reaches_validated(
    physician: User, pharmacist: User, adult: Patient, rows: list[tuple[str, Decimal]], route: str
) -> None:
    try:
        order = drafted(
            physician, adult.pk,
            tuple(services.LineInput(code, ml, "mL") for code, ml in rows), route=route,
        )  # fmt: skip
    except CorsiaError:
        return  # refused before any order exists (an unknown code, too large a volume)
    try:
        services.order_sign(
            actor=physician, workstation=None, order_id=order.pk, expected_version=None,
            warning_reason="Valutato",
        )  # fmt: skip
        services.order_validate(
            actor=pharmacist, workstation=None, order_id=order.pk, expected_version=None
        )
    except CorsiaError:
        pass  # refused at signature or validation: the state says how far it went
    final = NutritionOrder.objects.get(pk=order.pk)
    if order.blocked:
        assert final.state == "draft"
    if final.state == "validated":
        assert final.blocked is False
        assert not any(f["severity"] == "block" for f in final.results["findings"])
        assert not selectors.order_assessment(final).blocked
