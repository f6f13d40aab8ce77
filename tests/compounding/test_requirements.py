"""Requirements and pick list fed by planned orders, on a real FOLFOX-4 order.

Reference figures (hand-computed; doses as in ``corsia/testing/compounding.py``):
patient M, 180 cm, 80 kg, Mosteller BSA = sqrt(180 x 80 / 3600) = 2.00 m². FOLFOX-4
(de Gramont, J Clin Oncol 2000;18:2938) day 1: oxaliplatin 85 mg/m² = 170 mg; days 1 and
2: calcium folinate 200 mg/m² = 400 mg, fluorouracil bolus 400 mg/m² = 800 mg and 22-hour
infusion 600 mg/m² = 1200 mg.

Vials (shipped archive: oxaliplatin 5 mg/mL 50/100/200 mg, calcium folinate 10 mg/mL
50/100/350 mg, fluorouracil 50 mg/mL 500/1000/5000 mg; all solutions or concentrates with
no documented in-use stability, so one vial serves one dose). The UFA's objective
(``corsia/compounding/domain/vials.py``): least waste plus a handling charge per vial; the
archive has no prices, so waste is in mg and the charge is 0.2 x the family's smallest
vial (oxaliplatin 10 mg, folinate 10 mg, fluorouracil 100 mg a vial):
- oxaliplatin 170 mg: 200 -> 30 + 10 = 40; 100 + 100 -> 30 + 20 = 50; 100 + 50 + 50 ->
  30 + 30 = 60 -> 1 x 200 mg;
- calcium folinate 400 mg: 350 + 50 -> 0 + 20 = 20; 4 x 100 -> 0 + 40 -> 1 x 350 + 1 x 50;
- fluorouracil 800 mg: 1000 -> 200 + 100 = 300; 500 + 500 -> 200 + 200 = 400 -> 1 x 1000;
- fluorouracil 1200 mg: 1000 + 500 -> 300 + 200 = 500; 3 x 500 -> 300 + 300 = 600;
  5000 -> 3800 + 100 = 3900 -> 1 x 1000 + 1 x 500.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.compounding.domain.requirements import (
    PlannedDose,
    Tray,
    TrayNeed,
    tray_pick_list,
    vials_per_dose,
)
from corsia.compounding.domain.vials.inputs import VialSize
from corsia.compounding.requirements import planned_requirements
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.documents.models import Document
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import services
from corsia.inventory.domain.stock import LotStock
from corsia.inventory.models import StorageLocation
from corsia.prescribing import services as orders
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.compounding import Folfox, folfox_sent_to_pharmacy
from corsia.testing.documents import printed_html
from corsia.testing.prescribing import measured_patient

OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"
LV_350 = "calcium_folinate_350mg_35ml_lederfolin"
LV_50 = "calcium_folinate_50mg_5ml_lederfolin"
FU_1000 = "fluorouracil_1000mg_20ml_fluorouracile"
FU_500 = "fluorouracil_500mg_10ml_fluorouracile"

D1 = date(2026, 10, 15)
TRAY = Tray(day=D1, patient="BIANCHI Carlo (M1)", order_id=1, order="FOLFOX-4 C1")


def _sizes(family: str, *strengths: int) -> list[VialSize]:
    return [VialSize(f"{family}_{s}", family, Decimal(s)) for s in strengths]


def test_vials_per_dose_follow_the_ufa_objective_for_folfox_day_1() -> None:
    sizes = [
        *_sizes("oxali", 50, 100, 200),
        *_sizes("lv", 50, 100, 350),
        *_sizes("fu", 500, 1000, 5000),
    ]
    doses = [
        PlannedDose("oxali", TRAY, "oxaliplatino", "oxali", Decimal(170)),
        PlannedDose("lv", TRAY, "calcio folinato", "lv", Decimal(400)),
        PlannedDose("bolus", TRAY, "fluorouracile", "fu", Decimal(800)),
        PlannedDose("infusion", TRAY, "fluorouracile", "fu", Decimal(1200)),
    ]
    result = {d.dose.key: d.vials for d in vials_per_dose(doses, sizes, {})}
    assert result == {
        "oxali": (("oxali_200", 1),),
        "lv": (("lv_350", 1), ("lv_50", 1)),
        "bolus": (("fu_1000", 1),),
        "infusion": (("fu_1000", 1), ("fu_500", 1)),
    }


def test_a_powder_vial_within_its_stability_is_shared_and_counted_on_the_first_tray() -> None:
    # two 120 mg doses the same day, 150 mg vials stable 48 h once reconstituted: 240 mg
    # fit in two vials (300 mg); without stability each dose opens its own vial -> also 2.
    # Three doses of 100 mg: shared -> ceil(300 / 150) = 2 vials; single use -> 3.
    second = Tray(day=D1, patient="ROSSI Anna (M2)", order_id=2, order="TRA C1")
    doses = [
        PlannedDose("a", TRAY, "trastuzumab", "tra", Decimal(100)),
        PlannedDose("b", second, "trastuzumab", "tra", Decimal(100)),
        PlannedDose("c", second, "trastuzumab", "tra", Decimal(100)),
    ]
    sizes = _sizes("tra", 150)
    shared = vials_per_dose(doses, sizes, {"tra": Decimal(48)})
    single = vials_per_dose(doses, sizes, {})
    assert sum(n for d in shared for _c, n in d.vials) == 2
    assert sum(n for d in single for _c, n in d.vials) == 3
    # the first dose in tray order (BIANCHI before ROSSI) opens the first vial
    assert {d.dose.key: d.vials for d in shared}["a"] == (("tra_150", 1),)


def test_tray_pick_list_serves_days_in_order_from_lots_usable_on_that_day() -> None:
    # given lot E expiring on day 1 (1 unit) and lot L expiring later (5 units)
    day2 = Tray(day=D1 + timedelta(days=1), patient=TRAY.patient, order_id=1, order="FOLFOX-4 C1")
    stock = {
        7: [
            LotStock(1, 7, "L", D1 + timedelta(days=90), 5, 1, "B1", ((2, "B"), (1, "B1"))),
            LotStock(2, 7, "E", D1, 1, 2, "A2", ((1, "A"), (2, "A2"))),
        ]
    }
    # when day 1 and day 2 each need 1 unit and day 2 another 6
    result = tray_pick_list(
        [TrayNeed(day2, 7, 1), TrayNeed(TRAY, 7, 1), TrayNeed(day2, 7, 6)], stock, today=D1
    )
    # then day 1 takes E (it expires that day), day 2 takes L, walking A before B
    assert [(p.lot, p.location_label, p.quantity, p.trays) for p in result.picks] == [
        ("E", "A2", 1, ((TRAY, 1),)),
        ("L", "B1", 5, ((day2, 5),)),
    ]
    assert result.shortages == (TrayNeed(day2, 7, 2),)


# --- through the database ----------------------------------------------------------------


@pytest.fixture
def folfox(make_user: MakeUser) -> Folfox:
    physician = make_user(Role.PHYSICIAN)
    return folfox_sent_to_pharmacy(
        physician=physician,
        approvers=(physician, make_user(Role.PHYSICIAN)),
        registrar=make_user(Role.COORDINATOR),
        start=timezone.localdate(),
    )


def _stock(pharmacist: User) -> dict[str, StorageLocation]:
    cabinet_a = services.location_save(
        actor=pharmacist, workstation="t", code="A", name="Armadio A", kind="pharmacy",
        pick_order=1,
    )  # fmt: skip
    cabinet_b = services.location_save(
        actor=pharmacist, workstation="t", code="B", name="Armadio B", kind="pharmacy",
        pick_order=2,
    )  # fmt: skip
    places = {}
    for code, parent, order in (("A1", cabinet_a, 1), ("A2", cabinet_a, 2), ("B1", cabinet_b, 1)):
        places[code] = services.location_save(
            actor=pharmacist, workstation="t", code=code, name=code, kind="pharmacy",
            parent=parent, pick_order=order,
        )  # fmt: skip
    places["WARD"] = services.location_save(
        actor=pharmacist, workstation="t", code="WARD", name="Armadio reparto",
        kind="ward_cabinet",
    )  # fmt: skip
    return places


def _load(pharmacist: User, lines: list[tuple[str, str, int, int, str]]) -> None:
    products = MedicinalProduct.objects.in_bulk([c for c, *_r in lines], field_name="code")
    today = timezone.localdate()
    services.stock_load(
        actor=pharmacist,
        workstation="t",
        supplier="Ditta",
        document_number="DDT-R",
        document_date=today,
        location=StorageLocation.objects.get(code="A1"),
        now=timezone.now(),
        lines=[
            services.LoadLine(
                product=products[code],
                lot=lot,
                expiry=today + timedelta(days=days),
                quantity=units,
                unit_cost=Decimal(1),
                location=StorageLocation.objects.get(code=place),
            )
            for code, lot, days, units, place in lines
        ],
    )


@pytest.mark.django_db
def test_folfox_requirements_and_pick_list_from_the_planned_order(
    folfox: Folfox, make_user: MakeUser
) -> None:
    # given the FOLFOX-4 order (day 1 today, day 2 tomorrow) sent to the pharmacy, a draft
    # FOLFOX-4 for another patient, and the stock: 1 oxaliplatin 200, 1 calcium folinate 350
    # and 2 of 50, fluorouracil 1000 lot E (expires today) and lot L; none of 500 mg;
    # 9 fluorouracil 1000 in a ward cabinet (not pharmacy stock)
    pharmacist = make_user(Role.PHARMACIST)
    physician = folfox.order.prescriber
    other = measured_patient(
        registrar=make_user(Role.COORDINATOR), physician=physician, surname="Verdi",
        given_names="Anna", sex="F",
    )  # fmt: skip
    draft = orders.order_create(
        actor=physician, workstation=None, patient_id=other.pk,
        regimen_version_id=folfox.order.regimen_version_id,
        start_date=timezone.localdate() + timedelta(days=1),
    )  # fmt: skip
    _stock(pharmacist)
    _load(
        pharmacist,
        [
            (OXALI_200, "OX1", 300, 1, "A1"),
            (LV_350, "LV1", 300, 1, "B1"),
            (LV_50, "LV5", 300, 2, "B1"),
            (FU_1000, "E", 0, 1, "A2"),
            (FU_1000, "L", 300, 4, "B1"),
            (FU_1000, "W", 300, 9, "WARD"),
        ],
    )
    today = timezone.localdate()
    # when the pharmacist asks for the next 3 days
    result = planned_requirements(user=pharmacist, today=today, days=3)
    # then per product and day (days: today, +1, +2)
    rows = {
        r.product.code: (
            r.per_day,
            r.potential_per_day,
            r.line and (r.line.units_in_stock, r.line.units_to_order, r.line.packs_to_order),
        )
        for r in result.products
    }
    assert rows == {
        OXALI_200: ((1, 0, 0), (0, 1, 0), (1, 0, 0)),
        LV_350: ((1, 1, 0), (0, 1, 1), (1, 1, 1)),
        LV_50: ((1, 1, 0), (0, 1, 1), (2, 0, 0)),
        FU_1000: ((2, 2, 0), (0, 2, 2), (5, 0, 0)),
        FU_500: ((1, 1, 0), (0, 1, 1), (0, 2, 2)),
    }
    # and the pick list walks A1, A2, B1 with each lot's trays (patient, order, day)
    tomorrow = today + timedelta(days=1)
    tray = f"BIANCHI Carlo ({folfox.patient.mrn})"
    picks = [
        (p.product.code, p.pick.lot, p.pick.location_label, p.pick.quantity,
         [(t.day, t.patient, t.order, n) for t, n in p.pick.trays])
        for p in result.picks
    ]  # fmt: skip
    assert picks == [
        (OXALI_200, "OX1", "A1", 1, [(today, tray, "FOLFOX-4 C1", 1)]),
        (FU_1000, "E", "A2", 1, [(today, tray, "FOLFOX-4 C1", 1)]),
        (LV_350, "LV1", "B1", 1, [(today, tray, "FOLFOX-4 C1", 1)]),
        (LV_50, "LV5", "B1", 2, [(today, tray, "FOLFOX-4 C1", 1), (tomorrow, tray, "FOLFOX-4 C1", 1)]),
        (FU_1000, "L", "B1", 3, [(today, tray, "FOLFOX-4 C1", 1), (tomorrow, tray, "FOLFOX-4 C1", 2)]),
    ]  # fmt: skip
    assert sorted((s.product.code, s.need.tray.day, s.need.units) for s in result.shortages) == [
        (LV_350, tomorrow, 1),
        (FU_500, today, 1),
        (FU_500, tomorrow, 1),
    ]
    # and the reads of both patients are in the access log
    logged = set(
        AccessLogEntry.objects.filter(user=pharmacist).values_list("patient_id", flat=True)
    )
    assert logged == {folfox.patient.pk, draft.patient_id}


@pytest.mark.django_db
def test_requirements_refuse_a_user_without_permission_and_bad_input(
    make_user: MakeUser,
) -> None:
    today = timezone.localdate()
    for role in (Role.NURSE, Role.COORDINATOR):
        with pytest.raises(PermissionRefused):
            planned_requirements(user=make_user(role), today=today)
    pharmacist = make_user(Role.PHARMACIST)
    for days in (0, 15):
        with pytest.raises(ValidationFailed) as refused:
            planned_requirements(user=pharmacist, today=today, days=days)
        assert refused.value.code == "days_out_of_range"
    with pytest.raises(ValidationFailed) as unknown:
        planned_requirements(user=pharmacist, today=today, location_code="NOWHERE")
    assert unknown.value.code == "location_unknown"
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.django_db
def test_requirements_page_csv_and_print_for_pharmacy_roles_only(
    folfox: Folfox, make_user: MakeUser
) -> None:
    # given the FOLFOX-4 order and one oxaliplatin 200 mg vial in stock
    pharmacist = make_user(Role.PHARMACIST)
    _stock(pharmacist)
    _load(pharmacist, [(OXALI_200, "OX1", 300, 1, "A1")])
    today = timezone.localdate()
    for role in (Role.PHARMACIST, Role.TECHNICIAN):
        client = logged_in(make_user(role))
        # when the page is asked for 2 days from cabinet A
        page = client.get("/inventory/requirements/", {"days": "2", "location": "A"})
        # then it shows the pick of OX1 for the patient's day-1 tray
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="pick-list"' in html
        assert "OX1" in html and f"BIANCHI Carlo ({folfox.patient.mrn})" in html
    csv_text = client.get("/inventory/requirements/", {"days": "2", "export": "requirements"})
    rows = csv_text.content.decode("utf-8-sig").splitlines()
    d1, d2 = today, today + timedelta(days=1)
    assert rows[0] == (
        f"product_code;product;units_{d1:%Y-%m-%d};units_{d2:%Y-%m-%d};units_needed;"
        f"units_in_stock;units_to_order;packs_to_order;potential_{d1:%Y-%m-%d};"
        f"potential_{d2:%Y-%m-%d}"
    )
    assert f"{FU_1000};Fluorouracile generico 50 mg/mL 1000 mg/20 mL;2;2;4;0;4;4;0;0" in rows
    assert f"{OXALI_200};Oxaliplatino generico 5 mg/mL 200 mg/40 mL;1;0;1;1;0;0;0;0" in rows
    picks = client.get("/inventory/requirements/", {"days": "2", "export": "picks"})
    assert picks.content.decode("utf-8-sig").splitlines()[1] == (
        f"A1;{OXALI_200};Oxaliplatino generico 5 mg/mL 200 mg/40 mL;OX1;"
        f"{today + timedelta(days=300):%Y-%m-%d};1;{d1:%Y-%m-%d};"
        f"BIANCHI Carlo ({folfox.patient.mrn});FOLFOX-4 C1;1"
    )
    # the print is a PDF from the editable template, archived (see the test below)
    printable = client.get("/inventory/requirements/", {"days": "2", "print": "1"})
    assert printable.status_code == 200 and printable["Content-Type"] == "application/pdf"
    api = client.get("/api/v1/inventory/requirements", {"days": "1", "location": "A"}).json()
    oxali = next(p for p in api["products"] if p["product_code"] == OXALI_200)
    assert (oxali["per_day"], oxali["units_in_stock"], oxali["units_to_order"]) == (
        [{"day": d1.isoformat(), "units": 1}], 1, 0,
    )  # fmt: skip
    assert [(p["lot"], [(t["patient_id"], t["order_id"], t["units"]) for t in p["trays"]])
            for p in api["picks"]] == [("OX1", [(folfox.patient.pk, folfox.order.pk, 1)])]  # fmt: skip
    unknown = client.get("/inventory/requirements/", {"location": "NOWHERE"})
    assert unknown.status_code == 422
    for role in (Role.COORDINATOR, Role.NURSE, Role.ADMINISTRATOR):
        denied = Client()
        denied.force_login(make_user(role))
        assert denied.get("/inventory/requirements/").status_code == 403


@pytest.mark.django_db
def test_the_requirements_print_is_archived_with_its_template_version(
    folfox: Folfox, make_user: MakeUser
) -> None:
    # given the FOLFOX-4 order (day 1 today, day 2 tomorrow) and one oxaliplatin 200 mg vial
    # in A1: over 2 days the order needs (hand count in the module's docstring) oxaliplatin
    # 200 x1 (day 1), calcium folinate 350 + 50 and fluorouracil 1000 x2 + 500 each day
    pharmacist = make_user(Role.PHARMACIST)
    technician = make_user(Role.TECHNICIAN)
    _stock(pharmacist)
    _load(pharmacist, [(OXALI_200, "OX1", 300, 1, "A1")])
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    # when the technician prints 2 days from cabinet A
    response = logged_in(technician).get(
        "/inventory/requirements/", {"days": "2", "location": "A", "print": "1"}
    )
    # then the PDF answered is the archived document, template version 1, unsigned
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(kind="requirements_sheet")
    assert response.content == bytes(document.content)
    assert (document.template_code, document.template_version, document.signed) == (
        "requirements_sheet", 1, False,
    )  # fmt: skip
    assert (document.patient_id, document.created_by) == (None, technician)
    printed = document.context["requirements"]
    assert (printed["first_day"], printed["last_day"]) == (
        f"{today:%d/%m/%Y}",
        f"{tomorrow:%d/%m/%Y}",
    )
    assert printed["location"] == "A – Armadio A"
    products = {
        p["code"]: (p["per_day"], p["total"], p["in_stock"], p["to_order"])
        for p in printed["products"]
    }
    assert products == {
        OXALI_200: (["1", "0"], "1", "1", "0"),
        LV_350: (["1", "1"], "2", "0", "2"),
        LV_50: (["1", "1"], "2", "0", "2"),
        FU_1000: (["2", "2"], "4", "0", "4"),
        FU_500: (["1", "1"], "2", "0", "2"),
    }
    tray = f"BIANCHI Carlo ({folfox.patient.mrn})"
    assert [
        (p["location"], p["lot"], p["quantity"], [(t["patient"], t["units"]) for t in p["trays"]])
        for p in printed["picks"]
    ] == [("A1", "OX1", "1", [(tray, "1")])]
    # short in cabinet A: calcium folinate 350 and 50, fluorouracil 1000 and 500, on each of
    # the 2 days: 4 x 2 = 8 rows (one per tray, day and product)
    assert len(printed["shortages"]) == 8
    assert {s["patient"] for s in printed["shortages"]} == {tray}
    # and the print shows the pick with its patient's tray, from the stored version
    html = printed_html(document)
    assert "<td>OX1</td>" in html and tray in html
    # the patient named on the print is in the access log
    assert AccessLogEntry.objects.filter(user=technician, patient_id=folfox.patient.pk).exists()


@pytest.mark.django_db
def test_the_requirements_print_refuses_who_may_not_see_them(make_user: MakeUser) -> None:
    for role in (Role.NURSE, Role.IT_STAFF):
        answer = logged_in(make_user(role)).get("/inventory/requirements/", {"print": "1"})
        assert answer.status_code == 403
    assert not Document.objects.exists()
