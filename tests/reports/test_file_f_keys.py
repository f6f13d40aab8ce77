"""The keys the File F reads by ids from the modules that own them (issue 23): patients'
fiscal codes (else the STP/ENI code), products' code and ATC, packs' AIC — one query each."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corsia.drugs import selectors as drugs
from corsia.drugs.models import Pack
from corsia.patients import selectors as patients
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.dispensing import desk_ready

pytestmark = pytest.mark.django_db


def test_fiscal_codes_fall_back_on_the_stp_code(make_user: MakeUser) -> None:
    italian = desk_ready(make_user).patient
    foreigner = Patient.objects.create(
        mrn="DD0004", stp_eni_code="STP0300000012345", surname="Neri", given_names="Ugo",
        sex="M", date_of_birth=date(1950, 1, 1),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        codes = patients.fiscal_codes([italian.pk, foreigner.pk, italian.pk, 10**9])
    assert codes == {italian.pk: "RSSMRA85T10A562S", foreigner.pk: "STP0300000012345"}
    assert len(queries) == 1


def test_products_and_packs_by_id(make_user: MakeUser) -> None:
    desk = desk_ready(make_user)
    cape, lena = desk.capecitabine, desk.packs["lena"].product
    bare = Pack.objects.create(code="cape-500-bare", product=cape, units_per_pack=10)
    with CaptureQueriesContext(connection) as queries:
        products = drugs.product_codes_and_atc([cape.pk, lena.pk, 10**9])
        of_cape = drugs.pack_aics(product_ids=[cape.pk])
        by_pack = drugs.pack_aics(pack_ids=[desk.packs["lena"].pk])
    assert products == {
        cape.pk: ("cape_500_test", "L01BC06"),
        lena.pk: ("lena_25_test", "L04AX04"),
    }
    assert of_cape == [
        (desk.packs["cape"].pk, cape.pk, "990000010"),
        (bare.pk, cape.pk, ""),
    ]
    assert by_pack == [(desk.packs["lena"].pk, lena.pk, "990000034")]
    assert len(queries) == 3
    assert drugs.pack_aics() == []  # nothing asked, nothing read
