"""The chart page reads what it shows in one statement (issue 27: queries per read): for
a chart with something in every panel, each role's page shows every panel's data in a
fixed number of queries, and each read is logged once, in the request's transaction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.records import full_chart

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference(ctcae_reference: None) -> None:
    """The CTCAE terms (the nausea)."""


# role → the most queries the chart page may take, counted in the steady state (the
# caller's second request). Before (12-05): 42 for each. Now: the session (2), the
# patient, the masked stays (once per request, before the queries that leave them out
# are built), one statement for everything the page shows (corsia.core.read_together:
# the stays and their transfers, the wards' names, weight and height, the allergies, the
# orders and their administrations, the toxicities, the diary, vital signs, anamnesis and
# raccordi, diagnoses, performance statuses, the newest diagnosis's staging, stagings,
# scores, laboratory results, the treatment course — lines, re-evaluations, plan items,
# the orders' links, home therapy, appointments —, letters, tumour boards, reports), the
# access log (2: the chart's row and the toxicities', one append).
BUDGET = {Role.PHYSICIAN: 7, Role.NURSE: 7, Role.PHARMACIST: 7}
# the API's chart: the token instead of the session (1), then the same
API_BUDGET = 6

# what each panel holds (full_chart), as the page shows it
SHOWN = {
    "header: diagnosis": "162.3 Tumori maligni del lobo superiore, bronco o polmone",
    "header: stage": "<strong>IIB</strong>",
    "header: performance status": "ECOG 1",
    "header: body size": "2,00 m²",
    "header: stay": "Ematologia",
    "timeline: transfer": "Trasferimento in Ematologia",
    "timeline: diary": "Visita: buone condizioni generali.",
    "timeline: ward round": "Giro visita: apiretico.",
    "timeline: lab": "CEA 12,5 ng/mL",
    "timeline: anamnesis": "Anamnesi, versione 1",
    "timeline: raccordo": "Riferisce tosse da due settimane.",
    "timeline: staging": "Stadiazione:",
    "timeline: score": "PPI",
    "timeline: radiotherapy": "RT palliativa D12, 8 Gy x 1",
    "timeline: evaluation": "Valutazione basale",
    "timeline: report": "TC torace-addome con mdc",
    "timeline: board": "Riunione multidisciplinare del",
    "timeline: letter": "Diario clinico giornaliero, versione 1 (bozza)",
    "course: home therapy": "Desametasone 4 mg ogni 12 ore",
    "course: appointment": "TC torace-addome",
    "vitals table": "36,8",
}


@pytest.mark.parametrize("role", list(BUDGET))
def test_the_chart_page_shows_every_panel_in_a_fixed_number_of_queries(
    make_user: MakeUser,
    physician: User,
    nurse: User,
    patient: Patient,
    role: Role,
) -> None:
    chart = full_chart(make_user, physician, nurse, patient)
    reader = make_user(role)  # another of the role: not who wrote the chart
    client = logged_in(reader)
    client.get("/records/")  # the caller's first request: its permission set cached
    before = set(AccessLogEntry.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/records/patients/{patient.pk}/")
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == BUDGET[role], "\n".join(sql)
    page = response.content.decode()
    missing = {name: text for name, text in SHOWN.items() if text not in page}
    assert not missing
    sees_orders = reader.has_perm("prescribing.view_order")
    sees_toxicity = reader.has_perm("toxicity.view_toxicity")
    assert (chart.regimen in page) is sees_orders
    assert ("Nausea G2" in page) is sees_toxicity
    # each read logged once, by this request
    logged = sorted(AccessLogEntry.objects.exclude(pk__in=before).values_list("patient_id", "what"))
    expected = [(patient.pk, "cartella clinica")]
    if sees_toxicity:
        expected.append((patient.pk, "tossicità (CTCAE)"))
    assert logged == sorted(expected)


def test_the_chart_api_in_a_fixed_number_of_queries(
    make_user: MakeUser, physician: User, nurse: User, patient: Patient
) -> None:
    chart = full_chart(make_user, physician, nurse, patient)
    client = api_client(physician)
    # the caller's first request (its permission set and the workstations' names cached)
    client.get(f"/api/v1/patients/{patient.pk}/chart")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/patients/{patient.pk}/chart")
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == API_BUDGET, "\n".join(sql)
    body = response.json()
    assert body["header"]["regimen"] == chart.regimen
    assert body["header"]["stage"] == "IIB"
    assert body["header"]["last_toxicity"].startswith("Nausea G2")
    titles = {e["title"] for e in body["timeline"]}
    assert "Trasferimento in Ematologia" in titles
    assert any(t.startswith("Valutazione basale · ") for t in titles)
