"""Validate a CDA2 document offline, the way the FSE 2.0 gateway does.

1. well-formed XML, no DTD or entities (a document from outside is never trusted);
2. the CDA R2 schema with the Italian extensions (``data/schema``, lxml);
3. the gateway's schematron for the document type, chosen by ``ClinicalDocument/code``
   (``data/schematron``; query binding XSLT 2: compiled with the ISO Schematron skeleton
   shipped in lxml, run by SaxonC-HE as XSLT 3.0 — see ``data/NOTICE.md``);
4. the coded values against the gateway's dictionaries (``terminology.py``,
   ``domain/terminology.py``).

Every document Corsia sends to the gateway goes through :func:`validate_cda` first; the
command ``manage.py fse_validate FILE.xml`` prints the same report.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import cache
from pathlib import Path

import lxml
from lxml import etree

from corsia.fse.domain.findings import Finding, Severity, Stage, ValidationReport, split_rule
from corsia.fse.domain.terminology import check, coded_values
from corsia.fse.terminology import gateway_dictionaries

DATA = Path(__file__).resolve().parent / "data"
CDA_XSD = DATA / "schema" / "POCD_MT000040UV02" / "CDA.xsd"
HL7 = "urn:hl7-org:v3"
SVRL = "http://purl.oclc.org/dsdl/svrl"
LOINC = "2.16.840.1.113883.6.1"

# ClinicalDocument/code (LOINC) -> (document type, the gateway's rules for it)
DOCUMENT_TYPES: dict[str, tuple[str, str]] = {
    "34105-7": ("LDO", "schematronFSE_LDO_v5.5.sch"),
    "11488-4": ("RSA", "schematron_RSA_v8.3.sch"),
    "75496-0": ("TELEVISITA", "schematron_Referto_Televisita_v1.0.sch"),
}

MAX_BYTES = 20 * 1024 * 1024  # far above any clinical letter; refuses a runaway upload

_SKELETON = (
    Path(lxml.__file__).resolve().parent
    / "isoschematron"
    / "resources"
    / "xsl"
    / "iso-schematron-xslt1"
    / "iso_svrl_for_xslt1.xsl"
)
_saxon_lock = threading.Lock()


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=False
    )


def parse_cda(xml: bytes) -> tuple[etree._ElementTree | None, tuple[Finding, ...]]:
    """The parsed document, or why it cannot be read (stage ``xml``)."""

    def refuse(message: str, location: str = "") -> tuple[None, tuple[Finding, ...]]:
        return None, (Finding(Stage.XML, Severity.ERROR, "xml", message, location),)

    if len(xml) > MAX_BYTES:
        return refuse(f"Il documento supera {MAX_BYTES // (1024 * 1024)} MB.")
    if b"\x00" in xml:
        return refuse("Il documento contiene un byte nullo: non è XML valido.")
    try:
        tree = etree.ElementTree(etree.fromstring(xml, _safe_parser()))
    except etree.XMLSyntaxError as error:
        line = f"riga {error.lineno}" if error.lineno else ""
        return refuse(f"XML non ben formato: {error.msg}", line)
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        return refuse("Il documento dichiara un DOCTYPE: non ammesso in un CDA.")
    root = tree.getroot()
    if root.tag != f"{{{HL7}}}ClinicalDocument":
        return refuse(
            f"L'elemento radice è «{etree.QName(root).localname}», non "
            "ClinicalDocument nel namespace urn:hl7-org:v3."
        )
    return tree, ()


@cache
def _cda_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CDA_XSD)))


def xsd_findings(tree: etree._ElementTree) -> tuple[Finding, ...]:
    schema = _cda_schema()
    if schema.validate(tree):
        return ()
    return tuple(
        Finding(Stage.XSD, Severity.ERROR, "xsd", error.message, f"riga {error.line}")
        for error in schema.error_log
    )


def document_type(tree: etree._ElementTree) -> tuple[str, str]:
    """(type, schematron file) from ``ClinicalDocument/code``, or ("", "") if not ours."""
    code = tree.getroot().find(f"{{{HL7}}}code")
    if code is None or code.get("codeSystem") != LOINC:
        return "", ""
    return DOCUMENT_TYPES.get(code.get("code", ""), ("", ""))


class _Saxon:
    """One SaxonC processor per process, and each schematron compiled once."""

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor

        self.processor = PySaxonProcessor(license=False)
        self.xslt = self.processor.new_xslt30_processor()
        self.skeleton = self.xslt.compile_stylesheet(stylesheet_file=str(_SKELETON))
        self.compiled: dict[str, object] = {}

    def stylesheet(self, schematron: str) -> object:
        if schematron not in self.compiled:
            source = (DATA / "schematron" / schematron).read_text(encoding="utf-8")
            # The skeleton refuses the "xslt2" query binding by name only; the compiled
            # stylesheet is then declared XSLT 3.0, so Saxon evaluates every assertion
            # with XPath 2+ semantics, as the gateway does.
            source = source.replace('queryBinding="xslt2"', 'queryBinding="xslt"', 1)
            compiled = self.skeleton.transform_to_string(
                xdm_node=self.processor.parse_xml(xml_text=source)
            )
            compiled = re.sub(
                r'(<xsl:stylesheet\b[^>]*?)\bversion="1\.0"', r'\1version="3.0"', compiled, count=1
            )
            self.compiled[schematron] = self.xslt.compile_stylesheet(stylesheet_text=compiled)
        return self.compiled[schematron]

    def run(self, schematron: str, xml: str) -> str:
        stylesheet = self.stylesheet(schematron)
        node = self.processor.parse_xml(xml_text=xml)
        svrl: str = stylesheet.transform_to_string(xdm_node=node)  # type: ignore[attr-defined]
        return svrl


@cache
def _the_saxon() -> _Saxon:
    return _Saxon()


def _svrl(schematron: str, xml: str) -> str:
    # SaxonC's processor is not shared across threads: one call at a time per process.
    with _saxon_lock:
        return _the_saxon().run(schematron, xml)


def schematron_findings(tree: etree._ElementTree, schematron: str) -> tuple[Finding, ...]:
    xml = etree.tostring(tree, encoding="unicode")
    report = etree.fromstring(_svrl(schematron, xml).encode("utf-8"), _safe_parser())
    findings = []
    for node in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = node.findtext(f"{{{SVRL}}}text") or ""
        rule, severity, message = split_rule(text)
        findings.append(
            Finding(
                Stage.SCHEMATRON, severity, rule or "schematron", message, node.get("location", "")
            )
        )
    return tuple(findings)


def validate_cda(xml: bytes) -> ValidationReport:
    """Every error and warning the gateway would answer, without calling it."""
    digest = hashlib.sha256(xml).hexdigest()
    tree, findings = parse_cda(xml)
    if tree is None:
        return ValidationReport("", digest, findings)
    findings = xsd_findings(tree)
    kind, schematron = document_type(tree)
    if not kind:
        findings += (
            Finding(
                Stage.SCHEMATRON,
                Severity.ERROR,
                "document_type",
                "Tipo di documento non gestito: ClinicalDocument/code deve essere LOINC "
                + ", ".join(f"{code} ({name})" for code, (name, _) in DOCUMENT_TYPES.items())
                + ".",
                "/ClinicalDocument/code",
            ),
        )
        return ValidationReport("", digest, findings)
    findings += schematron_findings(tree, schematron)
    findings += terminology_findings(tree)
    return ValidationReport(kind, digest, findings, schematron)


def terminology_findings(tree: etree._ElementTree) -> tuple[Finding, ...]:
    return check(coded_values(tree.getroot()), gateway_dictionaries())
