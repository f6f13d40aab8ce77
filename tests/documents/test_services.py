"""Archiving, signing, correcting documents; template versions; the database guards."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from PIL import Image

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.documents import services
from corsia.documents.domain.files import sha256_hex
from corsia.documents.models import Document, DocumentTemplate
from corsia.documents.rendering import resolve_template
from corsia.documents.signing import verify_pdf
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.documents import MakeDocument, sheet

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Document.objects.count(), DocumentTemplate.objects.count(), AuditEvent.objects.count()


def test_a_signed_document_is_archived_with_its_fingerprint_and_audit(
    make_document: MakeDocument, physician: User, patient: Patient
) -> None:
    document = make_document()
    document.refresh_from_db()
    content = bytes(document.content)
    assert content.startswith(b"%PDF-")
    assert document.sha256 == sha256_hex(content)
    assert document.size == len(content)
    assert (document.kind, document.title, document.patient_id) == (
        "therapy_sheet",
        "Foglio di terapia",
        patient.pk,
    )
    assert (document.source_app, document.source_model, document.source_id) == (
        "prescribing",
        "order",
        "42",
    )
    assert (document.template_code, document.template_version) == ("therapy_sheet", 1)
    assert document.template_sha256 == resolve_template("therapy_sheet").sha256
    assert document.signed and document.signer == physician
    assert document.signed_at == document.created_at
    assert document.signature_reason == "Conferma della prescrizione"
    assert document.workstation == "DH-PC01"
    assert document.version == 1 and document.supersedes is None
    assert document.context["patient"]["mrn"] == patient.mrn
    assert document.context["patient"]["date_of_birth"] == "10/12/1985"
    assert document.context["signature"]["signer"] == "Anna Bianchi"
    report = verify_pdf(content)
    assert report.valid and report.signer_name == "Anna Bianchi"
    event = AuditEvent.objects.get(event_type="documents.document_created")
    assert (event.target_id, event.patient_id, event.actor_id) == (
        str(document.pk),
        patient.pk,
        physician.pk,
    )
    assert event.after is not None and event.after["sha256"] == document.sha256


def test_an_unsigned_document_is_marked_as_such(make_document: MakeDocument) -> None:
    document = make_document(sign=False, reason="")
    assert not document.signed and document.signer is None and document.signed_at is None
    assert not verify_pdf(bytes(document.content)).signed
    assert document.context["signature"]["signed"] is False


def test_signing_without_a_reason_is_refused_and_nothing_is_written(
    make_document: MakeDocument,
) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as error:
        make_document(reason=" ")
    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    assert _counts() == before


def test_a_malformed_context_is_refused_and_nothing_is_written(
    make_document: MakeDocument,
) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as error:
        make_document(context={"sections": [{"heading": "Dosi", "rows": [["Dose", 1.5]]}]})
    assert error.value.field == "sections.0.rows.0.value"
    assert _counts() == before


def test_an_unknown_template_is_refused_and_nothing_is_written(
    make_document: MakeDocument,
) -> None:
    before = _counts()
    with pytest.raises(Exception) as error:
        make_document(template_code="discharge_letter")
    assert getattr(error.value, "code", None) == "template_not_found"
    assert _counts() == before


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.IT_STAFF, Role.TRIAL_MONITOR])
def test_roles_without_the_permission_cannot_archive(
    make_user: MakeUser, make_document: MakeDocument, role: Role
) -> None:
    before = _counts()
    with pytest.raises(PermissionRefused):
        make_document(actor=make_user(role))
    assert _counts() == before


# --- the database guards ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE {t} SET content = 'x'::bytea WHERE id = %s",
        "UPDATE {t} SET sha256 = repeat('0', 64) WHERE id = %s",
        "UPDATE {t} SET signed = false, signer_id = NULL, signed_at = NULL WHERE id = %s",
        "DELETE FROM {t} WHERE id = %s",
    ],
)
def test_the_database_refuses_to_alter_or_delete_a_signed_document(
    make_document: MakeDocument, sql: str
) -> None:
    document = make_document()
    original = bytes(document.content)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(t=Document._meta.db_table), [document.pk])
    document.refresh_from_db()
    assert bytes(document.content) == original
    assert document.sha256 == sha256_hex(original)
    assert document.signed


def test_the_orm_cannot_update_a_signed_document_either(make_document: MakeDocument) -> None:
    document = make_document()
    with pytest.raises(DatabaseError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(content=b"%PDF-forged")
    assert Document.objects.get(pk=document.pk).sha256 == document.sha256


def test_a_template_version_text_is_frozen(physician: User, pharmacist: User) -> None:
    template = services.template_update(
        actor=pharmacist,
        workstation=None,
        code="therapy_sheet",
        title="Foglio",
        body="<p>{{ title }}</p>",
        expected_version=1,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentTemplate.objects.filter(pk=template.pk).update(body="<p>altro</p>")
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentTemplate.objects.filter(pk=template.pk).delete()
    assert DocumentTemplate.objects.get(pk=template.pk).body == "<p>{{ title }}</p>"


# --- corrections ----------------------------------------------------------------------------


def test_a_correction_is_a_new_version_and_the_old_one_stays(
    make_document: MakeDocument, pharmacist: User
) -> None:
    # given a signed therapy sheet
    first = make_document()
    first_bytes, first_sha = bytes(first.content), first.sha256
    corrected_context = sheet()
    corrected_context["sections"][0]["rows"][0] = {"label": "Peso", "value": "68 kg"}
    # when the pharmacist corrects it
    second = services.document_correct(
        actor=pharmacist,
        workstation="UFA-PC02",
        document_id=first.pk,
        reason="Peso aggiornato dopo nuova misurazione",
        context=corrected_context,
    )
    # then a new signed version supersedes it, in the same chain
    assert second.pk != first.pk
    assert (second.version, second.supersedes_id, second.chain) == (2, first.pk, first.chain)
    assert second.correction_reason == "Peso aggiornato dopo nuova misurazione"
    assert (second.patient_id, second.kind, second.source_id) == (
        first.patient_id,
        first.kind,
        "42",
    )
    assert second.signed and second.signer == pharmacist
    assert second.context["sections"][0]["rows"][0]["value"] == "68 kg"
    assert second.context["document"]["supersedes_version"] == 1
    assert verify_pdf(bytes(second.content)).valid
    # and the first is untouched
    first.refresh_from_db()
    assert (bytes(first.content), first.sha256, first.version) == (first_bytes, first_sha, 1)
    assert first.superseded_by == second
    event = AuditEvent.objects.get(event_type="documents.document_corrected")
    assert event.reason == "Peso aggiornato dopo nuova misurazione"
    assert event.before == {"document_id": first.pk, "version": 1, "sha256": first_sha}


def test_a_superseded_version_cannot_be_corrected_again(
    make_document: MakeDocument, physician: User
) -> None:
    first = make_document()
    services.document_correct(
        actor=physician, workstation=None, document_id=first.pk, reason="refuso", context=sheet()
    )
    before = _counts()
    with pytest.raises(ConflictError) as error:
        services.document_correct(
            actor=physician, workstation=None, document_id=first.pk, reason="altro", context=sheet()
        )
    assert error.value.code == "document_already_superseded"
    assert _counts() == before


def test_a_correction_without_reason_is_refused_and_nothing_is_written(
    make_document: MakeDocument, physician: User
) -> None:
    first = make_document()
    before = _counts()
    with pytest.raises(ValidationFailed) as error:
        services.document_correct(
            actor=physician, workstation=None, document_id=first.pk, reason="", context=sheet()
        )
    assert error.value.code == "reason_required"
    assert _counts() == before


# --- templates ------------------------------------------------------------------------------


def test_template_edits_make_new_versions_and_documents_record_the_one_used(
    make_document: MakeDocument, pharmacist: User
) -> None:
    # given the shipped file (stored as version 1) used for a first document
    assert make_document().template_version == 1
    # when the pharmacist saves two edits
    v2 = services.template_update(
        actor=pharmacist,
        workstation=None,
        code="therapy_sheet",
        title="Foglio v2",
        body="<h1>{{ title }}</h1><p>uno</p>",
        expected_version=1,
    )
    v3 = services.template_update(
        actor=pharmacist,
        workstation=None,
        code="therapy_sheet",
        title="Foglio v3",
        body="<h1>{{ title }}</h1><p>due</p>",
        expected_version=2,
    )
    # then every version is kept and the latest is used
    assert (v2.version, v3.version) == (2, 3)
    assert list(
        DocumentTemplate.objects.filter(code="therapy_sheet").values_list("version", flat=True)
    ) == [3, 2, 1]
    document = make_document()
    assert (document.template_version, document.template_sha256) == (3, v3.body_sha256)
    # and switching v3 off falls back to v2 (the latest active)
    services.template_set_active(
        actor=pharmacist, workstation=None, template_id=v3.pk, active=False, reason="errore"
    )
    assert make_document().template_version == 2
    assert AuditEvent.objects.filter(event_type="documents.template_version_created").count() == 2


def test_an_edit_built_on_an_old_version_is_refused(pharmacist: User) -> None:
    services.template_update(
        actor=pharmacist,
        workstation=None,
        code="therapy_sheet",
        title="A",
        body="<p>a</p>",
        expected_version=1,
    )
    before = _counts()
    with pytest.raises(ConflictError) as error:
        services.template_update(
            actor=pharmacist,
            workstation=None,
            code="therapy_sheet",
            title="B",
            body="<p>b</p>",
            expected_version=1,
        )
    assert error.value.code == "stale_version"
    assert _counts() == before


def test_a_template_with_a_syntax_error_is_refused(pharmacist: User) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as error:
        services.template_update(
            actor=pharmacist,
            workstation=None,
            code="therapy_sheet",
            title="Rotto",
            body="<p>{% if title %}</p>",
            expected_version=1,
        )
    assert (error.value.code, error.value.field) == ("template_syntax_error", "body")
    assert _counts() == before


@pytest.mark.parametrize("body", ['{% include "base.html" %}', "{% load static %}"])
def test_templates_cannot_reach_other_templates_or_tag_libraries(
    pharmacist: User, body: str
) -> None:
    with pytest.raises(ValidationFailed):
        services.template_update(
            actor=pharmacist,
            workstation=None,
            code="therapy_sheet",
            title="x",
            body=body,
            expected_version=1,
        )


def test_a_template_cannot_read_local_files(pharmacist: User, tmp_path: Path) -> None:
    # given a local image file and the same image inlined as a data: URI
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (255, 0, 0)).save(buffer, "PNG")
    image = tmp_path / "local.png"
    image.write_bytes(buffer.getvalue())
    inline = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()

    def preview(src: str) -> bytes:
        return services.template_preview_pdf(
            actor=pharmacist, code="therapy_sheet", body=f'<p>x</p><img src="{src}">'
        )

    # then the inline image is embedded but the local file is never read
    assert b"/Image" in preview(inline)
    assert b"/Image" not in preview(image.as_uri())


@pytest.mark.parametrize("role", [Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR])
def test_only_template_managers_edit_templates(make_user: MakeUser, role: Role) -> None:
    before = _counts()
    with pytest.raises(PermissionRefused):
        services.template_update(
            actor=make_user(role),
            workstation=None,
            code="therapy_sheet",
            title="x",
            body="<p>x</p>",
            expected_version=1,
        )
    assert _counts() == before
