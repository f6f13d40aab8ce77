"""The JSON shapes of the pathway's API, one file per part (``schemas/case.py``, ...)."""
