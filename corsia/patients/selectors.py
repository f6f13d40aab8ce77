"""Reads of the patient registry. Every read of a patient's data writes the access log (a
search: one row per patient found); masked documents (oscuramento) are left out of every
list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.domain.search import Query, QueryKind, classify
from corsia.patients.domain.states import EncounterState
from corsia.patients.models import (
    BedOrChair,
    Consent,
    DocumentType,
    Encounter,
    ExternalIdentifier,
    Masking,
    Patient,
    Ward,
    WardKind,
)
from corsia.patients.scope import (
    assigned_ward_ids,
    ensure_patient_in_scope,
    is_care_scoped,
    patient_in_scope,
    patient_scope,
    scoped_to_patients,
)
from corsia.patients.selectors_allergies import (
    AllergyOverview,
    AllergyState,
    AllergySummary,
    allergy_patient_id,
    allergy_records,
    allergy_summary,
    allergy_summary_read,
)
from corsia.patients.selectors_masking import (
    active_maskings,
    hidden_stays_q,
    in_hidden_stay,
    is_masked,
    masked_document_ids,
    outside_hidden_stays,
    treated_masked_encounter_ids,
    visible_consents,
    visible_encounters,
)
from corsia.patients.selectors_scope import (
    ASSIGN_STAFF,
    REVIEW_BREAK_GLASS,
    break_glass_grants,
    ward_staff,
)

# Moved to the sibling modules by concern; still importable from here.
__all__ = [
    "ASSIGN_STAFF",
    "REVIEW_BREAK_GLASS",
    "AllergyOverview",
    "AllergyState",
    "AllergySummary",
    "active_maskings",
    "allergy_patient_id",
    "allergy_records",
    "allergy_summary",
    "allergy_summary_read",
    "break_glass_grants",
    "hidden_stays_q",
    "in_hidden_stay",
    "is_masked",
    "masked_document_ids",
    "outside_hidden_stays",
    "treated_masked_encounter_ids",
    "visible_consents",
    "visible_encounters",
    "ward_staff",
]

VIEW = "patients.view_patient"
MASK = "patients.mask_document"
SEARCH_LIMIT = 50


# --- search -------------------------------------------------------------------------------------


def search_queryset(query: Query, scope: frozenset[int] | None = None) -> QuerySet[Patient]:
    """The query for one kind of search (exposed so its plan can be measured); ``scope``:
    only among these patients (a trial monitor's, ``corsia.patients.scope``)."""
    patients = Patient.objects.all() if scope is None else Patient.objects.filter(pk__in=scope)
    if query.kind is QueryKind.FISCAL_CODE:
        return patients.filter(codice_fiscale=query.value)
    if query.kind is QueryKind.FOREIGN_CODE:
        return patients.filter(stp_eni_code=query.value)
    if query.kind in (QueryKind.MRN, QueryKind.WRISTBAND):
        return patients.filter(mrn=query.value)
    for word in query.words:
        # LIKE '%WORD%' on the normalised column: served by the pg_trgm GIN index.
        patients = patients.filter(search_text__contains=word)
    return patients.order_by("search_text", "date_of_birth", "pk")[:SEARCH_LIMIT]


def _survivor(patient: Patient) -> Patient:
    seen = {patient.pk}
    while patient.merged_into_id is not None:
        patient = Patient.objects.get(pk=patient.merged_into_id)
        if patient.pk in seen:  # pragma: no cover - prevented by the merge service
            break
        seen.add(patient.pk)
    return patient


_SEARCHED_BY = {
    QueryKind.FISCAL_CODE: "codice fiscale",
    QueryKind.FOREIGN_CODE: "codice STP/ENI",
    QueryKind.MRN: "MRN",
    QueryKind.WRISTBAND: "braccialetto",
    QueryKind.NAME: "nome",
}


def patient_search(
    *, user: User, text: str, workstation: Workstation = None, channel: str = "web"
) -> list[Patient]:
    """Patients matching a name (any word order), codice fiscale, STP/ENI, MRN or a
    scanned wristband; merged duplicates resolve to their survivor. Each patient found is
    a read of their data (name, codes, date of birth): one access-log row each."""
    require_permission(user, VIEW)
    query = classify(text)
    if query is None:
        return []
    scope = patient_scope(user)
    found: list[Patient] = []
    seen: set[int] = set()
    for patient in search_queryset(query, scope):
        survivor = _survivor(patient)
        if survivor.pk not in seen:
            seen.add(survivor.pk)
            found.append(survivor)
    access_log_record_many(
        user=user,
        patient_ids=[p.pk for p in found],
        what=f"ricerca pazienti per {_SEARCHED_BY[query.kind]}",
        workstation=workstation,
        channel=channel,
    )
    return found


_EXACT_KINDS = (QueryKind.FISCAL_CODE, QueryKind.FOREIGN_CODE, QueryKind.MRN, QueryKind.WRISTBAND)


def patient_by_code(text: str) -> Patient | None:
    """The patient (a merged one's survivor) an exact code names — codice fiscale, STP/ENI,
    MRN, wristband — whatever the scope; ``None`` for a name or no match. For break-the-glass
    (the caller decides who may ask)."""
    query = classify(text)
    if query is None or query.kind not in _EXACT_KINDS:
        return None
    patient = search_queryset(query).first()
    return None if patient is None else _survivor(patient)


def patient_outside_scope(*, user: User, text: str) -> bool:
    """Whether an exact code names a patient the care scope keeps from this user: the
    search page then says that a patient exists outside their care and offers
    break-the-glass. Never for a name (it would tell that a name is a patient here)."""
    if not is_care_scoped(user) or not user.has_perm(VIEW):
        return False
    patient = patient_by_code(text)
    return patient is not None and not patient_in_scope(user, patient.pk)


@dataclass(frozen=True)
class PatientCriteria:
    """What a structured search asks (the FHIR server's Patient search): every criterion
    given must hold. ``family`` matches the start of the surname, any case."""

    ids: tuple[int, ...] | None = None
    codice_fiscale: str | None = None
    mrn: str | None = None
    family: str | None = None
    born_from: date | None = None  # inclusive
    born_before: date | None = None  # exclusive
    updated_from: datetime | None = None  # the record's last change, inclusive
    updated_before: datetime | None = None  # exclusive


def patient_find(*, user: User, criteria: PatientCriteria) -> QuerySet[Patient]:
    """The patients (not merged duplicates) matching ``criteria`` among those the user may
    read, by surname, names and id. Nothing is logged: the caller logs the patients it
    shows (a page of them)."""
    require_permission(user, VIEW)
    patients = scoped_to_patients(user, Patient.objects.filter(merged_into__isnull=True), "pk")
    if criteria.ids is not None:
        patients = patients.filter(pk__in=criteria.ids)
    if criteria.codice_fiscale is not None:
        patients = patients.filter(codice_fiscale=criteria.codice_fiscale.upper())
    if criteria.mrn is not None:
        patients = patients.filter(mrn=criteria.mrn)
    if criteria.family is not None:
        patients = patients.filter(surname__istartswith=criteria.family)
    if criteria.born_from is not None:
        patients = patients.filter(date_of_birth__gte=criteria.born_from)
    if criteria.born_before is not None:
        patients = patients.filter(date_of_birth__lt=criteria.born_before)
    if criteria.updated_from is not None:
        patients = patients.filter(updated_at__gte=criteria.updated_from)
    if criteria.updated_before is not None:
        patients = patients.filter(updated_at__lt=criteria.updated_before)
    return patients.order_by("surname", "given_names", "pk")


# --- one patient --------------------------------------------------------------------------------


@dataclass
class PatientView:
    patient: Patient
    requested_id: int
    identifiers: list[ExternalIdentifier]
    active_encounter: Encounter | None
    encounters: list[Encounter]
    consents: list[Consent]
    masked_count: int | None  # None when the user may not see it
    maskings: list[Masking]
    merged_duplicates: list[Patient]


def patient_get(*, user: User, patient_id: int) -> Patient:
    """The patient (or the survivor of a merged one), without logging: for forms and checks.
    A patient out of the user's scope (a trial monitor's) is not found."""
    require_permission(user, VIEW)
    ensure_patient_in_scope(user, patient_id)
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:
        raise NotFound("Paziente non trovato.", code="patient_not_found")
    return _survivor(patient)


def patient_view(
    *,
    user: User,
    patient_id: int,
    what: str,
    workstation: Workstation,
    channel: str = "web",
) -> PatientView:
    """Everything shown about one patient; writes the access log."""
    user = require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    encounters = list(visible_encounters(patient, user))
    active = next((e for e in encounters if e.state == EncounterState.ACTIVE.value), None)
    may_mask = user.has_perm(MASK)
    maskings = list(active_maskings().filter(patient=patient)) if may_mask else []
    access_log_record(
        user=user, patient_id=patient.pk, what=what, workstation=workstation, channel=channel
    )
    return PatientView(
        patient=patient,
        requested_id=patient_id,
        identifiers=list(patient.identifiers.order_by("system", "value")),
        active_encounter=active,
        encounters=encounters,
        consents=list(visible_consents(patient)),
        masked_count=len(maskings) if may_mask else None,
        maskings=maskings,
        merged_duplicates=list(patient.merged_duplicates.order_by("pk")),
    )


def patient_shown(
    *,
    user: User,
    patient_id: int,
    what: str,
    workstation: Workstation,
    channel: str = "web",
) -> Patient:
    """The patient alone (the survivor of a merged one), its read logged, with the checks
    of :func:`patient_view`: for another module's page that shows the patient's header
    beside its own data (the physician's therapy page), without the encounters,
    identifiers, consents and merges the patient's own page shows (issue 27)."""
    user = require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user, patient_id=patient.pk, what=what, workstation=workstation, channel=channel
    )
    return patient


def wards_with_places() -> QuerySet[Ward]:
    return Ward.objects.prefetch_related("places").order_by("name")


def ward_names_query() -> QuerySet[Ward, tuple[int, str]]:
    """Every ward as ``(id, name)``: for a page's reads in one statement
    (``corsia.core.read_together``; reference data, nothing logged)."""
    return Ward.objects.order_by("pk").values_list("pk", "name")


def encounter_moves_query(encounters: QuerySet[Encounter]) -> QuerySet[Any, Any]:
    """The change history of these encounters (a query of :func:`visible_encounters`), each
    saved state as ``(encounter id, when, ward id, place id, state)``, oldest first: where
    a timeline finds the transfers. A query, for a page's reads in one statement
    (``corsia.core.read_together``); the caller logs the patient's read."""
    history: Any = Encounter._meta.get_field("events").related_model
    moves: QuerySet[Any, Any] = (
        history.objects.filter(pgh_obj_id__in=encounters.values("pk"))
        .order_by("pgh_created_at", "pgh_id")
        .values_list("pgh_obj_id", "pgh_created_at", "ward_id", "place_id", "state")
    )
    return moves


# --- for modules that check their own permission and write their own access log ---------
# (bedside administration identifies patients by wristband and seats them in chairs and beds
# under its own ``administration.*`` permissions)


def patient_by_mrn(mrn: str) -> Patient | None:
    """The patient with this MRN as recorded, ``merged_into`` loaded (a merged duplicate's
    wristband still names it: the survivor is there)."""
    return Patient.objects.filter(mrn=mrn).select_related("merged_into").first()


def current_places(
    patient_ids: Iterable[int], *, user: User | None = None
) -> dict[int, BedOrChair]:
    """The bed or chair of each patient's active encounter, for those who have one — but a
    masked stay hidden from ``user`` seats nobody (named or not, the place is shown)."""
    found: dict[int, BedOrChair] = {}
    hidden = masked_document_ids(document_type=DocumentType.ENCOUNTER.value, user=user)
    for encounter in (
        Encounter.objects.filter(
            patient_id__in=list(patient_ids), state=EncounterState.ACTIVE.value
        )
        .exclude(pk__in=hidden)
        .select_related("place", "ward")
    ):
        if encounter.place is not None:
            found[encounter.patient_id] = encounter.place
    return found


def places() -> list[BedOrChair]:
    """Every bed and chair, by ward code, kind and code (their ward loaded)."""
    return list(BedOrChair.objects.select_related("ward").order_by("ward__code", "kind", "code"))


def place_by_id(place_id: int) -> BedOrChair | None:
    return BedOrChair.objects.filter(pk=place_id).first()


def care_wards() -> list[Ward]:
    """The wards where patients are treated (every ward but the pharmacy), by name."""
    return list(Ward.objects.exclude(kind=WardKind.PHARMACY).order_by("name"))


def user_ward_ids(*, user_id: int) -> set[int]:
    """The wards the user is assigned to (ward staff in force, ``WardAssignment``)."""
    return assigned_ward_ids(user_id)


def ward_inpatients(*, user: User, ward_code: str) -> list[Patient]:
    """The patients with an active encounter in the ward (by code), oldest record first."""
    require_permission(user, VIEW)
    hidden = masked_document_ids(document_type=DocumentType.ENCOUNTER.value, user=user)
    # a masked stay places nobody in the ward, except for those treating it
    in_masked_stay = Encounter.objects.filter(
        state=EncounterState.ACTIVE.value, pk__in=hidden
    ).values("patient_id")
    return list(
        scoped_to_patients(user, Patient.objects.all(), "pk")
        .filter(
            encounters__ward__code=ward_code,
            encounters__state=EncounterState.ACTIVE.value,
        )
        .exclude(pk__in=in_masked_stay)
        .distinct()
        .order_by("pk")
    )


# --- for other modules' services (they check their own permission and log their own reads) ------


def patient_and_merged_ids(*, patient_id: int) -> tuple[int, ...]:
    """The patient and every duplicate merged into it (a merge re-points earlier merges to
    the survivor, so one level is all there is). For another module's service: what was
    prescribed, given or recorded under a duplicate's id still belongs to this patient's
    history (the lifetime cumulative dose, H06), whatever the merge has not re-pointed."""
    merged = Patient.objects.filter(merged_into_id=patient_id).values_list("pk", flat=True)
    return (patient_id, *sorted(merged))


def patient_and_merged_ids_query(*, patient_id: int) -> QuerySet[Patient, int]:
    """:func:`patient_and_merged_ids` as a query, for another module's query to read as a
    subquery (a page's reads in one statement, ``corsia.core.read_together``)."""
    return Patient.objects.filter(Q(pk=patient_id) | Q(merged_into_id=patient_id)).values_list(
        "pk", flat=True
    )


def patient_record(*, patient_id: int, lock: bool = False) -> Patient:
    """One patient as registered (a merged one too: the caller decides), for another
    module's service; ``NotFound`` when there is none.

    ``lock`` holds the row FOR NO KEY UPDATE until the transaction ends: that module's
    checks on one patient run one at a time, without blocking the FOR KEY SHARE locks that
    foreign keys to the patient take when other rows are written."""
    rows = Patient.objects.select_for_update(no_key=True) if lock else Patient.objects.all()
    patient = rows.filter(pk=patient_id).first()
    if patient is None:
        raise NotFound("Paziente non trovato.", code="patient_not_found")
    return patient


def patient_active_encounter_id(*, patient_id: int) -> int | None:
    """The patient's encounter in progress, masked or not: what is written during a masked
    stay belongs to it and is hidden with it (for another module's service)."""
    return (
        Encounter.objects.filter(patient_id=patient_id, state=EncounterState.ACTIVE.value)
        .values_list("pk", flat=True)
        .first()
    )


def patients_by_identifiers(
    *, codice_fiscale: str = "", stp_eni_code: str = "", mrn: str = "", external: dict[str, str]
) -> list[Patient]:
    """The patients (each resolved to its survivor, by id) holding any of these
    identifiers: none, one, or several when the identifiers disagree (the caller decides).
    For the HL7 interface (``corsia.interop``), which logs nothing: it shows no patient."""
    found: dict[int, Patient] = {}
    matches = Patient.objects.none()
    if codice_fiscale:
        matches = matches | Patient.objects.filter(codice_fiscale=codice_fiscale)
    if stp_eni_code:
        matches = matches | Patient.objects.filter(stp_eni_code=stp_eni_code)
    if mrn:
        matches = matches | Patient.objects.filter(mrn=mrn)
    for system, value in external.items():
        matches = matches | Patient.objects.filter(
            identifiers__system=system, identifiers__value=value
        )
    for patient in matches.distinct():
        survivor = _survivor(patient)
        found[survivor.pk] = survivor
    return [found[pk] for pk in sorted(found)]


def external_identifiers(*, patient_id: int) -> list[tuple[str, str]]:
    """The other systems' identifiers of the patient, as (system, value)."""
    return list(
        ExternalIdentifier.objects.filter(patient_id=patient_id)
        .order_by("system", "value")
        .values_list("system", "value")
    )


def active_encounter(*, patient_id: int) -> Encounter | None:
    """The patient's encounter in progress, if any (ward and place loaded)."""
    return (
        Encounter.objects.filter(patient_id=patient_id, state=EncounterState.ACTIVE.value)
        .select_related("ward", "place")
        .first()
    )


def encounter_record(*, encounter_id: int) -> Encounter | None:
    """One encounter as recorded (ward and place loaded), for another module's service."""
    return Encounter.objects.filter(pk=encounter_id).select_related("ward", "place").first()


def seen_before_on_ward(*, encounter_id: int) -> bool:
    """Whether the patient — or a registration merged into them — had an encounter on the
    same ward that began before this one (a cancelled one does not count): this is then a
    visit after the first, a control visit. ``False`` for an unknown encounter. For another
    module's service (the FSE's outpatient report)."""
    found = Encounter.objects.filter(pk=encounter_id).first()
    if found is None:
        return False
    return (
        Encounter.objects.filter(
            patient_id__in=patient_and_merged_ids(patient_id=found.patient_id),
            ward_id=found.ward_id,
            admitted_at__lt=found.admitted_at,
        )
        .exclude(state=EncounterState.CANCELLED.value)
        .exists()
    )


def latest_discharged_encounter(*, patient_id: int) -> Encounter | None:
    """The patient's last discharged encounter (the one a cancelled discharge reopens)."""
    return (
        Encounter.objects.filter(patient_id=patient_id, state=EncounterState.DISCHARGED.value)
        .order_by("-discharged_at", "-pk")
        .first()
    )


def patient_current_ward_id(*, patient_id: int, user: User | None = None) -> int | None:
    """The ward of the patient's encounter in progress (the latest admitted), if any — not
    a masked stay hidden from ``user`` (a new order would carry its ward, telling it).
    Without a user (the demo's loader): every stay in progress."""
    rows = Encounter.objects.filter(patient_id=patient_id, state=EncounterState.ACTIVE.value)
    if user is not None:
        hidden = masked_document_ids(document_type=DocumentType.ENCOUNTER.value, user=user)
        rows = rows.exclude(pk__in=hidden)
    return rows.order_by("-admitted_at").values_list("ward_id", flat=True).first()


def patients_born_before(*, year: int) -> QuerySet[Patient]:
    """The patients not merged into another, born before ``year``, by MRN (demo data)."""
    return Patient.objects.filter(merged_into__isnull=True, date_of_birth__year__lt=year).order_by(
        "mrn"
    )


# --- for the demo hospital's loader (corsia.demo): no patient data shown, nothing logged ---------


def ward_id_by_code(*, code: str) -> int:
    """The database id of the ward with this code; ``NotFound`` when there is none."""
    found = Ward.objects.filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound("Reparto non trovato.", code="ward_not_found")
    return found


def free_places_by_ward() -> dict[str, list[BedOrChair]]:
    """Each ward's beds and chairs nobody occupies (no active encounter there), by kind and
    code, keyed by ward code (a ward with no free place: an empty list)."""
    occupied = set(
        Encounter.objects.filter(
            state=EncounterState.ACTIVE.value, place__isnull=False
        ).values_list("place_id", flat=True)
    )
    free: dict[str, list[BedOrChair]] = {ward.code: [] for ward in Ward.objects.all()}
    for place in BedOrChair.objects.select_related("ward").order_by("kind", "code"):
        if place.pk not in occupied:
            free[place.ward.code].append(place)
    return free


def patient_registered(*, codice_fiscale: str = "", stp_eni_code: str = "") -> bool:
    """Whether a patient (merged ones too) holds this codice fiscale or STP/ENI code."""
    if codice_fiscale:
        return Patient.objects.filter(codice_fiscale=codice_fiscale).exists()
    if stp_eni_code:
        return Patient.objects.filter(stp_eni_code=stp_eni_code).exists()
    return False


def patient_ids_with_codice_fiscale(*, limit: int) -> list[int]:
    """The ids of the first ``limit`` patients registered with a codice fiscale, oldest
    record first."""
    return list(
        Patient.objects.exclude(codice_fiscale="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- allergies (the logged read; the rest in selectors_allergies) ----------------------------


def allergy_overview(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> AllergyOverview:
    """Every allergy of the patient (closed ones too) and the NKDA statements; writes the
    access log."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user, patient_id=patient.pk, what="allergie", workstation=workstation, channel=channel
    )
    return allergy_records(patient)


def fiscal_codes(patient_ids: Iterable[int]) -> dict[int, str]:
    """Patient id -> codice fiscale, else the STP/ENI code ("" when neither): the key of the
    regional flows (File F). One query, three columns; no access log: the caller's."""
    rows = Patient.objects.filter(pk__in=set(patient_ids)).values_list(
        "pk", "codice_fiscale", "stp_eni_code"
    )
    return {pk: codice_fiscale or stp_eni_code for pk, codice_fiscale, stp_eni_code in rows}
