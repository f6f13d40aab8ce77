"""One demo user per role, all with the password ``corsia-demo`` (demo mode only)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from corsia.accounts.domain.passwords import PUBLISHED_DEMO_PASSWORD
from corsia.accounts.domain.roles import Role
from corsia.accounts.services import demo_user_ensure

# Published in the README; refused at sign-in outside demo mode (corsia.accounts.backends).
DEMO_PASSWORD = PUBLISHED_DEMO_PASSWORD

DEMO_USERS: tuple[tuple[str, str, str, Role], ...] = (
    ("medico", "Giulia", "Ferraro", Role.PHYSICIAN),
    ("medico2", "Marco", "Lombardi", Role.PHYSICIAN),
    ("farmacista", "Chiara", "Esposito", Role.PHARMACIST),
    ("farmacista2", "Luca", "Romano", Role.PHARMACIST),
    ("tecnico", "Davide", "Greco", Role.TECHNICIAN),
    ("infermiere", "Sara", "Bruno", Role.NURSE),
    ("infermiere2", "Matteo", "Rinaldi", Role.NURSE),  # the day hospital's four nurses
    ("infermiere3", "Anna", "Caruso", Role.NURSE),
    ("infermiere4", "Giorgio", "Leone", Role.NURSE),
    ("coordinatore", "Paola", "Gallo", Role.COORDINATOR),
    ("sistemi", "Andrea", "Conti", Role.IT_STAFF),
    ("monitor", "Elena", "Costa", Role.TRIAL_MONITOR),
    ("auditor", "Roberto", "Fontana", Role.AUDITOR),
    ("admin", "Francesca", "Rizzo", Role.ADMINISTRATOR),
)

# The physicians sign letters: the FSE wants the signer's codice fiscale (fictitious people,
# codes computed from invented birth data: Palermo 12/03/1975, Catania 05/11/1970).
DEMO_TAX_CODES = {"medico": "FRRGLI75C52G273O", "medico2": "LMBMRC70S05C351Q"}


@transaction.atomic
def ensure_demo_users() -> int:
    if not (settings.DEMO_MODE or getattr(settings, "CORSIA_TESTING", False)):
        raise RuntimeError("demo users exist only in demo mode (CORSIA_DEMO=1)")
    created = 0
    for index, (username, first, last, role) in enumerate(DEMO_USERS, start=1):
        created += int(
            demo_user_ensure(
                username=username,
                first_name=first,
                last_name=last,
                badge_code=f"BADGE{index:04d}",
                role=role,
                password=DEMO_PASSWORD,
                tax_code=DEMO_TAX_CODES.get(username, ""),
            )
        )
    return created
