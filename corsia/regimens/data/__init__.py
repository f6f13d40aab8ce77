"""The preloaded regimen library, written from the primary publications.

One entry per regimen, with its bibliography; doses are those of the cited trial. The
library arrives "in test": each hospital validates what it adopts (two validators).
Not derived from HemOnc.org (CC BY-NC-SA): every regimen was written from its source.

The regimens are data: the files of ``loader.REGIMEN_FILES`` (``library/solid.yaml``,
``library/haematology.yaml``, ``library/transplant.yaml``, ``library/paediatric.yaml``, then
``haem_myeloma.yaml``, ``haem_lymphoma.yaml``, ``haem_leukaemia.yaml``, ``conditioning.yaml``
and ``paediatric_protocols.yaml``) and the shared supportive blocks of ``library/blocks.yaml``,
read by :mod:`corsia.regimens.data.loader` (format: the module README).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corsia.core.domain.errors import ValidationFailed
from corsia.regimens.data.loader import LibraryFileError, load_documents
from corsia.regimens.domain.spec import RegimenSpec
from corsia.regimens.domain.spec_codec import spec_from_dict


def documents(directory: Path | None = None) -> list[dict[str, Any]]:
    return load_documents(directory)


def specs(directory: Path | None = None) -> list[RegimenSpec]:
    """Every regimen of the library as a spec; a malformed field (a number too large, a
    text where a number goes) is a :class:`LibraryFileError` naming the regimen."""
    result = []
    for doc in documents(directory):
        try:
            result.append(spec_from_dict(doc))
        except ValidationFailed as wrong:
            raise LibraryFileError(f"regimen {doc.get('code', '?')}: {wrong.message}") from None
    return result
