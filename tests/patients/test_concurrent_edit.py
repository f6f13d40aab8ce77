"""Two users edit the same patient at the same time, on two real PostgreSQL transactions:
the second save is refused naming who changed the record and when; nothing is lost."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.db import connection

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.domain.concurrency import StaleVersion
from corsia.patients import services
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import mario_rossi


@pytest.mark.django_db(transaction=True)
def test_second_of_two_concurrent_edits_is_refused_and_the_first_is_intact(
    make_user: MakeUser,
) -> None:
    # given a patient at version 1 and two coordinators who both opened the edit form on it
    first_user = make_user(Role.COORDINATOR, username="coord.uno")
    first_user.first_name, first_user.last_name = "Anna", "Uno"
    first_user.save(update_fields=["first_name", "last_name"])
    second_user = make_user(Role.COORDINATOR, username="coord.due")
    base = mario_rossi()
    patient = services.patient_create(actor=first_user, workstation=None, data=base)
    seen_version = patient.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def edit(name: str, user: User, address: str) -> None:
        try:
            barrier.wait(timeout=10)  # both submit now, from the same version
            services.patient_update(
                actor=user,
                workstation=None,
                patient_id=patient.pk,
                expected_version=seen_version,
                data=dataclasses.replace(base, address=address),
            )
            outcomes[name] = "saved"
        except StaleVersion as exc:
            outcomes[name] = exc
        finally:
            connection.close()

    # when they save at the same moment, each on its own connection
    threads = [
        threading.Thread(target=edit, args=("uno", first_user, "Via Uno 1, Roma")),
        threading.Thread(target=edit, args=("due", second_user, "Via Due 2, Milano")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # then exactly one save wins; the other is refused with a message naming the winner
    assert sorted(type(v).__name__ if not isinstance(v, str) else v for v in outcomes.values()) == [
        "StaleVersion",
        "saved",
    ]
    winner = next(k for k, v in outcomes.items() if v == "saved")
    refusal = next(v for v in outcomes.values() if isinstance(v, StaleVersion))
    winner_name = "Anna Uno" if winner == "uno" else second_user.get_full_name()
    assert refusal.code == "stale_version"
    assert f"modificato da {winner_name}" in refusal.message
    # and the winner's data is what the record holds, at the next version
    saved = Patient.objects.get(pk=patient.pk)
    assert saved.version == seen_version + 1
    assert saved.address == ("Via Uno 1, Roma" if winner == "uno" else "Via Due 2, Milano")
