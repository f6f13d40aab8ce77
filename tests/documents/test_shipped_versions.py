"""The print templates shipped with Corsia are stored versions (version 1 on a new install):
the archive names a real version, the IT staff's first edit is version 2, a shipped file
changed by an upgrade becomes the next version only while the shipped one is in use, and
prints archived before (version 0) stay readable."""

from __future__ import annotations

import pytest

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError
from corsia.documents import selectors, services
from corsia.documents.models import Document, DocumentTemplate
from corsia.documents.rendering import DEFAULTS_DIR
from corsia.documents.schemas import SCHEMAS
from corsia.documents.shipped import default_codes, templates_install_shipped
from corsia.testing.accounts import logged_in
from corsia.testing.documents import MakeDocument, printed_html

pytestmark = pytest.mark.django_db

SHIPPED = [
    "call_in_list",
    "clinical_letter",
    "discharge_diary",
    "dispensing_receipt",
    "galenic_label",
    "haemovigilance_notification",
    "nutrition_label",
    "patient_bag_label",
    "preparation_label",
    "preparation_worksheet",
    "report_export",
    "requirements_sheet",
    "therapy_sheet",
    "transfusion_request",
    "ward_delivery_document",
    "ward_label",
    "ward_prescription",
    "ward_round",
    "wristband",
]


def test_a_new_install_stores_every_shipped_file_as_version_1_once() -> None:
    assert default_codes() == SHIPPED
    # when corsia_setup installs the shipped templates on an empty database
    stored = templates_install_shipped()
    # then each code holds version 1: the file's text, shipped (no author), active
    assert stored == [f"{code} v1" for code in SHIPPED]
    rows = {t.code: t for t in DocumentTemplate.objects.all()}
    assert sorted(rows) == SHIPPED
    for code, template in rows.items():
        assert (template.version, template.active, template.shipped) == (1, True, True)
        assert template.body == (DEFAULTS_DIR / f"{code}.html").read_text()
        assert template.title == SCHEMAS[code].title
    events = AuditEvent.objects.filter(event_type="documents.template_shipped_stored")
    assert (events.count(), events.first().actor_username) == (len(SHIPPED), "system")  # type: ignore[union-attr]
    # and running it again stores nothing
    assert templates_install_shipped() == []
    assert DocumentTemplate.objects.count() == len(SHIPPED)


def test_the_first_print_names_version_1_and_an_edit_is_version_2(
    make_document: MakeDocument, pharmacist: User
) -> None:
    # given a database where nothing is stored yet (a test database, no corsia_setup)
    assert not DocumentTemplate.objects.exists()
    editor_version, _title, body = selectors.template_current_body(
        user=pharmacist, code="therapy_sheet"
    )
    assert (editor_version, body) == (1, (DEFAULTS_DIR / "therapy_sheet.html").read_text())
    # when a therapy sheet is printed, the shipped file is stored first as version 1
    first = make_document()
    v1 = DocumentTemplate.objects.get(code="therapy_sheet")
    assert (first.template_version, first.template_sha256) == (1, v1.body_sha256)
    assert (v1.version, v1.shipped) == (1, True)
    # and the print can be composed again from the version it names
    assert "Foglio di terapia" in printed_html(first)
    # when the pharmacist edits the template starting from version 1
    v2 = services.template_update(
        actor=pharmacist,
        workstation=None,
        code="therapy_sheet",
        title="Foglio della farmacia",
        body="<h1>{{ title }}</h1><p>{{ patient.name }}</p>",
        expected_version=1,
    )
    # then it is version 2, by the pharmacist, and the next print uses it
    assert (v2.version, v2.shipped, v2.created_by) == (2, False, pharmacist)
    assert make_document().template_version == 2
    # an edit started from the old "version 0" of the file is refused as outdated
    with pytest.raises(ConflictError) as stale:
        services.template_update(
            actor=pharmacist, workstation=None, code="therapy_sheet", title="x",
            body="<p>x</p>", expected_version=0,
        )  # fmt: skip
    assert stale.value.code == "stale_version"
    # switching version 2 off goes back to the shipped version 1
    services.template_set_active(
        actor=pharmacist, workstation=None, template_id=v2.pk, active=False, reason="errore"
    )
    assert make_document().template_version == 1
    # and the last active version cannot be switched off: every print needs one
    with pytest.raises(ConflictError) as last:
        services.template_set_active(
            actor=pharmacist, workstation=None, template_id=v1.pk, active=False, reason="prova"
        )
    assert last.value.code == "last_active_version"
    assert DocumentTemplate.objects.get(pk=v1.pk).active


def test_an_upgraded_shipped_file_is_the_next_version_unless_an_edit_is_in_use(
    pharmacist: User,
) -> None:
    # given version 1 of two codes stored from an older release's files
    for code in ("therapy_sheet", "clinical_letter"):
        DocumentTemplate.objects.create(
            code=code, version=1, title="vecchio", body="<p>vecchio</p>",
            body_sha256="0" * 64, created_by=None,
        )  # fmt: skip
    # and the hospital's own edit of the clinical letter in use (version 2)
    DocumentTemplate.objects.create(
        code="clinical_letter", version=2, title="nostro", body="<p>nostro</p>",
        body_sha256="1" * 64, created_by=pharmacist,
    )  # fmt: skip
    # when corsia_setup runs after the upgrade
    stored = templates_install_shipped()
    # then the therapy sheet's new file is version 2; the letter keeps the hospital's edit
    assert "therapy_sheet v2" in stored and not any(s.startswith("clinical_letter") for s in stored)
    sheet = DocumentTemplate.objects.get(code="therapy_sheet", version=2)
    assert (sheet.shipped, sheet.body) == (True, (DEFAULTS_DIR / "therapy_sheet.html").read_text())
    assert DocumentTemplate.objects.filter(code="clinical_letter").count() == 2


def test_a_print_archived_before_as_version_0_stays_readable(
    make_document: MakeDocument, pharmacist: User, physician: User
) -> None:
    # given a therapy sheet archived by the previous release with the file as "version 0"
    document = make_document()
    Document.objects.filter(pk=document.pk).update(template_version=0)
    # then its page, its PDF and the file's text (the diff's version 0) are still there
    client = logged_in(physician)
    page = client.get(f"/documents/{document.pk}/")
    assert page.status_code == 200
    assert "therapy_sheet v0" in page.content.decode()
    pdf = client.get(f"/documents/{document.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content == bytes(document.content)
    old = selectors.template_version_body(user=pharmacist, code="therapy_sheet", version=0)
    assert old == (DEFAULTS_DIR / "therapy_sheet.html").read_text()
    # the SHA-256 it recorded names the shipped file (stored now as version 1)
    assert document.template_sha256 == DocumentTemplate.objects.get(version=1).body_sha256
