"""The Referto di Televisita: the clinician's report after the call, signed (PAdES) and
archived in the patient's documents (``documents.services.document_create``), frozen."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound
from corsia.documents.services import document_create
from corsia.fse.services import fse_televisit_submit
from corsia.telemedicine import audit_events as events
from corsia.telemedicine.domain.states import CONSENT_SOURCES, VisitKind, VisitState
from corsia.telemedicine.models import Televisit, TelevisitReport
from corsia.telemedicine.permissions import CONDUCT
from corsia.telemedicine.services.visits import _text

REPORT_KIND = "televisit_report"  # documents' kind; LOINC 75496-0 on the FSE
REPORT_TEMPLATE = "clinical_letter"


def _paragraphs(heading: str, text: str) -> dict[str, object]:
    return {"heading": heading, "rows": [[heading, chunk] for chunk in text.split("\n\n") if chunk]}


def televisit_report_sign(
    *,
    actor: User,
    workstation: Workstation,
    televisit_id: int,
    history: str,
    findings: str,
    conclusions: str,
) -> TelevisitReport:
    """Write and sign the report of a concluded televisit (its clinician only, once)."""
    require_permission(actor, CONDUCT)
    texts = {
        "history": _text(history, "history", required=True),
        "findings": _text(findings, "findings", required=True),
        "conclusions": _text(conclusions, "conclusions", required=True),
    }
    with transaction.atomic():
        visit = (
            Televisit.objects.select_for_update()
            .select_related("patient", "clinician")
            .filter(pk=televisit_id)
            .first()
        )
        if visit is None or visit.clinician_id != actor.pk:
            raise NotFound("Televisita inesistente.", code="televisit_not_found")
        if visit.kind != VisitKind.TELEVISIT.value:
            raise ConflictError(
                "Il teleconsulto si chiude con la risposta del consulente, non con un referto.",
                code="report_not_applicable",
            )
        if visit.state != VisitState.CLOSED.value:
            raise ConflictError(
                "Il referto si firma a televisita conclusa (chiudere la stanza).",
                code="televisit_not_closed",
            )
        if TelevisitReport.objects.filter(televisit=visit).exists():
            raise ConflictError("Il referto è già firmato.", code="report_already_signed")
        start = timezone.localtime(visit.opened_at or visit.scheduled_start)
        end = timezone.localtime(visit.closed_at or visit.scheduled_end)
        consent = CONSENT_SOURCES.get(visit.consent_source, "—")
        document = document_create(
            actor=actor,
            workstation=workstation,
            kind=REPORT_KIND,
            title=f"Referto di televisita del {start:%d/%m/%Y}",
            patient=visit.patient,
            template_code=REPORT_TEMPLATE,
            context={
                "subtitle": f"Televisita dalle {start:%H:%M} alle {end:%H:%M}",
                "sections": [
                    {
                        "heading": "Televisita",
                        "rows": [
                            ["Medico", actor.get_full_name() or actor.username],
                            ["Modalità", "videochiamata (telemedicina)"],
                            [
                                "Consenso",
                                f"{consent}, "
                                f"{timezone.localtime(visit.consent_at):%d/%m/%Y %H:%M}"
                                f" (testo {visit.consent_version})"
                                if visit.consent_at
                                else "—",
                            ],
                        ],
                    },
                    _paragraphs("Anamnesi e motivo della televisita", texts["history"]),
                    _paragraphs("Esito della televisita", texts["findings"]),
                    _paragraphs("Conclusioni e indicazioni", texts["conclusions"]),
                ],
            },
            source=("telemedicine", "televisit", visit.pk),
            sign=True,
            reason="Firma del referto di televisita",
        )
        report = TelevisitReport.objects.create(
            televisit=visit,
            document_id=document.pk,
            signed_by=actor,
            signed_at=document.signed_at or timezone.now(),
            **texts,
        )
        audit_record(
            event=events.REPORT_SIGNED,
            actor=actor,
            workstation=workstation,
            target=visit,
            patient_id=visit.patient_id,
            after={"document_id": document.pk, "document_sha256": document.sha256},
        )
    # The Referto di Televisita to the FSE (LOINC 75496-0), like the LDO: the CDA built by
    # fse from the texts as signed and queued; a refusal (no consent to feed the FSE, a
    # signer without codice fiscale) is audited there and leaves the signature standing.
    fse_televisit_submit(
        actor=actor,
        workstation=workstation,
        televisit_id=visit.pk,
        booking_id=visit.booking_id,
        patient_id=visit.patient_id,
        signed_at=report.signed_at,
        started_at=start,
        ended_at=end,
        history=report.history,
        findings=report.findings,
        conclusions=report.conclusions,
        consent_text=visit.consent_text,
    )
    return report
