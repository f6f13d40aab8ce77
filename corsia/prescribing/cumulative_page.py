"""The patient's lifetime cumulative doses as the physician's therapy page reads them
(issue 27): :func:`cumulative.patient_cumulative_view` in its batched variant, its reads
in two statements shared with the rest of the page (``corsia.core.read_together``) — the
patient's drugs and exposures first, then the archive's limits of those drugs. The same
checks, access-log row and tallies as :func:`cumulative.patient_cumulative`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corsia.core.actors import User, Workstation
from corsia.core.read_together import ReadPart
from corsia.drugs.selectors import ingredients_by_code_query
from corsia.patients.selectors import patient_and_merged_ids_query
from corsia.prescribing.cumulative import (
    COMMITTED_STATES,
    Exposures,
    PatientCumulativeView,
    counted_codes,
    cumulative_read_allowed,
    exposure_events,
    given_lines,
    limit_codes,
    limits_for,
    unit_conversions,
)
from corsia.prescribing.domain.cumulative import Tally, tally
from corsia.prescribing.given import GivenDoseRecord, doses_given_read
from corsia.prescribing.models import ItemStatus, OrderItem, PriorDose


@dataclass(frozen=True)
class CumulativeRows:
    """What :func:`patient_cumulative_read` read: the patient's drugs and exposures, whose
    limits :meth:`tallies_read` reads next (which drugs is known only now)."""

    codes: frozenset[str]  # every drug recorded elsewhere, committed or given
    given: tuple[GivenDoseRecord, ...]  # every administration
    committed: tuple[OrderItem, ...]  # the active lines of the committed orders
    prior: tuple[PriorDose, ...]  # the records that count (none corrects them)
    prior_doses: tuple[PriorDose, ...]  # every record, corrections included (the list)

    def tallies_read(self) -> ReadPart[PatientCumulativeView]:
        """The archive's limits of the drugs and the lines given (their order's BSA and
        cycle): then the tallies, as :func:`patient_cumulative` makes them."""
        archive = ingredients_by_code_query(limit_codes(self.codes))
        lines = given_lines(g.order_item_id for g in self.given)

        def decode(results: list[list[Any]]) -> PatientCumulativeView:
            limits = limits_for(self.codes, archive={i.code: i for i in results[0]})
            tallies: list[Tally] = []
            if limits:
                counted = counted_codes(limits)
                events, _ = exposure_events(
                    Exposures(
                        given=tuple(g for g in self.given if g.ingredient_code in counted),
                        given_lines={row[0]: row[1:] for row in results[1]},
                        committed=tuple(i for i in self.committed if i.ingredient.code in counted),
                        prior=tuple(p for p in self.prior if p.ingredient.code in counted),
                    )
                )
                tallies = [tally(lim, events, unit_conversions()) for lim in limits]
            return PatientCumulativeView(tallies=tallies, prior_doses=list(self.prior_doses))

        return ReadPart(querysets=(archive, lines), decode=decode)


def patient_cumulative_read(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> ReadPart[CumulativeRows]:
    """The batched variant of :func:`patient_cumulative_view` (``corsia.core.read_together``,
    issue 27) for a page that has read the patient: the same checks and access-log row;
    the patient's drugs and exposures (a merged duplicate's too) in the page's statement,
    their limits and the tallies in a second (:meth:`CumulativeRows.tallies_read`)."""
    cumulative_read_allowed(
        user=user, patient_id=patient_id, workstation=workstation, channel=channel,
        patient_read=True,
    )  # fmt: skip
    ids = patient_and_merged_ids_query(patient_id=patient_id)
    committed_lines = OrderItem.objects.filter(
        order__patient_id__in=ids, order__state__in=COMMITTED_STATES
    )
    given = doses_given_read(patient_id=patient_id)
    querysets = (
        PriorDose.objects.filter(patient_id__in=ids)
        .order_by()
        .values_list("ingredient__code", flat=True)
        .distinct(),
        committed_lines.order_by().values_list("ingredient__code", flat=True).distinct(),
        committed_lines.filter(status=ItemStatus.ACTIVE)
        .select_related("order", "ingredient")
        .order_by("scheduled_date", "id"),
        PriorDose.objects.filter(patient_id__in=ids, corrected_by__isnull=True)
        .select_related("ingredient", "recorded_by")
        .order_by("given_from", "id"),
        PriorDose.objects.filter(patient_id=patient_id)
        .select_related("ingredient", "recorded_by", "corrects")
        .order_by("given_from", "id"),
        *given.querysets,
    )

    def decode(results: list[list[Any]]) -> CumulativeRows:
        prior_codes, committed_codes, committed, prior, prior_doses = results[:5]
        doses = tuple(given.decode(results[5:]))
        return CumulativeRows(
            codes=frozenset([*prior_codes, *committed_codes, *(g.ingredient_code for g in doses)]),
            given=doses,
            committed=tuple(committed),
            prior=tuple(prior),
            prior_doses=tuple(prior_doses),
        )

    return ReadPart(querysets=querysets, decode=decode)
