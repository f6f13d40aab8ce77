"""FOLFOX-4 at the bedside (``corsia.testing.administration``), for the administrations."""

from __future__ import annotations

from corsia.testing.administration import folfox, make_folfox

__all__ = ["folfox", "make_folfox"]
