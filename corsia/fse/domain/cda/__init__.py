"""CDA2 builders for the FSE 2.0 gateway (pure): the discharge letter as LDO, the
outpatient report as RSA, from a signed letter's frozen content."""

from __future__ import annotations

from lxml import etree

from corsia.fse.domain.cda.ldo import build_ldo
from corsia.fse.domain.cda.model import CdaInput, refuse
from corsia.fse.domain.cda.rsa import build_rsa

BUILDERS = {"discharge_letter": build_ldo, "outpatient_report": build_rsa}


def build_cda(data: CdaInput) -> bytes:
    """The CDA (UTF-8, with XML declaration) for the letter; a clear ``ValidationFailed``
    when the letter cannot become an FSE document (kind, identifiers, characters)."""
    kind = str(data.content.get("kind", ""))
    builder = BUILDERS.get(kind)
    if builder is None:
        raise refuse(
            "Solo la lettera di dimissione (LDO) e il referto ambulatoriale (RSA) vanno al "
            "Fascicolo Sanitario Elettronico.",
            "fse_letter_kind_unsupported",
            "kind",
        )
    root = builder(data)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml
