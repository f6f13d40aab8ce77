"""The audit tables refuse UPDATE and DELETE; `audit_verify` finds a tampered row."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import Model

from corsia.accounts.models import User
from corsia.audit.domain.events import EventType
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.audit.selectors import event_actor_ids
from corsia.audit.services import access_log_record, audit_record

TEST_EVENT = EventType("test.something_happened", "Evento di prova")


def _user() -> User:
    return User.objects.create_user(username="auditee", password="Pw-test-12345")


@pytest.mark.django_db
@pytest.mark.parametrize("sql", ["UPDATE {t} SET reason = 'x'", "DELETE FROM {t}"])
def test_audit_events_refuse_update_and_delete(sql: str) -> None:
    audit_record(event=TEST_EVENT, actor=_user(), workstation=None, reason="r")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(t=AuditEvent._meta.db_table))
    assert AuditEvent.objects.get().reason == "r"


@pytest.mark.django_db
def test_access_log_refuses_update() -> None:
    access_log_record(user=_user(), patient_id=7, what="summary", workstation=None)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AccessLogEntry._meta.db_table} SET patient_id = 8")  # noqa: S608 - fixed names
    assert AccessLogEntry.objects.get().patient_id == 7


def _event_models() -> list[type[Model]]:
    import pghistory.models
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, pghistory.models.Event)]


@pytest.mark.django_db
def test_every_history_event_table_carries_the_append_only_trigger() -> None:
    models = _event_models()
    assert len(models) >= 10  # drugs, regimens, patients, administration… all tracked
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
                [model._meta.db_table, "pgtrigger_append_only_%"],
            )
            assert cursor.fetchone() == (1,), model._meta.label  # one trigger: UPDATE OR DELETE


@pytest.mark.django_db
def test_history_event_rows_cannot_be_deleted() -> None:
    from corsia.drugs.models import ActiveIngredient

    ActiveIngredient.objects.create(code="testium", name_en="testium", name_it="testio")
    table = next(
        m
        for m in _event_models()
        if m._meta.app_label == "drugs" and "activeingredient" in (m._meta.model_name or "")
    )._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
        before = cursor.fetchone()
    assert before is not None and before[0] >= 1
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names


@pytest.mark.django_db
def test_verify_reports_ok_then_the_first_tampered_entry() -> None:
    # given a chain of five events and two accesses
    user = _user()
    events = [
        audit_record(event=TEST_EVENT, actor=user, workstation=None, reason=f"r{i}")
        for i in range(5)
    ]
    access_log_record(user=user, patient_id=1, what="summary", workstation=None)
    access_log_record(user=user, patient_id=2, what="summary", workstation=None)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "OK audit_auditevent: 5 entries" in out.getvalue()
    assert "OK audit_accesslogentry: 2 entries" in out.getvalue()
    # when someone with database rights rewrites the third event behind the trigger's back
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush deferred FK checks first
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditevent SET reason = 'rewritten' WHERE id = %s", [events[2].pk]
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    # then the verify command names exactly that entry and fails
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=out)
    assert (
        f"BROKEN audit_auditevent shard {events[2].shard}: entry {events[2].pk}: "
        "content does not match its hash" in out.getvalue()
    )
    assert "OK audit_accesslogentry: 2 entries" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_linear_chain() -> None:
    # given two writers on two connections appending at the same time
    user = _user()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(15):
                audit_record(event=TEST_EVENT, actor=user, workstation=None, reason=str(i))
                access_log_record(user=user, patient_id=i, what="summary", workstation=None)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then every entry links to the one before it
    assert errors == []
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "OK audit_auditevent: 30 entries" in out.getvalue()
    assert "OK audit_accesslogentry: 30 entries" in out.getvalue()


@pytest.mark.django_db
def test_who_wrote_some_events_on_a_record() -> None:
    # given two people writing on one record, one writing elsewhere, and a system event
    writer, other = _user(), User.objects.create_user(username="other", password="Pw-test-12345")
    record, elsewhere = writer, other  # any model row is a target
    other_event = EventType("test.other_thing", "Altro evento")
    audit_record(event=TEST_EVENT, actor=writer, workstation=None, target=record)
    audit_record(event=other_event, actor=other, workstation=None, target=record)
    audit_record(event=TEST_EVENT, actor=other, workstation=None, target=elsewhere)
    audit_record(event=TEST_EVENT, actor=None, workstation=None, target=record)
    # then
    assert event_actor_ids(target=record, events=[TEST_EVENT]) == {writer.pk}
    assert event_actor_ids(target=record, events=[TEST_EVENT, other_event]) == {
        writer.pk,
        other.pk,
    }
