"""What a signature check tells a person: the report and its verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SignatureReport:
    """The outcome of verifying a PDF's embedded signature.

    ``intact``: the signed bytes are unchanged since signing; ``trusted``: the signing
    certificate chains to the configured trust root; ``covers_whole_file``: nothing
    was appended after the signature. ``valid`` is all of them together.
    """

    signed: bool
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer_name: str = ""
    certificate_subject: str = ""
    signing_time: datetime | None = None
    reason: str = ""
    location: str = ""
    error: str = ""

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.covers_whole_file

    @property
    def summary_it(self) -> str:
        if not self.signed:
            return "Documento non firmato digitalmente."
        if self.error:
            return f"Firma non verificabile: {self.error}"
        if not self.intact:
            return "Firma NON valida: il documento è stato alterato dopo la firma."
        if not self.covers_whole_file:
            return "Firma NON valida: al documento sono stati aggiunti dati dopo la firma."
        if not self.trusted:
            return "Firma integra ma certificato non riconosciuto come attendibile."
        return "Firma valida: documento integro."
