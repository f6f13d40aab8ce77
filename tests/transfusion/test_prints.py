"""The transfusion prints through their versioned templates (issue 23 §22-23): the request
of blood components (``transfusion_request``) and the haemovigilance notification of a
reaction (``haemovigilance_notification``), each archived with the patient and its template
version; the old print address redirects to the PDF; the API answers the same archived
print with the same permission; an IT edit is the next version printed, one dropping a
safety field (a unit's DIN, the second operator, the recipient's birth date) is refused.

Hand count (``corsia.testing.transfusion``): group A RhD positive confirmed on two samples;
two irradiated leukodepleted red-cell units requested; bag A999926000017, product
E9002V00 (leukodepleted, irradiated: the product table), group A+, crossmatch compatible
on tube XM-001; checked at the bedside by two nurses and started; a febrile reaction
(grade 1, probable) «Brivido a 20 minuti»."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.documents.models import Document
from corsia.testing.accounts import MakeUser, api_client, full_name, logged_in
from corsia.testing.documents import (
    edit_refused,
    edited_and_printed,
    printed_html,
    shipped_without,
    the_api_print,
    the_archived_print,
)
from corsia.testing.transfusion import (
    Scenario,
    fnhtr_recorded,
    transfusion_ready,
    transfusion_started,
)
from corsia.transfusion.models import TransfusionReaction

pytestmark = pytest.mark.django_db
DIN = "A999926000017"
name = full_name


@pytest.fixture
def s(make_user: MakeUser) -> Scenario:
    return transfusion_ready(make_user)


@pytest.fixture
def reaction(s: Scenario) -> TransfusionReaction:
    return fnhtr_recorded(s.nurse, transfusion_started(s).pk, "Brivido a 20 minuti")


def test_the_request_is_printed_from_version_1_and_archived_with_the_patient(
    s: Scenario, reaction: TransfusionReaction
) -> None:
    client = logged_in(s.nurse)
    page = client.get(f"/transfusion/request/{s.request.pk}/").content.decode()
    assert f'href="/transfusion/request/{s.request.pk}/print.pdf"' in page
    old = client.get(f"/transfusion/request/{s.request.pk}/print/")
    assert old.status_code == 302
    assert old["Location"] == f"/transfusion/request/{s.request.pk}/print.pdf"
    before = AccessLogEntry.objects.filter(user=s.nurse, patient_id=s.patient.pk).count()
    response = client.get(old["Location"])
    document = the_archived_print(response, "transfusion_request")
    assert response["X-Corsia-Document"] == str(document.pk)
    assert (document.patient_id, document.template_version) == (s.patient.pk, 1)
    assert (document.source_app, document.source_model, document.source_id) == (
        "transfusion", "request", str(s.request.pk),
    )  # fmt: skip
    context = document.context
    request = context["request"]
    assert {k: request[k] for k in (
        "component", "units", "treatments", "premedication", "state", "requested_by",
        "emergency",
    )} == {
        "component": "Emazie concentrate", "units": "2", "treatments": "Irradiato, Leucodepleto",
        "premedication": "Paracetamolo 1 g ev", "state": "Aperta",
        "requested_by": name(s.physician), "emergency": False,
    }  # fmt: skip
    assert context["group"] == {
        "text": "A RhD positivo",
        "status": "confermato: due determinazioni concordi su due prelievi",
        "confirmed": True,
    }
    [bag] = context["bags"]
    assert {k: bag[k] for k in ("din", "product_code", "group", "treatments", "pending")} == {
        "din": DIN, "product_code": "E9002V00", "group": "A+",
        "treatments": "Irradiato, Leucodepleto", "pending": False,
    }  # fmt: skip
    [crossmatch] = bag["crossmatches"]
    assert (crossmatch["result"], crossmatch["sample"], crossmatch["recorded_by"]) == (
        "Compatibile", "XM-001", name(s.physician),
    )  # fmt: skip
    [check] = context["transfusions"]
    assert (check["din"], check["first_operator"], check["second_operator"], check["state"]) == (
        DIN, name(s.nurse), name(s.second_nurse), "In corso",
    )  # fmt: skip
    [printed_reaction] = context["reactions"]
    assert (printed_reaction["din"], printed_reaction["category"]) == (
        DIN, "Reazione febbrile non emolitica (FNHTR)",
    )  # fmt: skip
    html = printed_html(document)
    assert "<strong>ROSSI Mario</strong> · nato/a il 10/12/1985 · MRN " in html
    assert 'Gruppo del paziente: <span class="group">A RhD positivo</span>' in html
    assert "<strong>Emazie concentrate — 2 unità</strong>" in html
    assert f'<td class="code"><strong>{DIN}</strong></td><td class="code">E9002V00</td>' in html
    assert f"<td>{name(s.nurse)}</td><td>{name(s.second_nurse)}</td>" in html
    assert "provetta XM-001" in html and "Brivido a 20 minuti" in html
    # the same read as the request's page: one more access-log row
    assert AccessLogEntry.objects.filter(user=s.nurse, patient_id=s.patient.pk).count() == (
        before + 1
    )


def test_the_haemovigilance_notification_is_printed_and_archived_with_the_patient(
    s: Scenario, reaction: TransfusionReaction
) -> None:
    client = logged_in(s.nurse)
    page = client.get(f"/transfusion/reaction/{reaction.pk}/haemovigilance/").content.decode()
    link = f"/transfusion/reaction/{reaction.pk}/haemovigilance.pdf"
    assert f'href="{link}" data-testid="hv-print"' in page
    response = client.get(link)
    document = the_archived_print(response, "haemovigilance_notification")
    assert (document.patient_id, document.template_version) == (s.patient.pk, 1)
    assert (document.source_app, document.source_model, document.source_id) == (
        "transfusion", "reaction", str(reaction.pk),
    )  # fmt: skip
    n = document.context["notification"]
    assert {k: n[k] for k in (
        "patient_initials", "patient_sex", "patient_birth_date", "patient_mrn", "category",
        "severity_label", "imputability_label", "description", "report_at_once",
    )} == {
        "patient_initials": "MR", "patient_sex": s.patient.sex, "patient_birth_date": "10/12/1985",
        "patient_mrn": s.patient.mrn, "category": "fnhtr", "severity_label": "1 — non grave",
        "imputability_label": "Probabile", "description": "Brivido a 20 minuti",
        "report_at_once": False,
    }  # fmt: skip
    [unit] = n["units"]
    assert (unit["din"], unit["product_code"], unit["group"], unit["component"]) == (
        DIN, "E9002V00", "A+", "Emazie concentrate",
    )  # fmt: skip
    html = printed_html(document)
    assert '<th scope="row">Iniziali</th><td>MR</td>' in html
    assert f'<td class="code">{DIN}</td><td class="code">E9002V00</td>' in html
    # the form's minimum is the initials; the name and MRN are there for the SIMT only
    assert f"SISTRA)</th><td>ROSSI Mario · MRN {s.patient.mrn}</td>" in html


def test_an_it_edit_is_the_next_version_printed_and_one_dropping_a_safety_field_is_refused(
    make_user: MakeUser, s: Scenario
) -> None:
    it_staff = make_user(Role.IT_STAFF)
    for code, drop, missing in (
        ("transfusion_request", "<strong>{{ b.din }}</strong>", "bags[].din"),
        (
            "transfusion_request",
            "<td>{{ t.second_operator }}</td>",
            "transfusions[].second_operator",
        ),
        ("transfusion_request", "{{ group.text }}", "group.text"),
        ("transfusion_request", "<strong>{{ request.treatments }}</strong>", "request.treatments"),
        (
            "haemovigilance_notification",
            "<td>{{ notification.patient_birth_date }}</td>",
            "notification.patient_birth_date",
        ),
        ("haemovigilance_notification", "{{ patient.name }} · ", "patient.name"),
    ):
        refused = edit_refused(it_staff, code, shipped_without(code, drop))
        assert refused.code == "template_required_field_missing", drop
        assert refused.details == {"missing_fields": [missing]}, drop
    edited_and_printed(
        it_staff, "transfusion_request", title="Con firma",
        old="</body>", new="<p>Firma del medico: ________</p></body>",
        print_it=lambda: logged_in(s.nurse).get(f"/transfusion/request/{s.request.pk}/print.pdf"),
    )  # fmt: skip


def test_the_api_answers_the_same_archived_prints_and_clear_refusals(
    s: Scenario, reaction: TransfusionReaction
) -> None:
    client = api_client(s.physician)
    response = client.get(f"/api/v1/transfusion/requests/{s.request.pk}/print.pdf")
    the_api_print(response, "transfusion_request", s.patient.pk)
    notification = client.get(f"/api/v1/transfusion/reactions/{reaction.pk}/haemovigilance.pdf")
    the_api_print(notification, "haemovigilance_notification", s.patient.pk)
    reads = AccessLogEntry.objects.filter(user=s.physician, what="richiesta di emocomponenti")
    assert list(reads.values_list("channel", flat=True)) == ["api", "api"]
    for url, code in (
        ("/api/v1/transfusion/requests/999999999/print.pdf", "request_not_found"),
        ("/api/v1/transfusion/reactions/999999999/haemovigilance.pdf", "reaction_not_found"),
    ):
        missing = client.get(url)
        assert (missing.status_code, missing.json()["code"]) == (404, code)
    assert client.get("/api/v1/transfusion/requests/0/print.pdf").status_code == 422
    page = logged_in(s.physician)
    assert page.get("/transfusion/request/999999999/print.pdf").status_code == 404
    assert page.get("/transfusion/reaction/999999999/haemovigilance.pdf").status_code == 404
    assert Document.objects.count() == 2


@pytest.mark.parametrize("role", [Role.PHARMACIST, Role.TECHNICIAN, Role.IT_STAFF])
def test_who_may_not_read_transfusions_gets_403_and_nothing_is_archived(
    make_user: MakeUser, s: Scenario, reaction: TransfusionReaction, role: Role
) -> None:
    user = make_user(role)
    assert not user.has_perm("transfusion.view_transfusion")
    page, api = logged_in(user), api_client(user)
    for url in (
        f"/transfusion/request/{s.request.pk}/print/",
        f"/transfusion/request/{s.request.pk}/print.pdf",
        f"/transfusion/reaction/{reaction.pk}/haemovigilance.pdf",
    ):
        assert page.get(url).status_code == 403, url
    for url in (
        f"/api/v1/transfusion/requests/{s.request.pk}/print.pdf",
        f"/api/v1/transfusion/reactions/{reaction.pk}/haemovigilance.pdf",
    ):
        assert api.get(url).status_code == 403, url
    assert not Document.objects.exists()
