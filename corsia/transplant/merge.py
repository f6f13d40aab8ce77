"""The pathway's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
rows to the survivor (only ``patient_id`` changes); its undoing moves exactly those back.
Every model of the app with a ``patient`` field moves (but the history tables): a part
added later is covered without touching this file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pghistory.models
from django.apps import apps

from corsia.patients.merging import MergeInfo, Moved, simple_hook


def _models() -> tuple[Any, ...]:
    return tuple(
        model
        for model in apps.get_app_config("transplant").get_models()
        # the history tables (django-pghistory's events) are the past as it was: never moved
        if not issubclass(model, pghistory.models.Event)
        and any(field.name == "patient" for field in model._meta.concrete_fields)
    )


def move(merge: MergeInfo) -> Moved:
    return simple_hook("transplant", _models())[0](merge)


def move_back(merge: MergeInfo, rows: Mapping[str, tuple[int, ...]]) -> None:
    simple_hook("transplant", _models())[1](merge, rows)
