"""The FSE documents paged (issue 27): the page and the API, the newest first, every
document reachable (before: the newest 500), of every state or of one; the queries do not
grow with the documents."""

from __future__ import annotations

import pytest

from corsia.accounts.models import User
from corsia.fse import views
from corsia.fse.models import FseDocument
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.paging import (
    Request,
    api_items,
    bad_pages_refused,
    queries,
    queries_do_not_grow,
    shown_ids,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/fse/documents"


def _documents(it_staff: User, n: int, state: str = "published") -> list[int]:
    """``n`` letters in ``state``, created one after the other; ids, the oldest first."""
    before = FseDocument.objects.count()
    return [
        FseDocument.objects.create(
            patient_id=1, document_type="LDO", document_code="34105-7", state=state,
            cda=b"<ClinicalDocument/>", cda_sha256="0" * 64,
            identificativo_doc=f"2.16.840.1.113883.2.9.2.30.4.4^{before + k}",
            practice_setting="AD_PSC018", consent=True, created_by=it_staff,
        ).pk
        for k in range(n)
    ]  # fmt: skip


def _shown(html: str) -> list[int]:
    return shown_ids(html, "documents", r'data-testid="document-(\d+)"')


def test_every_document_is_reachable_the_newest_first(
    it_staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    published = _documents(it_staff, 4)
    (failed,) = _documents(it_staff, 1, state="failed")
    newest_first = [failed, *published[::-1]]
    client = logged_in(it_staff)
    first = client.get("/fse/").content.decode()
    assert _shown(first) == newest_first[:2]
    assert "5 documenti FSE, dal più recente" in first
    assert 'href="?page=2"' in first
    for page in ("3", "99"):  # the oldest, on the last page (past the end: the last)
        assert _shown(client.get("/fse/", {"page": page}).content.decode()) == [published[0]]
    only = client.get("/fse/", {"state": "published", "page": "2"}).content.decode()
    assert _shown(only) == published[::-1][2:]
    assert 'href="?state=published&amp;page=1"' in only
    api = api_client(it_staff)
    assert [d["id"] for d in api_items(api, API, {}, limit=2, count=5)] == newest_first
    assert api.get(API, {"state": "failed"}).json()["count"] == 1
    bad_pages_refused(api, API)


def test_the_queries_do_not_grow_with_the_documents(
    it_staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _documents(it_staff, 2)
    page, api = logged_in(it_staff), api_client(it_staff)
    asked: list[Request] = [(page, "/fse/", {}), (api, API, {"limit": "2"})]
    few = queries_do_not_grow(asked, lambda: _documents(it_staff, 4))  # 3× the documents
    assert queries(page, "/fse/", {"page": "3"}) == few[0]
