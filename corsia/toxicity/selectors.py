"""Reads of the toxicity module. Every read of a patient's data writes the access log.

For the prescribing page (the lead links it): ``latest_toxicity_summary`` and
``worst_grade_since`` each run ONE query on the partial index
``toxicity_current_by_patient`` (patient, onset date; current records only), plus the
access-log insert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Expression, Q, QuerySet
from django.db.models.functions import Greatest

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.core.read_together import ReadPart
from corsia.drugs.selectors import IngredientInfo, antineoplastic_ingredients, ingredients_by_id
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import in_hidden_stay, outside_hidden_stays
from corsia.toxicity.domain import ctcae, extravasation
from corsia.toxicity.domain.grading import SEVERE_GRADE
from corsia.toxicity.models import CtcaeTerm, ExtravasationEvent, ToxicityRecord

VIEW = "toxicity.view_toxicity"
TERM_LIMIT = 15


TOXICITY_SUMMARY_READ = "tossicità: riepilogo"  # the access log's words for the summary


def _log(user: User, patient_id: int, what: str, workstation: Workstation, channel: str) -> None:
    """Every read of a patient's toxicities ends here: refused for a patient out of the
    user's scope (a trial monitor's, ``patients.scope``), else written to the access log."""
    ensure_patient_in_scope(user, patient_id)
    access_log_record(
        user=user, patient_id=patient_id, what=what, workstation=workstation, channel=channel
    )


# --- CTCAE terms (reference data, no patient) -----------------------------------------------


def ctcae_term_search(*, user: User, text: str, limit: int = TERM_LIMIT) -> list[CtcaeTerm]:
    """Terms whose name, in Italian or in English, contains every word typed (any order),
    or a MedDRA code; terms starting with the first word come first. Falls back to trigram
    similarity for typos."""
    require_permission(user, VIEW)
    key = ctcae.search_key(text)
    if not key:
        return []
    if key.isdigit():
        return list(CtcaeTerm.objects.filter(meddra_code=key))
    words = key.split()
    # LIKE '%word%' on the normalised columns: served by their pg_trgm GIN indexes.
    english, italian = Q(), Q()
    for word in words:
        english &= Q(search_text__contains=word)
        italian &= Q(search_text_it__contains=word)
    terms = CtcaeTerm.objects.filter(english | italian)

    def rank(t: CtcaeTerm) -> tuple[bool, str]:
        starts = t.search_text.startswith(words[0]) or t.search_text_it.startswith(words[0])
        return (not starts, t.label)

    found = sorted(terms[:200], key=rank)
    if found or len(key) < 4:
        return found[:limit]
    similar = (
        CtcaeTerm.objects.annotate(
            similarity=Greatest(
                TrigramWordSimilarity(key, "search_text"),
                TrigramWordSimilarity(key, "search_text_it"),
            )
        )
        .filter(similarity__gte=0.4)
        .order_by("-similarity", "term")
    )
    return list(similar[:limit])


def ctcae_term_get(*, user: User, term_id: int) -> CtcaeTerm:
    require_permission(user, VIEW)
    term = CtcaeTerm.objects.filter(pk=term_id).first()
    if term is None:
        raise NotFound("Termine CTCAE non trovato.", code="term_not_found")
    return term


# --- one patient's toxicities ---------------------------------------------------------------


def _records() -> QuerySet[ToxicityRecord]:
    return ToxicityRecord.objects.select_related("term", "recorded_by")


TOXICITIES_READ = "tossicità (CTCAE)"  # the access log's words for the list


def patient_toxicities_read(*, user: User, patient_id: int) -> ReadPart[list[ToxicityRecord]]:
    """The batched variant of :func:`patient_toxicities` (current versions, newest onset
    first, with their terms and authors; the suspected drugs are not read) for a page's
    reads in one statement (``corsia.core.read_together``). The permission and the
    patient's scope are checked here; the page logs the read (``TOXICITIES_READ``)."""
    user = require_permission(user, VIEW)
    ensure_patient_in_scope(user, patient_id)
    records = outside_hidden_stays(
        _records().filter(patient_id=patient_id),
        user=user,
        field="recorded_at",
        patient_id=patient_id,
    ).filter(is_current=True)
    return ReadPart(
        querysets=(records.order_by("-onset_date", "-recorded_at"),),
        decode=lambda results: list(results[0]),
    )


def patient_toxicities(
    *,
    user: User,
    patient_id: int,
    since: date | None = None,
    include_history: bool = False,
    workstation: Workstation = None,
    channel: str = "web",
) -> list[ToxicityRecord]:
    """The patient's toxicities, newest onset first; only current versions unless
    ``include_history`` (then superseded and entered-in-error ones too). With ``since``:
    those active on or after that date (started then, or unresolved then)."""
    require_permission(user, VIEW)
    records = _records().filter(patient_id=patient_id)
    # display: none recorded during a masked stay hidden from the user
    # (``worst_grade_since``, the dose-modification check, reads them all)
    records = outside_hidden_stays(records, user=user, field="recorded_at", patient_id=patient_id)
    if not include_history:
        records = records.filter(is_current=True)
    if since is not None:
        records = records.filter(Q(resolution_date__isnull=True) | Q(resolution_date__gte=since))
    result = list(
        records.prefetch_related("suspected_ingredients").order_by("-onset_date", "-recorded_at")
    )
    _log(user, patient_id, TOXICITIES_READ, workstation, channel)
    return result


def worst_grade_since(
    *,
    user: User,
    patient_id: int,
    since_date: date,
    workstation: Workstation = None,
    channel: str = "web",
) -> tuple[int, ToxicityRecord] | None:
    """The highest CTCAE grade among the patient's current toxicities active on or after
    ``since_date`` (e.g. the last cycle's date), with its record; None if there is none.
    On a tie, the most recent onset. One query."""
    require_permission(user, VIEW)
    record = (
        _records()
        .filter(patient_id=patient_id, is_current=True)
        .filter(Q(resolution_date__isnull=True) | Q(resolution_date__gte=since_date))
        .order_by("-grade", "-onset_date", "-recorded_at")
        .first()
    )
    _log(user, patient_id, "tossicità: grado peggiore", workstation, channel)
    return (record.grade, record) if record is not None else None


@dataclass(frozen=True)
class ToxicitySummary:
    latest: ToxicityRecord | None  # the most recent onset (current versions only)
    worst: ToxicityRecord | None  # the highest grade since ``since`` (None without since)

    @property
    def latest_grade(self) -> int | None:
        return self.latest.grade if self.latest is not None else None

    @property
    def severe_since(self) -> bool:
        return self.worst is not None and self.worst.grade >= SEVERE_GRADE


def latest_toxicity_summary(
    *,
    user: User,
    patient_id: int,
    since: date | None = None,
    workstation: Workstation = None,
    channel: str = "web",
    logged_by_caller: bool = False,
) -> ToxicitySummary:
    """ "Last toxicity grade" for the prescribing page, and (with ``since`` = the last cycle's
    date) the worst grade since then. One query (a UNION of two indexed LIMIT 1 reads).
    ``logged_by_caller``: the page writes this read (``TOXICITY_SUMMARY_READ``) in its own
    access-log append, with what else it shows (the patient's scope is checked here)."""
    user = require_permission(user, VIEW)
    if logged_by_caller:
        ensure_patient_in_scope(user, patient_id)
    if since is None:
        latest = _current_records(patient_id).order_by("-onset_date", "-recorded_at").first()
        summary = ToxicitySummary(latest=latest, worst=None)
    else:
        summary = _summary_query(patient_id, since).evaluate().summary(since)
    if not logged_by_caller:
        _log(user, patient_id, TOXICITY_SUMMARY_READ, workstation, channel)
    return summary


@dataclass(frozen=True)
class ToxicitySummaryRows:
    """The rows of :func:`toxicity_summary_read`: the latest record and the worst since the
    date the query was given, made a summary with that date once it is known."""

    rows: tuple[ToxicityRecord, ...]

    def summary(self, since: date) -> ToxicitySummary:
        latest = max(self.rows, key=lambda r: (r.onset_date, r.recorded_at), default=None)
        worst = max(
            (r for r in self.rows if r.resolution_date is None or r.resolution_date >= since),
            key=lambda r: (r.grade, r.onset_date, r.recorded_at),
            default=None,
        )
        return ToxicitySummary(latest=latest, worst=worst)


def toxicity_summary_read(
    *, user: User, patient_id: int, since: date | Expression
) -> ReadPart[ToxicitySummaryRows]:
    """The batched variant of :func:`latest_toxicity_summary` with ``logged_by_caller``
    (``corsia.core.read_together``, with other modules' reads of a page): ``since`` may be
    an expression another module's query computes (the previous cycle's start), and the
    page makes the summary with its value (``ToxicitySummaryRows.summary``). The
    permission and the patient's scope are checked here; the page logs the read
    (``TOXICITY_SUMMARY_READ``)."""
    user = require_permission(user, VIEW)
    ensure_patient_in_scope(user, patient_id)
    return _summary_query(patient_id, since)


def _current_records(patient_id: int) -> QuerySet[ToxicityRecord]:
    return _records().filter(patient_id=patient_id, is_current=True)


def _summary_query(patient_id: int, since: date | Expression) -> ReadPart[ToxicitySummaryRows]:
    """One query: a UNION of two indexed LIMIT 1 reads (the latest onset, the worst grade
    not resolved before ``since``)."""
    current = _current_records(patient_id)
    latest_ids = current.order_by("-onset_date", "-recorded_at")[:1].values_list("pk", flat=True)
    worst_ids = (
        current.filter(Q(resolution_date__isnull=True) | Q(resolution_date__gte=since))
        .order_by("-grade", "-onset_date", "-recorded_at")[:1]
        .values_list("pk", flat=True)
    )
    rows = _records().filter(Q(pk__in=latest_ids) | Q(pk__in=worst_ids))
    return ReadPart(
        querysets=(rows,), decode=lambda results: ToxicitySummaryRows(tuple(results[0]))
    )


def toxicity_get(
    *, user: User, record_id: int, workstation: Workstation = None, channel: str = "web"
) -> ToxicityRecord:
    require_permission(user, VIEW)
    record = (
        _records()
        .select_related("supersedes", "patient")
        .prefetch_related("suspected_ingredients")
        .filter(pk=record_id)
        .first()
    )
    if record is not None and in_hidden_stay(
        user=user, patient_id=record.patient_id, at=record.recorded_at
    ):
        record = None  # within a masked stay hidden from the user: as if it did not exist
    if record is None:
        raise NotFound("Registrazione di tossicità non trovata.", code="toxicity_not_found")
    _log(user, record.patient_id, "tossicità (dettaglio)", workstation, channel)
    return record


def patient_extravasations(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> list[ExtravasationEvent]:
    require_permission(user, VIEW)
    events = list(
        ExtravasationEvent.objects.filter(patient_id=patient_id)
        .select_related("ingredient", "recorded_by")
        .order_by("-occurred_at")
    )
    _log(user, patient_id, "stravasi", workstation, channel)
    return events


# --- extravasation guidance (reference, no patient) -----------------------------------------


@dataclass(frozen=True)
class ExtravasationPage:
    ingredient: IngredientInfo
    guidance: extravasation.Guidance
    archive_class_differs: bool  # the drug archive's class disagrees with the guidance


def extravasation_guidance(*, user: User, ingredient_id: int) -> ExtravasationPage:
    require_permission(user, VIEW)
    ingredient = ingredients_by_id([ingredient_id]).get(ingredient_id)
    if ingredient is None:
        raise NotFound("Principio attivo non trovato.", code="ingredient_not_found")
    guidance = extravasation.guidance_for(ingredient.code)
    archive = ingredient.extravasation_class or ""
    differs = bool(archive) and archive != guidance.klass.value
    return ExtravasationPage(
        ingredient=ingredient, guidance=guidance, archive_class_differs=differs
    )


def extravasation_ingredients() -> list[IngredientInfo]:
    """Antineoplastic ingredients for the extravasation form's list (reference data)."""
    return antineoplastic_ingredients()


# --- for the demo hospital's loader (corsia.demo): no patient data shown, nothing logged ---------


def ctcae_term_id(*, meddra_code: str) -> int:
    """The database id of the CTCAE term with this MedDRA code; ``NotFound`` when there is
    none."""
    found = CtcaeTerm.objects.filter(meddra_code=meddra_code).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound("Termine CTCAE non trovato.", code="term_not_found")
    return found


def patient_has_toxicity(*, patient_id: int) -> bool:
    """Whether any toxicity (current or superseded) is recorded for the patient."""
    return ToxicityRecord.objects.filter(patient_id=patient_id).exists()
