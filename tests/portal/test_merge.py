"""A patient merge reaches the portal: the threads and the document releases move to the
survivor; of two portal accounts the survivor keeps its own and the duplicate's is
suspended with the merge as its reason (never deleted); one account alone moves. The
undoing brings back exactly what moved and reactivates the account the merge suspended."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.patients import services as patients
from corsia.patients.models import PatientMerge, PatientMergeMove
from corsia.portal.merge import LEFT_ACCOUNT
from corsia.portal.models import DocumentRelease, PortalAccount, Thread
from corsia.portal.services.documents import document_release
from corsia.portal.services.messages import message_send_by_patient
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.portal import document_archived, patient_with_account, portal_client

pytestmark = pytest.mark.django_db

REASON = "Stessa persona registrata due volte"


def _merge(make_user: MakeUser, survivor_id: int, duplicate_id: int) -> PatientMerge:
    coordinator = make_user(Role.COORDINATOR)
    patients.patient_merge(
        actor=coordinator,
        workstation="ANAG-PC02",
        survivor_id=survivor_id,
        duplicate_id=duplicate_id,
        reason=REASON,
    )
    return PatientMerge.objects.get(duplicate_id=duplicate_id, state="merged")


def _unmerge(make_user: MakeUser, merge: PatientMerge) -> None:
    patients.patient_unmerge(
        actor=make_user(Role.COORDINATOR),
        workstation="ANAG-PC02",
        merge_id=merge.pk,
        reason="Omonimi: sono due persone diverse",
    )


def test_of_two_accounts_the_survivor_keeps_its_own_and_the_duplicates_is_suspended(
    make_user: MakeUser,
) -> None:
    # given Mario (survivor) and «Anna» (the duplicate), each with a portal account, the
    # duplicate with a thread and a released document
    mario, mario_account = patient_with_account(make_user)
    anna, anna_account = patient_with_account(make_user, **ANNA_BIANCHI, email="a@example.org")
    sent = message_send_by_patient(
        account_id=anna_account.pk, patient_id=anna.pk, body="Ho la febbre", subject="Febbre"
    )
    physician = make_user(Role.PHYSICIAN)
    release = document_release(
        actor=physician,
        workstation=None,
        document_id=document_archived(physician, anna, "Lettera di dimissione"),
    )
    anna_session = portal_client(anna_account)
    assert anna_session.get("/portale/messaggi/").status_code == 200

    # when they are merged
    merge = _merge(make_user, mario.pk, anna.pk)

    # then the thread and the release are Mario's
    assert Thread.objects.get(pk=sent.message.thread_id).patient_id == mario.pk
    assert DocumentRelease.objects.get(pk=release.pk).patient_id == mario.pk
    # and Mario keeps his account; Anna's stays on her registration, suspended, with why
    mario_account.refresh_from_db()
    anna_account.refresh_from_db()
    assert (mario_account.patient_id, mario_account.active) == (mario.pk, True)
    assert (anna_account.patient_id, anna_account.active) == (anna.pk, False)
    assert anna_account.suspended_reason == f"Unione n. {merge.pk}: {REASON}"
    assert anna_account.suspended_merge_id == merge.pk
    assert anna_account.suspended_at is not None
    # and the merge reports it left behind, and the suspension is audited
    moved = PatientMergeMove.objects.get(merge=merge, module="portal", model="portal.PortalAccount")
    assert (moved.row_ids, moved.left_ids, moved.left_reason) == (
        [],
        [anna_account.pk],
        LEFT_ACCOUNT,
    )
    event = AuditEvent.objects.get(event_type="portal.account_suspended")
    assert (event.target_id, event.patient_id) == (str(anna_account.pk), anna.pk)
    # and the duplicate's open portal session ends at once
    answer = anna_session.get("/portale/messaggi/")
    assert answer.status_code == 302 and answer["Location"].startswith("/portale/accesso/")
    # and Mario, signed in, reads the merged thread
    assert "Febbre" in portal_client(mario_account).get("/portale/messaggi/").content.decode()

    # when the merge is undone
    _unmerge(make_user, merge)

    # then everything is back and Anna's account works again
    assert Thread.objects.get(pk=sent.message.thread_id).patient_id == anna.pk
    assert DocumentRelease.objects.get(pk=release.pk).patient_id == anna.pk
    again = PortalAccount.objects.get(pk=anna_account.pk)
    assert (again.active, again.suspended_reason, again.suspended_merge_id) == (True, "", None)
    assert AuditEvent.objects.filter(event_type="portal.account_reactivated").count() == 1
    assert portal_client(again).get("/portale/messaggi/").status_code == 200


def test_one_account_alone_moves_to_the_survivor_and_back(make_user: MakeUser) -> None:
    # given Mario without an account and «Anna» (the duplicate) with one
    mario = patient_registered(make_user(Role.COORDINATOR))
    anna, anna_account = patient_with_account(make_user, **ANNA_BIANCHI, email="a@example.org")
    message_send_by_patient(
        account_id=anna_account.pk, patient_id=anna.pk, body="Ho la tosse", subject="Tosse"
    )

    merge = _merge(make_user, mario.pk, anna.pk)

    # then the account is Mario's, active: the patient signs in as before
    anna_account.refresh_from_db()
    assert (anna_account.patient_id, anna_account.active) == (mario.pk, True)
    moved = PatientMergeMove.objects.get(merge=merge, module="portal", model="portal.PortalAccount")
    assert (moved.row_ids, moved.left_ids) == ([anna_account.pk], [])
    assert not AuditEvent.objects.filter(event_type="portal.account_suspended").exists()
    assert "Tosse" in portal_client(anna_account).get("/portale/messaggi/").content.decode()

    _unmerge(make_user, merge)

    anna_account.refresh_from_db()
    assert (anna_account.patient_id, anna_account.active) == (anna.pk, True)
    assert PortalAccount.objects.filter(patient_id=mario.pk).count() == 0


def test_an_account_suspended_by_staff_before_the_merge_stays_suspended_after_undoing(
    make_user: MakeUser,
) -> None:
    mario, _ = patient_with_account(make_user)
    anna, anna_account = patient_with_account(make_user, **ANNA_BIANCHI, email="a@example.org")
    PortalAccount.objects.filter(pk=anna_account.pk).update(
        active=False, suspended_reason="Richiesta del paziente"
    )

    merge = _merge(make_user, mario.pk, anna.pk)
    anna_account.refresh_from_db()
    # left on the duplicate (the survivor has one), its own suspension untouched
    assert (anna_account.patient_id, anna_account.suspended_reason) == (
        anna.pk,
        "Richiesta del paziente",
    )
    assert anna_account.suspended_merge_id is None

    _unmerge(make_user, merge)
    anna_account.refresh_from_db()
    assert (anna_account.active, anna_account.suspended_reason) == (False, "Richiesta del paziente")
