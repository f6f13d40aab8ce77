"""Reads of the portal's records (no side effects)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse

from corsia.core.actors import User
from corsia.patients.scope import patient_scope
from corsia.patients.selectors import patients_by_identifiers
from corsia.portal.models import Message, PortalAccount, PortalActivity, Thread
from corsia.portal.registry import WorklistItem


def account_by_fiscal_code(fiscal_code: str) -> PortalAccount | None:
    """The active portal account of the patient holding this fiscal code (a merged
    duplicate's survivor), ``None`` when there is none or the code names several patients."""
    patients = patients_by_identifiers(codice_fiscale=fiscal_code.strip().upper(), external={})
    if len(patients) != 1:
        return None
    return PortalAccount.objects.filter(patient_id=patients[0].pk, active=True).first()


def account_active(account_id: int) -> PortalAccount | None:
    return PortalAccount.objects.filter(pk=account_id, active=True).first()


def account_of_patient(patient_id: int) -> PortalAccount | None:
    return PortalAccount.objects.filter(patient_id=patient_id).first()


def activity_of_account(account_id: int) -> QuerySet[PortalActivity]:
    return PortalActivity.objects.filter(account_id=account_id).order_by("-id")


@dataclass(frozen=True)
class ThreadRow:
    thread: Thread
    unread: int  # messages of the other side not yet read


def patient_threads(*, patient_id: int) -> list[ThreadRow]:
    threads = Thread.objects.filter(patient_id=patient_id).annotate(
        unread=Count(
            "messages", filter=Q(messages__from_patient=False, messages__read_at__isnull=True)
        )
    )
    return [ThreadRow(t, t.unread) for t in threads.order_by("-last_message_at", "-id")]


def thread_messages(thread: Thread) -> list[Message]:
    return list(
        Message.objects.filter(thread=thread)
        .select_related("author_user")
        .prefetch_related("attachments")
        .order_by("sent_at", "id")
    )


def unread_messages_items(*, user: User) -> list[WorklistItem]:
    """The worklist's "unread messages" item of each patient (the portal's own provider)."""
    if not user.has_perm("portal.view_messages"):
        return []
    rows = Message.objects.filter(from_patient=True, read_at__isnull=True)
    scope = patient_scope(user)
    if scope is not None:
        rows = rows.filter(thread__patient_id__in=scope)
    per_patient = (
        rows.values("thread__patient_id")
        .annotate(count=Count("id"), oldest=Min("sent_at"), first_thread=Min("thread_id"))
        .order_by("oldest")
    )
    items = []
    for row in per_patient:
        count = row["count"]
        label = "1 messaggio non letto" if count == 1 else f"{count} messaggi non letti"
        items.append(
            WorklistItem(
                patient_id=row["thread__patient_id"],
                kind="portal.messages",
                label=label,
                url=reverse("portal:team_thread", args=[row["first_thread"]]),
                at=row["oldest"],
            )
        )
    return items
