"""Reference data loaded once for a run of tests, not once per test.

The roles and their permissions (``roles_reference``, behind every test's ``make_user``),
the drug archive (``drugs_reference``: every ingredient, product, pack and interaction
Corsia ships) and the NCI CTCAE v5.0 terms (``ctcae_reference``) are loaded through their
real services (``roles_sync``, ``drugs_reference_load``, ``ctcae_reference_load``): a
tenth to a third of a second each, again for every test that asked, which for the roles
is nearly every database test of the suite.

How, like Django's ``TestCase.setUpTestData`` but across test modules: the data are
loaded inside an outer transaction, *the window*, that stays open while consecutive
database tests ask for the same reference data. Each test still runs in its own atomic
block (pytest-django's), which is now a savepoint inside the window and is rolled back
at the end of the test: every test sees the data exactly as loaded, whatever the tests
before it did. Nothing is ever committed: the window is rolled back

- before a database test that asks for other reference data, or for none (a test that
  does not ask for the data never sees them: the loaders' own tests start empty);
- before a transactional test (``transactional_db``, ``live_server``,
  ``django_db(transaction=True)``): those commit and flush the database, so they get
  the data loaded in their own test, as before;
- when the session ends.

A run of tests asking for the same data loads them once; pytest keeps a module's tests
together, so a session loads each dataset about once per test module using it. With
``pytest-xdist`` every worker has its own database and its own window, whatever the
distribution (``--dist loadgroup`` included).

Registered by the root ``conftest.py`` (``pytest_plugins``). Tests name a dataset through
a fixture that depends on the dataset fixture here: ``roles`` (root ``conftest.py``, and
so ``make_user`` and ``client_for``), ``reference`` in drugs, ``ctcae_terms`` in toxicity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db import connection, transaction
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import validate_django_db

from corsia.accounts.services import roles_sync
from corsia.drugs.services import drugs_reference_load
from corsia.records.services import icd9cm_reference_load
from corsia.toxicity.services import ctcae_reference_load

__all__ = [
    "ReferenceWindow",
    "ctcae_reference",
    "drugs_reference",
    "icd9cm_reference",
    "reference_window",
    "roles_reference",
]

# dataset fixture name -> its loader, in loading order
DATASETS: dict[str, Callable[[], object]] = {
    "roles_reference": roles_sync,
    "drugs_reference": drugs_reference_load,
    "ctcae_reference": ctcae_reference_load,
    "icd9cm_reference": icd9cm_reference_load,
}

_WANTED = pytest.StashKey[tuple[str, ...]]()
_WINDOW = pytest.StashKey["ReferenceWindow"]()
_TRANSACTIONAL_FIXTURES = frozenset(
    {
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


class ReferenceWindow:
    """The outer transaction holding the reference data of the tests running now."""

    def __init__(self, blocker: DjangoDbBlocker) -> None:
        self._blocker = blocker
        self._atomic: transaction.Atomic | None = None  # while the window is open
        self._raw: object = None  # the DB-API connection the window was opened on
        self.loaded: tuple[str, ...] = ()
        self.loads = 0  # how many times a dataset was loaded into a window

    def _alive(self) -> bool:
        return (
            self._atomic is not None
            and connection.connection is self._raw
            and connection.in_atomic_block
        )

    def prepare(self, wanted: tuple[str, ...]) -> None:
        """Before a database test: the window holds exactly ``wanted`` (or is closed)."""
        if wanted and wanted == self.loaded and self._alive():
            return
        self.close()
        if wanted:
            with self._blocker.unblock():
                self._atomic = transaction.atomic()
                self._atomic.__enter__()
                self._raw = connection.connection
                for name in wanted:
                    DATASETS[name]()
                    self.loads += 1
            self.loaded = wanted

    def close(self) -> None:
        """Roll the window back (a no-op when none is open)."""
        if self._atomic is not None and connection.in_atomic_block:
            with self._blocker.unblock():  # the outermost block: every test's is closed
                transaction.set_rollback(True)
                self._atomic.__exit__(None, None, None)
        self._atomic, self._raw, self.loaded = None, None, ()

    def ensure(self, name: str) -> None:
        """In the test: the dataset is in the window, or is loaded in the test's own
        transaction (a transactional test)."""
        if not (name in self.loaded and self._alive()):
            DATASETS[name]()


def _uses_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return "_django_db_helper" in fixtures or item.get_closest_marker("django_db") is not None


def _transactional(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & _TRANSACTIONAL_FIXTURES:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transactional, reset_sequences, _databases, serialized_rollback, _apps = validate_django_db(
        marker
    )
    return bool(transactional or reset_sequences or serialized_rollback)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before the test's fixtures (so before its own transaction begins): open, keep or
    close the window for what this test asks."""
    if not _uses_database(item):
        return  # a test without the database leaves the window as it is
    fixtures = getattr(item, "fixturenames", ())
    wanted = () if _transactional(item) else tuple(n for n in DATASETS if n in fixtures)
    item.config.stash[_WANTED] = wanted
    window = item.config.stash.get(_WINDOW, None)
    if window is not None:
        window.prepare(wanted)


@pytest.fixture(scope="session")
def reference_window(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[ReferenceWindow]:
    # Session scope: set up before the first asking test's function-scoped fixtures, so
    # its window opens before that test's transaction, like every later one's.
    window = ReferenceWindow(django_db_blocker)
    request.config.stash[_WINDOW] = window
    window.prepare(request.config.stash.get(_WANTED, ()))
    yield window
    window.close()
    del request.config.stash[_WINDOW]


@pytest.fixture
def roles_reference(reference_window: ReferenceWindow, db: None) -> None:
    """Every role's group holding exactly its permissions, as ``roles_sync`` leaves them."""
    reference_window.ensure("roles_reference")


@pytest.fixture
def drugs_reference(reference_window: ReferenceWindow, db: None) -> None:
    """The drug archive shipped in ``corsia/drugs/data``, as ``drugs_reference_load``
    leaves it."""
    reference_window.ensure("drugs_reference")


@pytest.fixture
def ctcae_reference(reference_window: ReferenceWindow, db: None) -> None:
    """The 837 NCI CTCAE v5.0 terms, as ``ctcae_reference_load`` leaves them."""
    reference_window.ensure("ctcae_reference")


@pytest.fixture
def icd9cm_reference(reference_window: ReferenceWindow, db: None) -> None:
    """The 20,695 ICD-9-CM codes (Italian 2007), as ``icd9cm_reference_load`` leaves them."""
    reference_window.ensure("icd9cm_reference")
