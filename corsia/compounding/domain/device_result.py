"""What a compounding robot or smart hood sends back after making a preparation (pure).

Schema ``corsia.compounding.robot-result/1`` (documented in the module README): the
device, the result's own id (a device never sends the same result twice: the pair is
unique), the preparation, the operator who ran the device (a Corsia user name), the
device's verdict, the bag's weights before and after the addition, every vial drawn
(its code as read, or GTIN/AIC with lot, expiry and serial; the volume drawn) and the ids
of the images the device took.

Parsing refuses anything it cannot read without guessing (``device_result_invalid``,
every problem named in ``details["errors"]``); it decides nothing clinical. The vials and
weights are then recorded through the same services as at the hood (scan rules,
``drug_mass_check``); :func:`volumes_check` compares the volumes the device reports with
the ones Corsia computed, with the gravimetric tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from corsia.core.domain.errors import ValidationFailed

RESULT_SCHEMA = "corsia.compounding.robot-result/1"
MAX_VIALS = 20
MAX_IMAGES = 50
MAX_TEXT = 120
MAX_GRAMS = Decimal(10000)  # a 5 L bag weighs ~5.3 kg; beyond this it is not a weight
MAX_ML = Decimal(1000)  # no vial holds a litre


class DeviceResultInvalid(ValidationFailed):
    code = "device_result_invalid"


class Verdict(StrEnum):
    """The device's own judgement of what it made."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class DeviceVial:
    """A vial the device drew from: the code it read (GS1 DataMatrix or the AIC stamp),
    or its parts; ``volume_ml`` is what it drew."""

    barcode: str
    gtin: str
    aic: str
    lot: str
    expiry: date | None
    serial: str
    volume_ml: Decimal

    def code(self) -> str:
        """The code the hood's scan reads: as the device read it, else the GS1
        human-readable form built from its parts (``(01)…(17)…(10)…(21)…``, the AIC as
        NHRN ``(716)`` when there is no GTIN)."""
        if self.barcode:
            return self.barcode
        head = f"(01){self.gtin}" if self.gtin else f"(716){self.aic}"
        parts = [head]
        if self.expiry is not None:
            parts.append(f"(17){self.expiry:%y%m%d}")
        if self.lot:
            parts.append(f"(10){self.lot}")
        if self.serial:
            parts.append(f"(21){self.serial}")
        return "".join(parts)


@dataclass(frozen=True)
class DeviceImage:
    id: str
    kind: str
    sha256: str


@dataclass(frozen=True)
class DeviceResult:
    result_id: str
    device_id: str
    device_model: str
    preparation_id: int
    label_code: str
    operator: str
    completed_at: datetime
    verdict: Verdict
    verdict_reason: str
    bag_before_g: Decimal
    bag_after_g: Decimal
    scale_id: str
    vials: tuple[DeviceVial, ...]
    images: tuple[DeviceImage, ...]


class _Reader:
    """Collects every problem of a document instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def problem(self, path: str, message: str) -> None:
        self.errors.append({"field": path, "message": message})

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(f"{path}{key}", "campo obbligatorio")
            return ""
        if not isinstance(value, str):
            self.problem(f"{path}{key}", "deve essere un testo")
            return ""
        value = value.strip()
        if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value if c != "\x1d"):
            self.problem(f"{path}{key}", "testo troppo lungo o con caratteri di controllo")
            return ""
        return value

    def decimal(
        self, data: Mapping[str, Any], key: str, path: str, *, high: Decimal
    ) -> Decimal | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.problem(f"{path}{key}", "numero decimale obbligatorio (es. «34.00»)")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.problem(f"{path}{key}", f"numero non leggibile «{str(value)[:20]}»")
            return None
        if not number.is_finite() or not Decimal(0) < number <= high:
            self.problem(f"{path}{key}", f"fuori intervallo (maggiore di 0, al massimo {high})")
            return None
        return number

    def mapping(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, Mapping):
            self.problem(key, "oggetto obbligatorio")
            return {}
        return value

    def items(self, data: Mapping[str, Any], key: str, limit: int) -> Sequence[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(key, "deve essere un elenco")
            return []
        if len(value) > limit:
            self.problem(key, f"al massimo {limit} elementi")
            return []
        return value


def _vial(reader: _Reader, raw: Any, index: int) -> DeviceVial | None:
    path = f"vials[{index}]."
    if not isinstance(raw, Mapping):
        reader.problem(f"vials[{index}]", "oggetto obbligatorio")
        return None
    barcode = reader.text(raw, "barcode", path, required=False)
    gtin = reader.text(raw, "gtin", path, required=False)
    aic = reader.text(raw, "aic", path, required=False)
    lot = reader.text(raw, "lot", path, required=False)
    serial = reader.text(raw, "serial", path, required=False)
    expiry_text = reader.text(raw, "expiry", path, required=False)
    expiry = None
    if expiry_text:
        try:
            expiry = date.fromisoformat(expiry_text)
        except ValueError:
            reader.problem(f"{path}expiry", "data AAAA-MM-GG")
    if not barcode and not (gtin or aic):
        reader.problem(f"{path}barcode", "serve il codice letto o GTIN/AIC con lotto e scadenza")
    if not barcode and (gtin or aic) and (not lot or expiry is None):
        reader.problem(f"{path}lot", "senza il codice letto servono lotto e scadenza")
    if gtin and not (gtin.isdigit() and len(gtin) == 14):
        reader.problem(f"{path}gtin", "GTIN di 14 cifre")
    if aic and not (aic.isdigit() and len(aic) == 9):
        reader.problem(f"{path}aic", "AIC di 9 cifre")
    volume = reader.decimal(raw, "volume_ml", path, high=MAX_ML)
    if volume is None:
        return None
    return DeviceVial(barcode, gtin, aic, lot, expiry, serial, volume)


def _image(reader: _Reader, raw: Any, index: int) -> DeviceImage | None:
    path = f"images[{index}]."
    if isinstance(raw, str):
        raw = {"id": raw}
    if not isinstance(raw, Mapping):
        reader.problem(f"images[{index}]", "identificativo o oggetto con «id»")
        return None
    image_id = reader.text(raw, "id", path)
    kind = reader.text(raw, "kind", path, required=False)
    sha256 = reader.text(raw, "sha256", path, required=False)
    if sha256 and not (len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256)):
        reader.problem(f"{path}sha256", "64 cifre esadecimali minuscole")
    return DeviceImage(image_id, kind, sha256) if image_id else None


def parse_device_result(data: Any, *, preparation_id: int) -> DeviceResult:
    """The device's result document, checked field by field; ``preparation_id`` is the
    one in the address, which the document must name too."""
    if not isinstance(data, Mapping):
        raise DeviceResultInvalid(
            "Risultato del dispositivo non valido: serve un oggetto JSON.",
            details={"errors": [{"field": "", "message": "oggetto JSON obbligatorio"}]},
        )
    reader = _Reader()
    if data.get("schema") != RESULT_SCHEMA:
        reader.problem("schema", f"schema sconosciuto: atteso «{RESULT_SCHEMA}»")
    result_id = reader.text(data, "result_id", "")
    device = reader.mapping(data, "device")
    device_id = reader.text(device, "id", "device.") if device else ""
    device_model = reader.text(device, "model", "device.", required=False) if device else ""
    prep = reader.mapping(data, "preparation")
    named = prep.get("id") if prep else None
    if prep and (isinstance(named, bool) or named != preparation_id):
        reader.problem(
            "preparation.id", f"deve essere {preparation_id}, la preparazione dell'indirizzo"
        )
    label_code = reader.text(prep, "label_code", "preparation.", required=False) if prep else ""
    operator = reader.text(data, "operator", "")
    completed_text = reader.text(data, "completed_at", "")
    completed_at = None
    if completed_text:
        try:
            completed_at = datetime.fromisoformat(completed_text)
        except ValueError:
            reader.problem("completed_at", "data e ora ISO 8601")
        else:
            if completed_at.tzinfo is None:
                reader.problem("completed_at", "data e ora senza fuso orario")
                completed_at = None
    verdict_text = reader.text(data, "verdict", "")
    verdict = None
    if verdict_text:
        try:
            verdict = Verdict(verdict_text)
        except ValueError:
            reader.problem("verdict", "«accepted» o «rejected»")
    verdict_reason = reader.text(data, "verdict_reason", "", required=False)
    if verdict is Verdict.REJECTED and not verdict_reason:
        reader.problem("verdict_reason", "obbligatorio quando il dispositivo scarta")
    weights = reader.mapping(data, "weights")
    before = (
        reader.decimal(weights, "bag_before_g", "weights.", high=MAX_GRAMS) if weights else None
    )
    after = reader.decimal(weights, "bag_after_g", "weights.", high=MAX_GRAMS) if weights else None
    scale_id = reader.text(weights, "scale_id", "weights.", required=False) if weights else ""
    raw_vials = reader.items(data, "vials", MAX_VIALS)
    if not raw_vials and "vials" not in {e["field"] for e in reader.errors}:
        reader.problem("vials", "almeno un flacone")
    vials = [_vial(reader, raw, i) for i, raw in enumerate(raw_vials)]
    images = [
        _image(reader, raw, i) for i, raw in enumerate(reader.items(data, "images", MAX_IMAGES))
    ]
    if reader.errors or verdict is None or completed_at is None or before is None or after is None:
        shown = "; ".join(f"{e['field']}: {e['message']}" for e in reader.errors[:5])
        raise DeviceResultInvalid(
            f"Risultato del dispositivo non valido: {shown}.",
            details={"errors": reader.errors},
        )
    return DeviceResult(
        result_id=result_id,
        device_id=device_id,
        device_model=device_model,
        preparation_id=preparation_id,
        label_code=label_code,
        operator=operator,
        completed_at=completed_at,
        verdict=verdict,
        verdict_reason=verdict_reason,
        bag_before_g=before,
        bag_after_g=after,
        scale_id=scale_id or device_id,
        vials=tuple(v for v in vials if v is not None),
        images=tuple(i for i in images if i is not None),
    )


@dataclass(frozen=True)
class VolumeDeviation:
    index: int
    reported_ml: Decimal
    expected_ml: Decimal
    deviation_percent: Decimal


def volumes_check(
    *,
    reported_ml: Sequence[Decimal],
    expected_ml: Sequence[Decimal],
    tolerance_percent: Decimal,
) -> tuple[VolumeDeviation, ...]:
    """The vials whose reported volume is outside ±``tolerance_percent`` of the volume
    Corsia computed for that draw (dose in the vial ÷ concentration). The limits are in
    range (inclusive, as the gravimetric check). Deviation % to 0.01, half up."""
    if len(reported_ml) != len(expected_ml):
        raise ValueError("one expected volume per reported volume")
    out = []
    for index, (reported, expected) in enumerate(zip(reported_ml, expected_ml, strict=True)):
        deviation = ((reported - expected) / expected * 100).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        if abs(reported - expected) * 100 > tolerance_percent * expected:
            out.append(VolumeDeviation(index, reported, expected, deviation))
    return tuple(out)
