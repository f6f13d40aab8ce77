"""The merge hooks: how a patient merge reaches the rows of the modules above this one.

Patients sits low in the module order and imports none of the modules whose rows name a
patient (prescribing, administration, records, toxicity, documents, inventory, regimens).
Each of them registers, from its ``AppConfig.ready()``, one hook: a function that moves its
own rows from the duplicate to the survivor and says which (``Moved``), and one that moves
exactly those rows back when the merge is undone. ``patient_merge`` and ``patient_unmerge``
call every registered hook inside their transaction, with both patients locked, and record
each module's lists (``PatientMergeMove``) and an audit event per module.

While the hooks run, the transaction names the merge (``corsia.patient_merge``): the one
case in which a read-only or signed row's ``patient_id`` may change
(``corsia/core/triggers.py``, the database function ``patient_move_allowed``).

``rows_move`` and ``rows_move_back`` are the mechanics most hooks need (one model, one
``patient`` column), for the module to call on its own models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ConflictError


@dataclass(frozen=True)
class MergeInfo:
    """One merge as a hook sees it (and its undoing: same merge, rows go the other way)."""

    merge_id: int
    survivor_id: int
    duplicate_id: int
    actor: User
    workstation: Workstation
    reason: str  # "Unione n. <id>: <the merge's reason>"


@dataclass(frozen=True)
class Moved:
    """What one module moved: model label (``app.Model``) → ids; and what it left on the
    duplicate (label → ids) with why."""

    rows: Mapping[str, tuple[int, ...]]
    left: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    left_reason: str = ""


MoveHook = Callable[[MergeInfo], Moved]
MoveBackHook = Callable[[MergeInfo, Mapping[str, tuple[int, ...]]], None]


@dataclass(frozen=True)
class MergeHook:
    module: str
    move: MoveHook
    move_back: MoveBackHook


_HOOKS: dict[str, MergeHook] = {}


def merge_hook_register(*, module: str, move: MoveHook, move_back: MoveBackHook) -> None:
    """Called once per module from its ``AppConfig.ready()``; registering again replaces."""
    _HOOKS[module] = MergeHook(module=module, move=move, move_back=move_back)


def merge_hooks() -> tuple[MergeHook, ...]:
    """The registered hooks, by module name (a stable order: merges and their undoing
    visit the modules in the same order, and the undoing in reverse)."""
    return tuple(_HOOKS[name] for name in sorted(_HOOKS))


def label(model: Any) -> str:
    return str(model._meta.label)


# A hook that cancels rows to settle a conflict (two bookings of one person at the same
# time) records them under ``<app.Model>.cancelled_<the state they had>``: the merges page
# and the merge's outcome report them, and the undoing knows what to bring them back to.
CANCELLED_MARK = ".cancelled_"


def cancelled_label(model: Any, previous_state: str) -> str:
    return f"{label(model)}{CANCELLED_MARK}{previous_state}"


def rows_move(model: Any, merge: MergeInfo, *, exclude: Iterable[int] = ()) -> tuple[int, ...]:
    """Re-point every row of ``model`` of the duplicate to the survivor (those in
    ``exclude`` stay); the ids moved, in order. One UPDATE of ``patient_id`` only."""
    rows = model.objects.select_for_update().filter(patient_id=merge.duplicate_id)
    ids = tuple(sorted(set(rows.values_list("pk", flat=True)) - set(exclude)))
    if ids:
        model.objects.filter(pk__in=ids).update(patient_id=merge.survivor_id)
    return ids


def rows_move_back(model: Any, merge: MergeInfo, ids: Iterable[int]) -> None:
    """Re-point exactly these rows from the survivor back to the duplicate. Refused
    (``unmerge_rows_changed``, the whole undoing rolled back) when one of them is no longer
    the survivor's: nothing is moved back half-way."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    moved = model.objects.filter(pk__in=wanted, patient_id=merge.survivor_id).update(
        patient_id=merge.duplicate_id
    )
    if moved != len(wanted):
        raise ConflictError(
            f"Alcuni dati ({model._meta.verbose_name_plural}) spostati dall'unione non sono "
            "più del paziente principale: l'unione non si può annullare automaticamente.",
            code="unmerge_rows_changed",
            details={"model": label(model), "expected": len(wanted), "found": moved},
        )


def simple_hook(module: str, models: tuple[Any, ...]) -> tuple[MoveHook, MoveBackHook]:
    """The hook pair of a module whose rows all move as they are (no conflict to settle)."""

    def move(merge: MergeInfo) -> Moved:
        return Moved(rows={label(model): rows_move(model, merge) for model in models})

    def move_back(merge: MergeInfo, rows: Mapping[str, tuple[int, ...]]) -> None:
        for model in reversed(models):
            rows_move_back(model, merge, rows.get(label(model), ()))

    return move, move_back
