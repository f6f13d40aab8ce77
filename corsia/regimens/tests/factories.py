"""Moved to :mod:`corsia.testing.regimens`; kept for prescribing's test factories until
they import it from there (then delete this file)."""

from corsia.testing.regimens import ABVD_INGREDIENTS, abvd_spec, make_ingredients

__all__ = ["ABVD_INGREDIENTS", "abvd_spec", "make_ingredients"]
