"""The shared pager (issue 27): a page number that cannot be read is page 1, never a 500."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.paging import page_number, paginate
from corsia.testing.accounts import MakeUser


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        (None, 1),
        ("", 1),
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("1e308", 1),
        ("2.0", 1),
        ("\x00", 1),
        ("1\x00", 1),
        ("9" * 400, 1),
        ("٣", 1),  # an Arabic-Indic digit: isdigit, not ours
        ("3", 3),
        ("007", 7),
    ],
)
def test_page_number(raw: str | None, number: int) -> None:
    assert page_number(raw) == number


@pytest.mark.django_db
def test_a_page_keeps_the_other_filters_and_a_page_past_the_end_is_the_last(
    make_user: MakeUser,
) -> None:
    for _ in range(3):
        make_user(Role.NURSE)
    rows = User.objects.order_by("pk")
    total = rows.count()
    first = paginate(RequestFactory().get("/x/", {"q": "a b", "page": "1"}), rows, page_size=2)
    assert first.total == total
    assert [u.pk for u in first.page] == [u.pk for u in rows[:2]]
    assert first.next_href == "?q=a+b&page=2"
    assert first.previous_href == ""
    last = paginate(RequestFactory().get("/x/", {"page": "999999"}), rows, page_size=2)
    assert last.page.number == (total + 1) // 2
    assert last.next_href == ""
    assert last.previous_href == f"?page={last.page.number - 1}"
