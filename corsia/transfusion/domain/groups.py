"""The patient's blood group on record. Pure.

Italian practice (DM 2 novembre 2015, art. 10 and Allegato VII) asks for the ABO/RhD group
to be determined on **two samples taken at different times** before it is the patient's
confirmed group: one determination is provisional. Two determinations that disagree are a
discrepancy: no group is confirmed until the transfusion service resolves it (a third
determination agreeing with one of the others does not erase the discrepancy: a correction
is the transfusion service's, recorded as such).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from corsia.transfusion.domain.isbt128 import BloodGroup


class GroupStatus(StrEnum):
    NONE = "none"
    PROVISIONAL = "provisional"
    CONFIRMED = "confirmed"
    DISCREPANT = "discrepant"


@dataclass(frozen=True)
class Determination:
    group: BloodGroup
    sample: str
    collected_at: datetime


@dataclass(frozen=True)
class GroupOnRecord:
    status: GroupStatus
    group: BloodGroup | None  # the confirmed (or provisional) group

    @property
    def confirmed(self) -> bool:
        return self.status is GroupStatus.CONFIRMED


def group_on_record(determinations: list[Determination]) -> GroupOnRecord:
    """The status the determinations give (any order)."""
    if not determinations:
        return GroupOnRecord(GroupStatus.NONE, None)
    groups = {d.group for d in determinations}
    if len(groups) > 1:
        return GroupOnRecord(GroupStatus.DISCREPANT, None)
    group = determinations[0].group
    samples = {d.sample.strip().upper() for d in determinations}
    moments = {d.collected_at for d in determinations}
    if len(samples) >= 2 and len(moments) >= 2:
        return GroupOnRecord(GroupStatus.CONFIRMED, group)
    return GroupOnRecord(GroupStatus.PROVISIONAL, group)


def new_determination_problem(
    previous: list[Determination], new: Determination
) -> tuple[str, str] | None:
    """Why ``new`` cannot be added (code, Italian message), or None. A second determination
    on the same sample, or at the same moment, proves nothing new."""
    for old in previous:
        if old.sample.strip().upper() == new.sample.strip().upper():
            return (
                "same_sample",
                "Questa provetta è già stata usata per una determinazione: la conferma "
                "richiede un secondo prelievo.",
            )
        if old.collected_at == new.collected_at:
            return (
                "same_collection_time",
                "La conferma richiede un prelievo eseguito in un momento diverso.",
            )
    return None
