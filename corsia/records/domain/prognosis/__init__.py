"""Prognostic scores, each from its published formula (the reference in each module)."""
