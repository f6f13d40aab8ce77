"""Reading back a Code 128 barcode drawn as SVG (python-barcode's SVGWriter), so a test
can check that a print's barcode decodes to the value it must carry: the bars' widths
become modules, the modules the 11-module symbols, the symbols characters (sets A, B, C),
and the check symbol is verified."""

from __future__ import annotations

import base64
import re

from barcode.charsets.code128 import CODES, START_CODES

_RECT = re.compile(r'<rect x="([\d.]+)mm" y="[\d.]+mm" width="([\d.]+)mm"[^>]*fill:black')
_VALUE = {pattern: value for value, pattern in enumerate(CODES)}
_START = {value: name for name, value in START_CODES.items()}
_SWITCH = {99: "C", 100: "B", 101: "A"}


def svg_from_data_uri(uri: str) -> str:
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix), uri[:40]
    return base64.b64decode(uri[len(prefix) :]).decode("utf-8")


def decode_code128_svg(svg: str) -> str:
    bars = [(float(x), float(w)) for x, w in _RECT.findall(svg)]
    assert bars, "no bars in the SVG"
    module = min(w for _, w in bars)
    start = bars[0][0]
    end = max(x + w for x, w in bars)
    n = round((end - start) / module)
    modules = ["0"] * n
    for x, w in bars:
        first = round((x - start) / module)
        for i in range(first, first + round(w / module)):
            modules[i] = "1"
    text = "".join(modules)
    assert text.endswith("1100011101011"), "no stop symbol"
    body = text[:-13]
    assert len(body) % 11 == 0, "the symbols are not 11 modules wide"
    values = [_VALUE[body[i : i + 11]] for i in range(0, len(body), 11)]
    start_value, *data, check = values
    assert (start_value + sum(i * v for i, v in enumerate(data, 1))) % 103 == check, "bad check"
    charset, out = _START[start_value], []
    for value in data:
        if value in _SWITCH and not (charset == "C" and value == 99):
            charset = _SWITCH[value]
        elif charset == "C":
            out.append(f"{value:02d}")
        elif charset == "B":
            out.append(chr(value + 32))
        else:
            out.append(chr(value + 32) if value < 64 else chr(value - 64))
    return "".join(out)


def decode_data_uri(uri: str) -> str:
    """The value of a ``data:image/svg+xml;base64,`` Code 128 (documents.barcodes)."""
    return decode_code128_svg(svg_from_data_uri(uri))
