"""What a validation found: pure data, shared by the validator, the command and the pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    XML = "xml"  # not well-formed, or not a CDA at all
    XSD = "xsd"  # the CDA R2 schema with the Italian extensions
    SCHEMATRON = "schematron"  # the gateway's rules for the document type
    TERMINOLOGY = "terminology"  # coded values against the gateway's dictionaries


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    stage: Stage
    severity: Severity
    rule: str  # "ERRORE-24" for a schematron rule, "xsd" / "xml" otherwise, "W003" for a warning
    message: str
    location: str = ""  # XPath (schematron) or "line N" (XML, XSD)


@dataclass(frozen=True)
class ValidationReport:
    document_type: str  # "LDO", "RSA", "TELEVISITA" or "" when the type is unknown
    sha256: str  # of the bytes validated: the published CDA must be exactly these
    findings: tuple[Finding, ...]
    schematron: str = ""  # file name of the rules applied

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors


# The schematron files prefix each message with its rule: "ERRORE-24| ..." (an error; a few
# say "ERROR-3|"), "W003| ..." or "WARNING-2| ..." (a warning). A message without a prefix is
# an error: the gateway refuses on any failed assertion it does not mark as a warning.
_PREFIX = re.compile(r"^\s*(?P<rule>(?:ERRORE?|WARNING|W)[-_ ]?[0-9A-Za-z.]*)\s*\|\s*", re.I)


def split_rule(text: str) -> tuple[str, Severity, str]:
    """``"ERRORE-24| L'elemento ..."`` -> ``("ERRORE-24", ERROR, "L'elemento ...")``."""
    text = " ".join(text.split())
    match = _PREFIX.match(text)
    if not match:
        return "", Severity.ERROR, text
    rule = match.group("rule").upper().replace(" ", "-")
    severity = Severity.WARNING if rule.startswith("W") else Severity.ERROR
    return rule, severity, text[match.end() :]
