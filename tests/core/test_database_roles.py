"""The application's database role, connected as itself to the migrated database.

Issue 26: the application connected as the owner of its tables (the superuser in the
demo), so it could disable the audit triggers, truncate the access log, turn triggers off
for its session. ``manage.py migrate`` now runs as the owner and grants the application
role only what it needs (corsia/core/dbroles.py). These tests create a role like the one
``tools/devdb.py`` creates, grant it exactly what ``migrate`` grants, connect as it to the
test database and try every way round the audit's protection, then run the services with
it. docs/security.md §16.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, LiteralString

import psycopg
import pytest
from django.db import connection
from psycopg import errors, sql

from corsia.accounts.domain.roles import Role
from corsia.audit.domain.events import EventType
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.audit.selectors import chain_reports
from corsia.audit.services import access_log_record, audit_record
from corsia.core.dbroles import grant_app_privileges, role_create_sql, table_policies
from corsia.patients.models import Patient
from corsia.records.models import DiaryEntry
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db(transaction=True)

ACCESS = AccessLogEntry._meta.db_table
EVENTS = AuditEvent._meta.db_table
TEST_EVENT = EventType("test.database_role", "Evento di prova")


@dataclass(frozen=True)
class AppRole:
    name: str
    password: str

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(**_params(user=self.name, password=self.password), autocommit=True)


_LIBPQ_OPTIONS = ("host", "port", "sslmode", "sslrootcert", "sslcert", "sslkey", "passfile")


def _params(**override: str) -> dict[str, Any]:
    """libpq parameters of the test database (the embedded server's socket is an option)."""
    settings = connection.settings_dict
    options = settings.get("OPTIONS", {})
    params = {
        **{key: options[key] for key in _LIBPQ_OPTIONS if key in options},
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        **({"host": settings["HOST"]} if settings["HOST"] else {}),
        **({"port": settings["PORT"]} if settings["PORT"] else {}),
        **override,
    }
    return {key: value for key, value in params.items() if value}


@pytest.fixture
def app_role() -> Iterator[AppRole]:
    """A login role with the grants of ``migrate``, on this (xdist worker's) test database."""
    role = AppRole(f"{connection.settings_dict['NAME']}_app"[:63], secrets.token_urlsafe(16))
    with psycopg.connect(**_params(), autocommit=True) as owner:
        try:
            owner.execute(role_create_sql(role.name, password=role.password))
        except errors.InsufficientPrivilege:
            pytest.skip("the tests' database role may not create roles (CREATEROLE; .ci/run)")
        with owner.transaction():
            grant_app_privileges(owner.cursor(), role.name, table_policies())
    yield role
    connection.close()
    with psycopg.connect(**_params(), autocommit=True) as owner:
        owner.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role.name)))
        owner.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role.name)))


@contextmanager
def _services_as(role: AppRole) -> Iterator[None]:
    """Django's own connection, as the application role (what `make run` serves with)."""
    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=role.name, PASSWORD=role.password)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _refused(app: psycopg.Connection[Any], statement: str | sql.Composable) -> str:
    with pytest.raises(errors.InsufficientPrivilege) as refusal, app.transaction():
        app.execute(statement)  # type: ignore[arg-type]  # literal SQL of the test
    return str(refusal.value)


def _on(template: LiteralString, table: str) -> sql.Composed:
    return sql.SQL(template).format(sql.Identifier(table))


@pytest.mark.parametrize("table", [ACCESS, EVENTS])
def test_the_app_role_cannot_truncate_update_or_delete_the_audit_tables(
    app_role: AppRole, table: str
) -> None:
    audit_record(event=TEST_EVENT, actor=None, workstation=None, reason="r")
    with app_role.connect() as app:
        assert "permission denied" in _refused(app, _on("TRUNCATE {}", table))
        assert "permission denied" in _refused(app, _on("TRUNCATE {} CASCADE", table))
        assert "permission denied" in _refused(app, _on("UPDATE {} SET prev_hash = 'x'", table))
        assert "permission denied" in _refused(app, _on("DELETE FROM {}", table))
        # pgtrigger's ignore is a setting any role may set: it opens nothing without the grant.
        trigger = app.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
            [table, "pgtrigger_append_only_%"],
        ).fetchone()
        assert trigger is not None
        with pytest.raises(errors.InsufficientPrivilege), app.transaction():
            app.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + trigger[0] + "}"])
            app.execute(_on("DELETE FROM {}", table))
    assert AuditEvent.objects.count() == 1


def test_the_app_role_cannot_turn_triggers_off(app_role: AppRole) -> None:
    with app_role.connect() as app:
        for statement in (
            f"ALTER TABLE {EVENTS} DISABLE TRIGGER ALL",
            f"ALTER TABLE {ACCESS} DISABLE TRIGGER USER",
            "ALTER TABLE records_diaryentry DISABLE TRIGGER ALL",
        ):
            assert "must be owner" in _refused(app, statement)
        assert "permission denied to set parameter" in _refused(
            app, "SET session_replication_role = replica"
        )
        assert "permission denied" in _refused(
            app, "SELECT set_config('session_replication_role', 'replica', false)"
        )
        # pgtrigger's ignore (the flush of the tests, as owner, uses it) never applies to it.
        ignored = app.execute(
            "SELECT set_config('pgtrigger.ignore', '{pgtrigger_signed_frozen_x}', false),"
            " public._pgtrigger_should_ignore('pgtrigger_signed_frozen_x')"
        ).fetchone()
        assert ignored == ("{pgtrigger_signed_frozen_x}", False)
    with psycopg.connect(**_params(), autocommit=True) as owner:
        owner.execute("SET pgtrigger.ignore = '{pgtrigger_signed_frozen_x}'")
        assert owner.execute(
            "SELECT public._pgtrigger_should_ignore('pgtrigger_signed_frozen_x')"
        ).fetchone() == (True,)


def test_the_app_role_cannot_drop_nor_create_tables(app_role: AppRole) -> None:
    with app_role.connect() as app:
        assert "must be owner" in _refused(app, "DROP TABLE patients_patient CASCADE")
        assert "must be owner" in _refused(app, f"DROP TABLE {ACCESS}")
        assert "must be owner" in _refused(app, "ALTER TABLE patients_patient ADD COLUMN x int")
        assert "permission denied for schema public" in _refused(app, "CREATE TABLE evil (id int)")
        assert "permission denied for schema public" in _refused(
            app,
            "CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(name)"
            " RETURNS boolean AS 'SELECT true' LANGUAGE sql",
        )
        assert "permission denied" in _refused(app, "TRUNCATE patients_patient CASCADE")
        attributes = app.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication"
            " FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert attributes == (False, False, False, False, False)


def test_append_only_records_are_insert_and_select_only(app_role: AppRole) -> None:
    policies = {policy.table: policy.privileges for policy in table_policies()}
    assert policies[ACCESS] == policies[EVENTS] == "SELECT, INSERT"
    # a signed diary entry: the patient merge may re-point it, nothing else (core/triggers.py)
    assert policies[DiaryEntry._meta.db_table] == "SELECT, INSERT, UPDATE (patient_id)"
    assert policies["prescribing_ordertransition"] == "SELECT, INSERT"  # no patient column
    assert policies["patients_patientevent"] == "SELECT, INSERT"  # pghistory's history
    assert policies["documents_document"] == "SELECT, INSERT, UPDATE"  # never deleted
    # a pharmacogenomic result: never deleted; its reported content frozen by a trigger
    assert policies["patients_pgxresult"] == "SELECT, INSERT, UPDATE"
    # the drug archive's AIFA updates: provenance append-only, imports and shortages kept
    assert policies["drugs_packprovenance"] == "SELECT, INSERT"
    for table in ("drugs_archiveimport", "drugs_archivechange", "drugs_packshortage"):
        assert policies[table] == "SELECT, INSERT, UPDATE"
    with app_role.connect() as app:
        granted = dict(
            app.execute(
                "SELECT table_name, string_agg(privilege_type, ', ' ORDER BY privilege_type)"
                " FROM information_schema.role_table_grants WHERE grantee = current_user"
                " GROUP BY table_name"
            ).fetchall()
        )
    assert granted[ACCESS] == granted["patients_patientevent"] == "INSERT, SELECT"
    assert granted["documents_document"] == "INSERT, SELECT, UPDATE"
    assert granted["patients_patient"] == "DELETE, INSERT, SELECT, UPDATE"
    with app_role.connect() as app:
        columns = app.execute(
            "SELECT column_name FROM information_schema.role_column_grants"
            " WHERE grantee = current_user AND table_name = %s AND privilege_type = 'UPDATE'",
            [DiaryEntry._meta.db_table],
        ).fetchall()
    assert columns == [("patient_id",)]
    assert not [t for t, p in granted.items() if "TRUNCATE" in p or "TRIGGER" in p]


def test_a_table_of_a_later_migration_is_granted_by_default(app_role: AppRole) -> None:
    with psycopg.connect(**_params(), autocommit=True) as owner:
        owner.execute("CREATE TABLE later_migration (id bigint GENERATED BY DEFAULT AS IDENTITY)")
    try:
        with app_role.connect() as app:
            app.execute("INSERT INTO later_migration DEFAULT VALUES")
            assert app.execute("SELECT count(*) FROM later_migration").fetchone() == (1,)
            assert "permission denied" in _refused(app, "TRUNCATE later_migration")
    finally:
        with psycopg.connect(**_params(), autocommit=True) as owner:
            owner.execute("DROP TABLE later_migration")


def test_the_services_write_and_verify_as_the_app_role(app_role: AppRole, make_user) -> None:  # type: ignore[no-untyped-def]
    coordinator = make_user(Role.COORDINATOR)
    with _services_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role.name,)
        patient = patient_registered(coordinator)  # the patient, its history, an audit event
        access_log_record(user=coordinator, patient_id=patient.pk, what="summary", workstation=None)
        audit_record(event=TEST_EVENT, actor=coordinator, workstation=None, reason="prova")
        assert all(report.broken is None for report in chain_reports())
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert AuditEvent.objects.filter(patient_id=patient.pk).exists()
    assert AccessLogEntry.objects.filter(patient_id=patient.pk).count() == 1


def test_the_merge_moves_read_only_rows_as_the_app_role_and_the_role_changes_nothing_else(
    app_role: AppRole, make_user: MakeUser
) -> None:
    from corsia.patients.services import patient_merge, patient_unmerge
    from corsia.prescribing.models import Measurement
    from corsia.testing.prescribing import measured_patient

    coordinator, physician = make_user(Role.COORDINATOR), make_user(Role.PHYSICIAN)
    with _services_as(app_role):
        survivor = measured_patient(registrar=coordinator, physician=physician)
        duplicate = measured_patient(registrar=coordinator, physician=physician, given_names="Ugo")
        # the measurements are append-only: the merge moves them all the same
        patient_merge(
            actor=coordinator,
            workstation=None,
            survivor_id=survivor.pk,
            duplicate_id=duplicate.pk,
            reason="Stessa persona",
        )
        assert Measurement.objects.filter(patient=survivor).count() == 6
        merge_id = _merge_id(duplicate.pk)
        patient_unmerge(actor=coordinator, workstation=None, merge_id=merge_id, reason="Omonimi")
        assert Measurement.objects.filter(patient=duplicate).count() == 3
    # and the role may UPDATE no other column of them
    with app_role.connect() as app:
        refusal = _refused(app, "UPDATE prescribing_measurement SET value = 1")
    assert "permission denied" in refusal


def _merge_id(duplicate_id: int) -> int:
    from corsia.patients.models import PatientMerge

    return PatientMerge.objects.get(duplicate_id=duplicate_id).pk
