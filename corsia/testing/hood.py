"""Setting of the hood tests: oxaliplatin as a powder whose reconstituted content keeps
24 h at 2-8 °C (so a part-used vial leaves a leftover to record), GTINs on the demo
packs (for DataMatrix scans) and a network balance that answers a list of weights."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from corsia.drugs.models import MedicinalProduct, Pack

GS = "\x1d"
OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"
FU_1000 = "fluorouracil_1000mg_20ml_fluorouracile"
OXALI_GTIN = "08012345678907"  # check digit 7: worked out in test_gs1_vial_codes
FU_GTIN = "08012345678914"  # body 0801234567891: 1×3+9×1+8×3+7+18+5+12+3+6+1+0+8+0 = 96 → 4


def oxaliplatin_powder_with_gtins() -> None:
    for product in MedicinalProduct.objects.filter(ingredient__code="oxaliplatin"):
        product.physical_state = "powder"
        assert product.strength is not None  # every oxaliplatin vial of the archive has one
        product.reconstitution_volume_ml = product.strength / 5  # to 5 mg/mL
        product.reconstituted_stability_hours = 24
        product.reconstituted_stability_temperature = "2-8 °C"
        product.save()
    Pack.objects.filter(product__code=OXALI_200).update(gtin=OXALI_GTIN)
    Pack.objects.filter(product__code=FU_1000).update(gtin=FU_GTIN)


def yymmdd(days: int) -> str:
    """A GS1 date (AI 17) ``days`` from today."""
    return f"{timezone.localdate() + timedelta(days=days):%y%m%d}"


@contextmanager
def network_balance(*grams: str) -> Iterator[str]:
    """A loopback MT-SICS balance answering one weight per connection; its ``socket://``."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        for weight in grams:
            conn, _ = server.accept()
            with conn:
                data = b""
                while not data.endswith(b"\n"):
                    data += conn.recv(16)
                conn.sendall(f"S S {weight:>12} g\r\n".encode("ascii"))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"socket://127.0.0.1:{port}"
    finally:
        server.close()
