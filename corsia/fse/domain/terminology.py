"""The gateway's terminology check (pure): every coded value of a CDA against the
dictionaries the gateway holds, with the same rules.

What the national gateway does (``it-fse-gtw-validator``, read for its behaviour):

- every element with ``@codeSystem`` is a coded value (``code``, ``value``, ``translation``,
  ``routeCode``, ...), with ``@codeSystemVersion`` when given;
- the values of a few LOINC questions are re-read in the value set the guides bind them to
  (:data:`ANSWER_VALUE_SETS`: chronicity 89261-2, clinical status 33999-4, ...);
- a code system whose OID has a ``999`` or ``9999`` arc is refused (placeholder OIDs);
- a code system marked ``#WHITELIST#`` in its dictionary is accepted without looking;
- a version the dictionary does not hold is refused; without a version, the newest is used;
- a code the dictionary does not hold is refused, naming code and code system;
- a code system with no dictionary at all is let through by the gateway with a log line:
  here it is a **warning** naming the missing dictionary, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from corsia.fse.domain.findings import Finding, Severity, Stage

HL7 = "urn:hl7-org:v3"
WHITELIST = "#WHITELIST#"

# ``observation/code`` (LOINC question) -> the value set its ``value`` is checked against.
ANSWER_VALUE_SETS: dict[str, str] = {
    "89261-2": "2.16.840.1.113883.2.9.10.1.4.3.4.5",  # chronicity of the problem
    "33999-4": "2.16.840.1.113883.2.9.77.22.11.7",  # clinical status of the problem
    "75246-9": "2.16.840.1.113883.2.9.77.22.11.15",  # motor capacity
    "72166-2": "1.3.6.1.4.1.12009.10.1.1356",  # tobacco smoking status
    "74204-9": "1.3.6.1.4.1.12009.10.1.1694",  # drug use
}

# Stable rule codes of the terminology stage.
RULE_UNKNOWN_CODE = "TERM-CODE"
RULE_VERSION = "TERM-VERSION"
RULE_BLOCKLIST = "TERM-BLOCKLIST"
RULE_NO_DICTIONARY = "TERM-NO-DICTIONARY"


@dataclass(frozen=True)
class CodedValue:
    code: str
    system: str
    version: str
    location: str  # XPath of the element


@dataclass(frozen=True)
class Dictionary:
    """One code system as the gateway holds it: its codes by version."""

    system: str
    name: str
    versions: Mapping[str, frozenset[str]]  # version ("" when unversioned) -> codes
    newest: str = ""  # the version used when the document gives none
    whitelisted: bool = False
    subset: bool = False  # Corsia ships part of the code system only (LOINC)
    note: str = ""

    def codes(self, version: str) -> frozenset[str] | None:
        return self.versions.get(version or self.newest)


@dataclass(frozen=True)
class Dictionaries:
    by_system: Mapping[str, Dictionary]
    names: Mapping[str, str] = field(default_factory=dict)  # OID -> name, for messages

    def name(self, system: str) -> str:
        found = self.by_system.get(system)
        return found.name if found else self.names.get(system, "")


def coded_values(root: etree._Element) -> list[CodedValue]:
    """Every coded value of the document, in document order, the answer values re-read in
    their value set."""
    rebound: dict[etree._Element, str] = {}
    for question in root.iter(f"{{{HL7}}}code"):
        value_set = ANSWER_VALUE_SETS.get(question.get("code", ""))
        parent = question.getparent()
        if value_set and parent is not None and etree.QName(parent).localname == "observation":
            for value in parent.iter(f"{{{HL7}}}value"):
                rebound[value] = value_set
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        system = element.get("codeSystem")
        if system is None:
            continue
        found.append(
            CodedValue(
                code=element.get("code", ""),
                system=rebound.get(element, system),
                version=element.get("codeSystemVersion", ""),
                location=where(element),
            )
        )
    return found


def where(element: etree._Element) -> str:
    """``/ClinicalDocument/component/structuredBody/component[3]/section/...``: local names,
    the position among same-named siblings when there are several."""
    steps = []
    node: etree._Element | None = element
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        same = [] if parent is None else [c for c in parent if c.tag == node.tag]
        steps.append(f"{name}[{same.index(node) + 1}]" if len(same) > 1 else name)
        node = parent
    return "/" + "/".join(reversed(steps))


def blocklisted(system: str) -> bool:
    return any(arc in ("999", "9999") for arc in system.split("."))


def _label(system: str, dictionaries: Dictionaries) -> str:
    name = dictionaries.name(system)
    return f"{system} ({name})" if name else system


def check(values: Iterable[CodedValue], dictionaries: Dictionaries) -> tuple[Finding, ...]:
    """The terminology findings for ``values``: errors for what the gateway refuses, one
    warning per code system that has no dictionary."""
    findings: list[Finding] = []
    missing: dict[str, list[CodedValue]] = {}
    seen: set[tuple[str, str, str]] = set()
    for value in values:
        key = (value.system, value.version, value.code)
        if key in seen:
            continue
        seen.add(key)
        label = _label(value.system, dictionaries)
        if blocklisted(value.system):
            findings.append(
                Finding(
                    Stage.TERMINOLOGY,
                    Severity.ERROR,
                    RULE_BLOCKLIST,
                    f"Il sistema di codifica {value.system} non è ammesso dal gateway (OID "
                    "segnaposto con arco 999/9999).",
                    value.location,
                )
            )
            continue
        dictionary = dictionaries.by_system.get(value.system)
        if dictionary is None:
            missing.setdefault(value.system, []).append(value)
            continue
        if dictionary.whitelisted:
            continue
        codes = dictionary.codes(value.version)
        if codes is None:
            findings.append(
                Finding(
                    Stage.TERMINOLOGY,
                    Severity.ERROR,
                    RULE_VERSION,
                    f"La versione «{value.version}» del sistema di codifica {label} non è "
                    "gestita dal gateway (versioni: "
                    + (", ".join(sorted(v or "senza versione" for v in dictionary.versions)))
                    + ").",
                    value.location,
                )
            )
            continue
        if value.code not in codes:
            where = (
                " (tabella LOINC di Corsia: un sottoinsieme curato)" if dictionary.subset else ""
            )
            findings.append(
                Finding(
                    Stage.TERMINOLOGY,
                    Severity.ERROR,
                    RULE_UNKNOWN_CODE,
                    f"Il codice «{value.code}» non è censito nel sistema di codifica "
                    f"{label}{where}.",
                    value.location,
                )
            )
    for system, rows in missing.items():
        listed = sorted({r.code for r in rows})
        shown = ", ".join(listed[:10]) + (
            f" e altri {len(listed) - 10}" if len(listed) > 10 else ""
        )
        findings.append(
            Finding(
                Stage.TERMINOLOGY,
                Severity.WARNING,
                RULE_NO_DICTIONARY,
                f"Manca il dizionario del sistema di codifica {_label(system, dictionaries)}: "
                f"codici non verificati ({shown}).",
                rows[0].location,
            )
        )
    return tuple(findings)
