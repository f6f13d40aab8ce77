"""The permissions of the ward therapy module, named once (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

VIEW = "therapy.view_therapy"
PRESCRIBE = "therapy.prescribe"
ADMINISTER = "therapy.administer"
CORRECT = "therapy.correct_dose"
MANAGE_CABINET = "therapy.manage_cabinet"
