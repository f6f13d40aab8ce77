"""SPID/CIE sign-in through the hospital's OpenID Connect provider: the authorisation code
flow with PKCE against a fake provider with its own keys; the ID token checked by
signature (jwcrypto), issuer, audience, nonce, time; the fiscal code claim matched to
the patient."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, override_settings
from jwcrypto import jwk

from corsia.portal import oidc_client
from corsia.portal.access import SESSION_KEY
from corsia.portal.models import PortalActivity
from corsia.testing.accounts import MakeUser
from corsia.testing.portal import FakeProvider, patient_with_account

pytestmark = pytest.mark.django_db
CF = "RSSMRA85T10A562S"
CALLBACK = "http://testserver/portale/accesso/spid-cie/ritorno/"


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    fake = FakeProvider(claims={"fiscalNumber": f"TINIT-{CF}"})
    monkeypatch.setattr(oidc_client, "transport", fake)
    with override_settings(
        CORSIA_PORTAL_OIDC_ISSUER=fake.issuer,
        CORSIA_PORTAL_OIDC_CLIENT_ID=fake.client_id,
        CORSIA_PORTAL_OIDC_CLIENT_SECRET="s3cret",
    ):
        yield fake


def _through_provider(client: Client, provider: FakeProvider) -> str:
    """Start the sign-in, let the provider authenticate: the callback URL it answers."""
    start = client.get("/portale/accesso/spid-cie/?next=/portale/")
    assert start.status_code == 302
    return provider.authorise(start["Location"])


def test_authorisation_request_carries_pkce_state_nonce(provider: FakeProvider) -> None:
    start = Client().get("/portale/accesso/spid-cie/")
    url = urlsplit(start["Location"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://idp.example.org/authorize"
    assert query["response_type"] == "code"
    assert query["client_id"] == "corsia-portale"
    assert query["redirect_uri"] == CALLBACK
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 43 and len(query["nonce"]) >= 43
    assert query["scope"] == "openid profile"


def test_spid_sign_in_end_to_end(make_user: MakeUser, provider: FakeProvider) -> None:
    patient, account = patient_with_account(make_user)
    client = Client()
    callback = _through_provider(client, provider)
    answer = client.get(callback)
    assert answer.status_code == 302 and answer["Location"] == "/portale/"
    assert client.session[SESSION_KEY] == account.pk
    # the code was exchanged with the verifier and the client's id
    assert provider.posted[0]["grant_type"] == "authorization_code"
    assert provider.posted[0]["redirect_uri"] == CALLBACK
    assert (
        PortalActivity.objects.filter(patient_id=patient.pk, action="sign_in").get().detail
        == "SPID/CIE"
    )


def test_cie_claim_configured(make_user: MakeUser, provider: FakeProvider) -> None:
    _, account = patient_with_account(make_user)
    claim = "https://attributes.eid.gov.it/fiscal_number"
    provider.claims = {claim: CF}
    client = Client()
    with override_settings(CORSIA_PORTAL_OIDC_FISCAL_CODE_CLAIM=claim):
        client.get(_through_provider(client, provider))
    assert client.session[SESSION_KEY] == account.pk


def _refused(client: Client, callback: str) -> None:
    answer = client.get(callback, follow=True)
    assert SESSION_KEY not in client.session
    assert (
        "Riprova dall&#x27;inizio" in answer.content.decode()
        or "non risulta" in answer.content.decode()
    )


def test_token_signed_by_another_key_refused(make_user: MakeUser, provider: FakeProvider) -> None:
    patient_with_account(make_user)
    provider.sign_with = jwk.JWK.generate(kty="RSA", size=2048, kid="k1")
    client = Client()
    _refused(client, _through_provider(client, provider))


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://evil.example.org"},
        {"aud": "another-client"},
        {"nonce": "replayed"},
        {"exp": 1_000_000},
        {"fiscalNumber": "TINIT-BNCNNA70D42H501A"},  # a patient with no portal account
        {"fiscalNumber": None},
    ],
)
def test_bad_id_token_refused(
    make_user: MakeUser, provider: FakeProvider, claims: dict[str, object]
) -> None:
    patient_with_account(make_user)
    client = Client()
    callback = _through_provider(client, provider)
    provider.claims = {"fiscalNumber": f"TINIT-{CF}", **claims}
    if "nonce" in claims:
        provider.nonce = "replayed"
    _refused(client, callback)


def test_state_mismatch_and_replay_refused(make_user: MakeUser, provider: FakeProvider) -> None:
    patient_with_account(make_user)
    client = Client()
    callback = _through_provider(client, provider)
    _refused(client, callback.replace("state=", "state=x"))
    # the pending sign-in is spent: the genuine callback now fails too
    _refused(client, callback)
    assert provider.posted == []


def test_provider_down_is_an_italian_message(make_user: MakeUser, provider: FakeProvider) -> None:
    patient_with_account(make_user)
    with override_settings(CORSIA_PORTAL_OIDC_ISSUER="https://down.example.org"):
        answer = Client().get("/portale/accesso/spid-cie/", follow=True)
    assert "Riprova dall&#x27;inizio" in answer.content.decode()


def test_no_provider_configured_offers_only_the_code() -> None:
    page = Client().get("/portale/accesso/")
    assert "Entra con SPID o CIE" not in page.content.decode()
    assert Client().get("/portale/accesso/spid-cie/")["Location"] == "/portale/accesso/"
