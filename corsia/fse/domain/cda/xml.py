"""Element helpers, HL7 timestamps and the narrative block (pure, lxml)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from lxml import etree

from corsia.fse.domain.cda.model import xml_text

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: HL7, "xsi": XSI}
ROME = ZoneInfo("Europe/Rome")
LOINC = "2.16.840.1.113883.6.1"
ICD9CM = "2.16.840.1.113883.6.103"
ATC = "2.16.840.1.113883.6.73"
AIC = "2.16.840.1.113883.2.9.6.1.5"
MEDDRA = "2.16.840.1.113883.6.163"

_NAMES = {LOINC: "LOINC", ICD9CM: "ICD-9-CM", ATC: "ATC", AIC: "AIC", MEDDRA: "MedDRA"}


def el(
    parent: etree._Element | None, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    """A child in the HL7 namespace (``xsi_type`` becomes ``xsi:type``)."""
    qname = f"{{{HL7}}}{tag}"
    node = etree.Element(qname, nsmap=NSMAP) if parent is None else etree.SubElement(parent, qname)
    for key, value in attrs.items():
        name = f"{{{XSI}}}type" if key == "xsi_type" else key.rstrip("_")
        node.set(name, xml_text(value))
    if text is not None:
        node.text = xml_text(text)
    return node


def coded(
    parent: etree._Element, tag: str, code: str, system: str, display: str = "", **attrs: str
) -> etree._Element:
    extra = {"displayName": display} if display else {}
    name = _NAMES.get(system)
    if name:
        extra["codeSystemName"] = name
    return el(parent, tag, code=code, codeSystem=system, **extra, **attrs)


def loinc(parent: etree._Element, code: str, display: str) -> etree._Element:
    return coded(parent, "code", code, LOINC, display)


def moment(value: datetime | str) -> datetime:
    """An aware time in Rome's local time (a naive one is taken as Rome's)."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    if at.tzinfo is None:
        at = at.replace(tzinfo=ROME)
    return at.astimezone(ROME)


def ts(value: datetime | str) -> str:
    """HL7 TS with seconds and offset: ``20220417100000+0200``."""
    return moment(value).strftime("%Y%m%d%H%M%S%z")


def span(low: datetime | str, high: datetime | str) -> tuple[str, str]:
    """Two times for one ``effectiveTime``: local, unless the hour the clocks go back makes
    the later one read smaller (the gateway compares the strings), then both in UTC."""
    first, last = ts(low), ts(high)
    if last < first:
        return (
            moment(low).astimezone(UTC).strftime("%Y%m%d%H%M%S+0000"),
            moment(high).astimezone(UTC).strftime("%Y%m%d%H%M%S+0000"),
        )
    return first, last


def day(value: date | str) -> str:
    d = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return d.strftime("%Y%m%d")


def interval(parent: etree._Element, low: str, high: str = "", **attrs: str) -> etree._Element:
    """``effectiveTime`` with ``low`` (and ``high``); both in the same format, so the
    gateway's string comparison of high ≥ low holds."""
    node = el(parent, "effectiveTime", **attrs)
    if low:
        el(node, "low", value=low)
    else:
        el(node, "low", nullFlavor="UNK")
    if high:
        el(node, "high", value=high)
    return node


# --- narrative -----------------------------------------------------------------------------


def paragraphs(text_node: etree._Element, text: str) -> None:
    """Free text as paragraphs (blank lines), line breaks kept as ``<br/>``."""
    for block in [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]:
        para = el(text_node, "paragraph")
        lines = block.split("\n")
        para.text = xml_text(lines[0])
        for line in lines[1:]:
            br = el(para, "br")
            br.tail = xml_text(line)


def table(
    text_node: etree._Element,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    ids: Sequence[str] | None = None,
    caption: str = "",
) -> None:
    """A narrative table; ``ids`` give each row's first cell a content ID the entries
    reference (``#id``)."""
    node = el(text_node, "table", border="1")
    if caption:
        el(node, "caption", caption)
    head = el(el(node, "thead"), "tr")
    for column in columns:
        el(head, "th", column)
    body = el(node, "tbody")
    for index, row in enumerate(rows):
        tr = el(body, "tr")
        for position, cell in enumerate(row):
            td = el(tr, "td")
            if position == 0 and ids is not None:
                el(td, "content", cell or "—", ID=ids[index])
            else:
                td.text = xml_text(cell or "—")


def section(
    body: etree._Element, code: str, display: str, title: str
) -> tuple[etree._Element, etree._Element]:
    """A ``component/section`` with its LOINC code and title; returns (section, text)."""
    node = el(el(body, "component", typeCode="COMP"), "section")
    loinc(node, code, display)
    el(node, "title", title)
    return node, el(node, "text")


def entry(node: etree._Element) -> etree._Element:
    return el(node, "entry")


def reference(parent: etree._Element, target: str) -> None:
    el(parent, "reference", value=f"#{target}")


def new_observation(parent: etree._Element, relationship: str = "") -> etree._Element:
    """An ``observation`` (OBS, EVN) in a new ``entry`` of a section, or in a new
    ``entryRelationship`` of type ``relationship`` of an act or observation."""
    holder = (
        el(parent, "entryRelationship", typeCode=relationship) if relationship else entry(parent)
    )
    return el(holder, "observation", classCode="OBS", moodCode="EVN")
