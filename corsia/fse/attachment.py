"""The PDF the gateway receives: a readable PDF with the CDA embedded as ``cda.xml``.

The gateway looks for the attachment named ``cda.xml`` (case-insensitive) at
``Root/Names/EmbeddedFiles/Names/[1]/EF/F`` or ``Root/Names/EmbeddedFiles/Kids/[0]/Names/[1]/EF/F``
(it-fse-support, doc/integrazione-gateway §2, "Validazione Documento CDA2"). pyHanko's
``embed_file`` writes the first: the names array ``[(cda.xml) <filespec>]``. The CDA bytes
go in unchanged: what the gateway hashes is exactly what Corsia validated.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from lxml import etree

from corsia.fse.validation import HL7, parse_cda

CDA_NAME = "cda.xml"
CF_ROOT = "2.16.840.1.113883.2.9.4.3.2"
ROME = ZoneInfo("Europe/Rome")


class AttachmentMissing(Exception):
    """No ``cda.xml`` where the gateway reads it (or not a PDF)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def embed_cda(pdf: bytes, cda: bytes, *, at: datetime) -> bytes:
    """``pdf`` with ``cda`` attached as ``cda.xml`` (a new PDF, not yet signed)."""
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    data = embed.EmbeddedFileObject.from_file_data(
        writer,
        data=cda,
        mime_type="text/xml",
        params=embed.EmbeddedFileParams(creation_date=at, modification_date=at),
    )
    spec = embed.FileSpec(
        file_spec_string=CDA_NAME,
        file_name=CDA_NAME,
        embedded_data=data,
        description="CDA2 (HL7 Italia)",
    )
    embed.embed_file(writer, spec)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]  # pyHanko's writer is untyped
    return out.getvalue()


def _names_entry(names: object) -> bytes | None:
    """The file at ``Names/[1]/EF/F`` when ``Names/[0]`` is ``cda.xml``."""
    try:
        if str(names[0]).lower() != CDA_NAME:  # type: ignore[index]
            return None
        stream = names[1]["/EF"]["/F"]  # type: ignore[index]
        data: bytes = stream.data
        return data
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def extract_cda(pdf: bytes) -> bytes:
    """The bytes of ``cda.xml`` read where the gateway reads them."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except Exception as exc:  # not a PDF, or no embedded files at all
        raise AttachmentMissing(CDA_NAME) from exc
    found = None
    if "/Names" in tree:
        found = _names_entry(tree["/Names"])
    if found is None and "/Kids" in tree:
        try:
            found = _names_entry(tree["/Kids"][0]["/Names"])
        except (KeyError, IndexError, TypeError):
            found = None
    if found is None:
        raise AttachmentMissing(CDA_NAME)
    return found


@dataclass(frozen=True)
class CdaFacts:
    """What the metadata and the JWTs need from the CDA itself."""

    code: str  # ClinicalDocument/code
    patient_cf: str
    author_cf: str  # legalAuthenticator (else the author)
    service_start: datetime | None
    service_stop: datetime | None


def _hl7_time(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in ("%Y%m%d%H%M%S%z", "%Y%m%d%H%M%z"):
        try:
            return datetime.strptime(value, fmt)  # noqa: DTZ007  # both formats end in %z
        except ValueError:
            continue
    for fmt in ("%Y%m%d%H%M%S", "%Y%m%d"):  # no offset: Italian local time
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=ROME)
        except ValueError:
            continue
    return None


def cda_facts(cda: bytes) -> CdaFacts | None:
    """The facts, or ``None`` when the CDA cannot be read (the validator says why)."""
    tree, _ = parse_cda(cda)
    if tree is None:
        return None
    ns = {"h": HL7}
    root = tree.getroot()

    def first(path: str) -> str:
        found = root.xpath(path, namespaces=ns)
        return str(found[0]) if found else ""

    cf = f"[@root='{CF_ROOT}']/@extension"
    author = first(f"h:legalAuthenticator/h:assignedEntity/h:id{cf}") or first(
        f"h:author/h:assignedAuthor/h:id{cf}"
    )
    period = "h:componentOf/h:encompassingEncounter/h:effectiveTime"
    return CdaFacts(
        code=first("h:code/@code"),
        patient_cf=first(f"h:recordTarget/h:patientRole/h:id{cf}"),
        author_cf=author,
        service_start=_hl7_time(first(f"{period}/h:low/@value")),
        service_stop=_hl7_time(first(f"{period}/h:high/@value")),
    )


def cda_text_sections(cda: bytes) -> list[tuple[str, str]]:
    """(title, narrative text) of each top-level section: the readable part of the PDF."""
    tree, _ = parse_cda(cda)
    if tree is None:
        return []
    ns = {"h": HL7}
    sections = []
    for section in tree.getroot().xpath(
        "h:component/h:structuredBody/h:component/h:section", namespaces=ns
    ):
        title = " ".join("".join(section.xpath("h:title//text()", namespaces=ns)).split())
        text = " ".join("".join(section.xpath("h:text//text()", namespaces=ns)).split())
        sections.append((title, text))
    return sections


def cda_title(cda: bytes) -> str:
    tree, _ = parse_cda(cda)
    if tree is None:
        return ""
    title = tree.getroot().find(f"{{{HL7}}}title")
    return (
        " ".join((etree.tostring(title, method="text", encoding="unicode") or "").split())
        if title is not None
        else ""
    )
