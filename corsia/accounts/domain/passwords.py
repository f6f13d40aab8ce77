"""Password expiry: the rule, without the clock (``now`` is passed in)."""

from __future__ import annotations

from datetime import datetime, timedelta


def password_expired(*, changed_at: datetime | None, now: datetime, max_age_days: int) -> bool:
    """True when the password is older than ``max_age_days`` (0 or less: never expires).

    A password with no known change date (``None``) is not treated as expired: accounts
    without a local password (directory users) or created before the policy are not
    locked out by a missing timestamp; every local password change records one.
    """
    if max_age_days <= 0 or changed_at is None:
        return False
    return now - changed_at > timedelta(days=max_age_days)


# The demo's published password (README): it opens the demo users in demo mode only.
PUBLISHED_DEMO_PASSWORD = "corsia-demo"  # noqa: S105 - published on purpose, refused outside demo


def demo_password_refused(password: str | None, *, demo_mode: bool) -> bool:
    """Whether a sign-in with ``password`` must be refused whoever the user is: the published
    demo password opens nothing outside demo mode (a database seeded in demo mode and later
    run for real keeps its demo users; their password must not work)."""
    return not demo_mode and password == PUBLISHED_DEMO_PASSWORD
