"""Versioning, four-eyes validation, prescribability, FHIR export/import on the database."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.regimens import selectors, services
from corsia.regimens.domain.approval import ApprovalRefused, NotPrescribable
from corsia.regimens.domain.fhir import spec_to_plan_definition
from corsia.regimens.fhir_io import plan_definition_json
from corsia.regimens.models import Regimen, RegimenApproval, RegimenVersion
from corsia.testing.regimens import ABVD_INGREDIENTS, abvd_spec, make_ingredients


@pytest.fixture
def people(make_user):  # type: ignore[no-untyped-def]
    make_ingredients(ABVD_INGREDIENTS)
    return {
        "admin": make_user(Role.PHARMACIST, username="pharma.author"),
        "v1": make_user(Role.PHYSICIAN, username="dr.one"),
        "v2": make_user(Role.PHYSICIAN, username="dr.two"),
        "nurse": make_user(Role.NURSE, username="nurse"),
    }


def test_a_new_regimen_is_in_test_and_cannot_be_prescribed(people) -> None:  # type: ignore[no-untyped-def]
    version = services.regimen_save(actor=people["admin"], spec=abvd_spec(), expected_version=None)
    assert (version.number, version.status) == (1, "in_test")
    with pytest.raises(NotPrescribable) as error:
        selectors.ensure_prescribable(version)
    assert error.value.code == "regimen_not_validated"
    assert AuditEvent.objects.filter(event_type="regimens.version_created").count() == 1


def test_two_distinct_validators_make_it_prescribable(people) -> None:  # type: ignore[no-untyped-def]
    version = services.regimen_save(actor=people["admin"], spec=abvd_spec(), expected_version=None)
    services.regimen_approve(actor=people["v1"], version_id=version.pk)
    version.refresh_from_db()
    assert version.status == "in_test"
    services.regimen_approve(actor=people["v2"], version_id=version.pk, comment="ok")
    version.refresh_from_db()
    assert version.status == "validated"
    selectors.ensure_prescribable(version)
    assert list(
        AuditEvent.objects.filter(event_type__startswith="regimens.version_").values_list(
            "event_type", "actor_username"
        )
    ) == [
        ("regimens.version_created", "pharma.author"),
        ("regimens.version_approved", "dr.one"),
        ("regimens.version_approved", "dr.two"),
        ("regimens.version_validated", "dr.two"),
    ]


def test_second_approval_by_the_same_user_is_refused_and_changes_nothing(people) -> None:  # type: ignore[no-untyped-def]
    version = services.regimen_save(actor=people["admin"], spec=abvd_spec(), expected_version=None)
    services.regimen_approve(actor=people["v1"], version_id=version.pk)
    with pytest.raises(ApprovalRefused) as error:
        services.regimen_approve(actor=people["v1"], version_id=version.pk)
    assert error.value.code == "approval_duplicate"
    assert RegimenApproval.objects.filter(version=version).count() == 1
    version.refresh_from_db()
    assert version.status == "in_test"


def test_the_author_cannot_validate_their_own_version(people) -> None:  # type: ignore[no-untyped-def]
    version = services.regimen_save(actor=people["admin"], spec=abvd_spec(), expected_version=None)
    with pytest.raises(ApprovalRefused) as error:
        services.regimen_approve(actor=people["admin"], version_id=version.pk)
    assert error.value.code == "approval_by_author"
    assert not RegimenApproval.objects.exists()


def test_only_validators_approve_and_only_administrators_edit(people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionRefused):
        services.regimen_save(actor=people["v1"], spec=abvd_spec(), expected_version=None)
    assert not Regimen.objects.exists()
    version = services.regimen_save(actor=people["admin"], spec=abvd_spec(), expected_version=None)
    with pytest.raises(PermissionRefused):
        services.regimen_approve(actor=people["nurse"], version_id=version.pk)
    assert not RegimenApproval.objects.exists()


def test_editing_a_validated_regimen_makes_a_new_version_and_keeps_the_old_one(people) -> None:  # type: ignore[no-untyped-def]
    v1 = services.regimen_save(actor=people["admin"], spec=abvd_spec(), expected_version=None)
    services.regimen_approve(actor=people["v1"], version_id=v1.pk)
    services.regimen_approve(actor=people["v2"], version_id=v1.pk)
    regimen = Regimen.objects.get()
    v2 = services.regimen_save(
        actor=people["admin"],
        spec=abvd_spec(doxorubicin="30"),
        expected_version=regimen.version,
        change_note="prova",
    )
    v1.refresh_from_db()
    assert (v1.status, v2.number, v2.status) == ("validated", 2, "in_test")
    selectors.ensure_prescribable(v1)  # orders keep being built from v1 until v2 is validated
    assert selectors.version_spec(v1).components[0].dose == Decimal("25")
    services.regimen_approve(actor=people["v1"], version_id=v2.pk)
    services.regimen_approve(actor=people["v2"], version_id=v2.pk)
    v1.refresh_from_db()
    assert v1.status == "superseded"
    with pytest.raises(NotPrescribable) as error:
        selectors.ensure_prescribable(v1)
    assert error.value.code == "regimen_version_superseded"


def test_stale_editor_and_unchanged_document_are_refused(people) -> None:  # type: ignore[no-untyped-def]
    services.regimen_save(actor=people["admin"], spec=abvd_spec(), expected_version=None)
    regimen = Regimen.objects.get()
    with pytest.raises(ValidationFailed) as error:
        services.regimen_save(
            actor=people["admin"], spec=abvd_spec(), expected_version=regimen.version
        )
    assert error.value.code == "no_changes"
    with pytest.raises(Exception) as stale:
        services.regimen_save(
            actor=people["admin"], spec=abvd_spec(doxorubicin="30"), expected_version=99
        )
    assert getattr(stale.value, "code", "") == "stale_version"
    assert RegimenVersion.objects.count() == 1


def test_unknown_ingredient_is_named_and_nothing_is_written(make_user) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(Role.PHARMACIST)
    make_ingredients(("doxorubicin", "bleomycin", "vinblastine"))
    with pytest.raises(ValidationFailed) as error:
        services.regimen_save(actor=admin, spec=abvd_spec(), expected_version=None)
    assert error.value.code == "unknown_ingredient"
    assert error.value.details["missing"] == ["dacarbazine", "ondansetron"]
    assert "dacarbazine, ondansetron" in error.value.message
    assert not Regimen.objects.exists()


def test_plan_definition_export_then_import_yields_an_identical_regimen(people) -> None:  # type: ignore[no-untyped-def]
    original = services.regimen_save(actor=people["admin"], spec=abvd_spec(), expected_version=None)
    spec = selectors.version_spec(original)
    exported = plan_definition_json(spec_to_plan_definition(spec, version=1, status="in_test"))
    assert json.loads(exported)["resourceType"] == "PlanDefinition"
    imported = services.regimen_import_plan_definition(
        actor=people["admin"], document=exported, code="ABVD-COPY"
    )
    assert imported.source == "fhir"
    assert selectors.version_spec(imported) == dataclasses.replace(spec, code="ABVD-COPY")


def test_import_of_a_non_fhir_document_is_refused(people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as error:
        services.regimen_import_plan_definition(
            actor=people["admin"], document=b'{"resourceType": "PlanDefinition", "status": "nope"}'
        )
    assert error.value.code == "invalid_plan_definition"
    assert not Regimen.objects.exists()


def test_what_prescribing_reads_of_a_validated_version(people) -> None:  # type: ignore[no-untyped-def]
    # given ABVD whose ondansetron is given from cycle 2 only, validated
    spec = abvd_spec()
    later = dataclasses.replace(spec.components[-1], cycle_from=2)
    spec = dataclasses.replace(spec, components=(*spec.components[:-1], later))
    version = services.regimen_save(actor=people["admin"], spec=spec, expected_version=None)
    for approver in (people["v1"], people["v2"]):
        services.regimen_approve(actor=approver, version_id=version.pk)
    # then the components of each cycle, in order
    first = selectors.components_for_cycle(version, 1)
    assert [c.ingredient.code for c in first] == list(ABVD_INGREDIENTS[:-1])
    assert [c.sequence for c in selectors.components_for_cycle(version, 2)] == [1, 2, 3, 4, 5]
    # and the version by id, and among the prescribable ones for its disease only
    assert selectors.version_get(version_id=version.pk) == version
    assert selectors.prescribable_versions() == [version]
    assert selectors.prescribable_versions(diagnosis_code="9650/3") == [version]
    assert selectors.prescribable_versions(diagnosis_code="174.9") == []
    with pytest.raises(NotFound) as error:
        selectors.version_get(version_id=version.pk + 1000)
    assert error.value.code == "regimen_not_found"
