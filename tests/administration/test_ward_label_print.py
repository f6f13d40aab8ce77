"""The label of a drug prepared on the ward, through its editable template (issue 23
§22-23): archived with its template version at every print, the PDF answered is the
archived copy, the barcode decodes to ``WRD`` + the order item (what the bedside check
reads, as before); only the nurse prints it; an edit dropping a safety field is refused."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.documents.models import Document
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.administration import Folfox
from corsia.testing.barcodes import decode_data_uri
from corsia.testing.documents import (
    edit_refused,
    printed_html,
    shipped_without,
    the_archived_print,
)

pytestmark = pytest.mark.django_db


def test_the_ward_label_is_the_archived_print_with_the_old_barcode(folfox: Folfox) -> None:
    ondansetron = folfox.items["ondansetron"]
    response = logged_in(folfox.nurse).get(f"/administration/label/{ondansetron.pk}/")
    document = the_archived_print(response, "ward_label")
    assert (document.patient_id, document.template_version) == (folfox.patient.pk, 1)
    assert (document.source_app, document.source_model, document.source_id) == (
        "prescribing",
        "orderitem",
        str(ondansetron.pk),
    )
    assert document.context["item"] == {
        "drug": "ondansetron",
        "dose": "8 mg",
        "route": "Endovenosa",
        "preparation": ondansetron.preparation,
        "duration": "15 min",
        "cycle_day": "1",
    }
    html = printed_html(document)
    patient = folfox.patient
    assert f'<div class="name">{patient.surname.upper()} {patient.given_names}</div>' in html
    assert f"Nato/a il {patient.date_of_birth:%d/%m/%Y} · MRN {patient.mrn}" in html
    assert '<div class="drug">ondansetron 8 mg</div>' in html
    assert decode_data_uri(document.context["barcode"]["image"]) == f"WRD{ondansetron.pk}"


def test_only_the_nurse_prints_it_and_a_pharmacy_drug_has_none(
    folfox: Folfox, make_user: MakeUser
) -> None:
    ondansetron = folfox.items["ondansetron"]
    for role in (Role.PHARMACIST, Role.TECHNICIAN, Role.COORDINATOR):
        refused = logged_in(make_user(role)).get(f"/administration/label/{ondansetron.pk}/")
        assert refused.status_code == 403
    oxaliplatin = folfox.items["oxaliplatin"]
    assert (
        logged_in(folfox.nurse).get(f"/administration/label/{oxaliplatin.pk}/").status_code == 302
    )
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        ('<div class="name">{{ patient.name }}</div>', "patient.name"),
        ("Nato/a il {{ patient.date_of_birth }}", "patient.date_of_birth"),
        ("MRN {{ patient.mrn }}", "patient.mrn"),
        ('<img class="barcode" src="{{ barcode.image }}"', "barcode.image"),
        ("{{ item.drug }} ", "item.drug"),
        ("{{ item.dose }}</div>", "item.dose"),
        ("<div>{{ item.route }}", "item.route"),
    ],
)
def test_an_edit_dropping_a_safety_field_of_the_ward_label_is_refused(
    make_user: MakeUser, drop: str, named: str
) -> None:
    body = shipped_without("ward_label", drop)
    refused = edit_refused(make_user(Role.IT_STAFF), "ward_label", body)
    assert refused.code == "template_required_field_missing"
    assert refused.details == {"missing_fields": [named]}
    assert f"campi obbligatori per la sicurezza: «{named}»" in refused.message
