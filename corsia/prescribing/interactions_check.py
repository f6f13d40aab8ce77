"""Interactions across everything the patient takes (H59): the chemotherapy of the cycle,
the ward's prescriptions, the home therapy (``current_drugs``), checked where a drug is
committed to the patient.

Severity decides (``corsia.drugs.domain.interactions.Severity``): a contraindicated pair is
a hard stop lifted only by an override with its reason (``interaction_contraindicated``);
a major one needs an acknowledgement (``interaction_unacknowledged``); moderate and minor
ones are shown. At the chemotherapy order the physician (or, for a major pair, the
validating pharmacist) goes past them once with :func:`order_interactions_acknowledge`;
signing and validation refuse while a pair found now has neither
(:func:`order_interactions_ensure_cleared`). The dispensing desk goes past them in the act
itself (:func:`interactions_gate`). Every override and acknowledgement is audited (who,
when, workstation) and kept on the order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.accounts.selectors import user_roles
from corsia.audit.services import access_log_record, audit_record
from corsia.core.access_cache import per_request
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.core.read_together import ReadPart
from corsia.drugs.domain.interactions import Interaction, Severity
from corsia.drugs.selectors import (
    interactions_among,
    interactions_among_query,
    interactions_from,
    interactions_touching_query,
)
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import patient_record
from corsia.prescribing import audit_events as events
from corsia.prescribing.current_drugs import (
    CurrentDrug,
    CurrentDrugsQuery,
    patient_current_drugs,
    patient_current_drugs_queries,
)
from corsia.prescribing.domain.states import OrderEvent, may_fire
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.services.orders import PRESCRIBE, VIEW, locked_order

CONTRAINDICATED = "interaction_contraindicated"
UNACKNOWLEDGED = "interaction_unacknowledged"
MAX_PERIOD_DAYS = 366
REASON_MAX = 1000
# the drugs still in the body: the week before the cycle counts
LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class InteractionWarning:
    """One interaction as the order page and the pharmacist's review list it."""

    drug_a: str
    drug_b: str
    severity: str
    text: str


@dataclass(frozen=True)
class FoundInteraction:
    """One interaction between two drugs the patient takes, each with where it comes from."""

    first: CurrentDrug
    second: CurrentDrug
    severity: Severity
    effect: str
    management: str
    source: str

    @property
    def pair(self) -> tuple[str, str]:
        return (self.first.code, self.second.code)

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.CONTRAINDICATED

    @property
    def needs_acknowledgement(self) -> bool:
        return self.severity in (Severity.CONTRAINDICATED, Severity.MAJOR)

    @property
    def message(self) -> str:
        return (
            f"Interazione {self.severity.label_it.lower()} tra {self.first.name} "
            f"({self.first.source_label.lower()}) e {self.second.name} "
            f"({self.second.source_label.lower()}): {self.effect} {self.management}"
        ).strip()

    def as_json(self) -> dict[str, Any]:
        return {
            "a": self.first.code,
            "a_name": self.first.name,
            "a_source": self.first.source,
            "a_detail": self.first.detail,
            "b": self.second.code,
            "b_name": self.second.name,
            "b_source": self.second.source,
            "b_detail": self.second.detail,
            "severity": self.severity.value,
            "effect": self.effect,
            "management": self.management,
            "source": self.source,
            "message": self.message,
        }


def find_interactions(
    drugs: Sequence[CurrentDrug],
    *,
    focus: Iterable[str] | None = None,
    known: Sequence[Interaction] | None = None,
) -> list[FoundInteraction]:
    """The known interactions among ``drugs`` (most serious first); with ``focus``, only
    those where one drug is in it (e.g. the drugs of the order being signed). Each drug of
    a pair is named by its first occurrence, the order's own taken first. ``known``: the
    interactions among them already read (else one query)."""
    wanted = set(focus) if focus is not None else None
    first_of: dict[str, CurrentDrug] = {}
    for drug in drugs:
        current = first_of.get(drug.code)
        if current is None or (wanted is not None and drug.code in wanted and not current.order_id):
            first_of[drug.code] = drug
    found = []
    among = interactions_among(first_of) if known is None else known
    for pair in among:
        if pair.a not in first_of or pair.b not in first_of:
            continue
        if wanted is not None and not (pair.a in wanted or pair.b in wanted):
            continue
        first, second = first_of[pair.a], first_of[pair.b]
        if wanted is not None and second.code in wanted and first.code not in wanted:
            first, second = second, first
        found.append(
            FoundInteraction(
                first=first,
                second=second,
                severity=pair.severity,
                effect=pair.effect,
                management=pair.management,
                source=pair.source,
            )
        )
    return found


def order_interaction_warnings(order: TherapyOrder) -> list[InteractionWarning]:
    """The order's interactions across the patient's therapies as the order page and the
    pharmacist's review list them (each drug with where it comes from)."""
    return [
        InteractionWarning(
            drug_a=f"{f.first.name} ({f.first.source_label.lower()})",
            drug_b=f"{f.second.name} ({f.second.source_label.lower()})",
            severity=f.severity.label_it.lower(),
            text=f"{f.effect} {f.management}".strip(),
        )
        for f in order_found_interactions(order)
    ]


def _pair_key(found: FoundInteraction) -> str:
    a, b = sorted(found.pair)
    return f"{a}+{b}:{found.severity.value}"


def _refuse_pending(pending: Sequence[FoundInteraction]) -> None:
    blocking = [f for f in pending if f.blocking]
    details = {"interactions": [f.as_json() for f in pending]}
    if blocking:
        raise ValidationFailed(
            " ".join(f.message for f in blocking)
            + " Serve una deroga motivata del medico (interaction_override_reason).",
            code=CONTRAINDICATED,
            field="interaction_override_reason",
            details=details,
        )
    if pending:
        raise ValidationFailed(
            " ".join(f.message for f in pending)
            + " Conferma di averne preso visione (interaction_acknowledged).",
            code=UNACKNOWLEDGED,
            field="interaction_acknowledged",
            details=details,
        )


def interactions_gate(
    found: Sequence[FoundInteraction], *, override_reason: str, acknowledged: bool
) -> list[FoundInteraction]:
    """Refuse while a contraindicated pair has no reason or a major one is not acknowledged
    (nothing written). Returns the pairs gone past (for the caller's audit event)."""
    reason = override_reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            f"Motivazione troppo lunga (al massimo {REASON_MAX} caratteri).",
            code="reason_too_long",
            field="interaction_override_reason",
        )
    serious = [f for f in found if f.needs_acknowledgement]
    if any(f.blocking for f in serious) and not reason:
        _refuse_pending(serious)
    if serious and not (acknowledged or reason):
        _refuse_pending(serious)
    return serious


# --- the chemotherapy order ------------------------------------------------------------


def order_period(order: TherapyOrder) -> tuple[date, date]:
    """The cycle's days (its active lines), from a week before its first day."""
    # the prefetched lines when the order was read with them (a page), else one query
    days = [i.scheduled_date for i in order.items.all() if i.status == "active"]
    first = min(days, default=order.start_date)
    last = max(days, default=order.start_date)
    return first - timedelta(days=LOOKBACK_DAYS), last


def order_found_interactions(order: TherapyOrder) -> list[FoundInteraction]:
    """The interactions of this order's drugs with everything the patient takes in the
    cycle's period (the order's own lines, other orders, the ward, home therapy). Found
    once per read-only request (a page lists them and their pending acknowledgements)."""

    def compute() -> tuple[FoundInteraction, ...]:
        first, last = order_period(order)
        drugs = patient_current_drugs(patient_id=order.patient_id, first_day=first, last_day=last)
        return _order_found(order, drugs, None)

    return list(per_request(_order_key(order), compute))


def _order_key(order: TherapyOrder) -> tuple[str, int, int]:
    return ("order_interactions", order.pk, order.version)


def _order_found(
    order: TherapyOrder, drugs: Sequence[CurrentDrug], known: Sequence[Interaction] | None
) -> tuple[FoundInteraction, ...]:
    own = [d for d in drugs if d.order_id == order.pk]
    return tuple(find_interactions([*own, *drugs], focus={d.code for d in own}, known=known))


def _drugs_decoded(
    sources: Sequence[CurrentDrugsQuery], results: list[list[Any]]
) -> tuple[list[CurrentDrug], int]:
    """Every source's drugs from the results of its querysets (read first, in order), and
    the index of the first result after them."""
    drugs: list[CurrentDrug] = []
    start = 0
    for source in sources:
        end = start + len(source.querysets)
        drugs.extend(source.decode(results[start:end]))
        start = end
    return drugs, start


def order_interactions_read(order: TherapyOrder) -> ReadPart[None]:
    """The batched variant of :func:`order_found_interactions` for a page that reads it
    with other modules' reads (``corsia.core.read_together.read_parts``): every source's
    drugs of the period and the known interactions of the order's drugs, in one statement
    with the rest; what it finds is kept for the rest of the read-only request, where
    :func:`order_found_interactions` and :func:`order_interactions_pending` answer it."""
    first, last = order_period(order)
    sources = patient_current_drugs_queries(
        patient_id=order.patient_id, first_day=first, last_day=last
    )
    touching = interactions_touching_query({i.ingredient_id for i in order.items.all()})

    def decode(results: list[list[Any]]) -> None:
        drugs, start = _drugs_decoded(sources, results)
        known = interactions_from(results[start], {d.code for d in drugs})
        found = _order_found(order, drugs, known)
        per_request(_order_key(order), lambda: found)

    return ReadPart(querysets=(*(q for s in sources for q in s.querysets), touching), decode=decode)


def _granted(order: TherapyOrder) -> set[str]:
    return {str(row.get("key")) for row in order.interaction_acknowledgements}


def order_interactions_pending(order: TherapyOrder) -> list[FoundInteraction]:
    granted = _granted(order)
    return [
        f
        for f in order_found_interactions(order)
        if f.needs_acknowledgement and _pair_key(f) not in granted
    ]


def order_interactions_ensure_cleared(order: TherapyOrder) -> None:
    """At signing and validation: refuse (``interaction_contraindicated`` /
    ``interaction_unacknowledged``, the pairs in ``details``) while a serious interaction
    found now was not gone past on this order."""
    _refuse_pending(order_interactions_pending(order))


def order_interactions_note(order: TherapyOrder, *, actor: User, workstation: Workstation) -> None:
    """At creation: the interactions found are audited (the draft is not refused: the hard
    stop is at signing, once the physician has seen them on the order)."""
    found = order_found_interactions(order)
    if found:
        audit_record(
            event=events.ORDER_INTERACTIONS_FOUND,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"interactions": [f.as_json() for f in found]},
        )


def order_interactions_acknowledge(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    override_reason: str = "",
    acknowledged: bool = False,
) -> list[FoundInteraction]:
    """Go past the serious interactions the order has now: a contraindicated pair needs the
    physician's reason (a pharmacist returns the order instead), a major one an
    acknowledgement (physician or validating pharmacist). Kept on the order, audited."""
    require_permission(actor, VIEW, "Non hai accesso alle prescrizioni.")
    prescriber = actor.has_perm(PRESCRIBE)  # a physician; a pharmacist validates
    if not prescriber and not may_fire(OrderEvent.VALIDATE, user_roles(actor)):
        raise PermissionRefused("Solo il medico o il farmacista validatore.")
    with transaction.atomic():
        order = locked_order(order_id)
        ensure_patient_in_scope(actor, order.patient_id)
        pending = order_interactions_pending(order)
        if not pending:
            return []
        if any(f.blocking for f in pending) and not prescriber:
            raise PermissionRefused(
                "Un'interazione controindicata si deroga solo dal medico: rinvia la "
                "prescrizione al prescrittore.",
                code=CONTRAINDICATED,
            )
        serious = interactions_gate(
            pending, override_reason=override_reason, acknowledged=acknowledged
        )
        now = timezone.now().isoformat()
        by = actor.get_full_name() or actor.get_username()
        reason = override_reason.strip()
        order.interaction_acknowledgements = [
            *order.interaction_acknowledgements,
            *(
                {
                    "key": _pair_key(f),
                    "a": f.first.code,
                    "b": f.second.code,
                    "severity": f.severity.value,
                    "reason": reason,
                    "by_id": actor.pk,
                    "by": by,
                    "at": now,
                }
                for f in serious
            ),
        ]
        order.save(update_fields=["interaction_acknowledgements"])
        audit_record(
            event=(
                events.ORDER_INTERACTION_OVERRIDDEN
                if any(f.blocking for f in serious)
                else events.ORDER_INTERACTION_ACKNOWLEDGED
            ),
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"interactions": [f.as_json() for f in serious]},
            reason=reason,
        )
    return serious


# --- the patient's page and API ----------------------------------------------------------


@dataclass(frozen=True)
class PatientInteractions:
    first_day: date
    last_day: date
    drugs: list[CurrentDrug]
    interactions: list[FoundInteraction]


def patient_period(first_day: date | None, last_day: date | None) -> tuple[date, date]:
    """Today to four weeks ahead unless given; refused when reversed or past a year."""
    first = first_day or timezone.localdate()
    last = last_day or first + timedelta(days=28)
    if last < first:
        raise ValidationFailed(
            "La fine del periodo precede l'inizio.", code="period_invalid", field="to"
        )
    if (last - first).days > MAX_PERIOD_DAYS:
        raise ValidationFailed(
            f"Periodo troppo lungo (al massimo {MAX_PERIOD_DAYS} giorni).",
            code="period_too_long",
            field="to",
        )
    return first, last


def _patient_read_allowed(
    *,
    user: User,
    patient_id: int,
    workstation: Workstation,
    channel: str,
    period: tuple[date | None, date | None],
    patient_read: bool,
) -> tuple[date, date]:
    """The checks of a read of the patient's interactions, then its access-log row: the
    permission, the period (:func:`patient_period`), the patient in the user's scope and,
    unless the page has already read it (``patient_read``), there (NotFound)."""
    require_permission(user, VIEW, "Non hai accesso alle prescrizioni.")
    first, last = patient_period(*period)
    ensure_patient_in_scope(user, patient_id)
    if not patient_read:
        patient_record(patient_id=patient_id)  # NotFound when there is none
    access_log_record(
        user=user,
        patient_id=patient_id,
        what="interazioni tra le terapie in corso",
        workstation=workstation,
        channel=channel,
    )
    return first, last


def patient_interactions_view(
    *,
    user: User,
    patient_id: int,
    workstation: Workstation,
    first_day: date | None = None,
    last_day: date | None = None,
    channel: str = "web",
) -> PatientInteractions:
    """Every drug the patient takes in the period and the interactions among them (a
    logged clinical read)."""
    first, last = _patient_read_allowed(
        user=user, patient_id=patient_id, workstation=workstation, channel=channel,
        period=(first_day, last_day), patient_read=False,
    )  # fmt: skip
    drugs = patient_current_drugs(patient_id=patient_id, first_day=first, last_day=last)
    return PatientInteractions(
        first_day=first, last_day=last, drugs=drugs, interactions=find_interactions(drugs)
    )


@dataclass(frozen=True)
class PatientDrugs:
    """What :func:`patient_interactions_read` read: the period and every drug in it."""

    first_day: date
    last_day: date
    drugs: list[CurrentDrug]

    def interactions_read(self) -> ReadPart[PatientInteractions]:
        """The known interactions among the drugs (a second statement: which drugs is
        known only now), as :func:`patient_interactions_view` finds them."""
        codes = {d.code for d in self.drugs}
        rows = interactions_among_query(codes)

        def decode(results: list[list[Any]]) -> PatientInteractions:
            known = interactions_from(results[0], sorted(codes))
            return PatientInteractions(
                first_day=self.first_day,
                last_day=self.last_day,
                drugs=self.drugs,
                interactions=find_interactions(self.drugs, known=known),
            )

        return ReadPart(querysets=(rows,), decode=decode)


def patient_interactions_read(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> ReadPart[PatientDrugs]:
    """The batched variant of :func:`patient_interactions_view` over its default period
    (``corsia.core.read_together``, issue 27) for a page that has read the patient: the
    same checks and access-log row; every source's drugs in the page's statement, the
    interactions among them in a second (:meth:`PatientDrugs.interactions_read`)."""
    first, last = _patient_read_allowed(
        user=user, patient_id=patient_id, workstation=workstation, channel=channel,
        period=(None, None), patient_read=True,
    )  # fmt: skip
    sources = patient_current_drugs_queries(patient_id=patient_id, first_day=first, last_day=last)

    def decode(results: list[list[Any]]) -> PatientDrugs:
        drugs, _ = _drugs_decoded(sources, results)
        return PatientDrugs(first_day=first, last_day=last, drugs=drugs)

    return ReadPart(querysets=tuple(q for s in sources for q in s.querysets), decode=decode)
