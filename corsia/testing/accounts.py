"""Types of the project's factory fixtures (conftest.py), for annotating tests."""

from __future__ import annotations

from collections.abc import Callable

from corsia.accounts.models import User

MakeUser = Callable[..., User]
