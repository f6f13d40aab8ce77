"""Pure domain: structure validation, diff, four-eyes approval, prescribability, trial ids."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.regimens.domain.approval import (
    ApprovalRefused,
    NotPrescribable,
    VersionStatus,
    decide_approval,
    ensure_prescribable_status,
)
from corsia.regimens.domain.diff import diff_specs
from corsia.regimens.domain.spec import Calculation, RegimenSpec
from corsia.regimens.domain.spec_codec import spec_from_dict, spec_to_dict
from corsia.regimens.domain.structure import ensure_valid_structure, validate_structure
from corsia.regimens.domain.trials import check_trial_numbers
from corsia.testing.regimens import abvd_spec, flu_bu_spec


def _codes(spec: RegimenSpec) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in validate_structure(spec)]


def test_a_well_formed_regimen_has_no_problems() -> None:
    assert validate_structure(abvd_spec()) == []


def test_day_outside_the_cycle_is_reported_with_its_path() -> None:
    spec = abvd_spec()
    bad = dataclasses.replace(spec.components[0], days=(1, 29))
    spec = dataclasses.replace(spec, components=(bad, *spec.components[1:]))
    assert _codes(spec) == [("components[0].days", "day_outside_cycle")]


def test_duplicate_administration_order_is_reported() -> None:
    spec = abvd_spec()
    dup = dataclasses.replace(spec.components[1], sequence=1)
    spec = dataclasses.replace(spec, components=(spec.components[0], dup, *spec.components[2:]))
    assert _codes(spec) == [("components[1].sequence", "duplicate_sequence")]


def test_unit_must_match_the_calculation_type() -> None:
    spec = abvd_spec()
    wrong = dataclasses.replace(spec.components[0], calculation=Calculation.WEIGHT)
    spec = dataclasses.replace(spec, components=(wrong, *spec.components[1:]))
    assert _codes(spec) == [("components[0].dose_unit", "unit_calculation_mismatch")]


def test_auc_dosing_is_only_for_carboplatin_and_max_dose_must_be_positive() -> None:
    spec = abvd_spec()
    auc = dataclasses.replace(
        spec.components[0], dose_unit="AUC", calculation=Calculation.AUC, max_dose=Decimal("0")
    )
    spec = dataclasses.replace(spec, components=(auc, *spec.components[1:]))
    assert _codes(spec) == [
        ("components[0].calculation", "auc_not_carboplatin"),
        ("components[0].max_dose", "not_positive"),
    ]


def test_infusion_needs_a_duration_and_standard_regimens_need_a_citation() -> None:
    spec = abvd_spec()
    no_time = dataclasses.replace(spec.components[3], duration_minutes=None)
    spec = dataclasses.replace(
        spec, components=(*spec.components[:3], no_time, spec.components[4]), bibliography=()
    )
    assert _codes(spec) == [
        ("bibliography", "bibliography_required"),
        ("components[3].duration_minutes", "duration_required"),
    ]


def test_ensure_valid_structure_lists_every_problem() -> None:
    spec = dataclasses.replace(abvd_spec(), cycle_length_days=0, name="")
    with pytest.raises(ValidationFailed) as error:
        ensure_valid_structure(spec)
    assert error.value.code == "invalid_regimen_structure"
    assert [p["code"] for p in error.value.details["problems"]][:2] == [
        "required",
        "invalid_cycle_length",
    ]


def test_plain_document_round_trips_and_bad_types_name_their_field() -> None:
    spec = abvd_spec()
    assert spec_from_dict(spec_to_dict(spec)) == spec
    doc = spec_to_dict(spec)
    doc["components"][2]["dose"] = 6.0  # a float is refused: doses are decimals
    with pytest.raises(ValidationFailed) as error:
        spec_from_dict(doc)
    assert error.value.field == "components[2].dose"


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2))
def test_any_dose_change_shows_in_the_diff_as_that_field(dose: Decimal) -> None:
    old = abvd_spec()
    new = abvd_spec(doxorubicin=str(dose))
    changes = diff_specs(old, new)
    if dose == Decimal("25"):
        assert changes == []
    else:
        assert [(c.path, c.before, c.after) for c in changes] == [
            ("components[1].dose", "25", format(dose.normalize(), "f"))
        ]


def test_diff_reports_added_and_removed_components_and_header_changes() -> None:
    old = abvd_spec()
    new = dataclasses.replace(old, components=old.components[:4], cycle_length_days=21)
    kinds = [(c.path, c.kind) for c in diff_specs(old, new)]
    assert kinds == [("cycle_length_days", "changed"), ("components[5]", "removed")]


def test_two_distinct_validators_validate_a_version() -> None:
    first = decide_approval(
        status=VersionStatus.IN_TEST,
        author_id=1,
        approver_id=2,
        approver_is_validator=True,
        previous_approver_ids=frozenset(),
    )
    second = decide_approval(
        status=VersionStatus.IN_TEST,
        author_id=1,
        approver_id=3,
        approver_is_validator=True,
        previous_approver_ids=frozenset({2}),
    )
    assert (first.approvals_after, first.validated) == (1, False)
    assert (second.approvals_after, second.validated) == (2, True)


@pytest.mark.parametrize(
    ("approver", "previous", "status", "code"),
    [
        (2, frozenset({2}), VersionStatus.IN_TEST, "approval_duplicate"),
        (1, frozenset(), VersionStatus.IN_TEST, "approval_by_author"),
        (2, frozenset(), VersionStatus.VALIDATED, "version_not_in_test"),
    ],
)
def test_approval_refusals(approver, previous, status, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ApprovalRefused) as error:
        decide_approval(
            status=status,
            author_id=1,
            approver_id=approver,
            approver_is_validator=True,
            previous_approver_ids=previous,
        )
    assert error.value.code == code


def test_only_validators_approve() -> None:
    with pytest.raises(PermissionRefused):
        decide_approval(
            status=VersionStatus.IN_TEST,
            author_id=None,
            approver_id=2,
            approver_is_validator=False,
            previous_approver_ids=frozenset(),
        )


@pytest.mark.parametrize(
    ("status", "active", "code"),
    [
        (VersionStatus.IN_TEST, True, "regimen_not_validated"),
        (VersionStatus.SUPERSEDED, True, "regimen_version_superseded"),
        (VersionStatus.VALIDATED, False, "regimen_disabled"),
    ],
)
def test_not_prescribable(status, active, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotPrescribable) as error:
        ensure_prescribable_status(status=status, regimen_active=active, label="X")
    assert error.value.code == code


def test_validated_active_version_is_prescribable() -> None:
    ensure_prescribable_status(status=VersionStatus.VALIDATED, regimen_active=True, label="X")


@pytest.mark.parametrize(
    ("eudract", "ctis", "code"),
    [
        ("", "", "trial_number_required"),
        ("2004-1234-12", "", "invalid_eudract_number"),
        ("", "2023-123456-12-00", "invalid_ctis_number"),
    ],
)
def test_trial_numbers(eudract, ctis, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as error:
        check_trial_numbers(eudract_number=eudract, ctis_number=ctis)
    assert error.value.code == code
    check_trial_numbers(eudract_number="2004-001234-12", ctis_number="2023-512345-12-00")


# --- a line's own obese weight basis (busulfan: SmPC 4.2, IBW + 0.25 × (actual − IBW)) ----


def test_line_weight_basis_round_trips_in_the_plain_document() -> None:
    spec = flu_bu_spec()
    doc = spec_to_dict(spec)
    assert doc["components"][1]["obese_weight_basis"] == "adjusted"
    assert doc["components"][1]["adjusted_weight_factor"] == "0.25"
    assert doc["components"][0]["obese_weight_basis"] is None
    assert spec_from_dict(doc) == spec
    assert validate_structure(spec) == []


@pytest.mark.parametrize("basis", ["obese", "ADJUSTED", 3])
def test_an_unknown_line_weight_basis_is_refused_naming_its_field(basis: object) -> None:
    doc = spec_to_dict(flu_bu_spec())
    doc["components"][1]["obese_weight_basis"] = basis
    with pytest.raises(ValidationFailed) as error:
        spec_from_dict(doc)
    assert error.value.field == "components[1].obese_weight_basis"


@pytest.mark.parametrize("factor", ["0", "1", "-0.25", "1e308", "1.5"])
def test_an_adjusted_weight_factor_outside_0_1_is_a_structure_problem(factor: str) -> None:
    spec = flu_bu_spec(busulfan_factor=factor)
    assert _codes(spec) == [("components[1].adjusted_weight_factor", "out_of_range")]


@pytest.mark.parametrize("factor", [0.25, "NaN", "Infinity", "un quarto"])
def test_a_factor_that_is_not_a_finite_decimal_text_is_refused(factor: object) -> None:
    doc = spec_to_dict(flu_bu_spec())
    doc["components"][1]["adjusted_weight_factor"] = factor
    with pytest.raises(ValidationFailed) as error:
        spec_from_dict(doc)
    assert error.value.field == "components[1].adjusted_weight_factor"


def test_a_factor_needs_the_adjusted_basis_and_a_basis_needs_a_per_kg_dose() -> None:
    assert _codes(flu_bu_spec(busulfan_basis="ideal")) == [
        ("components[1].adjusted_weight_factor", "factor_without_adjusted_basis")
    ]
    assert _codes(flu_bu_spec(busulfan_basis=None)) == [
        ("components[1].adjusted_weight_factor", "factor_without_adjusted_basis")
    ]
    spec = flu_bu_spec()
    per_m2 = dataclasses.replace(spec.components[0], obese_weight_basis="ideal")
    spec = dataclasses.replace(spec, components=(per_m2, spec.components[1]))
    assert _codes(spec) == [("components[0].obese_weight_basis", "weight_basis_not_per_kg")]


def test_a_change_of_line_basis_or_factor_shows_in_the_diff() -> None:
    old = flu_bu_spec(busulfan_basis=None, busulfan_factor=None)
    new = flu_bu_spec()
    assert [(c.path, c.before, c.after) for c in diff_specs(old, new)] == [
        ("components[2].obese_weight_basis", None, "adjusted"),
        ("components[2].adjusted_weight_factor", None, "0.25"),
    ]
    newer = flu_bu_spec(busulfan_factor="0.4")
    assert [(c.path, c.before, c.after) for c in diff_specs(new, newer)] == [
        ("components[2].adjusted_weight_factor", "0.25", "0.4")
    ]
