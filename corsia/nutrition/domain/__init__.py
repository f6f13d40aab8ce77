"""Parenteral nutrition, pure: the component catalogue and the limits as parsed data,
the composition of a bag (volume, kcal, nitrogen, glucose infusion rate, osmolarity,
electrolytes) and its checks (route, calcium-phosphate, per-kg limits, weight).
No Django, no clock, no I/O: the data files are read by ``corsia.nutrition.reference``."""
