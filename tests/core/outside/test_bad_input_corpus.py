"""The injection and bad-input corpus through every field of the API (issue 26).

Driven by the OpenAPI document the API serves: for every operation, every property of its
JSON request body, every query parameter and every path parameter, payloads of the corpus
(``corsia/testing/bad_input_corpus.py``, 227 payloads: SQL, XSS, template, path, CRLF,
NUL, lone surrogates as JSON escapes, other odd text, over-long text, numeric overflow
with NaN and Infinity, wrong JSON types) are put into an otherwise valid request: the
required fields filled as a client would (the scenario's patient, order and item, today's
date, the first value of an enumeration), with the token of a role holding the
operation's permission. Each body is also sent over the configured size limit, and nested
100,000 deep. One payload of each class that fits the field's type, drawn with a fixed
seed (``corpus.SEED``): 149 operations (all but signing out), 345 body properties of 82
bodies, 45 query and 128 path parameters: 4,753 requests, each inside a savepoint rolled
back after it (every request meets the same scenario); about 70 s on one core once the
test database exists.

Asserted for every request: no 5xx; every 4xx is ``application/problem+json`` with its
status and a stable snake_case ``code``; an over-long text never reaches the database
(no bare ``value_out_of_range``); a text accepted (2xx) and answered back is answered as
sent (``as_stored``). The two tests at the end send the 161 free-text payloads as diary
entries and as the reason of a dose change: read back as sent through the API, and
HTML-escaped on the chart and on the order page.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from config.api import api
from corsia.accounts.domain.roles import Role
from corsia.accounts.services import token_issue
from corsia.core.access import AUTHENTICATED, PUBLIC
from corsia.core.problems import PROBLEM_CONTENT_TYPE
from corsia.testing import bad_input_corpus as corpus
from corsia.testing.accounts import MakeUser
from corsia.testing.outside import API_PREFIX, ApiOperation, api_operations, holds

pytestmark = [pytest.mark.outside, pytest.mark.django_db]

DOCUMENT = api.get_openapi_schema(path_prefix=API_PREFIX)
SCHEMAS = DOCUMENT.get("components", {}).get("schemas", {})
OPERATIONS = api_operations()
# Signing out revokes the token the other requests use.
LEFT_OUT = {("DELETE", "/api/v1/auth/token")}
# The role whose token an operation is sent with: the first that holds its permission.
ROLE_ORDER = [
    Role.PHYSICIAN, Role.PHARMACIST, Role.NURSE, Role.TECHNICIAN, Role.COORDINATOR,
    Role.ADMINISTRATOR, Role.AUDITOR, Role.IT_STAFF, Role.TRIAL_MONITOR,
]  # fmt: skip
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _kind(schema: dict[str, Any]) -> str:
    schema = _resolve(schema)
    if "type" in schema:
        return str(schema["type"])
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        kind = _resolve(option).get("type")
        if kind not in (None, "null"):
            return str(kind)
    return "string"


def _body_schema(op: ApiOperation) -> dict[str, Any] | None:
    spec = DOCUMENT["paths"][op.path][op.method.lower()]
    body = spec.get("requestBody", {}).get("content", {}).get("application/json")
    return _resolve(body["schema"]) if body else None


@dataclass
class Scenario:
    ids: dict[str, int]  # path and body ids the scenario has

    def value(self, name: str, schema: dict[str, Any]) -> Any:
        """A valid value for a required property or parameter ``name``."""
        schema = _resolve(schema)
        options = [_resolve(o) for o in schema.get("anyOf", [schema])]
        option = next((o for o in options if o.get("type") != "null"), schema)
        if "enum" in option:
            return option["enum"][0]
        if name in self.ids:
            return self.ids[name]
        kind, fmt = option.get("type", "string"), option.get("format", "")
        if kind == "integer":
            return max(1, int(option.get("minimum", 1)))
        if kind == "number":
            return 1
        if kind == "boolean":
            return False
        if kind == "array":
            return []
        if kind == "object":
            return {}
        if fmt == "date":
            return timezone.localdate().isoformat()
        if fmt == "date-time":
            return (timezone.now() - timedelta(minutes=5)).isoformat()
        return "prova"


@pytest.fixture
def scenario(make_user: MakeUser) -> Scenario:
    from corsia.testing.prescribing import folfox_order

    physician = make_user(Role.PHYSICIAN)
    order = folfox_order(make_user, physician, start=timezone.localdate())
    item = order.items.first()
    assert item is not None
    return Scenario(
        ids={
            "patient_id": order.patient_id,
            "order_id": order.pk,
            "item_id": item.pk,
            "regimen_version_id": order.regimen_version_id,
            "expected_version": order.version,
            "version": 1,
        }
    )


@pytest.fixture
def clients(make_user: MakeUser) -> dict[Role, Client]:
    made = {}
    for role in Role:
        key, _ = token_issue(user=make_user(role))
        made[role] = Client(
            headers={"Authorization": f"Bearer {key}"}, raise_request_exception=False
        )
    return made


def _client_for(op: ApiOperation, clients: dict[Role, Client]) -> Client:
    if op.permission in (PUBLIC, AUTHENTICATED, None):
        return clients[Role.PHYSICIAN]
    role = next((r for r in ROLE_ORDER if holds(r, op.permission)), Role.PHYSICIAN)
    return clients[role]


@dataclass
class Sent:
    """What was sent: for the report of a failure, and to read an answer back."""

    op: ApiOperation
    where: str  # "body.<field>", "query.<name>", "body"
    kind: str  # the payload's class
    payload: Any
    free_text: bool = False  # a string field without a format (a date is not read back)


@dataclass
class Tally:
    requests: int = 0
    fields: int = 0
    query_params: int = 0
    operations: int = 0


def _verdict(sent: Sent, response: Any) -> str | None:
    """What is wrong with the answer, or None."""
    label = f"{sent.op} {sent.where} [{sent.kind}] {str(sent.payload)[:60]!r}"
    status = response.status_code
    if status >= 500:
        return f"{label}: {status}"
    if status >= 400:
        if response["Content-Type"] != PROBLEM_CONTENT_TYPE:
            return f"{label}: {status} as {response['Content-Type']}"
        problem = response.json()
        if problem.get("status") != status or not CODE.match(str(problem.get("code", ""))):
            return f"{label}: {status} with {problem}"
        if problem["code"] == "value_out_of_range" and sent.free_text:
            # the database refused it: the schema should have, naming the field
            return f"{label}: {status} value_out_of_range, the field not named"
        return None
    field = sent.where.removeprefix("body.")
    if sent.free_text and isinstance(sent.payload, str):
        with_json = "json" in response.get("Content-Type", "")
        answer = response.json() if with_json else None
        read = answer.get(field) if isinstance(answer, dict) else None
        if isinstance(read, str) and read not in as_stored(sent.payload):
            return f"{label}: accepted and answered back as {read[:60]!r}"
    return None


def as_stored(text: str) -> set[str]:
    """What a text sent may be read back as: as sent; trimmed of the white space around it
    (Python's, which counts NEL and the separators); or, in a one-line field (a drug, a
    unit, a question), with every run of white space, line breaks included, made one
    space. Nothing else: no character taken out, escaped or replaced."""
    return {text, text.strip(), " ".join(text.split())}


def _send(client: Client, op: ApiOperation, url: str, body: str | None) -> Any:
    with transaction.atomic():
        if body is None:
            response = client.generic(op.method, url)
        else:
            response = client.generic(op.method, url, body, content_type="application/json")
        # read the answer while the savepoint holds what the request wrote
        response.content  # noqa: B018
        transaction.set_rollback(True)
    return response


def _probe(op: ApiOperation, client: Client, scenario: Scenario, tally: Tally) -> list[str]:
    failures: list[str] = []
    path_values = {
        name: scenario.ids.get(name, 999_999 if kind == "integer" else "x")
        for name, kind in op.path_params
    }
    base = op.url(path_values)
    spec = DOCUMENT["paths"][op.path][op.method.lower()]
    parameters = {p["name"]: p for p in spec.get("parameters", []) if p["in"] == "query"}
    required_query = {
        name: scenario.value(name, p.get("schema", {}))
        for name, p in parameters.items()
        if p.get("required")
    }
    body_schema = _body_schema(op)
    properties = body_schema.get("properties", {}) if body_schema else {}
    required = set(body_schema.get("required", [])) if body_schema else set()
    valid_body = {name: scenario.value(name, properties[name]) for name in required}

    def with_query(query: dict[str, Any]) -> str:
        return base + ("?" + corpus.query_string(query) if query else "")

    def check(sent: Sent, url: str, body: str | None) -> None:
        tally.requests += 1
        verdict = _verdict(sent, _send(client, op, url, body))
        if verdict:
            failures.append(verdict)

    valid_json = corpus.json_body(valid_body) if body_schema is not None else None
    for name, _ in op.path_params:
        for payload_kind, payload in corpus.sample("query", str(op), name):
            url = op.url({**path_values, name: corpus.path_segment(payload)})
            if required_query:
                url += "?" + corpus.query_string(required_query)
            check(Sent(op, f"path.{name}", payload_kind, payload), url, valid_json)
    for name in parameters:
        tally.query_params += 1
        for kind, payload in corpus.sample("query", str(op), name):
            check(
                Sent(op, f"query.{name}", kind, payload),
                with_query({**required_query, name: payload}),
                valid_json,
            )
    if body_schema is None:
        return failures
    url = with_query(required_query)
    for name, schema in properties.items():
        tally.fields += 1
        kind = _kind(schema)
        options = [_resolve(o) for o in _resolve(schema).get("anyOf", [schema])]
        free_text = kind == "string" and not any(o.get("format") for o in options)
        for payload_kind, payload in corpus.sample(kind, str(op), name):
            check(
                Sent(op, f"body.{name}", payload_kind, payload, free_text),
                url,
                corpus.json_body({**valid_body, name: payload}),
            )
    first = next(iter(properties), "x")
    check(Sent(op, "body", "nesting", "[[[…"), url, corpus.nested_body(first))
    limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440)
    check(Sent(op, "body", "huge", f"{limit + 1} bytes"), url, corpus.huge_body(first, limit))
    return failures


def _groups() -> dict[str, list[ApiOperation]]:
    """The operations by the first segment of their path (one test each: the failures
    name their module, and the runners share the work)."""
    found: dict[str, list[ApiOperation]] = {}
    for op in OPERATIONS:
        if (op.method, op.path) in LEFT_OUT:
            continue
        segment = op.path.removeprefix(API_PREFIX).split("/", 1)[0]
        found.setdefault(segment, []).append(op)
    return found


GROUPS = _groups()


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_no_payload_of_the_corpus_is_a_5xx_or_an_answer_not_problem_json(
    group: str, scenario: Scenario, clients: dict[Role, Client]
) -> None:
    tally = Tally()
    failures: list[str] = []
    for op in GROUPS[group]:
        tally.operations += 1
        failures += _probe(op, _client_for(op, clients), scenario, tally)
    assert tally.operations > 0
    assert failures == [], f"{len(failures)} of {tally.requests}:\n" + "\n".join(failures)


def test_the_corpus_reaches_every_operation() -> None:
    # the numbers stated in the docstring and in docs/security.md: a new operation is
    # probed as it appears; the corpus keeps its size
    probed = sum(len(ops) for ops in GROUPS.values())
    assert probed == len(OPERATIONS) - len(LEFT_OUT)
    assert 180 <= corpus.corpus_size() <= 400
    fields = sum(
        len((_body_schema(op) or {}).get("properties", {})) for ops in GROUPS.values() for op in ops
    )
    assert fields >= 300, fields


# --- free text: stored as sent, shown escaped --------------------------------------------------

FREE_TEXT = [
    p
    for name in ("sql", "xss", "template", "path", "crlf", "other")
    for p in corpus.TEXT_CLASSES[name]
    if p.strip()
]


@pytest.fixture
def physician_client(make_user: MakeUser) -> Iterator[tuple[Client, Any]]:
    user = make_user(Role.PHYSICIAN)
    key, _ = token_issue(user=user)
    yield Client(headers={"Authorization": f"Bearer {key}"}), user


def _escaped_on(page: str, text: str) -> bool:
    return html.escape(text, quote=True) in page or html.escape(text, quote=False) in page


def test_free_text_is_stored_as_sent_and_shown_escaped(
    make_user: MakeUser, physician_client: tuple[Client, Any]
) -> None:
    from corsia.testing.accounts import logged_in
    from corsia.testing.prescribing import folfox_order

    api_client, physician = physician_client
    order = folfox_order(make_user, physician, start=timezone.localdate() + timedelta(days=1))
    patient_id = order.patient_id
    failures = []
    for text in FREE_TEXT:
        response = api_client.post(
            f"/api/v1/patients/{patient_id}/diary",
            json.dumps({"kind": "note", "text": text}),
            content_type="application/json",
        )
        if response.status_code not in (200, 201):
            failures.append(f"diary {text!r}: {response.status_code} {response.content[:200]!r}")
    # every entry on one page (the diary is paged: 100 by default, 500 at most)
    diary = api_client.get(f"/api/v1/patients/{patient_id}/diary", {"limit": 500}).json()
    assert diary["count"] == len(diary["items"]), "the whole diary on one page"
    texts = {entry["text"] for entry in diary["items"]}
    failures += [
        f"diary {t!r} not read back as sent" for t in FREE_TEXT if not as_stored(t) & texts
    ]
    page = logged_in(physician).get(f"/records/patients/{patient_id}/").content.decode()
    failures += _shown_escaped(page, FREE_TEXT, "chart")
    assert failures == [], "\n".join(failures)


def _shown_escaped(page: str, texts: list[str], where: str) -> list[str]:
    """Every text on the page escaped, line by line (a page breaks lines with <br>), and
    none of its markup as sent."""
    failures = []
    for text in texts:
        if any(c in text for c in "<>\"'") and text in page:
            failures.append(f"{where} shows {text!r} unescaped")
        for part in re.split(r"\r\n|\r|\n|\u2028|\u2029|\x85|\x0b|\x0c", text):
            line = part.strip()
            if line and not _escaped_on(page, line):
                failures.append(f"{where} does not show {line!r} (of {text!r})")
    return failures


def test_a_reason_is_stored_as_sent_and_shown_escaped_on_the_order_page(
    make_user: MakeUser, physician_client: tuple[Client, Any]
) -> None:
    # the reason of a dose change, on the order page; one request per text, rolled back
    from corsia.testing.accounts import logged_in
    from corsia.testing.prescribing import folfox_order

    api_client, physician = physician_client
    order = folfox_order(make_user, physician, start=timezone.localdate() + timedelta(days=1))
    item = order.items.first()
    assert item is not None
    page_client = logged_in(physician)
    failures = []
    for text in FREE_TEXT:
        with transaction.atomic():
            response = api_client.post(
                f"/api/v1/orders/{order.pk}/items/{item.pk}/adjust",
                json.dumps(
                    {"reason": text, "reduction_percent": 20, "expected_version": order.version}
                ),
                content_type="application/json",
            )
            if response.status_code != 200:
                failures.append(f"adjust {text!r}: {response.status_code} {response.content!r}")
            else:
                stored = {i["id"]: i["deviation_reason"] for i in response.json()["items"]}
                if stored[item.pk] not in as_stored(text):
                    failures.append(f"adjust {text!r} answered back as {stored[item.pk]!r}")
                page = page_client.get(f"/prescribing/orders/{order.pk}/").content.decode()
                failures += _shown_escaped(page, [text], "order page")
            transaction.set_rollback(True)
    assert failures == [], "\n".join(failures)
