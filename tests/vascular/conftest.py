"""Fixtures of the register's tests: the shipped scales (VIP), a nurse, a patient."""

from __future__ import annotations

from corsia.accounts.domain.roles import Role
from corsia.testing.accounts import role_user
from corsia.testing.nursing import shipped_scales
from corsia.testing.patients import registered_patient

scales = shipped_scales()
nurse = role_user(Role.NURSE)
patient = registered_patient()
