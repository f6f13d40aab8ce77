"""Fixtures of the nursing tests: the shipped scales, a nurse, a physician, a patient."""

from __future__ import annotations

from corsia.accounts.domain.roles import Role
from corsia.testing.accounts import role_user
from corsia.testing.nursing import shipped_scales
from corsia.testing.patients import registered_patient

scales = shipped_scales()
nurse = role_user(Role.NURSE)
physician = role_user(Role.PHYSICIAN)
coordinator = role_user(Role.COORDINATOR)
patient = registered_patient()
