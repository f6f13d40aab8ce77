"""Types of the patient registry's factory fixtures (``corsia/patients/tests/conftest.py``),
for annotating tests."""

from __future__ import annotations

from collections.abc import Callable

from corsia.patients.models import Patient

MakePatient = Callable[..., Patient]
