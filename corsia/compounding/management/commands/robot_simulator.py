"""``manage.py robot_simulator``: a compounding robot answering a preparation (demo, tests).

    manage.py robot_simulator --preparation 42 --operator tec_cappa [--fault wrong_vial]
        [--lot SIM1] [--print] [--account robot_ufa]

Builds the preparation document (``corsia.compounding.robot/1``), lets the simulator
(``corsia.compounding.devices.simulator``) make it from vials of the preparation's
product family (lot ``--lot``, expiry in 300 days, the archive's AIC or GTIN), and either
prints the result (``--print``: what a device would POST to
``/api/v1/compounding/preparations/{id}/device-result``) or records it through the same
service as that endpoint, delivered by ``--account`` (default: the operator). Faults:
``wrong_vial`` (a vial of another active ingredient), ``out_of_tolerance``, ``rejected``,
``volume_off``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from corsia.accounts.selectors import user_by_username
from corsia.compounding import services
from corsia.compounding.devices.simulator import ShelfVial, SimulatedFault, simulate_result
from corsia.compounding.models import Preparation
from corsia.compounding.products import family_products
from corsia.compounding.robot import robot_document
from corsia.core.domain.errors import CorsiaError
from corsia.drugs import selectors as drugs


def _code(product_ids: list[int]) -> str:
    pack = next((p for p in drugs.packs_of_products(product_ids) if p.gtin or p.aic), None)
    if pack is None:
        return ""
    return f"(01){pack.gtin}" if pack.gtin else f"(716){pack.aic}"


class Command(BaseCommand):
    help = "Simula un robot di allestimento che risponde a una preparazione."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preparation", type=int, required=True)
        parser.add_argument("--operator", required=True)
        parser.add_argument("--account", default="")
        parser.add_argument("--fault", default="none", choices=[f.value for f in SimulatedFault])
        parser.add_argument("--lot", default="SIM1")
        parser.add_argument("--print", action="store_true", dest="print_only")

    def handle(self, *args: Any, **options: Any) -> None:
        prep = (
            Preparation.objects.select_related(
                "product", "order__patient", "order_item__ingredient"
            )
            .filter(pk=options["preparation"])
            .first()
        )
        if prep is None or prep.product is None:
            raise CommandError("Preparazione inesistente o senza prodotto.")
        expiry = timezone.localdate() + timedelta(days=300)
        shelf = []
        for product in family_products(prep.product):
            pack = next((p for p in drugs.packs_of_products([product.pk]) if p.gtin or p.aic), None)
            if pack is None or product.strength is None or product.concentration is None:
                continue
            shelf.append(
                ShelfVial(
                    product_code=product.code,
                    strength_mg=Decimal(product.strength),
                    concentration_mg_ml=Decimal(product.concentration),
                    lot=options["lot"],
                    expiry=expiry,
                    gtin=pack.gtin,
                    aic="" if pack.gtin else pack.aic,
                )
            )
        others: list[int] = []
        if options["fault"] == SimulatedFault.WRONG_VIAL:
            others = list(
                drugs.product_choices()
                .exclude(ingredient_id=prep.order_item.ingredient_id)
                .values_list("pk", flat=True)[:50]
            )
        wrong = _code(others)
        result = simulate_result(
            robot_document(prep),
            shelf=shelf,
            operator=options["operator"],
            now=timezone.now(),
            fault=SimulatedFault(options["fault"]),
            wrong_code=f"{wrong}(17){expiry:%y%m%d}(10)X1(21)WRONG1" if wrong else "",
            density_g_ml=Decimal(prep.product.density_g_ml or 1),
        )
        if options["print_only"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        try:
            account = user_by_username(username=options["account"] or options["operator"])
            recorded = services.preparation_device_result_record(
                actor=account,
                workstation="robot_simulator",
                preparation_id=prep.pk,
                document=result,
            )
        except CorsiaError as error:
            raise CommandError(f"{error.code}: {error}") from error
        self.stdout.write(f"{recorded.outcome}: {recorded.message}")
