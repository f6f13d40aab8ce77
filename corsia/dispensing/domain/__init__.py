"""Direct distribution's pure rules: days covered, next due date, adherence (PDC), what a
therapy plan still covers, whether a delegation holds on a day. No Django."""
