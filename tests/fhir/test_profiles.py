"""The Patient against what the HL7 Italia base profile asks, as far as its text justifies a
check (PatientItBase, http://hl7.it/fhir/StructureDefinition/Patient-it-base, IG "base"
0.1.1, a draft; its logical model "Paziente" names the minimum data of a patient in Italy):

- the codice fiscale is an ``identifier`` of the ``codiceFiscale`` slice, whose ``system``
  is ``http://hl7.it/sid/codiceFiscale`` (the profile's discriminator and its examples,
  e.g. ``http://hl7.it/sid/codiceFiscale#RSSMRT57D12D612R``), with the code as ``value``;
- every identifier has both ``system`` and ``value`` (a slice is told apart by its system);
- the minimum data of the logical model the server holds: name (family and given), gender
  from the FHIR administrative-gender codes, birth date.

The server does not claim ``meta.profile`` (the IG is a draft, and the profile's birth-place
extensions are not filled: Corsia keeps no birth place apart from what the codice fiscale
encodes). Checked on the mapping (pure) and on a Patient read through HTTP.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.fhir.domain import resources as fhir
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.fhir import fhir_get, r4
from corsia.testing.patients import patient_registered

CODICE_FISCALE = "http://hl7.it/sid/codiceFiscale"
# 6 letters (surname, name), 2 digits (year), month letter, 2 digits (day, +40 for women),
# the place (letter + 3 digits, omocodia letters allowed), the check letter
CF_FORMAT = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
GENDERS = {"male", "female", "other", "unknown"}


def assert_hl7_italia_patient(resource: dict[str, Any], codice_fiscale: str | None) -> None:
    r4(resource)
    assert resource["resourceType"] == "Patient"
    for identifier in resource["identifier"]:
        assert identifier.get("system") and identifier.get("value"), identifier
    slice_ = [i for i in resource["identifier"] if i["system"] == CODICE_FISCALE]
    if codice_fiscale is None:
        assert slice_ == []
    else:
        assert [i["value"] for i in slice_] == [codice_fiscale]
        assert CF_FORMAT.match(slice_[0]["value"])
    [name] = resource["name"]
    assert name["family"] and name["given"]
    assert resource["gender"] in GENDERS
    assert date.fromisoformat(resource["birthDate"])


def test_the_mapping_meets_the_base_profile() -> None:
    facts = fhir.PatientFacts(
        id=3, mrn="2026000001", codice_fiscale="BNCLRA80A41H501E", surname="Bianchi",
        given_names="Laura", sex="F", birth_date=date(1980, 1, 1), active=True,
    )  # fmt: skip
    assert_hl7_italia_patient(fhir.patient_resource(facts, mrn_system="urn:x"), "BNCLRA80A41H501E")
    no_cf = fhir.PatientFacts(
        id=4, mrn="2026000002", codice_fiscale="", surname="Doe", given_names="Jane", sex="X",
        birth_date=date(1990, 5, 5), active=True,
    )  # fmt: skip
    assert_hl7_italia_patient(fhir.patient_resource(no_cf, mrn_system="urn:x"), None)


@pytest.mark.django_db
def test_a_patient_read_meets_the_base_profile(make_user: MakeUser) -> None:
    rossi = patient_registered(make_user(Role.COORDINATOR))
    _status, body = fhir_get(api_client(make_user(Role.NURSE)), f"/fhir/Patient/{rossi.pk}")
    assert_hl7_italia_patient(body, "RSSMRA85T10A562S")


def test_the_capability_statement_lists_exactly_the_routes_served() -> None:
    from django.urls import reverse

    from corsia.fhir.domain.capability import capability_statement

    statement = capability_statement(base="http://h/fhir", published="2026-12-03")
    for resource in statement["rest"][0]["resource"]:
        kind = resource["type"]
        for interaction in resource["interaction"]:
            name = "read" if interaction["code"] == "read" else "search"
            args = ["1"] if name == "read" else []
            assert reverse(f"fhir:{kind.lower()}-{name}", args=args).startswith(f"/fhir/{kind}")
