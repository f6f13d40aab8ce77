"""Reads of the transplant pathway, one file per part, re-exported here (one import line
per file)."""

from corsia.transplant.selectors.case import (
    patient_transplants,
    transplant_get,
    unit_transplants,
    unit_transplants_shown,
)
from corsia.transplant.selectors.engraftment import EngraftmentView, engraftment_of
from corsia.transplant.selectors.pretransplant import CasePath, case_path, conditioning_choices

__all__ = [
    "CasePath",
    "EngraftmentView",
    "case_path",
    "conditioning_choices",
    "engraftment_of",
    "patient_transplants",
    "transplant_get",
    "unit_transplants",
    "unit_transplants_shown",
]
