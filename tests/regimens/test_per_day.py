"""A line's administrations a day (``Component.administrations_per_day``): 1 to 6, more than
one only on an oral line; kept by the codec, the library and FHIR (Dosage.timing)."""

from __future__ import annotations

import dataclasses

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.regimens import data
from corsia.regimens.domain.fhir import plan_definition_to_spec, spec_to_plan_definition
from corsia.regimens.domain.spec import InfusionType, RegimenSpec, Route
from corsia.regimens.domain.spec_codec import spec_from_dict, spec_to_dict
from corsia.regimens.domain.structure import validate_structure
from corsia.testing.regimens import abvd_spec

SPECS = {s.code: s for s in data.specs()}


def _with_first_line(spec: RegimenSpec, **changes: object) -> RegimenSpec:
    if changes.get("route") is Route.PO:  # an oral line has no infusion
        changes = {"infusion_type": InfusionType.NONE, "duration_minutes": None, **changes}
    first = dataclasses.replace(spec.components[0], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(spec, components=(first, *spec.components[1:]))


def _problems(spec: RegimenSpec) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in validate_structure(spec)]


def test_an_oral_line_twice_a_day_is_valid_and_kept_by_codec_and_fhir() -> None:
    spec = _with_first_line(abvd_spec(), route=Route.PO, administrations_per_day=2)
    assert _problems(spec) == []
    assert spec_from_dict(spec_to_dict(spec)) == spec
    plan = spec_to_plan_definition(spec)
    dosage = plan["contained"][0]["dosage"][0]
    assert dosage["timing"] == {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}}
    assert plan_definition_to_spec(plan).components[0].administrations_per_day == 2


def test_a_line_once_a_day_has_no_timing_in_fhir() -> None:
    plan = spec_to_plan_definition(abvd_spec())
    assert "timing" not in plan["contained"][0]["dosage"][0]


@pytest.mark.parametrize("per_day", [0, 7, -1, 10**9])
def test_administrations_a_day_outside_1_to_6_are_a_structure_problem(per_day: int) -> None:
    spec = _with_first_line(abvd_spec(), route=Route.PO, administrations_per_day=per_day)
    assert _problems(spec) == [("components[0].administrations_per_day", "out_of_range")]


def test_a_parenteral_line_twice_a_day_is_two_lines_not_one() -> None:
    spec = _with_first_line(abvd_spec(), administrations_per_day=2)
    assert spec.components[0].route is Route.IV
    assert _problems(spec) == [("components[0].administrations_per_day", "per_day_not_oral")]


@pytest.mark.parametrize("value", ["2", 2.0, True, "due"])
def test_administrations_a_day_that_are_not_a_whole_number_are_refused(value: object) -> None:
    doc = spec_to_dict(abvd_spec())
    doc["components"][0]["administrations_per_day"] = value
    with pytest.raises(ValidationFailed) as error:
        spec_from_dict(doc)
    assert error.value.field == "components[0].administrations_per_day"


def test_a_document_without_the_key_is_once_a_day() -> None:
    doc = spec_to_dict(abvd_spec())
    del doc["components"][0]["administrations_per_day"]
    assert spec_from_dict(doc).components[0].administrations_per_day == 1


@pytest.mark.parametrize(
    ("code", "ingredient", "per_day"),
    [
        # SmPC / protocol: capecitabine twice a day (dose per administration)
        ("CAPE-MBC", "capecitabine", 2),
        # midostaurin 50 mg twice a day with food (RATIFY, Stone RM et al. NEJM 2017)
        ("7+3-MIDO", "midostaurin", 2),
        # levetiracetam 500 mg every 12 hours around busulfan (seizure prophylaxis)
        ("FLU-BU4", "levetiracetam", 2),
        # imatinib once a day
        ("IMATINIB-400", "imatinib", 1),
    ],
)
def test_the_library_says_how_many_times_a_day(code: str, ingredient: str, per_day: int) -> None:
    spec = SPECS[code]
    lines = [c for c in spec.components if c.ingredient == ingredient]
    assert lines and {c.administrations_per_day for c in lines} == {per_day}


def test_no_library_line_is_given_several_times_a_day_by_a_parenteral_route() -> None:
    several = [
        (s.code, c.ingredient)
        for s in SPECS.values()
        for c in s.components
        if c.administrations_per_day > 1 and c.route is not Route.PO
    ]
    assert several == []
