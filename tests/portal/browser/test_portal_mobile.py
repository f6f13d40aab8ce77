"""The patient portal on a phone (390 × 844): sign-in with a one-time code, the
appointments, a message with a PDF attached sent out of hours (the notice to call the
urgent number shown); axe-core finds no WCAG 2.1 A/AA violation on each screen."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from corsia.portal.models import Attachment, Message
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import book, day_hospital, next_weekday
from corsia.testing.browser import assert_accessible_basics, step
from corsia.testing.portal import NEVER_OPEN, PDF_BYTES, last_code, patient_with_account

pytestmark = pytest.mark.browser


def test_patient_signs_in_reads_appointments_and_writes(
    page: Page, transactional_db: None, make_user: MakeUser
) -> None:
    # given a patient with a portal account and an appointment next week
    patient, _ = patient_with_account(make_user)
    dh = day_hospital(make_user)
    book(
        dh,
        patient.pk,
        day=next_weekday(timezone.localdate() + timedelta(days=1)),
        start=time(9, 30),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    with override_settings(
        CORSIA_PORTAL_TEAM_HOURS=NEVER_OPEN, CORSIA_PORTAL_URGENT_PHONE="0521 703111"
    ):
        # when the patient opens the portal, types the fiscal code and the code received
        page.goto("/portale/")
        assert_accessible_basics(page)
        page.get_by_label("Codice fiscale").fill("RSSMRA85T10A562S")
        step(page, "accesso")
        page.get_by_test_id("portal-send-code").click()
        page.wait_for_load_state("load")
        page.get_by_label("Codice ricevuto").fill(last_code())
        step(page, "codice")
        page.get_by_test_id("portal-enter").click()
        page.wait_for_load_state("load")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Buongiorno, Mario")
        step(page, "inizio")
        # then the appointments show the day hospital visit with the arrival time
        page.get_by_role("navigation").get_by_role("link", name="Appuntamenti").click()
        page.wait_for_load_state("load")
        appointment = page.get_by_test_id("portal-appointment")
        expect(appointment).to_have_count(1)
        expect(appointment).to_contain_text("09:30")
        step(page, "appuntamenti")
        # and a message with a PDF, written out of hours, is stored and the patient told
        page.get_by_role("navigation").get_by_role("link", name="Messaggi").click()
        page.wait_for_load_state("load")
        expect(page.get_by_test_id("portal-hours")).to_contain_text("0521 703111")
        page.get_by_label("Oggetto").fill("Febbre")
        page.get_by_label("Messaggio").fill("Stasera ho 37,9 di febbre.")
        page.get_by_label("Allegato (PDF, JPEG o PNG, fino a 5 MB)").set_input_files(
            files=FilePayload(name="esami.pdf", mimeType="application/pdf", buffer=PDF_BYTES)
        )
        step(page, "scrive")
        page.get_by_test_id("portal-send").click()
        page.wait_for_load_state("load")
        expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
            "chiama subito il 0521 703111"
        )
        expect(page.get_by_test_id("portal-message")).to_contain_text("esami.pdf")
        step(page, "inviato")
    message = Message.objects.get()
    assert message.out_of_hours and message.body == "Stasera ho 37,9 di febbre."
    assert Attachment.objects.get().media_type == "application/pdf"
