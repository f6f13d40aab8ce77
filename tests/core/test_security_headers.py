"""Regression tests: browser and transport hardening (issue 26) — CSP on pages, nothing of
a patient cached, the API documentation for signed-in users only, production settings
secure by default."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory

from corsia.accounts.domain.roles import Role
from corsia.accounts.services import token_issue
from corsia.core.middleware import SecurityHeadersMiddleware
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.patients import patient_registered

ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_a_content_security_policy_without_inline_scripts(
    make_user: MakeUser,
) -> None:
    client = logged_in(make_user(Role.COORDINATOR))
    response = client.get("/patients/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "<script>" not in response.content.decode()  # every script is a file


INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_inline_event_handler_in_templates_nor_hash_in_the_policy() -> None:
    # behaviour is carried by data- attributes and static/corsia/behaviours.js
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("corsia/*/templates/**/*.html")]
    assert templates
    with_handlers = [
        str(path.relative_to(ROOT))
        for path in templates
        if INLINE_HANDLER.search(path.read_text(encoding="utf-8"))
    ]
    assert with_handlers == []
    script_src = next(
        d for d in settings.CORSIA_CONTENT_SECURITY_POLICY.split("; ") if d.startswith("script-src")
    )
    assert script_src == "script-src 'self'"


STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)


def test_no_style_attribute_in_page_templates_and_the_policy_refuses_them() -> None:
    # widths and states are classes in static/corsia/corsia.css; the print templates
    # (labels, documents) are rendered to PDF by WeasyPrint, never served as a page
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("corsia/*/templates/**/*.html")]
    pages = [
        path for path in templates if "print" not in path.parts and "defaults" not in path.parts
    ]
    assert len(pages) > 50
    with_style = [
        str(path.relative_to(ROOT))
        for path in pages
        if STYLE_ATTRIBUTE.search(path.read_text(encoding="utf-8"))
    ]
    assert with_style == []
    directives = settings.CORSIA_CONTENT_SECURITY_POLICY.split("; ")
    # nothing but the empty attribute (the SHA-256 of "", which htmx copies when swapping)
    empty = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    assert f"style-src-attr 'unsafe-hashes' {empty}" in directives


def test_patient_pages_pdfs_and_api_answers_are_not_cached(make_user: MakeUser) -> None:
    coordinator = make_user(Role.COORDINATOR)
    patient = patient_registered(coordinator)
    client = logged_in(coordinator)
    key, _ = token_issue(user=coordinator)
    answers = [
        client.get(f"/patients/{patient.pk}/"),
        client.get(f"/patients/{patient.pk}/wristband.pdf"),
        Client(headers={"Authorization": f"Bearer {key}"}).get(f"/api/v1/patients/{patient.pk}"),
        Client().get("/api/v1/patients/wards"),  # an error answer too
    ]
    for response in answers:
        assert "no-store" in response["Cache-Control"], response
        assert "private" in response["Cache-Control"], response


def test_static_files_keep_their_own_caching() -> None:
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse("x"))
    response = middleware(RequestFactory().get("/static/corsia/corsia.css"))
    assert not response.has_header("Cache-Control")


@pytest.mark.django_db
def test_api_docs_and_openapi_need_authentication(make_user: MakeUser) -> None:
    anonymous = Client()
    schema = anonymous.get("/api/v1/openapi.json")
    assert schema.status_code == 401
    assert schema["Content-Type"] == "application/problem+json"
    docs = anonymous.get("/api/v1/docs")
    assert (docs.status_code, docs["Location"]) == (302, "/login/?next=/api/v1/docs")
    bogus = Client(headers={"Authorization": "Bearer x"}).get("/api/v1/openapi.json")
    assert bogus.status_code == 401
    key, _ = token_issue(user=make_user(Role.PHARMACIST))
    with_token = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/openapi.json")
    assert with_token.status_code == 200
    signed_in = Client()
    signed_in.force_login(make_user(Role.NURSE))
    page = signed_in.get("/api/v1/docs")
    assert page.status_code == 200
    assert "cdn." not in page.content.decode()  # Swagger UI from our static files


def test_production_settings_are_secure_by_default_and_pass_check_deploy() -> None:
    # given the production environment the docs describe (no debug, demo or test mode)
    env = {
        key: value
        for key, value in os.environ.items()
        # (browser tests of the same worker set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright)
        if key not in {"CORSIA_TESTING", "CORSIA_DEMO", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith(("CORSIA_SECURE", "CORSIA_SSL", "CORSIA_HSTS"))
    }
    env |= {
        "DJANGO_SECRET_KEY": "k7#Qv9!zL2@xR5$wT8^mN3&pB6*cF1(hJ4)dG0_sA" * 2,
        "CORSIA_AUDIT_KEY": "t4!Wm8#Rq2@Zx6$Kp9^Nv3&Lc7*Hb1(Fd5)Gs0_Ja" * 2,
        "DJANGO_ALLOWED_HOSTS": "corsia.ospedale.example",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # the two domain-wide HSTS choices README.md's production settings make
        "CORSIA_HSTS_INCLUDE_SUBDOMAINS": "1",
        "CORSIA_HSTS_PRELOAD": "1",
        # the owner's role for migrate (docs/configuration.md, "Database roles")
        "DATABASE_OWNER_URL": os.environ["DATABASE_URL"],
    }
    # when Django's deployment checks run
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then nothing is reported
    assert result.returncode == 0, result.stdout + result.stderr
