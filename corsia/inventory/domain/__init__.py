"""Pure rules of the pharmacy and ward stock: FEFO, arithmetic, requirements, pick lists,
delivery files and the regional File F. No Django, no clock, no I/O: callers pass them in."""
