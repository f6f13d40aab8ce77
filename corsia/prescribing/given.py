"""What the patient was actually given, as prescribing needs it for the lifetime
cumulative dose (H06), without prescribing reading the administration module.

The administration module sits above prescribing in the module order (it records the
administration of prescribing's orders), so prescribing cannot import it. Prescribing
declares here the reader it needs; the administration module registers its own
(``corsia.administration.given.doses_given``) when the application starts
(``AdministrationConfig.ready``). Without a registered reader the check refuses to run:
a lifetime total that silently ignored the administered doses would be the very defect
H06 is about.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol

from corsia.core.domain.errors import CorsiaError
from corsia.core.read_together import ReadPart


class GivenDoseRecord(Protocol):
    """One administration, as the cumulative check reads it."""

    @property
    def order_item_id(self) -> int: ...
    @property
    def ingredient_code(self) -> str: ...
    @property
    def dose_unit(self) -> str: ...
    @property
    def amount_given(self) -> Decimal: ...
    @property
    def finished(self) -> bool: ...


class GivenDosesReader(Protocol):
    def __call__(
        self, *, patient_id: int, ingredient_codes: Iterable[str] | None = None
    ) -> Sequence[GivenDoseRecord]: ...


class GivenDosesUnavailable(CorsiaError):
    code = "given_doses_unavailable"
    status = 503


_reader: list[GivenDosesReader] = []


class GivenDosesRead(Protocol):
    def __call__(self, *, patient_id: int) -> ReadPart[Sequence[GivenDoseRecord]]: ...


_read: list[GivenDosesRead] = []


def given_doses_reader_register(reader: GivenDosesReader) -> None:
    """Called once by the module that records administrations (idempotent)."""
    _reader[:] = [reader]


def given_doses_read_register(read: GivenDosesRead) -> None:
    """The batched variant of the reader (``corsia.core.read_together``: every
    administration of the patient, in one statement with the rest of a page), registered
    by the same module (idempotent)."""
    _read[:] = [read]


def doses_given(
    *, patient_id: int, ingredient_codes: Iterable[str] | None = None
) -> Sequence[GivenDoseRecord]:
    if not _reader:
        raise GivenDosesUnavailable(
            "Le somministrazioni registrate non sono leggibili: impossibile calcolare la "
            "dose cumulativa nella vita."
        )
    return _reader[0](patient_id=patient_id, ingredient_codes=ingredient_codes)


def doses_given_read(*, patient_id: int) -> ReadPart[Sequence[GivenDoseRecord]]:
    """Every administration of the patient (a merged duplicate's included), oldest first:
    :func:`doses_given` without ``ingredient_codes``, in its batched variant."""
    if not _read:
        raise GivenDosesUnavailable(
            "Le somministrazioni registrate non sono leggibili: impossibile calcolare la "
            "dose cumulativa nella vita."
        )
    return _read[0](patient_id=patient_id)
