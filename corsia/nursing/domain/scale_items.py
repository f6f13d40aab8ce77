"""The building blocks of a scale written as data: an item with its options, a yes/no
item, a score band, a 0–100 scale in tens (Karnofsky, Lansky)."""

from __future__ import annotations

from typing import Any


def choice(code: str, label: str, *options: tuple[str, str, int], help: str = "") -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": code,
        "label": label,
        "options": [{"code": c, "label": text, "points": p} for c, text, p in options],
    }
    if help:
        item["help"] = help
    return item


def yes_no(
    code: str, label: str, yes_points: int, *, yes: str = "Sì", no: str = "No"
) -> dict[str, Any]:
    return choice(code, label, ("no", no, 0), ("yes", yes, yes_points))


def band(low: int, high: int, label: str, level: int) -> dict[str, Any]:
    return {"min": low, "max": high, "label": label, "level": level}


def tens(code: str, label: str, texts: list[str]) -> dict[str, Any]:
    """A performance scale: 100, 90, ... 0, each with its description."""
    return choice(
        code,
        label,
        *[(str(100 - 10 * n), f"{100 - 10 * n} – {t}", 100 - 10 * n) for n, t in enumerate(texts)],
    )
