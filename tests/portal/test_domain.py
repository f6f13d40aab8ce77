"""The portal's pure rules: codes, PKCE, the ID token's claims, the fiscal code claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corsia.portal.domain.codes import (
    CodeState,
    code_digest,
    code_from_random,
    code_normalise,
    code_usable,
    may_send_code,
)
from corsia.portal.domain.oidc import (
    Expected,
    SignInRefused,
    fiscal_code_from_claim,
    id_token_claims_check,
    pkce_challenge,
)

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def test_code_has_six_digits_with_leading_zeros() -> None:
    assert code_from_random(42) == "000042"
    assert code_from_random(999_999) == "999999"
    with pytest.raises(ValueError):
        code_from_random(1_000_000)


def test_typed_code_is_normalised() -> None:
    assert code_normalise(" 123 456 ") == "123456"
    assert code_normalise("123-456") == "123456"


def test_digest_is_bound_to_account_and_key() -> None:
    one = code_digest(key=b"k", account_id=1, code="123456")
    assert one == code_digest(key=b"k", account_id=1, code="123456")
    assert one != code_digest(key=b"k", account_id=2, code="123456")
    assert one != code_digest(key=b"other", account_id=1, code="123456")
    assert "123456" not in one


def test_three_codes_per_quarter_of_an_hour() -> None:
    two = [NOW - timedelta(minutes=14), NOW - timedelta(minutes=1)]
    assert may_send_code(sent_at=two, now=NOW)
    three = [*two, NOW - timedelta(minutes=5)]
    assert not may_send_code(sent_at=three, now=NOW)
    # the oldest leaves the window at 15 minutes
    assert may_send_code(sent_at=three, now=NOW + timedelta(minutes=1, seconds=1))


def test_code_usable_once_before_expiry_and_five_tries() -> None:
    later = NOW + timedelta(minutes=10)
    assert code_usable(CodeState(later, used=False, tries=4), now=NOW)
    assert not code_usable(CodeState(later, used=False, tries=5), now=NOW)
    assert not code_usable(CodeState(later, used=True, tries=0), now=NOW)
    assert not code_usable(CodeState(later, used=False, tries=0), now=later)


def test_pkce_challenge_matches_rfc7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    with pytest.raises(ValueError):
        pkce_challenge("short")


EXPECTED = Expected(issuer="https://idp", client_id="corsia", nonce="n1", now=1_000_000.0)
GOOD = {"iss": "https://idp", "aud": "corsia", "nonce": "n1", "iat": 999_990, "exp": 1_000_100}


def test_good_claims_pass() -> None:
    id_token_claims_check(GOOD, EXPECTED)
    id_token_claims_check({**GOOD, "aud": ["corsia", "x"], "azp": "corsia"}, EXPECTED)


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"iss": "https://evil"}, "iss"),
        ({"aud": "someone-else"}, "aud"),
        ({"aud": ["corsia", "x"]}, "azp"),
        ({"nonce": "replayed"}, "nonce"),
        ({"exp": 1_000_000 - 121}, "exp"),
        ({"exp": "soon"}, "exp"),
        ({"iat": 1_000_000 + 121}, "iat"),
        ({"iat": None}, "iat"),
    ],
)
def test_bad_claims_refused(change: dict[str, object], check: str) -> None:
    with pytest.raises(SignInRefused) as refused:
        id_token_claims_check({**GOOD, **change}, EXPECTED)
    assert refused.value.details == {"check": check}


def test_clock_skew_of_two_minutes_tolerated() -> None:
    id_token_claims_check({**GOOD, "exp": 1_000_000 - 120, "iat": 1_000_000 + 120}, EXPECTED)


def test_fiscal_code_from_spid_and_cie_claims() -> None:
    assert fiscal_code_from_claim("TINIT-RSSMRA85T10A562S") == "RSSMRA85T10A562S"
    assert fiscal_code_from_claim("rssmra85t10a562s") == "RSSMRA85T10A562S"
    # omocodia: digits replaced by letters
    assert fiscal_code_from_claim("RSSMRA85T10A56NS") == "RSSMRA85T10A56NS"
    for bad in (None, 12, "", "TINIT-", "RSSMRA85T10A562", "RSSMRA85T10A562S1"):
        with pytest.raises(SignInRefused):
            fiscal_code_from_claim(bad)
