"""Reads of the transplant pathway, one file per part, re-exported here (one import line
per file)."""

from corsia.transplant.selectors.case import patient_transplants, transplant_get, unit_transplants

__all__ = ["patient_transplants", "transplant_get", "unit_transplants"]
