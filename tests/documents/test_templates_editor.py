"""The print template editor (page and API): documented fields, in-page preview, a
malicious or wrong template refused with a clear message (never a 500), versions and
their diff, activation with a reason."""

from __future__ import annotations

import json

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.documents import services
from corsia.documents.models import DocumentTemplate
from corsia.testing.accounts import MakeUser, logged_in

pytestmark = pytest.mark.django_db

URL = "/documents/templates/therapy_sheet/"
API = "/api/v1/documents/templates"

MALICIOUS = [
    ("{{ patient.__class__ }}", "underscores"),
    ("{% load os %}", "«os» non è ammessa"),
    ("{% include 'base.html' %}", "«{% include %}» non è ammesso"),
    ("{% if title %}" * 400 + "{% endif %}" * 400, "annida troppi tag"),
    ("{% for a in 'xxxxxxxxxx' %}" * 6 + "." + "{% endfor %}" * 6, "ripetizioni"),
    ("{{ patient.codice_fiscale }}", "«patient.codice_fiscale»"),
]


def _form(body: str, **extra: str) -> dict[str, str]:
    return {"title": "Prova", "body": body, "expected_version": "1", **extra}


def _post_json(user: User, url: str, payload: dict[str, object]) -> object:
    return logged_in(user).post(url, json.dumps(payload), content_type="application/json")


def test_the_editor_documents_the_fields_with_examples(pharmacist: User) -> None:
    page = logged_in(pharmacist).get(URL).content.decode()
    assert "Campi disponibili" in page
    assert "<code>patient.mrn</code>" in page and "Numero di cartella (MRN)" in page
    assert "<code>sections[].rows[].label</code>" in page and "Altezza" in page


def test_the_in_page_preview_renders_the_example_data_and_saves_nothing(
    pharmacist: User,
) -> None:
    response = logged_in(pharmacist).post(
        URL, _form("<p>{{ patient.name }} — {{ patient.mrn }}</p>", preview_html="1")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'sandbox=""' in page
    # the preview is escaped into srcdoc (it cannot break out of the frame)
    frame = page[page.index("<iframe") : page.index("</iframe>")]
    assert 'srcdoc="&lt;p&gt;ESEMPIO Paziente — 10000042&lt;/p&gt;"' in frame, frame
    assert DocumentTemplate.objects.count() == 0


@pytest.mark.parametrize(("body", "message"), MALICIOUS)
def test_a_malicious_template_is_refused_on_the_page_with_a_clear_message(
    pharmacist: User, body: str, message: str
) -> None:
    client = logged_in(pharmacist)
    for action in ({}, {"preview_html": "1"}, {"preview": "1"}):
        response = client.post(URL, _form(body, **action))
        assert response.status_code == 422
        assert message in response.content.decode()
    assert DocumentTemplate.objects.count() == 0


@pytest.mark.parametrize(("body", "message"), MALICIOUS)
def test_a_malicious_template_is_a_problem_from_the_api(
    pharmacist: User, body: str, message: str
) -> None:
    payloads: list[tuple[str, dict[str, object]]] = [
        (f"{API}/therapy_sheet/preview", {"body": body}),
        (f"{API}/therapy_sheet/versions", {"title": "x", "body": body, "expected_version": 1}),
    ]
    for url, payload in payloads:
        answer = _post_json(pharmacist, url, payload)
        assert answer.status_code == 422  # type: ignore[attr-defined]
        problem = answer.json()  # type: ignore[attr-defined]
        assert problem["code"].startswith("template_")
        assert message in problem["detail"]
    assert DocumentTemplate.objects.count() == 0


def test_the_api_lists_documents_creates_versions_previews_and_diffs(pharmacist: User) -> None:
    client = logged_in(pharmacist)
    listing = client.get(API).json()
    # every shipped file is version 1 (stored at its first print or edit)
    assert {t["code"]: t["in_use_version"] for t in listing} == {
        "call_in_list": 1,
        "clinical_letter": 1,
        "discharge_diary": 1,
        "dispensing_receipt": 1,
        "galenic_label": 1,
        "haemovigilance_notification": 1,
        "nutrition_label": 1,
        "patient_bag_label": 1,
        "preparation_label": 1,
        "preparation_worksheet": 1,
        "report_export": 1,
        "requirements_sheet": 1,
        "therapy_sheet": 1,
        "transfusion_request": 1,
        "ward_delivery_document": 1,
        "ward_label": 1,
        "ward_prescription": 1,
        "ward_round": 1,
        "wristband": 1,
    }
    detail = client.get(f"{API}/therapy_sheet").json()
    fields = {f["path"]: f for f in detail["fields"]}
    assert fields["patient.mrn"]["example"] == "10000042"
    assert fields["patient.mrn"]["type"] == "testo"
    preview = _post_json(pharmacist, f"{API}/therapy_sheet/preview", {"body": "{{ patient.mrn }}"})
    assert preview.json() == {"html": "10000042"}  # type: ignore[attr-defined]
    created = _post_json(
        pharmacist,
        f"{API}/therapy_sheet/versions",
        {
            "title": "Nuovo",
            "body": "<h1>{{ title }}</h1>\n<p>{{ notes }}</p>",
            "expected_version": 1,
        },
    )
    assert created.status_code == 201  # type: ignore[attr-defined]
    assert created.json()["version"] == 2  # type: ignore[attr-defined]
    stale = _post_json(
        pharmacist,
        f"{API}/therapy_sheet/versions",
        {"title": "Altro", "body": "<p>x</p>", "expected_version": 1},
    )
    assert stale.status_code == 409  # type: ignore[attr-defined]
    second = services.template_update(
        actor=pharmacist,
        workstation=None,
        code="therapy_sheet",
        title="Nuovo",
        body="<h1>{{ title }}</h1>\n<p>{{ subtitle }}</p>",
        expected_version=2,
    )
    diff = client.get(f"{API}/therapy_sheet/diff", {"old_version": 2, "new_version": 3}).json()
    assert [(d["kind"], d["line"]) for d in diff] == [
        ("hunk", "@@ -1,2 +1,2 @@"),
        ("same", " <h1>{{ title }}</h1>"),
        ("del", "-<p>{{ notes }}</p>"),
        ("add", "+<p>{{ subtitle }}</p>"),
    ]
    page = client.get(f"{URL}diff/", {"from": 2, "to": 3}).content.decode()
    assert (
        "-&lt;p&gt;{{ notes }}&lt;/p&gt;" in page and "+&lt;p&gt;{{ subtitle }}&lt;/p&gt;" in page
    )
    off = _post_json(
        pharmacist,
        f"{API}/therapy_sheet/versions/3/activation",
        {"active": False, "reason": "errore di impaginazione"},
    )
    assert off.json()["active"] is False  # type: ignore[attr-defined]
    assert not DocumentTemplate.objects.get(pk=second.pk).active
    no_reason = _post_json(
        pharmacist, f"{API}/therapy_sheet/versions/1/activation", {"active": False, "reason": " "}
    )
    assert no_reason.status_code == 422  # type: ignore[attr-defined]
    assert client.get(f"{API}/therapy_sheet/versions/9/activation").status_code == 405
    assert client.get(f"{API}/nonexistent").status_code == 404


def test_template_api_needs_manage_templates(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    client = logged_in(physician)
    assert client.get(API).status_code == 403
    answer = _post_json(physician, f"{API}/therapy_sheet/preview", {"body": "x"})
    assert answer.status_code == 403  # type: ignore[attr-defined]
