"""Pure rules: the AD group → role map and each role's landing page."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.accounts.domain.directory import GroupRoleMapError, normalize_dn, parse_group_role_map
from corsia.accounts.domain.roles import (
    PERMISSIONS,
    ROLE_LANDING,
    ROLE_PERMISSIONS,
    Role,
    landing_for,
)

MEDICI = "CN=Corsia-Medici,OU=Gruppi,DC=osp,DC=it"
FARMACISTI = "CN=Corsia-Farmacisti,OU=Gruppi,DC=osp,DC=it"


def test_map_is_parsed_with_dns_containing_equals_signs() -> None:
    mapping = parse_group_role_map(f" {MEDICI}=physician ;{FARMACISTI} = pharmacist; ")
    assert mapping.by_group == {
        "cn=corsia-medici,ou=gruppi,dc=osp,dc=it": Role.PHYSICIAN,
        "cn=corsia-farmacisti,ou=gruppi,dc=osp,dc=it": Role.PHARMACIST,
    }


def test_empty_map_maps_nothing() -> None:
    assert parse_group_role_map("").by_group == {}
    assert parse_group_role_map(" ; ").roles_for([MEDICI]) == frozenset()


def test_roles_for_compares_dns_case_and_space_insensitively() -> None:
    mapping = parse_group_role_map(f"{MEDICI}=physician;{FARMACISTI}=pharmacist")
    groups = ["cn=corsia-medici, ou=gruppi, dc=osp, dc=it", "CN=Mensa,OU=Gruppi,DC=osp,DC=it"]
    assert mapping.roles_for(groups) == frozenset({Role.PHYSICIAN})
    assert mapping.roles_for([MEDICI, FARMACISTI.upper()]) == {Role.PHYSICIAN, Role.PHARMACIST}
    assert mapping.roles_for([]) == frozenset()


@pytest.mark.parametrize(
    ("raw", "italian", "english"),
    [
        (f"{MEDICI}=surgeon", "Ruolo sconosciuto 'surgeon'", "Unknown role 'surgeon'"),
        # a DN without its role reads as "<rest of the DN>=<last RDN value>": unknown role
        (f"{MEDICI}", "Ruolo sconosciuto 'it'", "Unknown role 'it'"),
        ("CN=Medici", "non valida", "Invalid group→role map entry"),
        ("physician", "non valida", "Invalid group→role map entry"),
        ("=physician", "non valida", "Invalid group→role map entry"),
        (f"{MEDICI}=", "non valida", "Invalid group→role map entry"),
        (
            f"{MEDICI}=physician;{MEDICI.lower()}=nurse",
            "associato a due ruoli",
            "mapped to two different roles",
        ),
    ],
)
def test_malformed_map_raises_in_italian_and_english(raw: str, italian: str, english: str) -> None:
    with pytest.raises(GroupRoleMapError) as raised:
        parse_group_role_map(raw)
    assert italian in str(raised.value)
    assert english in str(raised.value)


def test_valid_roles_are_listed_when_a_role_is_unknown() -> None:
    with pytest.raises(GroupRoleMapError, match="physician, pharmacist, technician"):
        parse_group_role_map(f"{MEDICI}=doctor")


def test_escaped_commas_stay_inside_their_rdn() -> None:
    assert normalize_dn(r"CN=Rossi\, Mario , OU=Utenti") == r"cn=rossi\, mario,ou=utenti"


@given(st.lists(st.sampled_from(list(Role)), min_size=1, max_size=9, unique=True))
def test_every_role_can_be_mapped_and_found(roles: list[Role]) -> None:
    raw = ";".join(f"CN=G{i},DC=osp={role.value}" for i, role in enumerate(roles))
    mapping = parse_group_role_map(raw)
    assert mapping.roles_for(f"cn=g{i},dc=osp" for i in range(len(roles))) == frozenset(roles)


# --- roles table and landing -------------------------------------------------------------


def test_every_role_has_a_landing_page_and_only_declared_permissions() -> None:
    declared = {spec.full for spec in PERMISSIONS}
    assert set(ROLE_LANDING) == set(Role)
    assert set(ROLE_PERMISSIONS) == set(Role)
    for role, permissions in ROLE_PERMISSIONS.items():
        assert permissions <= declared, role


@pytest.mark.parametrize("role", list(Role))
def test_single_role_lands_on_its_worklist(role: Role) -> None:
    assert landing_for({role}) == ROLE_LANDING[role]


def test_several_roles_land_on_the_first_in_role_order() -> None:
    assert landing_for({Role.AUDITOR, Role.NURSE}) == "administration:worklist"
    assert landing_for({Role.ADMINISTRATOR, Role.IT_STAFF}) == "accounts:users"
    assert landing_for({Role.TRIAL_MONITOR, Role.AUDITOR}) == "regimens:trials"


def test_no_role_has_no_landing() -> None:
    assert landing_for(set()) is None
