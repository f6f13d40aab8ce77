"""Pure rules of the toxicity module: CTCAE grading, attribution, dates, worst grade,
extravasation classes and procedures. No Django, no database, no clock."""
