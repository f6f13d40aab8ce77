"""The bag's printed label, PDF (through its editable template, archived) and ZPL, through
the pages and the API.

The adult example (ADULT_EXAMPLE, 70 kg, 24 h), by hand: Aminoven 10% 1000 mL, glucose
50% 500 mL, SMOFlipid 20% 250 mL, NaCl 2 mmol/mL 80 mmol = 40 mL, KCl 2 mEq/mL 60 mEq =
30 mL, Glycophos 1 mmol P/mL 15 mmol = 15 mL, calcium gluconate 0.225 mmol/mL 4.5 mmol =
20 mL, MgSO4 10% 20 mL, Addaven 1 vial = 10 mL, Soluvit N 1 vial = 10 mL:
1000 + 500 + 250 + 40 + 30 + 15 + 20 + 20 + 10 + 10 = 1895 mL; 1895 / 24 = 78.958 → 79.0
mL/h. Compounding order (ASPEN, Boullata 2014): amino acids, glucose; phosphate; Na, K,
Mg; trace elements; calcium; water-soluble vitamins; the lipid emulsion last. Expiry: the
compounding time + 24 h (CORSIA_NUTRITION_STABILITY_HOURS).

WeasyPrint's PDF keeps its text as glyph ids in compressed streams and no PDF text
extractor is installed (no pypdf, no pdftotext): the PDF answered is checked to be the
archived one, and the HTML it was made from (its template version and stored context,
``printed_html``) for its text."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.documents.models import Document
from corsia.documents.rendering import DEFAULTS_DIR, TemplateSource, render_html
from corsia.documents.schemas import SCHEMAS
from corsia.nutrition.domain.label import Label, LabelLine, label_zpl
from corsia.nutrition.models import NutritionOrder
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.barcodes import decode_data_uri
from corsia.testing.documents import (
    edit_refused,
    printed_html,
    shipped_without,
    the_archived_print,
)
from corsia.testing.nutrition import prepared, validated

pytestmark = pytest.mark.django_db
BASE = "/api/v1/nutrition"

COMPOUNDING_ORDER = [
    ("Aminoven 10%", "1000 mL", "1000,0"),
    ("Glucosio 50%", "500 mL", "500,0"),
    ("Glycophos (sodio glicerofosfato)", "15 mmol", "15,0"),
    ("Sodio cloruro 2 mEq/mL", "80 mmol", "40,0"),
    ("Potassio cloruro 2 mEq/mL", "60 mEq", "30,0"),
    ("Magnesio solfato 10%", "20 mL", "20,0"),
    ("Addaven", "1 unit", "10,0"),
    ("Calcio gluconato 10%", "4.5 mmol", "20,0"),
    ("Soluvit N", "1 unit", "10,0"),
    ("SMOFlipid 20%", "250 mL", "250,0"),
]


def _compounded(physician: User, pharmacist: User, patient: Patient) -> NutritionOrder:
    return prepared(pharmacist, validated(physician, pharmacist, patient.pk))


def test_zpl_field_by_field(physician: User, pharmacist: User, adult: Patient) -> None:
    order = _compounded(physician, pharmacist, adult)
    client = logged_in(pharmacist)
    answer = client.get(f"/nutrition/orders/{order.pk}/label.zpl")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    assert answer["Content-Disposition"] == f'inline; filename="NPT-{order.pk}.zpl"'
    fields = answer.content.decode().splitlines()
    assert fields[:4] == ["^XA", "^CI28", "^PW812", "^LL1218"]
    assert fields[-1] == "^XZ"

    def data(prefix: str) -> list[str]:
        return [f.split("^FD", 1)[1].removesuffix("^FS") for f in fields if f.startswith(prefix)]

    born = f"{adult.date_of_birth:%d/%m/%Y}"
    assert data("^FO30,25^") == [f"NUTRIZIONE PARENTERALE NPT-{order.pk}"]
    assert data("^FO30,65^") == [f"{adult.surname} {adult.given_names} ({born}) - MRN {adult.mrn}"]
    assert data("^FO30,110^") == ["Via centrale"]
    assert data("^FO30,150^") == ["Volume 1895,0 mL in 24 h - VELOCITA' 79,0 mL/h"]
    # the ten components, 34 dots apart from y = 205, in compounding order
    lines = [data(f"^FO30,{205 + 34 * i}^")[0] for i in range(10)]
    assert lines == [f"{n}: {p} ({v} mL)" for n, p, v in COMPOUNDING_ORDER]
    local = timezone.localtime(order.prepared_at)
    assert order.prepared_at is not None
    # after the 10 lines y = 205 + 340 = 545: compounding at 555, expiry at 595
    assert data("^FO30,555^") == [f"Allestita il {local:%d/%m/%Y %H:%M}"]
    expiry = local + timedelta(hours=24)
    assert data("^FO30,595^") == [f"SCADENZA {expiry:%d/%m/%Y %H:%M}"]
    barcode = [f for f in fields if "^BC" in f]
    assert barcode == [f"^FO30,645^BY3^BCN,110,Y,N,N^FDNPT-{order.pk}^FS"]


def test_the_pdf_is_the_archived_print_of_its_template(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = _compounded(physician, pharmacist, adult)
    client = logged_in(pharmacist)
    answer = client.get(f"/nutrition/orders/{order.pk}/label.pdf")
    # the PDF answered is the archived copy: unsigned, the shipped template (version 0)
    document = the_archived_print(answer, "nutrition_label")
    assert (document.patient_id, document.template_version) == (adult.pk, 1)
    assert (document.source_app, document.source_model, document.source_id) == (
        "nutrition",
        "nutritionorder",
        str(order.pk),
    )
    api = client.get(f"{BASE}/orders/{order.pk}/label.pdf")
    assert api.status_code == 200
    again = Document.objects.get(pk=int(api["X-Corsia-Document"]))
    assert (again.template_code, api.content) == ("nutrition_label", bytes(again.content))
    html = printed_html(document)
    local = timezone.localtime(order.prepared_at)
    assert order.results is not None
    osmolarity = Decimal(order.results["osmolarity_mosm_l"]).quantize(Decimal(1))
    for text in (
        f"NUTRIZIONE PARENTERALE NPT-{order.pk}",
        f'<div class="patient">{adult.surname.upper()} {adult.given_names}</div>',
        f"Nato/a il {adult.date_of_birth:%d/%m/%Y} · MRN {adult.mrn}",
        '<div class="route">VIA CENTRALE</div>',
        "Volume 1895,0 mL in 24 h · VELOCITÀ 79,0 mL/h",
        f"<div>Osmolarità {osmolarity} mOsm/L</div>",  # central: no peripheral limit
        f"Allestita il {local:%d/%m/%Y %H:%M}",
        f"SCADENZA {local + timedelta(hours=24):%d/%m/%Y %H:%M}",
        "Conservare in frigorifero (2-8 °C), al riparo dalla luce",
    ):
        assert text in html, text
    positions = [html.index(f"<td>{name}</td>") for name, _p, _v in COMPOUNDING_ORDER]
    assert positions == sorted(positions)
    assert document.context["bag"]["lines"][0] == {
        "name": "Aminoven 10%",
        "prescribed": "1000 mL",
        "volume": "1000,0",
    }
    # the barcode the bedside reads: Code 128 of NPT-<id>, as before
    assert decode_data_uri(document.context["barcode"]["image"]) == f"NPT-{order.pk}"


def test_a_peripheral_bag_prints_its_osmolarity_against_the_limit() -> None:
    schema = SCHEMAS["nutrition_label"]
    source = TemplateSource(
        "nutrition_label", 0, "", (DEFAULTS_DIR / "nutrition_label.html").read_text()
    )
    peripheral = render_html(source, dict(schema.sample))
    assert '<div class="route">VIA PERIFERICA</div>' in peripheral
    assert (
        "<div>Osmolarità 812 mOsm/L (limite per la via periferica 900 mOsm/L)</div>" in peripheral
    )
    central = {
        **schema.sample,
        "bag": {**schema.sample["bag"], "route": "Centrale", "peripheral": False},
    }
    assert "<div>Osmolarità 812 mOsm/L</div>" in render_html(source, central)


@pytest.mark.parametrize(
    "drop",
    [
        ('<div class="patient">{{ patient.name }}</div>', "patient.name"),
        ("Nato/a il {{ patient.date_of_birth }}", "patient.date_of_birth"),
        ("MRN {{ patient.mrn }}", "patient.mrn"),
        ('<img class="barcode" src="{{ barcode.image }}"', "barcode.image"),
        ("VIA {{ bag.route|upper }}", "bag.route"),
        ("Volume {{ bag.volume }}", "bag.volume"),
        ("in {{ bag.infusion_hours }}", "bag.infusion_hours"),
        ("VELOCITÀ {{ bag.rate }}", "bag.rate"),
        ("Osmolarità {{ bag.osmolarity }}", "bag.osmolarity"),
        ("<td>{{ line.name }}</td>", "bag.lines[].name"),
        ('SCADENZA {{ bag.expiry|default:"—" }}', "bag.expiry"),
        ("<div>{{ bag.storage }}</div>", "bag.storage"),
    ],
)
def test_an_edit_dropping_a_safety_field_of_the_bag_label_is_refused_in_italian(
    make_user: MakeUser, drop: tuple[str, str]
) -> None:
    text, named = drop
    body = shipped_without("nutrition_label", text)
    refused = edit_refused(make_user(Role.IT_STAFF), "nutrition_label", body)
    assert refused.code == "template_required_field_missing"
    assert refused.details == {"missing_fields": [named]}
    assert refused.message.startswith(
        "Il modello «nutrition_label» deve stampare i campi obbligatori per la sicurezza: "
        f"«{named}»"
    )


def test_page_links_and_api_zpl(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = _compounded(physician, pharmacist, adult)
    pharmacy = logged_in(pharmacist)
    page = pharmacy.get(f"/nutrition/orders/{order.pk}/").content.decode()
    assert f"/nutrition/orders/{order.pk}/label.pdf" in page
    assert f"/nutrition/orders/{order.pk}/label.zpl" in page
    day = f"{order.for_date:%Y-%m-%d}"
    plan = pharmacy.get(f"/nutrition/work-plan/?day={day}").content.decode()
    assert f"/nutrition/orders/{order.pk}/label.zpl" in plan
    zpl = pharmacy.get(f"{BASE}/orders/{order.pk}/label.zpl")
    assert zpl.status_code == 200
    assert f"^BCN,110,Y,N,N^FDNPT-{order.pk}^FS" in zpl.content.decode()


def test_no_label_before_compounding_nor_for_the_unknown(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = validated(physician, pharmacist, adult.pk)
    client = logged_in(pharmacist)
    page = client.get(f"/nutrition/orders/{order.pk}/").content.decode()
    assert "label.pdf" not in page  # the page shows the label, without its expiry yet
    for suffix in ("pdf", "zpl"):
        refused = client.get(f"{BASE}/orders/{order.pk}/label.{suffix}")
        assert refused.status_code == 409
        assert refused["Content-Type"].startswith("application/problem+json")
        assert refused.json()["code"] == "nutrition_label_not_ready"
        assert client.get(f"/nutrition/orders/{order.pk}/label.{suffix}").status_code == 409
        missing = client.get(f"{BASE}/orders/999999/label.{suffix}")
        assert missing.status_code == 404
        assert missing.json()["code"] == "nutrition_order_not_found"
        assert client.get(f"/nutrition/orders/999999/label.{suffix}").status_code == 404


def test_the_label_needs_the_permission(
    physician: User, pharmacist: User, adult: Patient, make_user: MakeUser
) -> None:
    order = _compounded(physician, pharmacist, adult)
    outsider = logged_in(make_user(Role.COORDINATOR))
    assert outsider.get(f"{BASE}/orders/{order.pk}/label.zpl").status_code == 403
    assert outsider.get(f"{BASE}/orders/{order.pk}/label.pdf").status_code == 403
    assert outsider.get(f"/nutrition/orders/{order.pk}/label.pdf").status_code == 403
    assert not Document.objects.exists()


def test_zpl_text_cannot_inject_commands_and_a_long_bag_refuses() -> None:
    """A ``^`` or ``~`` in a name would start a ZPL command; a control character never
    reaches the printer; more lines than the stock holds refuses."""
    label = Label(
        bag_id="NPT-1", patient="Rossi^XZ Mario~JA\x00", route="Periferica",
        volume_ml=Decimal("100.0"),
        rate_ml_h=Decimal("4.2"),
        infusion_hours=Decimal("24.00"),
        lines=(LabelLine("A^FS", "1 mL", Decimal("1.0")),),
        expires_at=None,
    )  # fmt: skip
    fields = label_zpl(label).splitlines()
    assert "^FO30,65^A0N,34,34^FDRossi XZ Mario JA ^FS" in fields
    assert "^FO30,205^A0N,26,26^FDA FS: 1 mL (1,0 mL)^FS" in fields
    # one line: y = 205 + 34 = 239; the expiry 50 dots below
    assert "^FO30,289^A0N,34,34^FDSCADENZA -^FS" in fields
    long = Label(**{**label.__dict__, "lines": label.lines * 19})
    with pytest.raises(ValueError):
        label_zpl(long)
