"""The HL7 messages' lists paged (issue 27): the page and the API, received and sent, the
newest first, every message of the history reachable; their queries do not grow with the
messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corsia.accounts.models import User
from corsia.interop import views
from corsia.interop.models import InboundMessage
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.paging import api_items, bad_pages_refused, queries, queries_do_not_grow, shown

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _received(n: int) -> list[InboundMessage]:
    """``n`` ADT messages received a minute apart after those already there (oldest first)."""
    before = InboundMessage.objects.count()
    return [
        InboundMessage.objects.create(
            received_at=START + timedelta(minutes=before + k),
            raw=f"MSH|^~\\&|SIO|OSP|CORSIA|OSP|||ADT^A01|ADT{before + k:04d}|P|2.5",
            control_id=f"ADT{before + k:04d}",
            message_type="ADT^A01",
            state="processed",
        )
        for k in range(n)
    ]


def _shown(html: str) -> list[str]:
    return shown(html, "messages", r"<td>(ADT\d{4})</td>")


def test_every_message_is_reachable_page_by_page_the_newest_first(
    it_staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _received(5)
    client = logged_in(it_staff)
    first = client.get("/interop/messages/", {"type": "ADT"}).content.decode()
    assert _shown(first) == ["ADT0004", "ADT0003"]
    assert "5 messaggi, i più recenti per primi" in first
    assert 'href="?type=ADT&amp;page=2"' in first
    for page in ("3", "99"):  # the oldest, on the last page (past the end: the last)
        last = client.get("/interop/messages/", {"type": "ADT", "page": page}).content.decode()
        assert _shown(last) == ["ADT0000"], page
    api = api_client(it_staff)
    items = api_items(api, "/api/v1/interop/messages", {}, limit=2, count=5)
    seen = [m["control_id"] for m in items]
    assert seen == ["ADT0004", "ADT0003", "ADT0002", "ADT0001", "ADT0000"]
    bad_pages_refused(api, "/api/v1/interop/messages")
    outbound = api.get("/api/v1/interop/outbound", {"limit": 2}).json()
    assert (outbound["count"], outbound["items"]) == (0, [])


def test_the_queries_of_the_page_and_the_api_do_not_grow_with_the_messages(
    it_staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _received(2)
    page, api = logged_in(it_staff), api_client(it_staff)
    asked = [
        (page, "/interop/messages/", {}),
        (page, "/interop/messages/", {"direction": "out"}),
        (api, "/api/v1/interop/messages", {"limit": "2"}),
        (api, "/api/v1/interop/outbound", {"limit": "2"}),
    ]
    few = queries_do_not_grow(asked, lambda: _received(4))  # 3× the messages
    assert queries(page, "/interop/messages/", {"page": "3"}) == few[0]
    assert queries(api, "/api/v1/interop/messages", {"limit": "2", "offset": "4"}) == few[2]
