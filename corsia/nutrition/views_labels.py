"""The bag's printed label from the order page and the work plan: ``label.pdf`` and
``label.zpl`` (the API's selector, the same permission, a logged read). Unknown or out of
scope: 404; not yet compounded (no expiry), cancelled or rejected: 409
``nutrition_label_not_ready`` (the page's refusal, its Italian message)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from corsia.core.access import require_perm
from corsia.core.domain.errors import NotFound
from corsia.core.web import acting, viewing
from corsia.nutrition import documents, selectors
from corsia.nutrition.permissions import VIEW_ORDER


def _label_file(
    request: HttpRequest,
    order_id: int,
    render_file: Callable[[selectors.PlanEntry], bytes | str],
    content_type: str,
    suffix: str,
) -> HttpResponse:
    try:
        entry = selectors.order_labelled(**viewing(request), order_id=order_id)
    except NotFound as error:
        raise Http404 from error
    response = HttpResponse(render_file(entry), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{entry.order.bag_id}.{suffix}"'
    return response


@require_perm(VIEW_ORDER)
def label_pdf(request: HttpRequest, order_id: int) -> HttpResponse:
    """Printed through the editable template and archived: the archived copy answered."""
    return _label_file(
        request,
        order_id,
        lambda entry: documents.label_pdf(entry, **acting(request)),
        "application/pdf",
        "pdf",
    )


@require_perm(VIEW_ORDER)
def label_zpl(request: HttpRequest, order_id: int) -> HttpResponse:
    return _label_file(
        request, order_id, documents.label_zpl_text, "text/plain; charset=utf-8", "zpl"
    )
