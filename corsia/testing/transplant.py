"""Transplant cases the tests share: an allogeneic peripheral-blood transplant for acute
myeloid leukaemia taken in charge through the service (any field overridden). The other
parts of the pathway add their factories in ``corsia/testing/transplant_<part>.py``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from corsia.core.actors import User
from corsia.transplant import services
from corsia.transplant.models import Transplant

ALLOGENEIC = services.CaseInput(
    transplant_type="allogeneic",
    source="pb",
    indication="Leucemia mieloide acuta in prima remissione completa, rischio sfavorevole",
    diagnosis_code="205.00",
    disease_status="Prima remissione completa (RC1)",
)
AUTOLOGOUS = services.CaseInput(
    transplant_type="autologous",
    source="pb",
    indication="Mieloma multiplo, consolidamento dopo induzione",
    diagnosis_code="203.00",
    disease_status="Risposta parziale molto buona (VGPR)",
)


def case_opened(
    physician: User, patient_id: int, spec: services.CaseInput = ALLOGENEIC, **fields: Any
) -> Transplant:
    """The patient taken in charge by ``physician`` (``spec`` with ``fields`` replaced)."""
    return services.transplant_open(
        actor=physician, workstation=None, patient_id=patient_id, data=replace(spec, **fields)
    )
