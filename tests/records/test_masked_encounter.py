"""What was written during a masked (oscurato) encounter is hidden like the encounter
(issue 26): its diary entries and raccordi on no list, timeline or page, its diary entry
not found to read or to correct, the archived PDF of its discharge letter not found."""

from __future__ import annotations

import pytest

from corsia.core.domain.errors import NotFound
from corsia.documents import selectors as documents
from corsia.records import selectors, services
from corsia.records.services.diary import DiaryInput
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.outside import MASKED_TEXTS, VISIBLE_DIARY, masked_chart

pytestmark = pytest.mark.django_db


def test_diary_and_raccordi_of_a_masked_encounter_are_hidden(make_user: MakeUser) -> None:
    # given a stay masked at the patient's request, with a diary entry and a raccordo
    m = masked_chart(make_user)
    pid = m.patient.pk
    # when the physician reads the diary, the anamnesis and the chart
    diary = selectors.patient_diary(user=m.physician, patient_id=pid, include_history=True)
    anamnesis = selectors.anamnesis_view(user=m.physician, patient_id=pid)
    chart = selectors.chart_view(user=m.physician, patient_id=pid, workstation=None)
    # then only what was written outside it is there
    assert [e.text for e in diary] == [VISIBLE_DIARY]
    assert anamnesis.notes == []
    details = " ".join(e.detail for e in chart.timeline)
    assert VISIBLE_DIARY in details
    assert MASKED_TEXTS["diary"] not in details and MASKED_TEXTS["note"] not in details
    for url in (
        f"/records/patients/{pid}/",
        f"/records/patients/{pid}/diary/",
        f"/records/patients/{pid}/anamnesis/",
    ):
        page = logged_in(m.physician).get(url).content.decode()
        assert MASKED_TEXTS["diary"] not in page and MASKED_TEXTS["note"] not in page, url


def test_a_diary_entry_of_a_masked_encounter_is_not_found(make_user: MakeUser) -> None:
    m = masked_chart(make_user)
    entry = m.ids["diary"]
    with pytest.raises(NotFound):
        selectors.diary_entry_get(user=m.physician, entry_id=entry)
    with pytest.raises(NotFound):
        services.diary_entry_correct(
            actor=m.physician, workstation=None, entry_id=entry,
            data=DiaryInput(kind="note", text="corretto"), reason="errore",
        )  # fmt: skip
    client = logged_in(m.physician)
    assert client.get(f"/records/diary/{entry}/correct/").status_code == 404


def test_the_archived_letter_of_a_masked_encounter_is_not_found(make_user: MakeUser) -> None:
    # given the signed discharge letter of the masked stay, archived as a document
    m = masked_chart(make_user)
    document = m.ids["document"]
    # then the archive answers as if it did not exist, to its signer too
    with pytest.raises(NotFound):
        documents.document_get(user=m.physician, document_id=document)
    listed = documents.patient_documents(
        user=m.physician, patient_id=m.patient.pk, workstation=None
    )
    mine = documents.my_recent_documents(user=m.physician, workstation=None)
    assert document not in {d.pk for d in listed} | {d.pk for d in mine}
    client = logged_in(m.physician)
    for url in (f"/documents/{document}/", f"/documents/{document}/pdf"):
        assert client.get(url).status_code == 404, url
    api = client.get(f"/api/v1/documents/{document}")
    assert (api.status_code, api.json()["code"]) == (404, "document_not_found")
