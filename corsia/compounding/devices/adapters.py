"""How a preparation document reaches a compounding robot or smart hood.

A device is reached by one ``DeviceAdapter``: ``push(document)`` hands it the document
(schema ``corsia.compounding.robot/1``) and returns a ``PushReceipt`` naming where it
went, or raises ``DeviceUnreachable`` (``device_unreachable``) with nothing pushed.
Adapters do I/O only; the service calls them outside any database transaction.

- ``FileDropAdapter(folder)``: writes ``PRP000000042.json`` (UTF-8, sorted keys) into the
  folder the device watches, through a temporary file renamed into place, so the device
  never reads half a file. A document already there is replaced (a push again after a
  change is the newest).
- ``HttpAdapter(url, token)``: ``POST url`` with the JSON body, ``Content-Type:
  application/json``, ``Authorization: Bearer <token>`` when set; any 2xx is accepted,
  anything else (or no answer within the timeout) is ``device_unreachable``.

Configured by ``CORSIA_COMPOUNDING_DEVICE_ADAPTER`` (``file`` / ``http``),
``CORSIA_COMPOUNDING_DEVICE_FOLDER``, ``CORSIA_COMPOUNDING_DEVICE_URL``,
``CORSIA_COMPOUNDING_DEVICE_TOKEN`` (:func:`adapter_from_settings`).
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from corsia.core.domain.errors import CorsiaError, ValidationFailed

DEFAULT_TIMEOUT_S = 5.0


class DeviceUnreachable(CorsiaError):
    code = "device_unreachable"
    status = 502


@dataclass(frozen=True)
class PushReceipt:
    adapter: str  # "file" | "http"
    target: str  # the file written or the URL posted to
    status: int | None = None  # the HTTP status (http only)


class DeviceAdapter(Protocol):
    """A compounding device reachable by Corsia."""

    @property
    def kind(self) -> str: ...

    def push(self, document: dict[str, Any]) -> PushReceipt: ...


def _encoded(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")


def _file_name(document: dict[str, Any]) -> str:
    prep = document.get("preparation") or {}
    label = str(prep.get("label_code") or f"PRP{int(prep.get('id') or 0):09d}")
    if not label.isalnum():
        raise ValidationFailed("Codice etichetta non valido per il file.", code="label_invalid")
    return f"{label}.json"


@dataclass(frozen=True)
class FileDropAdapter:
    folder: Path

    @property
    def kind(self) -> str:
        return "file"

    def push(self, document: dict[str, Any]) -> PushReceipt:
        target = self.folder / _file_name(document)
        try:
            if not self.folder.is_dir():
                raise FileNotFoundError(self.folder)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(_encoded(document))
            os.replace(temporary, target)
        except OSError as exc:
            raise DeviceUnreachable(
                f"Cartella del dispositivo non scrivibile ({self.folder}).",
                details={"folder": str(self.folder)},
            ) from exc
        return PushReceipt(adapter=self.kind, target=str(target))


@dataclass(frozen=True)
class HttpAdapter:
    url: str
    token: str = ""
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def kind(self) -> str:
        return "http"

    def push(self, document: dict[str, Any]) -> PushReceipt:
        if not self.url.startswith(("http://", "https://")):
            raise DeviceUnreachable(f"Indirizzo del dispositivo non valido ({self.url}).")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.url, data=_encoded(document), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            raise DeviceUnreachable(
                f"Il dispositivo ha rifiutato la preparazione (HTTP {exc.code}).",
                details={"status": exc.code},
            ) from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise DeviceUnreachable(f"Dispositivo non raggiungibile ({self.url}).") from exc
        return PushReceipt(adapter=self.kind, target=self.url, status=status)


def adapter_from_settings() -> DeviceAdapter:
    """The adapter the settings configure; ``device_not_configured`` when none is."""
    kind = settings.CORSIA_COMPOUNDING_DEVICE_ADAPTER
    if kind == "file" and settings.CORSIA_COMPOUNDING_DEVICE_FOLDER:
        return FileDropAdapter(Path(settings.CORSIA_COMPOUNDING_DEVICE_FOLDER))
    if kind == "http" and settings.CORSIA_COMPOUNDING_DEVICE_URL:
        return HttpAdapter(
            settings.CORSIA_COMPOUNDING_DEVICE_URL, settings.CORSIA_COMPOUNDING_DEVICE_TOKEN
        )
    raise ValidationFailed(
        "Nessun robot o cappa intelligente configurato (CORSIA_COMPOUNDING_DEVICE_ADAPTER).",
        code="device_not_configured",
    )
