"""The medical record's own data (persistence only; rules in ``domain/``)."""
