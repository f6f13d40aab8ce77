"""The built-in televisit room in two real browsers (two Chromium instances, each with a
fake camera and microphone): the clinician opens the room from the televisit's page, the
patient enters from the patient portal; both peer connections reach ``connected``
through Corsia's signalling and each side plays the other's video (frames decoded,
``videoWidth > 0``). axe-core checks both pages (the harness); then the clinician closes the
room and the patient's page says so."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from corsia.telemedicine.models import SignalMessage, Televisit
from corsia.testing.accounts import MakeUser
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in, step
from corsia.testing.portal import portal_client
from corsia.testing.telemedicine import PASSWORD, televisit_case

pytestmark = pytest.mark.browser

# The page's call, read through the room's own handle (static/telemedicine/room.js).
CALL_STATE = """() => {
  const pc = window.corsiaTelevisit && window.corsiaTelevisit.peer();
  const video = window.corsiaTelevisit && window.corsiaTelevisit.remote();
  return {
    connection: pc ? pc.connectionState : 'none',
    width: video ? video.videoWidth : 0,
    frames: video && video.getVideoPlaybackQuality
      ? video.getVideoPlaybackQuality().totalVideoFrames : 0,
    playing: video ? (!video.paused && video.readyState >= 2) : false,
  };
}"""

CONNECTED = """() => {
  const pc = window.corsiaTelevisit && window.corsiaTelevisit.peer();
  const video = window.corsiaTelevisit && window.corsiaTelevisit.remote();
  return !!pc && pc.connectionState === 'connected' && !!video && video.videoWidth > 0
    && video.getVideoPlaybackQuality().totalVideoFrames > 0;
}"""


def test_patient_and_clinician_see_each_other(
    media_pages: tuple[Page, Page], make_user: MakeUser, live_server: LiveServer
) -> None:
    clinician_page, patient_page = media_pages
    case = televisit_case(make_user)
    # the patient, signed in to the portal, opens the televisit before the room is open
    session = portal_client(case.account).cookies["sessionid"].value
    patient_page.context.add_cookies(
        [{"name": "sessionid", "value": session, "url": live_server.url}]
    )
    patient_page.goto("/telemedicine/portale/")
    patient_page.get_by_role("link", name="Televisita del").click()
    assert_accessible_basics(patient_page)
    expect(patient_page.get_by_test_id("room-status")).to_contain_text("non ha ancora aperto")
    # the clinician records the consent and opens the room
    log_in(clinician_page, case.clinician.username, PASSWORD)
    clinician_page.goto(f"/telemedicine/{case.visit.pk}/")
    assert_accessible_basics(clinician_page)
    expect(clinician_page.get_by_role("button", name="Apri la stanza")).to_have_count(0)
    clinician_page.get_by_label("Chi ha espresso il consenso").select_option("patient")
    clinician_page.get_by_role("button", name="Registra il consenso").click()
    expect(clinician_page.get_by_test_id("consent")).to_contain_text("televisita-2026-1")
    clinician_page.get_by_role("button", name="Apri la stanza").click()
    expect(clinician_page.get_by_test_id("visit-state")).to_have_text("Stanza aperta")
    # the patient's page, drawn while waiting, says the room is open now
    expect(patient_page.get_by_test_id("visit-state")).to_have_text("Stanza aperta")
    # both connect through Corsia's signalling, each playing the other's video
    clinician_page.wait_for_function(CONNECTED, timeout=30_000)
    patient_page.wait_for_function(CONNECTED, timeout=30_000)
    for one in (clinician_page, patient_page):
        state = one.evaluate(CALL_STATE)
        assert state["connection"] == "connected", state
        assert state["width"] > 0 and state["frames"] > 0 and state["playing"], state
        expect(one.get_by_test_id("room-status")).to_contain_text("Collegato")
    shot = step(clinician_page, "stanza-medico")
    shutil.copy(shot, SCREENSHOTS / "telemedicine-room-clinician.png")
    shot = step(patient_page, "stanza-paziente")
    shutil.copy(shot, SCREENSHOTS / "telemedicine-room-patient.png")
    kinds = set(SignalMessage.objects.filter(televisit=case.visit).values_list("kind", flat=True))
    assert {"hello", "offer", "answer", "candidate"} <= kinds
    # the clinician ends the televisit: the patient's page leaves the room
    clinician_page.get_by_role("button", name="Concludi la televisita").click()
    expect(patient_page.get_by_test_id("room-status")).to_contain_text("conclusa", timeout=10_000)
    expect(patient_page.get_by_test_id("visit-state")).to_have_text("Conclusa")
    expect(patient_page.get_by_role("figure")).to_have_count(0)
    assert Televisit.objects.get(pk=case.visit.pk).state == "closed"
    # and signs the report, archived in the patient's documents
    clinician_page.get_by_label("Anamnesi e motivo della televisita").fill("Controllo al giorno 8.")
    clinician_page.get_by_label("Esito della televisita").fill("Apiretico, mucosite di grado 1.")
    clinician_page.get_by_label("Conclusioni e indicazioni").fill("Prosegue; collutori.")
    clinician_page.get_by_role("button", name="Firma il referto").click(timeout=30_000)
    expect(clinician_page.get_by_test_id("report")).to_contain_text("Firmato il", timeout=30_000)
    step(clinician_page, "referto-firmato")
