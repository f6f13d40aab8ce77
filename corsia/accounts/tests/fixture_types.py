"""Moved to :mod:`corsia.testing.accounts`; kept for the tests of prescribing, compounding
and administration until they import it from there (then delete this file)."""

from corsia.testing.accounts import MakeUser

__all__ = ["MakeUser"]
