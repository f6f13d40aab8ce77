"""The preloaded regimen library, written from the primary publications.

One entry per regimen, with its bibliography; doses are those of the cited trial. The
library arrives "in test": each hospital validates what it adopts (two validators).
Not derived from HemOnc.org (CC BY-NC-SA): every regimen was written from its source.

The regimens are data: ``library/solid.yaml``, ``library/haematology.yaml``,
``library/paediatric.yaml`` and the shared supportive blocks of ``library/blocks.yaml``,
read by :mod:`corsia.regimens.data.loader` (format: the module README).
"""

from __future__ import annotations

from typing import Any

from corsia.regimens.data.loader import load_documents
from corsia.regimens.domain.spec import RegimenSpec
from corsia.regimens.domain.spec_codec import spec_from_dict


def documents() -> list[dict[str, Any]]:
    return load_documents()


def specs() -> list[RegimenSpec]:
    return [spec_from_dict(doc) for doc in documents()]
