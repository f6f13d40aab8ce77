"""The physician's one act on a reviewed draft: confirm and sign (the "Conferma e firma"
button of the prescription page), both or neither."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from corsia.accounts.models import User
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import PermissionRefused
from corsia.documents.models import Document
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.models import OrderTransition, TherapyOrder
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import logged_in

pytestmark = pytest.mark.django_db


def _draft(physician: User, patient: Patient, folfox: RegimenVersion) -> TherapyOrder:
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=folfox.pk,
        start_date=date(2026, 12, 1),
    )


def test_a_draft_is_confirmed_and_signed_in_one_act(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    # given a draft
    order = _draft(physician, patient, folfox)
    # when the physician confirms and signs it at the version they reviewed
    signed = services.order_confirm_and_sign(
        actor=physician, workstation=None, order_id=order.pk, expected_version=order.version
    )
    # then it is confirmed (one transition, by them) and its signed sheet archived
    assert signed.state == "confirmed"
    assert signed.signed_by == physician
    assert signed.signed_document_id is not None
    assert Document.objects.filter(pk=signed.signed_document_id).exists()
    assert list(OrderTransition.objects.filter(order=order).values_list("to_state", flat=True)) == [
        "confirmed"
    ]


def test_a_stale_version_changes_nothing(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    # given a draft changed since the page was shown
    order = _draft(physician, patient, folfox)
    # when the physician confirms and signs the version they saw
    with pytest.raises(StaleVersion):
        services.order_confirm_and_sign(
            actor=physician, workstation=None, order_id=order.pk, expected_version=order.version - 1
        )
    # then the order is still an unsigned draft, and no sheet was archived
    order.refresh_from_db()
    assert (order.state, order.signed_at) == ("draft", None)
    assert not Document.objects.exists()


def test_a_pharmacist_cannot_confirm_and_sign(
    physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _draft(physician, patient, folfox)
    with pytest.raises(PermissionRefused):
        services.order_confirm_and_sign(actor=pharmacist, workstation=None, order_id=order.pk)
    order.refresh_from_db()
    assert (order.state, order.signed_at) == ("draft", None)


def test_the_page_button_confirms_and_signs(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    # given the physician on their draft's page, which offers the one-act button
    order = _draft(physician, patient, folfox)
    client = logged_in(physician)
    page = client.get(reverse("prescribing:order", args=[order.pk]))
    assert b'data-testid="confirm-and-sign"' in page.content
    # when they press it
    answer = client.post(
        reverse("prescribing:sign", args=[order.pk]), {"version": str(order.version)}
    )
    # then the order page comes back, the order confirmed and signed
    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.state == "confirmed" and order.signed_at is not None
