"""No English left in the Italian pages: the main pages of each role's day, rendered with
the demo hospital (``make run``'s data: reference archives, patients, orders, UFA, charts,
toxicities, a trial), read as a user reads them (the text and the accessible names, not
the markup) and searched for the words that betray an untranslated label — CTCAE terms and
organ classes, interaction severities, enum values, Python's ``None``/``True``/``False``,
technical field names. Drug names (INNs, brands) are not words of the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from corsia.accounts.models import User
from corsia.administration.models import Administration
from corsia.compounding import services as compounding
from corsia.compounding.models import Preparation, WorkSession
from corsia.demo import setup
from corsia.dispensing.models import TherapyPlan
from corsia.inventory.models import WardRequest
from corsia.prescribing.models import TherapyOrder
from corsia.records.models import Diagnosis
from corsia.regimens.models import ClinicalTrial
from corsia.toxicity.models import ToxicityRecord

# Words an Italian page never shows; matched as whole words, with their case.
ENGLISH = (
    # CTCAE terms and organ classes (the Italian label set is shown instead)
    "decreased", "increased", "disorders", "Disorders", "Neutrophil", "Platelet", "count",
    "Peripheral", "sensory", "Fatigue", "Vomiting", "Diarrhea", "Febrile", "Investigations",
    "injury", "reaction", "Infusion", "Anorexia nervosa", "Skin and subcutaneous",
    # interaction severities and enum values
    "Major", "Moderate", "Minor", "Contraindicated", "Unknown", "Pending", "Active",
    "Draft", "Signed", "Cancelled", "Completed", "Grade", "grade",
    # Python values and technical field names
    "None", "True", "False", "(id)", "(codes)", "(codici)", "_id", "null", "undefined",
    # the small words of any English sentence
    "the", "The", "and", "of", "with", "for", "not", "is",
    # form and page chrome Django or a library would write in English
    "This field", "required", "Submit", "Save", "Delete", "Search", "Select", "Choose",
    "Loading", "Error", "Yes", "Next", "Previous", "Page", "results",
)  # fmt: skip
_WORDS = re.compile(
    "|".join(
        rf"(?<![\w-]){re.escape(w)}(?![\w-])" if w[0].isalnum() and w[-1].isalnum()
        else re.escape(w)
        for w in ENGLISH
    )
)  # fmt: skip


class _Reader(HTMLParser):
    """The text a user reads: text nodes outside scripts and styles, and the accessible
    names and hints written in attributes."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def english_in(html: str) -> list[str]:
    """Each piece of text of the page that holds a word of the list, with the word."""
    reader = _Reader()
    reader.feed(html)
    return [
        f"{found.group(0)!r} in {part[:100]!r}"
        for part in reader.parts
        if (found := _WORDS.search(part))
    ]


def test_the_reader_finds_a_leak_in_the_text_and_names_not_in_the_markup() -> None:
    html = (
        "<p>Neutrofili diminuiti</p><script>if (x === null) {}</script>"
        '<td>Neutrophil count decreased</td><span title="None"></span>'
        '<select name="order_id"><option>Oxaliplatino Accord</option></select>'
    )
    assert english_in(html) == [
        "'Neutrophil' in 'Neutrophil count decreased'",
        "'None' in 'None'",
    ]


@pytest.fixture
def demo_hospital(db: None) -> Iterator[None]:
    with override_settings(DEMO_MODE=True):
        for _ in setup.reference_data():
            pass
        for _ in setup.demo_hospital():
            pass
        yield


def _day_under_way() -> tuple[TherapyOrder, TherapyOrder, Preparation]:
    """An order sent to the pharmacy (to validate), and the demo order already taken in
    charge with its preparations made and assigned to today's hood session (to compound)."""
    sent = (
        TherapyOrder.objects.filter(state="sent_to_pharmacy").order_by("start_date", "pk").first()
    )
    taken = TherapyOrder.objects.filter(state="taken_in_charge").order_by("pk").first()
    assert sent and taken, "the demo hospital has no order sent or taken in charge"
    pharmacist = User.objects.get(username="farmacista")
    compounding.order_take_charge(actor=pharmacist, workstation=None, order_id=taken.pk)
    # the preparations to complete by hand (a drug without its archive data) wait
    ready = list(Preparation.objects.filter(order=taken, state="validated").order_by("pk"))
    assert ready, "no preparation of the demo order is ready for the hood"
    session = WorkSession.objects.get(date=timezone.localdate(), hood__code="C1")
    compounding.preparation_assign(
        actor=pharmacist,
        workstation=None,
        session_id=session.pk,
        preparation_ids=[p.pk for p in ready],
    )
    return sent, taken, ready[0]


def _pages() -> dict[str, list[str]]:
    """The main pages of each role's day, on the demo hospital's objects."""
    order, taken, prep = _day_under_way()
    toxic = ToxicityRecord.objects.order_by("pk").first()
    chart = Diagnosis.objects.order_by("pk").first()
    given = Administration.objects.order_by("pk").first()
    trial = ClinicalTrial.objects.order_by("pk").first()
    desk_plan = TherapyPlan.objects.order_by("pk").first()
    assert toxic and chart and trial and desk_plan, "the demo hospital is incomplete"
    outpatient = desk_plan.patient_id
    patient, charted, toxic_patient = order.patient_id, chart.patient_id, toxic.patient_id
    today = timezone.localdate().isoformat()
    ward_request = WardRequest.objects.order_by("pk").values_list("pk", flat=True).first()
    assert ward_request, "the demo hospital has no ward request"
    return {
        "medico": [
            f"/patients/?q={order.patient.surname}",
            f"/patients/{patient}/",
            f"/prescribing/patient/{patient}/",
            f"/prescribing/orders/{order.pk}/",
            f"/records/patients/{charted}/",
            f"/records/patients/{charted}/diagnosis/",
            f"/records/patients/{charted}/labs/",
            f"/records/patients/{charted}/staging/",
            f"/records/patients/{charted}/scores/",
            f"/records/patients/{charted}/course/",
            f"/records/patients/{charted}/letters/",
            f"/records/patients/{charted}/tumour-boards/",
            f"/toxicity/patient/{toxic_patient}/",
            f"/toxicity/patient/{patient}/?order={order.pk}&cycle={order.cycle_number}",
            f"/toxicity/extravasation/record/?patient={toxic_patient}",
            "/toxicity/terms/?q=neutro",
            "/regimens/",
            "/documents/",
        ],
        "farmacista": [
            f"/prescribing/pharmacy/?day={today}",
            f"/compounding/orders/{order.pk}/",
            f"/compounding/orders/{taken.pk}/",
            "/compounding/",
            f"/compounding/preparations/{prep.pk}/",
            "/compounding/vials/",
            "/compounding/leftovers/",
            "/inventory/",
            "/inventory/requirements/",
            "/inventory/requests/queue/",
            f"/inventory/requests/{ward_request}/",
            f"/inventory/requests/{ward_request}/evaluate/",
            "/inventory/ward-stock/",
            "/drugs/?q=oxaliplatino",
            "/drugs/interactions/?codes=capecitabine,warfarin",
            "/regimens/trials/",
            f"/regimens/trials/{trial.pk}/",
            "/dispensing/",
            f"/dispensing/patients/{outpatient}/",
            f"/dispensing/patients/{outpatient}/dispense/?plan={desk_plan.pk}",
            f"/dispensing/patients/{outpatient}/plans/new/",
            f"/dispensing/patients/{outpatient}/delegations/new/",
        ],
        "tecnico": [
            "/compounding/",
            f"/compounding/preparations/{prep.pk}/",
        ],
        "infermiere": [
            "/administration/",
            "/administration/bedside/",
            f"/administration/patient/{patient}/today/",
            *([f"/administration/{given.pk}/"] if given else []),
            "/inventory/requests/",
            "/inventory/requests/new/?cabinet=DHONC-ARM&restock=1",
            f"/toxicity/patient/{toxic_patient}/",
            f"/records/patients/{charted}/",
        ],
        "coordinatore": [
            "/patients/",
            f"/patients/{patient}/",
            "/administration/",
        ],
    }


def test_the_main_pages_of_each_role_hold_no_english_word(demo_hospital: None) -> None:
    # given the demo hospital and each role's main pages
    leaks: dict[str, list[str]] = {}
    for username, urls in _pages().items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            # when the role opens the page in Italian
            response = client.get(url, headers={"Accept-Language": "it"})
            assert response.status_code == 200, (username, url, response.status_code)
            # then no word of it is English
            found = english_in(response.content.decode())
            if found:
                leaks[f"{username} {url}"] = found
    assert leaks == {}
