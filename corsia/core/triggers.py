"""A read-only (or signed) clinical row the patient merge may still re-point.

Signed and written-once rows are guarded by pgtrigger ``Protect`` triggers. Two registrations
of one person merged (by hand or an ADT A40), and the merge undone, must move those rows
between the two patients all the same. ``MergeMovable`` is that ``Protect`` with one
exception, decided by the database, not by the caller:

- the UPDATE changes ``patient_id`` and nothing else (the row as JSON, ``patient_id``
  removed, is equal before and after), and
- ``patient_move_allowed(old, new)`` holds: the transaction set ``corsia.patient_merge``
  (``set_config(..., true)``, the patients module's merge service does it for the length of
  the move) to the id of a recorded merge whose duplicate and survivor are the two patients
  (either way round: a merge moves forward, its undoing back). The function is created by
  the patients module's migration ``0005_patient_merge`` (the merges are its table).

Everything else the trigger refused it still refuses. The application role, on a table this
trigger makes append-only, is granted ``UPDATE (patient_id)`` only (``dbroles``): it can
change no other column whatever it sets. A model without a ``patient_id`` column gets the
plain ``Protect`` function (same SQL, same hash).
"""

from __future__ import annotations

from typing import Any

import pgtrigger

MERGE_SETTING = "corsia.patient_merge"
MOVABLE_COLUMN = "patient_id"


def _has_patient_column(model: Any) -> bool:
    return any(field.column == MOVABLE_COLUMN for field in model._meta.concrete_fields)


class MergeMovable(pgtrigger.Protect):
    """``Protect``, except a ``patient_id``-only UPDATE along a recorded patient merge."""

    def get_func(self, model: Any) -> Any:
        refuse = super().get_func(model)  # type: ignore[no-untyped-call]  # pgtrigger is untyped
        if not _has_patient_column(model):
            return refuse
        return self.format_sql(
            f"""
            IF TG_OP = 'UPDATE' THEN
                IF patient_move_allowed(OLD.patient_id, NEW.patient_id)
                   AND (to_jsonb(OLD) - 'patient_id') = (to_jsonb(NEW) - 'patient_id') THEN
                    RETURN NEW;
                END IF;
            END IF;
            {refuse}
            """
        )

    def movable_column(self, model: Any) -> str | None:
        """The one column the application role may UPDATE on an append-only table."""
        return MOVABLE_COLUMN if _has_patient_column(model) else None


def read_only_movable(name: str = "read_only") -> MergeMovable:
    """No UPDATE nor DELETE of the row, but the patient merge's re-pointing."""
    return MergeMovable(name=name, operation=pgtrigger.Update | pgtrigger.Delete)


def frozen_when_movable(name: str, condition: str) -> MergeMovable:
    """No UPDATE while ``condition`` holds (e.g. signed), but the merge's re-pointing."""
    return MergeMovable(
        name=name, operation=pgtrigger.Update, condition=pgtrigger.Condition(condition)
    )
