"""Pages of the hospital's follow-up settings, shown on a case's follow-up: the viral-load
threshold for pre-emptive therapy (one per virus, replaced) and the immunosuppressants'
trough ranges (added, never overlapping). A physician's act (``decide``), with a reason;
the same services and permissions as the API."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import refusal_kept
from corsia.core.web import acting, request_actor, request_workstation
from corsia.transplant.permissions import DECIDE
from corsia.transplant.selectors import transplant_get
from corsia.transplant.services import followup_records as records
from corsia.transplant.views.common import render_refused
from corsia.transplant.views.followup import TEMPLATE, followup_context


def whole_number(raw: str | None, field: str, label: str, *, default: int | None = None) -> int:
    """A whole number typed in a form, the sign allowed (a period may start before day 0)."""
    text = (raw or "").strip()
    if not text and default is not None:
        return default
    digits = text[1:] if text.startswith("-") else text
    if not digits.isdigit() or len(digits) > 6:
        raise ValidationFailed(
            f"{label}: indica un numero intero.", code=f"{field}_invalid", field=field
        )
    return int(text)


def _case_in_reach(request: HttpRequest, transplant_id: int) -> None:
    """The settings are the hospital's, but the form is posted from a case's page: a case
    that does not exist or is out of the reader's reach is 404 before anything is saved."""
    transplant_get(
        user=request_actor(request), transplant_id=transplant_id,
        workstation=request_workstation(request),
    )  # fmt: skip


@require_perm(DECIDE)
@require_POST
def viral_threshold_set(request: HttpRequest, transplant_id: int) -> HttpResponse:
    _case_in_reach(request, transplant_id)
    post = request.POST
    with refusal_kept() as kept:
        row = records.viral_threshold_set(
            **acting(request), virus=post.get("threshold_virus", "")[:10],
            value=post.get("threshold_value", "")[:30].strip(),
            unit=post.get("threshold_unit", "IU/mL")[:20],
            label=post.get("threshold_label", "")[:201], reason=post.get("reason", "")[:2001],
        )  # fmt: skip
        messages.success(
            request, _("Soglia della carica virale %(virus)s salvata: %(value)s %(unit)s.")
            % {"virus": row.get_virus_display(), "value": row.value, "unit": row.unit},
        )  # fmt: skip
        return redirect("transplant:followup", transplant_id=transplant_id)
    assert kept.error is not None
    return render_refused(
        request, TEMPLATE, followup_context(request, transplant_id), kept.error, "threshold"
    )


@require_perm(DECIDE)
@require_POST
def trough_target_add(request: HttpRequest, transplant_id: int) -> HttpResponse:
    _case_in_reach(request, transplant_id)
    post = request.POST
    with refusal_kept() as kept:
        records.trough_target_add(
            **acting(request), drug=post.get("drug", "")[:20],
            from_day=whole_number(post.get("from_day"), "from_day", "Dal giorno"),
            to_day=whole_number(post.get("to_day"), "to_day", "Al giorno"),
            low=post.get("target_low", "")[:30].strip(),
            high=post.get("target_high", "")[:30].strip(),
            window_minutes=whole_number(
                post.get("window_minutes"), "window_minutes", "Finestra del prelievo (minuti)",
                default=60,
            ),
            reason=post.get("reason", "")[:2001],
        )  # fmt: skip
        messages.success(request, _("Intervallo bersaglio aggiunto."))
        return redirect("transplant:followup", transplant_id=transplant_id)
    assert kept.error is not None
    return render_refused(
        request, TEMPLATE, followup_context(request, transplant_id), kept.error, "trough"
    )
