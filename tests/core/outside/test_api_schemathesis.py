"""Schemathesis over the whole OpenAPI document (issue 26): every operation, with a
physician's and a pharmacist's token, a fixed seed and a bounded number of examples.

Asserted for every generated request: no server error, every error answered as
problem+json, every status the answer carries documented for that operation, and the
content type the document names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    status_code_conformance,
)

from config.api import api
from config.wsgi import application
from corsia.accounts.domain.roles import Role
from corsia.accounts.services import token_issue
from corsia.core.problems import PROBLEM_CONTENT_TYPE
from corsia.testing.accounts import MakeUser

pytestmark = pytest.mark.outside

_document = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
_document.app = application

# Signing out (DELETE /auth/token) revokes the token the other examples use.
schema = _document.exclude(method="DELETE", path="/api/v1/auth/token")

EXAMPLES = 6


def _problem_json_on_errors(ctx: Any, response: Any, case: Any) -> bool | None:
    if response.status_code >= 400:
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith(PROBLEM_CONTENT_TYPE), (
            f"{case.method} {case.formatted_path}: {response.status_code} answered as "
            f"{content_type!r}, not problem+json"
        )
        body = response.json()
        assert isinstance(body.get("code"), str) and body["code"], body
    return None


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The requests go through the WSGI application in this process, inside the test's
    transaction: like Django's test client, do not close the connection after each."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=[Role.PHYSICIAN, Role.PHARMACIST], ids=["physician", "pharmacist"])
def bearer(request: pytest.FixtureRequest, make_user: MakeUser) -> dict[str, str]:
    key, _ = token_issue(user=make_user(request.param))
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_answer_documented(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(
        headers=bearer,
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            _problem_json_on_errors,
        ],
    )
