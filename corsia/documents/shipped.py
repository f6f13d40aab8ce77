"""The print templates shipped with Corsia, stored as real versions.

Every code with a file under ``templates/documents/defaults/`` is printed from a stored
``DocumentTemplate`` version, never from the file directly, so the archive always names a
version one can open, diff and reactivate:

- a new install stores each shipped file as **version 1** (``templates_install_shipped``,
  run by ``manage.py corsia_setup``); the IT staff's first edit is version 2;
- the first print or edit of a code with no active version stores the file then (the same
  version 1 on a database set up without ``corsia_setup``: a test database);
- an upgrade of Corsia that changes a shipped file stores it as the next version when the
  version in use is still the shipped one (``created_by`` empty); a hospital's own edit in
  use is left alone (its editor shows the versions, the shipped ones marked).

Prints archived before this (``template_version`` 0) keep their PDF and context; their
template's SHA-256 names the file they were printed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction

from corsia.audit.services import audit_record
from corsia.documents.audit_events import TEMPLATE_SHIPPED_STORED
from corsia.documents.domain.files import ensure_code, sha256_hex
from corsia.documents.models import DocumentTemplate
from corsia.documents.schemas import schema_for

DEFAULTS_DIR = Path(__file__).resolve().parent / "templates" / "documents" / "defaults"
LEGACY_FILE_VERSION = 0  # prints archived before the shipped files were stored


@dataclass(frozen=True)
class TemplateSource:
    code: str
    version: int
    title: str
    body: str

    @property
    def sha256(self) -> str:
        return sha256_hex(self.body.encode("utf-8"))


def default_codes() -> list[str]:
    return sorted(path.stem for path in DEFAULTS_DIR.glob("*.html"))


def default_source(code: str) -> TemplateSource | None:
    """The file shipped with Corsia for ``code`` (as it is now), if any."""
    ensure_code(code, field="template_code")
    path = DEFAULTS_DIR / f"{code}.html"
    if not path.is_file():
        return None
    return TemplateSource(code=code, version=LEGACY_FILE_VERSION, title=code, body=path.read_text())


def _store(code: str, *, after: DocumentTemplate | None) -> DocumentTemplate | None:
    """Store the shipped file of ``code`` as the version after ``after`` (caller: atomic)."""
    source = default_source(code)
    if source is None:
        return None
    schema = schema_for(code)
    version = (after.version if after is not None else 0) + 1
    try:
        with transaction.atomic():  # a savepoint: a concurrent first print stored it already
            template = DocumentTemplate.objects.create(
                code=code,
                version=version,
                title=schema.title if schema is not None else code,
                body=source.body,
                body_sha256=sha256_hex(source.body.encode("utf-8")),
                created_by=None,
                active=True,
            )
    except IntegrityError:
        return DocumentTemplate.objects.filter(code=code, version=version).first()
    audit_record(
        event=TEMPLATE_SHIPPED_STORED,
        actor=None,
        workstation=None,
        target=template,
        before={"version": after.version} if after is not None else None,
        after={"code": code, "version": version, "sha256": template.body_sha256},
    )
    return template


def shipped_ensure_active(code: str) -> DocumentTemplate | None:
    """The active version of ``code``; when it has none, the shipped file stored as the
    next version (version 1 for a code never stored). ``None``: no version and no file."""
    with transaction.atomic():
        active = (
            DocumentTemplate.objects.filter(code=code, active=True).order_by("-version").first()
        )
        if active is not None:
            return active
        latest = DocumentTemplate.objects.filter(code=code).order_by("-version").first()
        return _store(code, after=latest)


def templates_install_shipped() -> list[str]:
    """Store every shipped file not yet stored (version 1), or changed by an upgrade of
    Corsia while the shipped version is the one in use. Idempotent. Returns what it stored,
    ``"code v1"`` each."""
    stored = []
    for code in default_codes():
        with transaction.atomic():
            rows = list(
                DocumentTemplate.objects.select_for_update().filter(code=code).order_by("-version")
            )
            latest = rows[0] if rows else None
            in_use = next((t for t in rows if t.active), None)
            source = default_source(code)
            assert source is not None  # listed by default_codes
            upgrade = in_use is latest and latest is not None and latest.shipped
            if in_use is not None and (not upgrade or in_use.body == source.body):
                continue  # in use: the hospital's edit, or the shipped file unchanged
            template = _store(code, after=latest)
            if template is not None:
                stored.append(f"{code} v{template.version}")
    return stored
