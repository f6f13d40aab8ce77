"""The differences between two versions of a regimen, as a list a person can read.

Components are matched by their administration order (``sequence``): a changed dose of
the drug given third shows as a change of component 3, not as a removal and an addition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corsia.regimens.domain.spec import RegimenSpec
from corsia.regimens.domain.spec_codec import component_to_dict, spec_to_dict


@dataclass(frozen=True)
class Change:
    path: str
    kind: str  # "changed" | "added" | "removed"
    before: Any
    after: Any


def _flat(prefix: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flat(f"{prefix}.{key}" if prefix else key, item))
        return out
    return {prefix: value}


def diff_specs(old: RegimenSpec, new: RegimenSpec) -> list[Change]:
    changes: list[Change] = []
    old_header = spec_to_dict(old)
    new_header = spec_to_dict(new)
    old_header.pop("components")
    new_header.pop("components")
    before = _flat("", old_header)
    after = _flat("", new_header)
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changes.append(Change(key, "changed", before.get(key), after.get(key)))

    old_by_seq = {c.sequence: c for c in old.components}
    new_by_seq = {c.sequence: c for c in new.components}
    for seq in sorted(set(old_by_seq) | set(new_by_seq)):
        path = f"components[{seq}]"
        if seq not in new_by_seq:
            changes.append(Change(path, "removed", old_by_seq[seq].ingredient, None))
            continue
        if seq not in old_by_seq:
            changes.append(Change(path, "added", None, new_by_seq[seq].ingredient))
            continue
        a = component_to_dict(old_by_seq[seq])
        b = component_to_dict(new_by_seq[seq])
        for key in a:
            if a[key] != b[key]:
                changes.append(Change(f"{path}.{key}", "changed", a[key], b[key]))
    return changes
