"""Active Directory / LDAP group → Corsia role mapping: parsing and applying it.

The mapping comes from one setting, ``"<group DN>=<role>;<group DN>=<role>"``. A DN
itself contains ``=``, so each entry is split at its *last* ``=``. DNs are compared
in a normalised form (case-insensitive, spaces around separators ignored), as
directories do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from corsia.accounts.domain.roles import Role


class GroupRoleMapError(ValueError):
    """The group → role mapping is malformed; the message is Italian then English."""


@dataclass(frozen=True)
class GroupRoleMap:
    by_group: Mapping[str, Role]  # normalised group DN → role

    def roles_for(self, group_dns: Iterable[str]) -> frozenset[Role]:
        """The Corsia roles granted by the given directory groups."""
        found = (self.by_group.get(normalize_dn(dn)) for dn in group_dns)
        return frozenset(role for role in found if role is not None)


def normalize_dn(dn: str) -> str:
    """``"CN=Medici , OU=Gruppi,DC=Osp"`` → ``"cn=medici,ou=gruppi,dc=osp"``.

    Escaped separators (``\\,``) stay inside their RDN.
    """
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in dn:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    normalised = []
    for part in parts:
        attribute, sep, value = part.partition("=")
        normalised.append(f"{attribute.strip()}{sep}{value.strip()}".lower())
    return ",".join(normalised)


def parse_group_role_map(raw: str) -> GroupRoleMap:
    """Parse the setting; a malformed entry, an unknown role or a DN mapped twice raises."""
    valid_roles = ", ".join(role.value for role in Role)
    by_group: dict[str, Role] = {}
    for chunk in raw.split(";"):
        entry = chunk.strip()
        if not entry:
            continue
        dn, sep, role_code = entry.rpartition("=")
        dn, role_code = dn.strip(), role_code.strip()
        if not sep or not dn or "=" not in dn or not role_code:
            raise GroupRoleMapError(
                f"Voce della mappa gruppi→ruoli non valida: {entry!r} (atteso «DN del gruppo=ruolo»). "
                f"Invalid group→role map entry {entry!r}: expected '<group DN>=<role>'."
            )
        try:
            role = Role(role_code)
        except ValueError:
            raise GroupRoleMapError(
                f"Ruolo sconosciuto {role_code!r} per il gruppo {dn!r}; ruoli validi: {valid_roles}. "
                f"Unknown role {role_code!r} for group {dn!r}; valid roles: {valid_roles}."
            ) from None
        key = normalize_dn(dn)
        if key in by_group and by_group[key] != role:
            raise GroupRoleMapError(
                f"Il gruppo {dn!r} è associato a due ruoli diversi. "
                f"Group {dn!r} is mapped to two different roles."
            )
        by_group[key] = role
    return GroupRoleMap(by_group=by_group)
