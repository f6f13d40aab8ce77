"""Barcodes for print templates, as ``data:`` URI images.

The sandbox refuses ``safe`` (no data-borne HTML) and WeasyPrint fetches only ``data:``
URIs, so a print's barcode reaches its template as ``<img src="{{ barcode.image }}">``:
a Code 128 SVG (python-barcode, the same drawing options as the wristband) encoded in
base64. The value is given too (``barcode.value``) for the text under the bars.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from barcode import Code128
from barcode.writer import SVGWriter

SVG_DATA_PREFIX = "data:image/svg+xml;base64,"


def code128_svg(payload: str) -> str:
    """Code 128 as an SVG document."""
    buffer = io.BytesIO()
    Code128(payload, writer=SVGWriter()).write(
        buffer,
        options={"module_height": 10.0, "font_size": 8, "text_distance": 3.0, "quiet_zone": 2.0},
    )
    return buffer.getvalue().decode("utf-8")


def code128_image(payload: str) -> str:
    """The Code 128 of ``payload`` as a ``data:image/svg+xml;base64,…`` URI."""
    return SVG_DATA_PREFIX + base64.b64encode(code128_svg(payload).encode("utf-8")).decode("ascii")


def barcode_field(payload: str) -> dict[str, Any]:
    """The ``barcode`` object of a print's context: ``value`` and ``image``."""
    return {"value": payload, "image": code128_image(payload)}
