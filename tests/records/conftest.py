"""Fixtures of the medical-record tests: one user per role and a weighed patient (M, born
1961-05-04, 180 cm, 80 kg: BSA 2.00 m²)."""

from __future__ import annotations

from corsia.accounts.domain.roles import Role
from corsia.testing.accounts import role_user
from corsia.testing.prescribing import measured_patient_fixture

physician = role_user(Role.PHYSICIAN, "dr_verdi")
nurse = role_user(Role.NURSE, "inf_neri")
pharmacist = role_user(Role.PHARMACIST, "farm_bruni")
it_staff = role_user(Role.IT_STAFF, "si_gialli")
patient = measured_patient_fixture()
