"""The demo hospital's wards, beds, chairs and patients (fictitious people).

Every codice fiscale is computed with python-codicefiscale's ``encode`` from the
person's own data, so it is valid and consistent. Deterministic and idempotent:
a second run finds everything by code and creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from codicefiscale import codicefiscale
from django.db import transaction
from django.utils import timezone

from corsia.patients import selectors, services

if TYPE_CHECKING:
    from corsia.core.actors import User

# code, name, kind, [(prefix, count, place kind)]
WARDS: tuple[tuple[str, str, str, tuple[tuple[str, int, str], ...]], ...] = (
    ("ONC", "Oncologia medica", "inpatient", (("L", 20, "bed"),)),
    ("EMA", "Ematologia", "inpatient", (("L", 16, "bed"),)),
    ("OEP", "Oncoematologia pediatrica", "inpatient", (("L", 10, "bed"),)),
    ("DHONC", "Day Hospital oncologico", "day_hospital", (("P", 20, "chair"), ("L", 4, "bed"))),
    ("UFA", "Farmacia – UFA", "pharmacy", ()),
)

_SURNAMES = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
    "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani",
    "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile",
)  # fmt: skip
_MALE = (
    "Giuseppe", "Antonio", "Giovanni", "Francesco", "Luigi", "Salvatore", "Paolo", "Marco",
    "Alessandro", "Roberto", "Stefano", "Andrea", "Vincenzo", "Pietro", "Lorenzo", "Matteo",
)  # fmt: skip
_FEMALE = (
    "Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia",
    "Carmela", "Francesca", "Elena", "Chiara", "Sara", "Giulia", "Alessia", "Sofia",
)  # fmt: skip
_PLACES = (
    "Roma", "Milano", "Napoli", "Torino", "Palermo", "Genova", "Bologna", "Firenze",
    "Bari", "Catania", "Verona", "Padova", "Brescia", "Pavia", "Lecce", "Perugia",
)  # fmt: skip
_STREETS = ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Viale Europa")

ADULTS = 48
CHILDREN = 8


@dataclass(frozen=True)
class DemoPerson:
    surname: str
    given_names: str
    sex: str
    date_of_birth: date
    birthplace: str

    @property
    def codice_fiscale(self) -> str:
        return str(
            codicefiscale.encode(
                lastname=self.surname,
                firstname=self.given_names,
                gender=self.sex,  # type: ignore[arg-type]  # "M" or "F" by construction
                birthdate=self.date_of_birth.isoformat(),
                birthplace=self.birthplace,
            )
        )


def demo_people() -> list[DemoPerson]:
    people = []
    for i in range(ADULTS + CHILDREN):
        sex = "F" if i % 2 else "M"
        names = _FEMALE if sex == "F" else _MALE
        if i < ADULTS:
            born = date(1938 + (i * 7) % 62, 1 + (i * 5) % 12, 1 + (i * 11) % 28)
        else:  # children and teenagers for the paediatric ward
            born = date(2010 + (i * 3) % 14, 1 + (i * 5) % 12, 1 + (i * 11) % 28)
        people.append(
            DemoPerson(
                surname=_SURNAMES[i % len(_SURNAMES)],
                given_names=names[(i // 2 + i // len(_SURNAMES)) % len(names)],
                sex=sex,
                date_of_birth=born,
                birthplace=_PLACES[(i * 3) % len(_PLACES)],
            )
        )
    return people


def ensure_wards() -> int:
    created = 0
    for code, name, kind, groups in WARDS:
        created += services.ward_ensure(
            code=code,
            name=name,
            kind=kind,
            places=[
                (f"{prefix}{n:02d}", place_kind)
                for prefix, count, place_kind in groups
                for n in range(1, count + 1)
            ],
        )
    return created


def _ward_for(index: int, person: DemoPerson) -> str | None:
    """Where the person is now: children in the paediatric ward, adults spread."""
    if index >= ADULTS:
        return "OEP" if index % 2 == 0 else None
    if index == 0:  # at home: his stay, admission to discharge, is written by ``stays.py``
        return None
    return ("DHONC", "ONC", "EMA", None)[index % 4]


@transaction.atomic
def ensure_demo_patients(*, actor: User) -> int:
    created = 0
    now = timezone.now()
    free = selectors.free_places_by_ward()
    for index, person in enumerate(demo_people()):
        cf = person.codice_fiscale
        if selectors.patient_registered(codice_fiscale=cf):
            continue
        patient = services.patient_create(
            actor=actor,
            workstation=None,
            data=services.PatientInput(
                surname=person.surname,
                given_names=person.given_names,
                sex=person.sex,
                date_of_birth=person.date_of_birth,
                codice_fiscale=cf,
                address=f"{_STREETS[index % len(_STREETS)]} {index + 1}, {person.birthplace}",
                phone=f"+39 333 {1000000 + index * 7919:07d}",
            ),
        )
        created += 1
        for kind in ("treatment", "data_processing", "fse"):
            services.consent_record(
                actor=actor,
                workstation=None,
                patient_id=patient.pk,
                kind=kind,
                granted=not (kind == "fse" and index % 5 == 0),
                given_on=now.date() - timedelta(days=30 + index),
            )
        # an earlier, closed encounter for every third patient
        if index % 3 == 0:
            past = services.encounter_admit(
                actor=actor,
                workstation=None,
                patient_id=patient.pk,
                kind="day_hospital",
                ward_id=selectors.ward_id_by_code(code="DHONC"),
                admitted_at=now - timedelta(days=21 + index, hours=3),
            )
            services.encounter_discharge(
                actor=actor,
                workstation=None,
                encounter_id=past.pk,
                expected_version=past.version,
                discharged_at=past.admitted_at + timedelta(hours=6),
            )
        ward_code = _ward_for(index, person)
        if ward_code is None or not free.get(ward_code):
            continue
        place = free[ward_code].pop(0)
        services.encounter_admit(
            actor=actor,
            workstation=None,
            patient_id=patient.pk,
            kind="day_hospital" if ward_code == "DHONC" else "inpatient",
            ward_id=place.ward_id,
            place_id=place.pk,
            admitted_at=now - timedelta(days=index % 6, hours=2),
        )
    # two foreign patients without codice fiscale (STP and ENI)
    for surname, given, sex, born, code in (
        ("Popescu", "Ion", "M", date(1979, 2, 3), "STP1200000004567"),
        ("Kowalska", "Agnieszka", "F", date(1986, 9, 14), "ENI1200000000089"),
    ):
        if selectors.patient_registered(stp_eni_code=code):
            continue
        services.patient_create(
            actor=actor,
            workstation=None,
            data=services.PatientInput(
                surname, given, sex, born, stp_eni_code=code,
                place_of_birth="Z129" if code.startswith("STP") else "Z127",
            ),
        )  # fmt: skip
        created += 1
    return created


def adult_patient_ids() -> list[int]:
    """The registered adult demo patients, in the order of :func:`demo_people`."""
    found: list[int] = []
    for person in demo_people()[:ADULTS]:
        found.extend(
            p.pk
            for p in selectors.patients_by_identifiers(
                codice_fiscale=person.codice_fiscale, external={}
            )
        )
    return list(dict.fromkeys(found))
