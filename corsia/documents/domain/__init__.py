"""Pure rules of the clinical document archive (no Django, no I/O)."""
