"""The preloaded library as YAML files: it loads, validates, reads back the doses of the cited
trials (written here by hand from the publications), and a bad file fails naming file and
regimen. No database: the loader is pure."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from corsia.regimens.data import loader, specs
from corsia.regimens.domain.spec import (
    Calculation,
    Component,
    ComponentRole,
    RegimenSpec,
    Route,
)
from corsia.regimens.domain.structure import validate_structure

SPECS = {s.code: s for s in specs()}


def _only(
    spec: RegimenSpec, ingredient: str, role: ComponentRole = ComponentRole.ANTINEOPLASTIC
) -> Component:
    found = [c for c in spec.components if c.ingredient == ingredient and c.role == role]
    assert len(found) == 1, found
    return found[0]


def test_every_regimen_of_the_files_loads_and_validates() -> None:
    docs = loader.load_documents()
    # 69 solid + 158 more adult solid-tumour regimens (35 breast, 25 thoracic, 40
    # gastrointestinal, 36 genitourinary and gynaecological, 22 other) + 26 haematology
    # + 8 transplant + 13 paediatric + 20 myeloma + 32 lymphoma and CLL + 32 leukaemia, MPN
    # and MDS + 8 conditioning + 26 paediatric protocol phases
    assert len(docs) == len(SPECS) == 392
    assert [d["code"] for d in docs][:2] == ["AC", "AC-DD"]  # file order is library order
    assert {code: validate_structure(s) for code, s in SPECS.items() if validate_structure(s)} == {}
    for spec in SPECS.values():
        assert [c.sequence for c in spec.components] == list(range(1, len(spec.components) + 1))
        assert spec.bibliography, spec.code
        assert spec.is_standard


def test_folfox4_as_de_gramont_2000() -> None:
    # de Gramont A et al., J Clin Oncol 2000;18:2938-47: oxaliplatin 85 mg/m² 2-hour infusion
    # day 1; LV5FU2: leucovorin 200 mg/m² 2 h, 5-FU 400 mg/m² bolus then 600 mg/m² 22 h,
    # days 1 and 2; every 2 weeks.
    spec = SPECS["FOLFOX-4"]
    assert spec.cycle_length_days == 14
    oxali = _only(spec, "oxaliplatin")
    assert (oxali.dose, oxali.dose_unit, oxali.days) == (Decimal(85), "mg/m2", (1,))
    assert oxali.calculation == Calculation.BSA and oxali.duration_minutes == 120
    assert "glucosio 5%" in oxali.preparation
    lv = _only(spec, "calcium_folinate")
    assert (lv.dose, lv.days, lv.duration_minutes) == (Decimal(200), (1, 2), 120)
    fu = [
        (c.dose, c.days, c.duration_minutes)
        for c in spec.components
        if c.ingredient == "fluorouracil"
    ]
    assert fu == [(Decimal(400), (1, 2), None), (Decimal(600), (1, 2), 1320)]
    assert spec.bibliography[0].year == 2000 and spec.bibliography[0].journal == "J Clin Oncol"


def test_abvd_as_bonadonna_1975_with_its_antiemetic_block() -> None:
    # Bonadonna G et al., Cancer 1975;36:252-9: doxorubicin 25, bleomycin 10 (units),
    # vinblastine 6, dacarbazine 375 mg/m², days 1 and 15 of a 28-day cycle.
    spec = SPECS["ABVD"]
    assert spec.cycle_length_days == 28
    doses = {
        c.ingredient: (c.dose, c.dose_unit, c.days)
        for c in spec.components
        if c.role == ComponentRole.ANTINEOPLASTIC
    }
    assert doses == {
        "doxorubicin": (Decimal(25), "mg/m2", (1, 15)),
        "bleomycin": (Decimal(10), "U/m2", (1, 15)),
        "vinblastine": (Decimal(6), "mg/m2", (1, 15)),
        "dacarbazine": (Decimal(375), "mg/m2", (1, 15)),
    }
    # {use: antiemetic_high, days: [1, 15]}: ondansetron 8 mg + dexamethasone 12 mg, both days.
    ondansetron = _only(spec, "ondansetron", ComponentRole.PREMEDICATION)
    dexamethasone = _only(spec, "dexamethasone", ComponentRole.PREMEDICATION)
    assert (ondansetron.dose, ondansetron.days) == (Decimal(8), (1, 15))
    assert (dexamethasone.dose, dexamethasone.days) == (Decimal(12), (1, 15))
    assert "NK1" in dexamethasone.notes


def test_aieop_bfm_induction_ia_as_the_protocol() -> None:
    # AIEOP-BFM ALL 2000 (Conter V et al., Blood 2010;115:3206-14), protocol IA: prednisone
    # 60 mg/m²/day in 3 doses days 1-28 (20 mg/m² three times a day); vincristine 1.5 mg/m² (max 2 mg) days 8, 15, 22, 29;
    # intrathecal methotrexate by age: <1 y 6 mg, 1 y 8 mg, 2 y 10 mg, >=3 y 12 mg.
    spec = SPECS["AIEOP-BFM-IA"]
    assert spec.paediatric is not None
    pred = _only(spec, "prednisone")
    assert (pred.dose, pred.route, pred.days) == (Decimal(20), Route.PO, tuple(range(1, 29)))
    assert pred.administrations_per_day == 3  # 20 × 3 = the protocol's 60 mg/m² a day
    vcr = _only(spec, "vincristine")
    assert (vcr.dose, vcr.max_dose, vcr.days) == (Decimal("1.5"), Decimal(2), (8, 15, 22, 29))
    mtx = next(c for c in spec.components if c.ingredient == "methotrexate" and c.route == Route.IT)
    assert [(b.from_years, b.to_years, b.dose) for b in mtx.age_bands] == [
        (0, 1, Decimal(6)),
        (1, 2, Decimal(8)),
        (2, 3, Decimal(10)),
        (3, None, Decimal(12)),
    ]


# ------------------------------------------------------------------------- bad files


def _library_with(tmp_path: Path, regimen_yaml: str) -> Path:
    """A copy of the library whose paediatric file holds only the regimen given (the shipped
    files before it are copied, those after it left empty, so that the regimen is the last of
    the library)."""
    before = loader.REGIMEN_FILES[: loader.REGIMEN_FILES.index("paediatric.yaml")]
    for name in (loader.BLOCKS_FILE, *before):
        shutil.copy(loader.LIBRARY_DIR / name, tmp_path / name)
    (tmp_path / "paediatric.yaml").write_text("regimens:\n" + regimen_yaml, encoding="utf-8")
    later = loader.REGIMEN_FILES[loader.REGIMEN_FILES.index("paediatric.yaml") + 1 :]
    for name in later:
        (tmp_path / name).write_text("regimens: []\n", encoding="utf-8")
    return tmp_path


GOOD = """\
  - code: TEST-1
    name: Prova
    therapy: chemotherapy
    intent: palliative
    cycle: 21
    references:
      - {authors: A, title: T, journal: J, year: 2000}
    components:
      - {use: antiemetic_moderate, days: [1]}
      - {ingredient: cisplatin, dose: 75, unit: mg/m2, days: [1], minutes: 60}
"""


def test_a_well_formed_regimen_is_added_by_a_file_alone(tmp_path: Path) -> None:
    docs = loader.load_documents(_library_with(tmp_path, GOOD))
    assert docs[-1]["code"] == "TEST-1"
    assert [c["ingredient"] for c in docs[-1]["components"]] == [
        "ondansetron",
        "dexamethasone",
        "cisplatin",
    ]
    assert docs[-1]["components"][2]["competence"] == "pharmacy"


def test_a_hospital_file_beside_the_shipped_ones_is_read_after_them(tmp_path: Path) -> None:
    directory = _library_with(tmp_path, GOOD)
    (directory / "ospedale.yaml").write_text(
        "regimens:\n" + GOOD.replace("TEST-1", "OSP-1"), encoding="utf-8"
    )
    assert [d["code"] for d in loader.load_documents(directory)][-2:] == ["TEST-1", "OSP-1"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("antiemetic_moderate", "antiemetic_mild"), "unknown block 'antiemetic_mild'"),
        (("minutes: 60", "minuti: 60"), "unknown key minuti"),
        (("cycle: 21", "cycle: 21\n    ciclo: 3"), "unknown key ciclo in the regimen"),
        (("dose: 75", "dose: settantacinque"), "dose is not a number: 'settantacinque'"),
        (("dose: 75", "dose: .inf"), "dose is not a plain decimal number"),
        (("dose: 75", "dose: true"), "dose is not a number: True"),
        (("days: [1]}", "days: [uno]}"), "a day is not a number"),
        (("unit: mg/m2", "unit: mg/m3"), "unknown dose unit 'mg/m3'"),
    ],
)
def test_a_bad_file_names_file_and_regimen(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    directory = _library_with(tmp_path, GOOD.replace(*change))
    with pytest.raises(loader.LibraryFileError) as caught:
        loader.load_documents(directory)
    assert str(caught.value).startswith("paediatric.yaml, regimen TEST-1: ")
    assert message in str(caught.value)


def test_a_regimen_written_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(loader.LibraryFileError, match="TEST-1 is written twice"):
        loader.load_documents(_library_with(tmp_path, GOOD + GOOD))


def test_yaml_that_does_not_parse_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(loader.LibraryFileError, match=r"^paediatric\.yaml: not valid YAML"):
        loader.load_documents(_library_with(tmp_path, "  - {code: [unclosed\n"))
