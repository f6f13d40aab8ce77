"""The bedside session: one nurse at one patient, the wristband and the badge read once,
then each bag of the patient's day.

Every scan goes to :func:`bedside_scan`, which tells the code apart (a wristband ``PZ…``,
a label ``PRP…``/``WRD…``, anything else a badge) and answers from the server's state, not
the page's: the open session of this nurse at this workstation (:class:`BedsideSession`,
locked for the scan). A refusal is an *answer*, recorded in the scan log like every scan;
bad input (an empty or over-long code, a NUL byte) is a ``ValidationFailed``.

* wristband: starts the patient's session (audited); the same patient again changes
  nothing; another patient's (or an unknown one) ends the open session first
  (``other_wristband``, audited) so no bag is ever checked against the previous patient.
* badge: checked at once: unknown, inactive, not a nurse's, or another user's badge is
  refused there and then (audited); the nurse's own badge identifies them for the whole
  session. With an intrathecal bag waiting, a physician's badge co-signs it.
* label: the bag is verified against the session's patient by every rule of
  ``bedside_verify`` (wrong patient, allergies, sequence…); allowed, it starts.

A session ends when the nurse closes it, another wristband is read, or nothing was scanned
for ``CORSIA_BEDSIDE_SESSION_IDLE_MINUTES`` (30): the next scan ends it (``timeout``,
audited) before doing anything else. Reads of the session are in ``selectors.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.administration import audit_events as events
from corsia.administration.bedside.services import BedsideResult, bedside_verify, masked_badge
from corsia.administration.domain.bedside import parse_label
from corsia.administration.models import (
    AdministrationScan,
    BedsideSession,
    ScanKind,
    ScanOutcome,
    SessionEnd,
)
from corsia.administration.permissions import ADMINISTER, NURSE_ONLY
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.domain.wristband import mrn_from_payload
from corsia.patients.selectors import patient_by_mrn

if TYPE_CHECKING:
    from collections.abc import Mapping

    from corsia.patients.models import Patient

MAX_CODE_LENGTH = 128


def session_idle_minutes() -> int:
    return int(getattr(settings, "CORSIA_BEDSIDE_SESSION_IDLE_MINUTES", 30))


def session_is_stale(session: BedsideSession, now: datetime) -> bool:
    return session.last_scan_at < now - timedelta(minutes=session_idle_minutes())


@dataclass(frozen=True)
class ScanAnswer:
    """What one scan did. ``code``: stable English; ``message``: the Italian line the
    nurse reads; ``accepted``: green or red; ``ended``: the session this scan ended
    (another wristband, or found idle too long), with ``ended_message`` saying why."""

    kind: ScanKind
    accepted: bool
    code: str
    message: str
    session: BedsideSession | None
    ended: BedsideSession | None = None
    ended_message: str = ""
    result: BedsideResult | None = None  # a label's verification


def _patient_name(patient: Patient) -> str:
    return f"{patient.surname.upper()} {patient.given_names}"


def open_session_for_update(*, nurse: User, workstation: Workstation) -> BedsideSession | None:
    """The nurse's open session at this workstation, locked (inside a transaction)."""
    return (
        BedsideSession.objects.select_for_update()
        .select_related("patient")
        .filter(nurse=nurse, workstation=workstation_label(workstation), ended_at__isnull=True)
        .first()
    )


def _end(
    session: BedsideSession,
    *,
    why: SessionEnd,
    actor: User,
    workstation: Workstation,
    at: datetime,
) -> None:
    session.ended_at = at
    session.end_reason = why.value
    session.pending_label = ""
    session.version += 1
    session.updated_by = actor
    session.save(
        update_fields=[
            "ended_at",
            "end_reason",
            "pending_label",
            "version",
            "updated_by",
            "updated_at",
        ]
    )
    audit_record(
        event=events.BEDSIDE_SESSION_ENDED,
        actor=actor,
        workstation=workstation,
        target=session,
        patient_id=session.patient_id,
        after={"reason": why.value, "started_at": session.started_at.isoformat()},
    )


def _start(
    *, actor: User, workstation: Workstation, patient: Patient, wristband: str, at: datetime
) -> BedsideSession:
    session = BedsideSession.objects.create(
        nurse=actor,
        workstation=workstation_label(workstation),
        patient=patient,
        wristband=wristband[:64],
        started_at=at,
        last_scan_at=at,
        updated_by=actor,
    )
    audit_record(
        event=events.BEDSIDE_SESSION_STARTED,
        actor=actor,
        workstation=workstation,
        target=session,
        patient_id=patient.pk,
        after={"wristband": session.wristband},
    )
    return session


def _touch(session: BedsideSession, at: datetime, **changes: object) -> None:
    for name, value in changes.items():
        setattr(session, name, value)
    session.last_scan_at = at
    session.save(update_fields=["last_scan_at", "updated_at", *changes])


@dataclass(frozen=True)
class _Read:
    """One code as read: by whom, where, when."""

    text: str
    actor: User
    workstation: Workstation
    at: datetime


def _logged(read: _Read, answer: ScanAnswer, *, raw: str = "") -> ScanAnswer:
    """Write the scan and its outcome to the scan log (``raw``: what to keep instead of
    the code, a badge masked); returns the answer."""
    session = answer.session
    AdministrationScan.objects.create(
        kind=answer.kind,
        raw=(raw or read.text)[:MAX_CODE_LENGTH],
        outcome=ScanOutcome.ACCEPTED if answer.accepted else ScanOutcome.REFUSED,
        codes=[] if answer.accepted else [answer.code],
        message="" if answer.accepted else answer.message,
        patient=session.patient if session else None,
        session=session,
        nurse=read.actor,
        workstation=workstation_label(read.workstation),
        scanned_at=read.at,
    )
    return answer


def _clean(code: str) -> str:
    text = code.strip()
    if not text:
        raise ValidationFailed("Nessun codice letto: scansionare di nuovo.", code="scan_empty")
    if "\x00" in text or len(text) > MAX_CODE_LENGTH or not text.isprintable():
        raise ValidationFailed(
            "Il codice letto non è valido (caratteri non ammessi o troppo lungo): "
            "scansionare di nuovo.",
            code="scan_invalid",
        )
    return text


def bedside_scan(
    *,
    actor: User,
    workstation: Workstation,
    code: str,
    overrides: Mapping[str, str] | None = None,
) -> ScanAnswer:
    """One scan at the bedside, whatever it is (see the module's docstring)."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    read = _Read(text=_clean(code), actor=actor, workstation=workstation, at=timezone.now())
    with transaction.atomic():
        session = open_session_for_update(nurse=actor, workstation=workstation)
        ended: BedsideSession | None = None
        ended_message = ""
        if session is not None and session_is_stale(session, read.at):
            _end(session, why=SessionEnd.TIMEOUT, actor=actor, workstation=workstation, at=read.at)
            ended, session = session, None
            ended_message = (
                f"La sessione di {_patient_name(ended.patient)} era ferma da più di "
                f"{session_idle_minutes()} minuti ed è stata chiusa: riscansionare il "
                "braccialetto del paziente e il proprio badge."
            )
        if mrn_from_payload(read.text) is not None:
            answer = _wristband(read, session)
        elif parse_label(read.text) is not None:
            answer = _label(read, session, overrides)
        else:
            answer = _badge(read, session)
    if ended is not None and answer.ended is None:
        answer = replace(answer, ended=ended, ended_message=ended_message)
    return answer


def _wristband(read: _Read, session: BedsideSession | None) -> ScanAnswer:
    mrn = mrn_from_payload(read.text)
    patient = patient_by_mrn(mrn) if mrn else None
    if patient is not None and patient.merged_into is not None:
        patient = patient.merged_into  # a duplicate's wristband names the survivor
    if session is not None and patient is not None and session.patient_id == patient.pk:
        _touch(session, read.at)
        then = "la sacca" if session.identified else "il badge"
        message = f"{_patient_name(patient)}: paziente già identificato. Scansionare {then}."
        return _logged(read, ScanAnswer(ScanKind.WRISTBAND, True, "same_patient", message, session))
    ended: BedsideSession | None = None
    ended_message = ""
    if session is not None:  # another patient (or an unknown one): the session ends first
        _end(
            session,
            why=SessionEnd.OTHER_WRISTBAND,
            actor=read.actor,
            workstation=read.workstation,
            at=read.at,
        )
        ended = session
        ended_message = (
            f"Sessione di {_patient_name(session.patient)} chiusa: è stato letto il "
            "braccialetto di un altro paziente. Le sacche di "
            f"{_patient_name(session.patient)} non sono più accettate."
        )
    if patient is None:
        message = (
            "Braccialetto di un paziente non registrato: non somministrare, verificare "
            "l'identità del paziente."
        )
        unknown = ScanAnswer(ScanKind.WRISTBAND, False, "patient_unknown", message, None)
        return _logged(read, replace(unknown, ended=ended, ended_message=ended_message))
    started = _start(
        actor=read.actor,
        workstation=read.workstation,
        patient=patient,
        wristband=read.text,
        at=read.at,
    )
    message = f"Paziente identificato: {_patient_name(patient)}. Scansionare il proprio badge."
    answer = ScanAnswer(ScanKind.WRISTBAND, True, "session_started", message, started)
    return _logged(read, replace(answer, ended=ended, ended_message=ended_message))


def badge_refusal(*, actor: User, code: str) -> tuple[str, str] | None:
    """Why this badge may not identify the signed-in nurse (code, Italian message), or
    ``None`` when it is their own. Checked the moment the badge is read."""
    owner = User.objects.filter(badge_code=code).first()
    if owner is None:
        return (
            "badge_unknown",
            "Badge non riconosciuto: nessun operatore ha questo badge. Riscansionare il "
            "proprio badge, o «Non ho il badge» indicando il motivo.",
        )
    if not owner.is_active:
        return (
            "badge_inactive",
            "Badge di un utente disattivato: non può essere usato. Scansionare il proprio badge.",
        )
    if not owner.has_perm(ADMINISTER):
        return (
            "badge_not_nurse",
            "Il badge non è di un infermiere: non può identificare chi somministra. "
            "Scansionare il proprio badge.",
        )
    if owner.pk != actor.pk:
        return (
            "badge_other_user",
            "Il badge scansionato è di un altro operatore: ognuno somministra con il proprio "
            "badge e il proprio accesso.",
        )
    return None


def _badge(read: _Read, session: BedsideSession | None) -> ScanAnswer:
    if session is not None and session.pending_label:
        cosigner = User.objects.filter(badge_code=read.text, is_active=True).first()
        if cosigner is not None and cosigner.pk != read.actor.pk:
            return _cosign(read, session)
    masked = masked_badge(read.text)
    refused = badge_refusal(actor=read.actor, code=read.text)
    if refused is not None:
        why, message = refused
        audit_record(
            event=events.BEDSIDE_BADGE_REFUSED,
            actor=read.actor,
            workstation=read.workstation,
            target=session,
            patient_id=session.patient_id if session else None,
            after={"code": why, "badge": masked},
        )
        if session is not None:
            _touch(session, read.at)
        return _logged(read, ScanAnswer(ScanKind.BADGE, False, why, message, session), raw=masked)
    if session is None:
        message = "Badge riconosciuto. Scansionare prima il braccialetto del paziente."
        answer = ScanAnswer(ScanKind.BADGE, False, "wristband_first", message, None)
        return _logged(read, answer, raw=masked)
    if session.badge_verified_at is None:
        _touch(session, read.at, badge_verified_at=read.at, no_badge_reason="")
        message = "Badge verificato. Scansionare la prossima sacca."
    else:
        _touch(session, read.at)
        message = "Badge già verificato in questa sessione. Scansionare la prossima sacca."
    answer = ScanAnswer(ScanKind.BADGE, True, "badge_verified", message, session)
    return _logged(read, answer, raw=masked)


def _label(
    read: _Read, session: BedsideSession | None, overrides: Mapping[str, str] | None
) -> ScanAnswer:
    if session is None or not session.identified:
        if session is None:
            why = "wristband_first"
            first = "Scansionare prima il braccialetto del paziente, poi il proprio badge."
        else:
            _touch(session, read.at)
            why = "badge_first"
            first = "Scansionare prima il proprio badge (o «Non ho il badge» con il motivo)."
        return _logged(read, ScanAnswer(ScanKind.LABEL, False, why, first, session))
    return _verified(read, session, label=read.text, overrides=overrides)


def _cosign(read: _Read, session: BedsideSession) -> ScanAnswer:
    """A physician's badge read while an intrathecal bag waits: verify the bag again with
    the co-signer (bedside_verify records the physician's badge, masked)."""
    answer = _verified(read, session, label=session.pending_label, cosigner=read.text)
    return replace(answer, kind=ScanKind.BADGE)


def _verified(
    read: _Read,
    session: BedsideSession,
    *,
    label: str,
    overrides: Mapping[str, str] | None = None,
    cosigner: str = "",
) -> ScanAnswer:
    """The bag checked by every rule against the session's patient and nurse (the scan
    log row is ``bedside_verify``'s); an intrathecal bag waits for a physician's badge."""
    result = bedside_verify(
        actor=read.actor,
        workstation=read.workstation,
        wristband=session.wristband,
        badge="",
        label=label,
        overrides=overrides,
        cosigner_badge=cosigner,
        session=session,
    )
    needs_physician = any(r.code == "intrathecal_physician_required" for r in result.refusals)
    _touch(session, read.at, pending_label=label.upper() if needs_physician else "")
    if result.allowed:
        assert result.administration is not None  # allowed: it started
        message = f"Controlli superati: {result.administration.ingredient_name} avviato."
        return ScanAnswer(
            ScanKind.LABEL, True, "administration_started", message, session, result=result
        )
    codes = {r.code for r in result.refusals}
    if "wrong_patient" in codes:
        code = "wrong_patient"
        message = (
            f"PAZIENTE SBAGLIATO: la sacca non è di {_patient_name(session.patient)}. "
            "Non somministrare. Nulla è stato registrato come somministrato."
        )
    elif "pgx_result_after_validation" in codes:  # the physician or pharmacist, not the nurse
        code = "pgx_result_after_validation"
        message = "NON SOMMINISTRARE: " + " ".join(r.message for r in result.refusals)
    elif needs_physician:
        code = "intrathecal_physician_required"
        message = "SOLO PER USO INTRATECALE: scansionare il badge del medico che controfirma."
    else:
        code = "administration_refused"
        message = "NON SOMMINISTRARE: " + " ".join(r.message for r in result.refusals)
    return ScanAnswer(ScanKind.LABEL, False, code, message, session, result=result)


def bedside_session_no_badge(
    *, actor: User, workstation: Workstation, reason: str
) -> BedsideSession:
    """The nurse has no badge with them: they go on signed in, with the reason (audited);
    every administration of the session records the badge as not verified."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    text = reason.strip()
    if not text:
        raise ValidationFailed(
            "Indicare il motivo per somministrare senza badge.",
            code="reason_required",
            field="no_badge_reason",
        )
    now = timezone.now()
    with transaction.atomic():
        session = open_session_for_update(nurse=actor, workstation=workstation)
        if session is None or session_is_stale(session, now):
            raise ValidationFailed(
                "Nessun paziente in corso: scansionare prima il braccialetto del paziente.",
                code="no_session",
            )
        _touch(session, now, no_badge_reason=text[:2000])
        audit_record(
            event=events.BEDSIDE_NO_BADGE,
            actor=actor,
            workstation=workstation,
            target=session,
            patient_id=session.patient_id,
            reason=text[:2000],
        )
    return session


def bedside_session_close(*, actor: User, workstation: Workstation) -> BedsideSession | None:
    """The nurse is done with this patient: the session ends (audited). ``None``: there
    was no open session (closed already, or ended by another wristband)."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    now = timezone.now()
    with transaction.atomic():
        session = open_session_for_update(nurse=actor, workstation=workstation)
        if session is None:
            return None
        why = SessionEnd.TIMEOUT if session_is_stale(session, now) else SessionEnd.CLOSED
        _end(session, why=why, actor=actor, workstation=workstation, at=now)
    return session
