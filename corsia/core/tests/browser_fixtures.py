"""Moved to :mod:`corsia.testing.browser` (the fixtures are registered by the root
conftest.py); kept for the browser tests of compounding, administration and prescribing
until they import from there (then delete this file). Only the helpers, never the
fixtures: a session-scoped driver may exist only once per process."""

from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in

__all__ = ["SCREENSHOTS", "assert_accessible_basics", "log_in"]
