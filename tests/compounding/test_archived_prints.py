"""The UFA's prints through the editable templates (issue 23 §22-23): the preparation label
and the patient-bag label carry today's content (patient, drug, dose, volume, expiry, a
barcode that decodes to the preparation's code), every print is archived with its template
version, an IT edit takes effect on the next print, and an edit that drops a safety field is
refused in Italian."""

from __future__ import annotations

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.compounding.domain.labels import (
    INTRATHECAL_WARNING,
    STYLE_COLOURS,
    VINCA_WARNING,
    LabelStyle,
)
from corsia.compounding.models import CheckOut, Preparation
from corsia.core.domain.errors import ValidationFailed
from corsia.documents.models import Document
from corsia.documents.rendering import DEFAULTS_DIR, TemplateSource, render_html
from corsia.documents.schemas import SCHEMAS
from corsia.documents.services import template_set_active, template_update
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.barcodes import decode_data_uri
from corsia.testing.compounding import Folfox, check_out, make_preparations
from corsia.testing.documents import edit_refused, printed_html, shipped_without

pytestmark = pytest.mark.django_db


@pytest.fixture
def pharmacist(make_user: MakeUser) -> User:
    return make_user(Role.PHARMACIST, username="farm_stampe")


@pytest.fixture
def technician(make_user: MakeUser) -> User:
    return make_user(Role.TECHNICIAN, username="tec_stampe")


@pytest.fixture
def it_staff(make_user: MakeUser) -> User:
    return make_user(Role.IT_STAFF, username="si_stampe")


def _oxali(folfox: Folfox, pharmacist: User, technician: User) -> Preparation:
    make_preparations(
        folfox, pharmacist=pharmacist, technician=technician, day=timezone.localdate()
    )
    return Preparation.objects.get(order=folfox.order, order_item__ingredient__code="oxaliplatin")


def test_the_label_printed_by_the_technician_is_archived_with_todays_content(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    oxali = _oxali(folfox, pharmacist, technician)
    response = logged_in(technician).get(f"/compounding/preparations/{oxali.pk}/label.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(template_code="preparation_label")
    # the PDF answered is the archived one, unsigned, with the shipped template (version 1)
    assert response.content == bytes(document.content)
    assert (document.patient_id, document.signed, document.template_version) == (
        folfox.patient.pk,
        False,
        1,
    )
    assert (document.source_app, document.source_model, document.source_id) == (
        "compounding",
        "preparation",
        str(oxali.pk),
    )
    html = printed_html(document)
    patient = folfox.patient
    assert f"<h1>{patient.surname.upper()} {patient.given_names}</h1>" in html
    assert f"Nato/a il {patient.date_of_birth:%d/%m/%Y} · MRN {patient.mrn}" in html
    assert '<div class="drug">Oxaliplatino 170 mg</div>' in html
    assert "in glucosio 5% 250 mL · volume finale 284 mL" in html
    assert oxali.expiry_at is not None
    assert f"Scadenza {timezone.localtime(oxali.expiry_at):%d/%m/%Y %H:%M}" in html
    assert "Conservare in frigorifero (2-8 °C)" in html
    # the barcode drawn on the label decodes to the preparation's code
    assert f'src="{document.context["barcode"]["image"]}"' in html
    assert decode_data_uri(document.context["barcode"]["image"]) == oxali.label_code
    # each print is archived: a second print is a second document
    logged_in(technician).get(f"/compounding/preparations/{oxali.pk}/label.pdf")
    assert Document.objects.filter(template_code="preparation_label").count() == 2


def test_an_it_edit_takes_effect_on_the_next_print_and_its_version_is_archived(
    folfox: Folfox, pharmacist: User, technician: User, it_staff: User
) -> None:
    oxali = _oxali(folfox, pharmacist, technician)
    default = (DEFAULTS_DIR / "preparation_label.html").read_text()
    edited = default.replace("<h1>", '<p class="ward-note">Etichetta rivista dal SI</p><h1>')
    version = template_update(
        actor=it_staff,
        workstation=None,
        code="preparation_label",
        title="Etichetta con nota",
        body=edited,
        expected_version=1,
    )
    template_set_active(
        actor=it_staff, workstation=None, template_id=version.pk, active=False, reason="Prova"
    )
    client = logged_in(technician)
    client.get(f"/compounding/preparations/{oxali.pk}/label.pdf")
    before = Document.objects.latest("pk")
    assert before.template_version == 1  # the shipped file, stored as version 1
    assert "Etichetta rivista" not in printed_html(before)
    # activated with a reason, the next print uses it
    template_set_active(
        actor=it_staff,
        workstation=None,
        template_id=version.pk,
        active=True,
        reason="Nota di reparto richiesta dalla UFA",
    )
    client.get(f"/compounding/preparations/{oxali.pk}/label.pdf")
    after = Document.objects.latest("pk")
    assert (after.template_code, after.template_version) == ("preparation_label", 2)
    html = printed_html(after)
    assert "Etichetta rivista dal SI" in html
    assert decode_data_uri(after.context["barcode"]["image"]) == oxali.label_code


@pytest.mark.parametrize(
    ("code", "drop", "named"),
    [
        ("preparation_label", '<img class="barcode" src="{{ barcode.image }}"', "barcode.image"),
        ("preparation_label", '{{ label.expiry|default:"—" }}', "label.expiry"),
        ("preparation_label", "{{ label.warning }}</div>", "label.warning"),
        ("patient_bag_label", "<h1>{{ patient.name }}</h1>", "patient.name"),
        ("patient_bag_label", '<img class="barcode" src="{{ barcode.image }}"', "barcode.image"),
        ("galenic_label", '<img class="barcode" src="{{ barcode.image }}"', "barcode.image"),
    ],
)
def test_an_edit_dropping_a_safety_field_is_refused_in_italian(
    it_staff: User, code: str, drop: str, named: str
) -> None:
    refused = edit_refused(it_staff, code, shipped_without(code, drop) + "<!-- tolto -->")
    assert refused.code == "template_required_field_missing"
    assert refused.details == {"missing_fields": [named]}
    assert "campi obbligatori per la sicurezza" in refused.message


def test_a_field_hidden_by_a_condition_that_never_holds_is_missing_too(it_staff: User) -> None:
    default = (DEFAULTS_DIR / "preparation_label.html").read_text()
    hidden = default.replace(
        '<img class="barcode" src="{{ barcode.image }}"',
        '{% if label.style == "mai" %}<img class="barcode" src="{{ barcode.image }}"{% endif %}',
    )
    with pytest.raises(ValidationFailed) as refused:
        template_update(
            actor=it_staff,
            workstation=None,
            code="preparation_label",
            title="Codice nascosto",
            body=hidden,
            expected_version=1,
        )
    assert refused.value.details == {"missing_fields": ["barcode.image"]}


def test_the_bag_label_is_archived_with_its_preparations_and_bag_barcode(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    _oxali(folfox, pharmacist, technician)
    codes = check_out(folfox, technician=technician, day=timezone.localdate())
    checkout = CheckOut.objects.get(order=folfox.order)
    response = logged_in(technician).get(f"/compounding/checkouts/{checkout.pk}/label.pdf")
    assert response.status_code == 200
    document = Document.objects.get(template_code="patient_bag_label")
    assert response.content == bytes(document.content)
    html = printed_html(document)
    patient = folfox.patient
    assert f"<h1>{patient.surname.upper()} {patient.given_names}</h1>" in html
    assert f"MRN {patient.mrn}" in html
    printed = [p["code"] for p in document.context["preparations"]]
    assert sorted(printed) == sorted(codes)
    oxali = next(p for p in document.context["preparations"] if p["drug"] == "Oxaliplatino")
    assert oxali["dose"] == "170 mg"  # the Italian number and the line's unit
    assert f"<li>{oxali['code']} Oxaliplatino 170 mg</li>" in html
    assert decode_data_uri(document.context["barcode"]["image"]) == f"BAG{checkout.pk:09d}"


def test_the_worksheet_is_archived_with_the_vials_used(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    oxali = _oxali(folfox, pharmacist, technician)
    response = logged_in(pharmacist).get(f"/compounding/preparations/{oxali.pk}/worksheet.pdf")
    assert response.status_code == 200
    document = Document.objects.get(template_code="preparation_worksheet")
    html = printed_html(document)
    vial = oxali.vials.select_related("product").first()
    assert vial is not None
    assert f"<td>{vial.product.name}</td><td>{vial.lot}</td>" in html
    assert (
        "<tr><th>Principio attivo</th><td>Oxaliplatino</td><th>Dose</th><td>170 mg</td></tr>"
        in html
    )
    assert decode_data_uri(document.context["barcode"]["image"]) == oxali.label_code


def test_the_shipped_label_prints_the_route_warning_band_in_the_style_colour() -> None:
    schema = SCHEMAS["preparation_label"]
    body = (DEFAULTS_DIR / "preparation_label.html").read_text()
    source = TemplateSource("preparation_label", 0, "", body)
    for style, warning in (
        (LabelStyle.VINCA, VINCA_WARNING),
        (LabelStyle.INTRATHECAL, INTRATHECAL_WARNING),
    ):
        background, text = STYLE_COLOURS[style]
        context = {
            **schema.sample,
            "label": {**schema.sample["label"], "style": str(style), "warning": warning},
        }
        html = render_html(source, context)
        assert f'<body class="label-{style}">' in html
        assert f'<div class="route-warning" data-style="{style}">{warning}</div>' in html
        assert (
            f".label-{style} .route-warning {{ background: {background}; color: {text}; }}" in html
        )
    standard = {
        **schema.sample,
        "label": {**schema.sample["label"], "style": "standard", "warning": ""},
    }
    assert 'route-warning"' not in render_html(source, standard)


def test_the_api_documents_which_fields_a_label_must_print(it_staff: User) -> None:
    detail = api_client(it_staff).get("/api/v1/documents/templates/preparation_label").json()
    required = sorted(f["path"] for f in detail["fields"] if f["required"])
    assert required == sorted(
        [
            "patient.name",
            "patient.date_of_birth",
            "patient.mrn",
            "barcode.image",
            "label.drug",
            "label.dose",
            "label.final_volume",
            "label.route",
            "label.expiry",
            "label.warning",
        ]
    )
