"""Pages of the transplant pathway, one file per part (``views/case.py``, ...); their
addresses in ``urls/``."""
