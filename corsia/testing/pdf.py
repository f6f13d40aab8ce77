"""The text of a PDF WeasyPrint wrote, for tests that check what a print says.

No PDF text extractor is installed (no pypdf, no pdftotext). WeasyPrint writes its text as
glyph ids of embedded fonts (``Type0``, two bytes a glyph: ``[<0026>0<004c>] TJ``), each
font with a ``ToUnicode`` map back to the characters: this reads the pages' content
streams and their forms with pyHanko's PDF reader (already a dependency, for the
signatures) and maps every glyph back. Each text-showing operator gives one line.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pyhanko.pdf_utils.generic import ArrayObject, StreamObject
from pyhanko.pdf_utils.reader import PdfFileReader

_TOKENS = re.compile(
    rb"/([^\s/\[\]()<>]+)\s+[-\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", re.S
)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])")


def _get(dictionary: Any, key: str) -> Any:
    """The value at ``key``, indirect references followed (``None`` when absent)."""
    return dictionary[key] if dictionary is not None and key in dictionary else None


def _unicode(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be", errors="replace")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """Glyph id -> text, from a ``ToUnicode`` CMap (``bfchar`` and ``bfrange``)."""
    found: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        for code, text in _PAIR.findall(block):
            found[int(code, 16)] = _unicode(text)
    for block in _BFRANGE.findall(cmap):
        for low, high, target in _RANGE.findall(block):
            first, last = int(low, 16), int(high, 16)
            if target.startswith(b"["):
                for offset, text in enumerate(_HEX.findall(target)):
                    found[first + offset] = _unicode(text)
            else:
                start = int(target[1:-1], 16)
                for offset in range(last - first + 1):
                    found[first + offset] = chr(start + offset)
    return found


def _fonts(resources: Any) -> dict[bytes, dict[int, str]]:
    fonts = _get(resources, "/Font")
    maps: dict[bytes, dict[int, str]] = {}
    for name in fonts or ():
        font = fonts[name]
        cmap = _get(font, "/ToUnicode")
        maps[str(name).lstrip("/").encode()] = _to_unicode(cmap.data) if cmap is not None else {}
    return maps


def _glyphs(hex_text: bytes, cmap: dict[int, str]) -> str:
    width = 4  # Identity-H: two bytes a glyph
    return "".join(
        cmap.get(int(hex_text[i : i + width], 16), "")
        for i in range(0, len(hex_text) - width + 1, width)
    )


def _content_text(data: bytes, resources: Any, depth: int = 0) -> list[str]:
    fonts = _fonts(resources)
    cmap: dict[int, str] = {}
    lines = []
    for font, array, single in _TOKENS.findall(data):
        if font:
            cmap = fonts.get(font, {})
        elif array:
            lines.append("".join(_glyphs(h, cmap) for h in _HEX.findall(array)))
        else:
            lines.append(_glyphs(single, cmap))
    forms: Any = _get(resources, "/XObject") if depth < 4 else None  # forms drawn in forms
    for name in forms or ():
        form = forms[name]
        if _get(form, "/Subtype") == "/Form":
            lines += _content_text(form.data, _get(form, "/Resources") or resources, depth + 1)
    return lines


def _pages(node: Any) -> list[Any]:
    if _get(node, "/Type") == "/Pages":
        kids = node["/Kids"]
        return [page for i in range(len(kids)) for page in _pages(kids[i])]
    return [node]


def pdf_text(pdf: bytes) -> str:
    """Every line of text of every page, in the order the pages draw it."""
    reader = PdfFileReader(io.BytesIO(pdf))
    lines: list[str] = []
    for page in _pages(reader.root["/Pages"]):
        contents = page["/Contents"]
        if isinstance(contents, ArrayObject):
            streams = [contents[i] for i in range(len(contents))]
        else:
            streams = [contents]
        data = b"\n".join(s.data for s in streams if isinstance(s, StreamObject))
        lines += _content_text(data, _get(page, "/Resources"))
    return "\n".join(lines)
