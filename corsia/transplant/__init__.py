"""Stem-cell transplant pathway (issue 17). For now only the pure clinical rules in ``domain``."""
