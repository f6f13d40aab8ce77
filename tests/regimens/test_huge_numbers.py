"""A regimen document with a huge integer — 10**400, or 5000 digits, past the 4300 digits
Python reads as an int (``json.loads`` and ``yaml.safe_load`` then raise ``ValueError``,
not their own errors) — in a dose, a day, a count: through the API (save, FHIR import),
the editor page and its live check, and the library files read by ``corsia_setup``, a
clean refusal with a stable code naming the field where there is one; never the
last-resort handler, and nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.regimens import data, services
from corsia.regimens.data import loader
from corsia.regimens.domain.fhir import spec_to_plan_definition
from corsia.regimens.domain.spec_codec import spec_from_dict
from corsia.regimens.domain.structure import validate_structure
from corsia.regimens.fhir_io import plan_definition_json
from corsia.testing.regimens import (
    FLU_BU_INGREDIENTS,
    flu_bu_document,
    flu_bu_spec,
    make_ingredients,
    no_regimen_written,
)

HUGE = 10**400
# written as 5000 nines in the JSON text in place of this placeholder
ENORMOUS = 777000777
ENORMOUS_TEXT = "9" * 5000


def _with(where: str, value: int) -> dict[str, Any]:
    """The FLU-BU document with ``value`` at ``where``."""
    document = flu_bu_document()
    line = document["components"][1]
    if where == "bibliography[0].year":
        document["bibliography"][0]["year"] = value
    elif where == "components[1].age_bands[0].from_years":
        line["age_bands"] = [{"from_years": value, "to_years": None, "dose": "3.2"}]
    elif where == "dosing.renal_max_age_hours":
        document["dosing"] = {**(document.get("dosing") or {}), "renal_max_age_hours": value}
    elif where == "paediatric.dose_decimals":
        document["paediatric"] = {"dose_decimals": value}
    elif where == "components[1].days":
        line["days"] = [1, value]
    elif where.startswith("components[1]."):
        line[where.removeprefix("components[1].")] = value
    else:
        document[where] = value
    return document


# every integer of a regimen document (the codec refuses 10**400 itself, naming the field)
INTEGER_FIELDS = [
    "components[1].days",
    "components[1].sequence",
    "components[1].duration_minutes",
    "components[1].interval_after_minutes",
    "components[1].observation_minutes",
    "components[1].cycle_from",
    "components[1].cycle_to",
    "components[1].administrations_per_day",
    "components[1].age_bands[0].from_years",
    "cycle_length_days",
    "max_cycles",
    "bibliography[0].year",
    "dosing.renal_max_age_hours",
    "paediatric.dose_decimals",
]
# a dose given as a (JSON) integer: read exactly, then refused by the unit's ceiling
DOSE_FIELDS = ["components[1].dose", "components[1].max_dose"]


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document).replace(str(ENORMOUS), ENORMOUS_TEXT)


def _post_api(client: Any, document: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body = '{"document": ' + _text(document) + "}"
    answer = client.post("/api/v1/regimens/", body, content_type="application/json")
    assert answer["Content-Type"].startswith("application/problem+json"), answer.content[:200]
    return answer.status_code, answer.json()


@pytest.fixture
def pharmacist(client_for: Any) -> Any:
    make_ingredients(FLU_BU_INGREDIENTS)
    return client_for(Role.PHARMACIST)


@pytest.mark.parametrize("field", INTEGER_FIELDS)
def test_api_refuses_a_huge_integer_naming_its_field(pharmacist: Any, field: str) -> None:
    audits = AuditEvent.objects.count()
    status, problem = _post_api(pharmacist, _with(field, HUGE))
    assert (status, problem["code"], problem["field"]) == (422, "number_too_large", field)
    assert problem["detail"] == f"{field}: numero troppo grande (ammesso fino a 1.000.000.000)."
    no_regimen_written(audits)


@pytest.mark.parametrize("field", DOSE_FIELDS)
def test_api_refuses_a_huge_integer_dose_by_its_ceiling(pharmacist: Any, field: str) -> None:
    audits = AuditEvent.objects.count()
    status, problem = _post_api(pharmacist, _with(field, HUGE))
    assert (status, problem["code"], problem["field"]) == (422, "invalid_regimen_structure", field)
    assert problem["details"]["problems"][0]["code"] == "dose_out_of_range"
    no_regimen_written(audits)


@pytest.mark.parametrize("field", [*INTEGER_FIELDS, *DOSE_FIELDS])
def test_api_refuses_a_5000_digit_number_before_reading_the_body(
    pharmacist: Any, field: str
) -> None:
    audits = AuditEvent.objects.count()
    status, problem = _post_api(pharmacist, _with(field, ENORMOUS))
    assert (status, problem["code"]) == (422, "number_too_large")
    assert problem["detail"] == "Il corpo della richiesta contiene un numero troppo lungo."
    no_regimen_written(audits)


@pytest.mark.parametrize(
    ("value", "field", "code"),
    [
        *[(HUGE, f, "number_too_large") for f in INTEGER_FIELDS],
        *[(HUGE, f, "dose_out_of_range") for f in DOSE_FIELDS],
        *[(ENORMOUS, f, "number_too_large") for f in ("components[1].days", "max_cycles")],
    ],
    ids=lambda v: str(v)[:12],
)
def test_the_editor_and_its_live_check_refuse_it_with_422(
    pharmacist: Any, value: int, field: str, code: str
) -> None:
    audits = AuditEvent.objects.count()
    text = _text(_with(field, value))
    refused = pharmacist.post("/regimens/new/", {"document": text})
    assert refused.status_code == 422
    # a 5000-digit number is not read at all: the document is refused as a whole
    where = "" if value == ENORMOUS else field
    assert {"path": where, "code": code} in [
        {"path": p["path"], "code": p["code"]} for p in refused.context["problems"]
    ]
    check = pharmacist.post("/regimens/editor/check/", {"document": text})
    assert check.status_code == 200
    assert code in [p["code"] for p in check.context["problems"]]
    no_regimen_written(audits)


def _plan_text(replace: tuple[str, str]) -> str:
    text = plan_definition_json(spec_to_plan_definition(flu_bu_spec(), version=1, status="in_test"))
    assert replace[0] in text
    return text.replace(*replace, 1)


@pytest.mark.parametrize(
    ("replace", "code"),
    [
        # FHIR integers are 32-bit: the model refuses the cycle's length and a line's order
        (
            ('cycle_length_days","valueInteger":6', f'cycle_length_days","valueInteger":{HUGE}'),
            "invalid_plan_definition",
        ),
        (('"sequence":2', f'"sequence":{HUGE}'), "invalid_plan_definition"),
        (('"count":1', f'"count":{HUGE}'), "invalid_plan_definition"),
        # a decimal: the dose's ceiling; a day's offset: the codec's integer limit
        (('"value":3.2', f'"value":{HUGE}'), "invalid_regimen_structure"),
        (
            ('"timingDuration":{"value":3', f'"timingDuration":{{"value":{HUGE}'),
            "number_too_large",
        ),
        (('"period":6', f'"period":{ENORMOUS_TEXT}'), "number_too_large"),
    ],
    ids=["cycle_length", "sequence", "count", "dose", "day_offset", "period_5000_digits"],
)
def test_the_fhir_import_refuses_it(pharmacist: Any, replace: tuple[str, str], code: str) -> None:
    audits = AuditEvent.objects.count()
    answer = pharmacist.post(
        "/api/v1/regimens/import", _plan_text(replace), content_type="application/json"
    )
    assert (answer.status_code, answer.json()["code"]) == (422, code), answer.content[:300]
    no_regimen_written(audits)


def test_the_fhir_import_service_refuses_5000_digits_read_from_a_file(make_user: Any) -> None:
    """The service reads the document itself when it is not through the API (bytes)."""
    with pytest.raises(ValidationFailed) as refused:
        services.regimen_import_plan_definition(
            actor=make_user(Role.PHARMACIST),
            document=_plan_text(('"period":6', f'"period":{ENORMOUS_TEXT}')).encode(),
        )
    assert refused.value.code == "number_too_large"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("components[1].sequence", 40000, "invalid_sequence"),  # past a smallint
        ("components[1].cycle_to", 40000, "invalid_cycle"),
        ("components[1].cycle_from", 1000, "invalid_cycle"),
        ("max_cycles", 1000, "invalid_max_cycles"),
        ("components[1].duration_minutes", 365 * 24 * 60 + 1, "duration_out_of_range"),
        ("components[1].observation_minutes", 10**9, "duration_out_of_range"),
    ],
)
def test_a_storable_integer_past_its_plausible_range_is_a_named_problem(
    field: str, value: int, code: str
) -> None:
    problems = validate_structure(spec_from_dict(_with(field, value)))
    assert (field, code) in [(p.path, p.code) for p in problems]


def test_a_continuous_infusion_of_28_days_is_within_range() -> None:
    # blinatumomab: 28 days of continuous infusion = 40320 minutes
    problems = validate_structure(spec_from_dict(_with("components[1].duration_minutes", 40320)))
    assert [p for p in problems if p.path == "components[1].duration_minutes"] == []


# --- the library files (corsia_setup) ------------------------------------------------------

REGIMEN = """\
  - code: TEST-1
    name: Prova
    therapy: chemotherapy
    intent: palliative
    cycle: 21
    references:
      - {authors: A, title: T, journal: J, year: 2000}
    components:
      - {ingredient: cisplatin, dose: 75, unit: mg/m2, days: [1], minutes: 60}
"""


def _library(tmp_path: Path, regimen_yaml: str) -> Path:
    for name in (loader.BLOCKS_FILE, *loader.REGIMEN_FILES):
        shutil.copy(loader.LIBRARY_DIR / name, tmp_path / name)
    (tmp_path / "ospedale.yaml").write_text("regimens:\n" + regimen_yaml, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("minutes: 60", f"minutes: {ENORMOUS_TEXT}"), "ospedale.yaml: a number too long to read"),
        (("days: [1]", "days: [1-99999999999]"), "a day range beyond day 365: '1-99999999999'"),
        (("days: [1]", f"days: [1-{ENORMOUS_TEXT}]"), "a day range beyond day 365"),
        (("days: [1]", "days: [1-400]"), "a day range beyond day 365: '1-400'"),
    ],
    ids=["5000_digits", "day_range_huge", "day_range_5000_digits", "day_range_400"],
)
def test_a_library_file_with_a_huge_number_names_the_file(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    with pytest.raises(loader.LibraryFileError) as refused:
        loader.load_documents(_library(tmp_path, REGIMEN.replace(*change)))
    assert message in str(refused.value)


def test_a_library_regimen_with_10e400_minutes_names_the_regimen(tmp_path: Path) -> None:
    directory = _library(tmp_path, REGIMEN.replace("minutes: 60", f"minutes: {HUGE}"))
    with pytest.raises(loader.LibraryFileError) as refused:
        data.specs(directory)
    assert str(refused.value) == (
        "regimen TEST-1: components[0].duration_minutes: numero troppo grande "
        "(ammesso fino a 1.000.000.000)."
    )


@pytest.mark.django_db
def test_corsia_setup_says_which_file_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = _library(tmp_path, REGIMEN.replace("minutes: 60", f"minutes: {ENORMOUS_TEXT}"))
    monkeypatch.setattr(loader, "LIBRARY_DIR", directory)
    with pytest.raises(CommandError) as refused:
        call_command("corsia_setup")
    assert str(refused.value) == "regimen library: ospedale.yaml: a number too long to read"


def test_a_fhir_body_not_in_utf8_is_invalid_json_not_a_number(pharmacist: Any) -> None:
    # UnicodeDecodeError is a ValueError too: neither a number too long nor a 500
    answer = pharmacist.post(
        "/api/v1/regimens/import", b'{"name": "\xff\xfe"}', content_type="application/json"
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_json")


def test_the_fhir_import_service_refuses_a_document_not_in_utf8(make_user: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.regimen_import_plan_definition(
            actor=make_user(Role.PHARMACIST), document=b'{"resourceType": "\xff"}'
        )
    assert refused.value.code == "invalid_json"


def test_a_library_file_not_in_utf8_names_the_file(tmp_path: Path) -> None:
    directory = _library(tmp_path, REGIMEN)
    (directory / "ospedale.yaml").write_bytes(b"regimens:\n  - code: \xff\n")
    with pytest.raises(loader.LibraryFileError) as refused:
        loader.load_documents(directory)
    assert str(refused.value) == "ospedale.yaml: not UTF-8 text"
