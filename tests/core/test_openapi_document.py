"""The OpenAPI document names the addresses the API answers at, whatever the prefix it is
asked with (issue 26: with ``/api/v1`` the compounding operations were named
``/api/v1compounding/…``, so schemathesis probed addresses that do not exist)."""

from __future__ import annotations

import re

import pytest
from django.urls import Resolver404, resolve

from config.api import api


@pytest.mark.parametrize("prefix", [None, "/api/v1", "/api/v1/"])
def test_every_path_of_the_document_is_an_address_of_the_api(prefix: str | None) -> None:
    document = api.get_openapi_schema(path_prefix=prefix)
    unresolved = []
    for path in document["paths"]:
        url = re.sub(r"\{[^}]+\}", "1", path)
        try:
            match = resolve(url)
        except Resolver404:
            unresolved.append(path)
            continue
        if match.namespace != api.urls_namespace:
            unresolved.append(path)
    assert len(document["paths"]) > 100
    assert unresolved == []
