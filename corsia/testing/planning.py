"""Small builders for hand-computed days (times in minutes from midnight: 480 = 08:00)."""

from __future__ import annotations

from corsia.agenda.domain.planning import DayProblem, Nurse, Phase, Place, PlaceKind, Visit


def chairs(n: int) -> tuple[Place, ...]:
    return tuple(Place(f"P{i + 1}", PlaceKind.CHAIR) for i in range(n))


def day(
    visits: tuple[Visit, ...],
    *,
    places: tuple[Place, ...] | None = None,
    nurses: tuple[Nurse, ...] = (Nurse("N1", 450, 1080),),
    **kwargs: object,
) -> DayProblem:
    return DayProblem(
        opens=480,
        closes=1080,
        places=places if places is not None else chairs(1),
        nurses=nurses,
        visits=visits,
        time_limit_s=kwargs.pop("time_limit_s", 5.0),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def visit(
    visit_id: str, minutes: int, *, earliest: int = 480, latest: int = 720, **kw: object
) -> Visit:
    return Visit(
        id=visit_id,
        patient=f"PZ-{visit_id}",
        arrival_earliest=earliest,
        arrival_latest=latest,
        phases=(Phase(f"farmaco-{visit_id}", minutes),),
        **kw,  # type: ignore[arg-type]
    )
