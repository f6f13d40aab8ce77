"""Bedside administration: the three scans and their checks, the administration from its
start to its end (pump programming, end, interrupt), the ward's worklist and a patient's day."""
