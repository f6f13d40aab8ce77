"""Reference data: the wards and their beds and chairs."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from corsia.patients.models import BedOrChair, Ward


@transaction.atomic
def ward_ensure(*, code: str, name: str, kind: str, places: Iterable[tuple[str, str]] = ()) -> int:
    """The ward with this code and its beds and chairs (code, kind), created where missing
    and left as they are where present (reference data loaded by the setup: like
    ``accounts.services.roles_sync``, no actor and no audit event). Returns how many rows
    were created."""
    ward, created = Ward.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    count = int(created)
    for place_code, place_kind in places:
        _, place_created = BedOrChair.objects.get_or_create(
            ward=ward, code=place_code, defaults={"kind": place_kind}
        )
        count += int(place_created)
    return count
