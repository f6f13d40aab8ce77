"""The case page's forms of the pre-transplant path: the recipient's typing, a donor added,
chosen or excluded, a collection and its chain of custody, the conditioning and day 0, the
infusion with the bag and wristband scanned, the daily counts. Each posts to its service
and comes back to the case page (the refusal beside its form, nothing saved)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import refusal_kept
from corsia.core.web import (
    acting,
    parse_id,
    posted_date,
    posted_decimal,
    posted_moment,
    posted_version,
)
from corsia.transplant import selectors, services
from corsia.transplant.domain import codes
from corsia.transplant.domain.eligibility import Marker
from corsia.transplant.domain.hla import LOCI
from corsia.transplant.models import Donor, Product
from corsia.transplant.permissions import DECIDE, RECORD
from corsia.transplant.views.case import CASE_SECTIONS, case_refused


def hla_posted(post: Any) -> dict[str, tuple[str, str]]:
    return {
        locus: (
            post.get(f"hla_{locus.lower()}_1", "")[:40],
            post.get(f"hla_{locus.lower()}_2", "")[:40],
        )
        for locus in LOCI
    }


def _act(
    request: HttpRequest, transplant_id: int, form: str, done: str, act: Callable[[], object]
) -> HttpResponse:
    with refusal_kept() as kept:
        act()
        messages.success(request, done)
        return redirect(reverse("transplant:case", args=[transplant_id]) + f"#{form}")
    assert kept.error is not None
    return case_refused(request, transplant_id, kept.error, form)


@require_perm(RECORD)
@require_POST
def recipient_typing(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    return _act(request, transplant_id, "typing", _("Tipizzazione del ricevente registrata."),
                lambda: services.recipient_typing_record(
                    **acting(request), transplant_id=transplant_id,
                    expected_version=posted_version(request), hla_typing=hla_posted(post),
                    abo=post.get("abo", "")[:3], cmv=post.get("cmv", "unknown")[:10]))  # fmt: skip


def donor_input(request: HttpRequest) -> services.DonorInput:
    post = request.POST
    rh = post.get("rh", "")
    return services.DonorInput(
        kind=post.get("kind", "")[:20], name=post.get("name", "")[:120],
        hla_typing=hla_posted(post) if any(post.get(f"hla_{lo.lower()}_1") for lo in LOCI) else {},
        registry_id=post.get("registry_id", "")[:40], relation=post.get("relation", "")[:60],
        sex=post.get("sex", "")[:1], born_on=posted_date(post.get("born_on"), "born_on"),
        abo=post.get("abo", "")[:3], rh_positive=None if rh == "" else rh == "pos",
        cmv=post.get("cmv", "unknown")[:10],
        markers={m.value: post.get(f"marker_{m.value}", "not_done")[:10] for m in Marker},
        consent=post.get("consent") == "1",
        consent_on=posted_date(post.get("consent_on"), "consent_on"),
        exception_reason=post.get("exception_reason", "")[:4000],
    )  # fmt: skip


@require_perm(RECORD)
@require_POST
def donor_add(request: HttpRequest, transplant_id: int) -> HttpResponse:
    return _act(request, transplant_id, "donor", _("Donatore registrato."),
                lambda: services.donor_add(**acting(request), transplant_id=transplant_id,
                                           data=donor_input(request)))  # fmt: skip


def _donor_case(donor_id: int) -> int:
    donor = Donor.objects.filter(pk=donor_id).only("transplant_id").first()
    return donor.transplant_id if donor else 0


@require_perm(DECIDE)
@require_POST
def donor_decide(request: HttpRequest, donor_id: int) -> HttpResponse:
    transplant_id = _donor_case(donor_id)
    choose = request.POST.get("decision") == "choose"
    act = services.donor_choose if choose else services.donor_exclude
    return _act(request, transplant_id, "donors",
                _("Donatore scelto.") if choose else _("Donatore escluso."),
                lambda: act(**acting(request), donor_id=donor_id,
                            expected_version=posted_version(request),
                            reason=request.POST.get("reason", "")[:4000]))  # fmt: skip


def _decimal(request: HttpRequest, name: str) -> Decimal | None:
    return posted_decimal(request.POST.get(name), name)


@require_perm(RECORD)
@require_POST
def collect(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST

    def act() -> object:
        return services.product_collect(
            **acting(request), transplant_id=transplant_id,
            data=services.CollectionInput(
                method=post.get("method", "")[:20],
                collected_on=posted_date(post.get("collected_on"), "collected_on"),
                din=post.get("din", "")[:40], volume_ml=_decimal(request, "volume_ml"),
                recipient_weight_kg=_decimal(request, "recipient_weight_kg"),
                cd34_per_ul=_decimal(request, "cd34_per_ul"),
                cd34_total=_decimal(request, "cd34_total"),
                expires_at=posted_moment(post.get("expires_at"), "expires_at"),
                note=post.get("note", "")[:4000],
            ),
        )  # fmt: skip

    return _act(request, transplant_id, "collection", _("Raccolta registrata."), act)


@require_perm(RECORD)
@require_POST
def custody(request: HttpRequest, product_id: int) -> HttpResponse:
    product = Product.objects.filter(pk=product_id).only("transplant_id").first()
    transplant_id = product.transplant_id if product else 0
    return _act(request, transplant_id, "collection", _("Passaggio registrato."),
                lambda: services.custody_record(
                    **acting(request), product_id=product_id,
                    expected_version=posted_version(request), kind=request.POST.get("kind", "")[:20],
                    occurred_at=posted_moment(request.POST.get("occurred_at"), "occurred_at"),
                    note=request.POST.get("note", "")[:4000]))  # fmt: skip


@require_perm(DECIDE)
@require_POST
def conditioning(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    return _act(request, transplant_id, "conditioning", _("Condizionamento e giorno 0 stabiliti."),
                lambda: services.conditioning_set(
                    **acting(request), transplant_id=transplant_id,
                    expected_version=posted_version(request),
                    regimen_version_id=parse_id(post.get("regimen")),
                    intensity=post.get("intensity", "")[:3],
                    start=posted_date(post.get("start"), "start"),
                    day_zero=posted_date(post.get("day_zero"), "day_zero")))  # fmt: skip


@require_perm(RECORD)
@require_POST
def infusion(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    return _act(request, transplant_id, "infusion", _("Infusione registrata."),
                lambda: services.infusion_record(
                    **acting(request), transplant_id=transplant_id,
                    data=services.InfusionInput(
                        din_scan=post.get("din_scan", "")[:40],
                        wristband_scan=post.get("wristband", "")[:40],
                        volume_ml=_decimal(request, "volume_ml"),
                        started_at=posted_moment(post.get("started_at"), "started_at"),
                        reactions=post.get("reactions", "")[:4000])))  # fmt: skip


@require_perm(RECORD)
@require_POST
def count(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    return _act(request, transplant_id, "counts", _("Conta registrata."),
                lambda: services.count_record(
                    **acting(request), transplant_id=transplant_id,
                    data=services.CountInput(
                        on=posted_date(post.get("on"), "on"), anc=_decimal(request, "anc"),
                        platelets=_decimal(request, "platelets"),
                        platelet_transfusion=post.get("platelet_transfusion") == "1")))  # fmt: skip


def pretransplant_context(request: HttpRequest, case: Any) -> dict[str, Any]:
    """What the case page's pre-transplant sections show."""
    return {
        "path": selectors.case_path(case),
        "loci": LOCI,
        "donor_kinds": codes.DonorKind.labels_it().items(),
        "serostatuses": codes.Serostatus.labels_it().items(),
        "sexes": codes.Sex.labels_it().items(),
        "markers": Marker.labels_it().items(),
        "methods": codes.CollectionMethod.labels_it().items(),
        "intensities": codes.Intensity.labels_it().items(),
        "regimens": selectors.conditioning_choices(),
        "abo_groups": ("O", "A", "B", "AB"),
    }  # fmt: skip


CASE_SECTIONS.append(pretransplant_context)
