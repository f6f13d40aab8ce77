"""Diagnosis: the primary site validated against the shipped ICD-9-CM catalogue (Italian
label shown), histotype, ICD-O-3, grade, stage, markers, metastases; the performance
status (ECOG, Karnofsky, Lansky under 16); the catalogue's loader; pages and API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.patients import services as patient_services
from corsia.patients.models import Patient
from corsia.records import selectors, services
from corsia.records.domain import diagnosis as rules
from corsia.records.models import Diagnosis, Icd9Code, PerformanceStatus
from corsia.testing.accounts import MakeUser
from corsia.testing.records import signed_in

pytestmark = pytest.mark.django_db
LAST_YEAR = date(2025, 11, 3)


@pytest.fixture
def icd9(icd9cm_reference: None) -> None:
    """The shipped catalogue (loaded once per run of tests asking for it)."""


def _lung(**changes: object) -> services.DiagnosisInput:
    values: dict[str, object] = {
        "primary_site_code": " 162.3 ",
        "diagnosed_on": LAST_YEAR,
        "histotype": "Adenocarcinoma",
        "morphology_icdo3": "8140/3",
        "grade": "g2",
        "stage": "IVA",
        "staging_system": "TNM 8ª ed.",
        "biomarkers": (
            services.Biomarker(
                marker="EGFR", result="mutato (delezione esone 19)", tested_on=LAST_YEAR
            ),
            services.Biomarker(marker="PD-L1", result="TPS 60%"),
        ),
        "metastases": ("encefalo", " ", "surrene sinistro"),
    }
    values.update(changes)
    return services.DiagnosisInput(**values)  # type: ignore[arg-type]  # test shorthand


def test_the_shipped_catalogue_loads_once_and_is_idempotent(icd9: None) -> None:
    assert Icd9Code.objects.count() == 20_695
    again = services.icd9cm_reference_load()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20_695)
    assert again.duplicates == ("43",)
    assert Icd9Code.objects.get(code="43").description_it.startswith("Incisione")
    assert Icd9Code.objects.get(code="174.9").description_it.startswith("Tumori maligni")


def test_loader_refuses_a_malformed_file_and_writes_nothing(db: None) -> None:
    with pytest.raises(ValueError, match="line 3"):
        services.icd9cm_reference_load(content="code,kind,description_it\n001,D,Colera\n002,X,?\n")
    assert Icd9Code.objects.count() == 0


def test_diagnosis_recorded_with_the_italian_label_and_shown_in_the_header(
    icd9: None, physician: User, patient: Patient
) -> None:
    recorded = services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk, data=_lung()
    )
    assert (recorded.primary_site.code, recorded.grade) == ("162.3", "G2")
    assert (
        recorded.primary_site.description_it
        == "Tumori maligni del lobo superiore, bronco o polmone"
    )
    assert recorded.biomarkers[0] == {
        "marker": "EGFR",
        "result": "mutato (delezione esone 19)",
        "tested_on": "2025-11-03",
    }
    assert recorded.metastases == ["encefalo", "surrene sinistro"]
    assert AuditEvent.objects.filter(event_type="records.diagnosis_recorded").count() == 1
    services.performance_status_record(
        actor=physician, workstation=None, patient_id=patient.pk, scale="ecog", value=1
    )
    header = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None).header
    assert header.diagnosis.startswith("162.3 Tumori maligni del lobo superiore")
    assert (header.stage, header.ecog) == ("IVA", 1)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"primary_site_code": "999.99"}, "icd9_unknown"),
        ({"primary_site_code": "00.01"}, "icd9_invalid"),  # a procedure's shape
        ({"primary_site_code": "88.38"}, "icd9_invalid"),
        ({"primary_site_code": "ABC"}, "icd9_invalid"),
        ({"primary_site_code": ""}, "required"),
        ({"morphology_icdo3": "8140-3"}, "icdo3_invalid"),
        ({"grade": "G7"}, "grade_invalid"),
        ({"diagnosed_on": None}, "required"),
        ({"diagnosed_on": timezone.localdate() + timedelta(days=2)}, "in_future"),
        ({"histotype": "a\x00b"}, "invalid_characters"),
        ({"metastases": tuple(f"sede {n}" for n in range(21))}, "too_many"),
    ],
)
def test_bad_diagnoses_refused_in_italian_nothing_saved(
    icd9: None, physician: User, patient: Patient, changes: dict[str, object], code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.diagnosis_record(
            actor=physician, workstation=None, patient_id=patient.pk, data=_lung(**changes)
        )
    assert refused.value.code == code
    assert Diagnosis.objects.count() == 0


def test_the_unknown_code_message_is_italian(icd9: None, physician: User, patient: Patient) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.diagnosis_record(
            actor=physician, workstation=None, patient_id=patient.pk,
            data=_lung(primary_site_code="239.99"),
        )  # fmt: skip
    assert refused.value.message == (
        "Il codice 239.99 non è nel catalogo ICD-9-CM delle diagnosi (versione 2007)."
    )


def test_update_checks_the_version(icd9: None, physician: User, patient: Patient) -> None:
    recorded = services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk, data=_lung()
    )
    updated = services.diagnosis_update(
        actor=physician, workstation=None, diagnosis_id=recorded.pk,
        data=_lung(stage="IVB"), expected_version=1,
    )  # fmt: skip
    assert (updated.stage, updated.version) == ("IVB", 2)
    with pytest.raises(StaleVersion):
        services.diagnosis_update(
            actor=physician, workstation=None, diagnosis_id=recorded.pk,
            data=_lung(stage="IIIA"), expected_version=1,
        )  # fmt: skip
    recorded.refresh_from_db()
    assert recorded.stage == "IVB"


def test_performance_status_scales(make_user: MakeUser, physician: User, patient: Patient) -> None:
    def record(who: Patient, scale: str, value: int) -> PerformanceStatus:
        return services.performance_status_record(
            actor=physician, workstation=None, patient_id=who.pk, scale=scale, value=value
        )

    assert record(patient, "karnofsky", 80).value == 80
    for scale, value, code in (
        ("ecog", 6, "performance_status_invalid"),
        ("karnofsky", 85, "performance_status_invalid"),
        ("karnofsky", 110, "performance_status_invalid"),
        ("lansky", 70, "lansky_adult"),
        ("whatever", 1, "scale_invalid"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            record(patient, scale, value)
        assert refused.value.code == code
    child = patient_services.patient_create(
        actor=make_user(Role.COORDINATOR),
        workstation=None,
        data=patient_services.PatientInput(
            surname="Verdi", given_names="Luca", sex="M",
            date_of_birth=timezone.localdate() - timedelta(days=365 * 8),
            stp_eni_code="STP0000000000001",
        ),
    )  # fmt: skip
    assert record(child, "lansky", 70).value == 70
    with pytest.raises(ValidationFailed) as adult_scale:
        record(child, "karnofsky", 70)
    assert adult_scale.value.code == "karnofsky_child"
    assert PerformanceStatus.objects.count() == 2


def test_only_physicians_record(
    icd9: None, nurse: User, pharmacist: User, patient: Patient
) -> None:
    for user in (nurse, pharmacist):
        with pytest.raises(PermissionRefused):
            services.diagnosis_record(
                actor=user, workstation=None, patient_id=patient.pk, data=_lung()
            )
    assert Diagnosis.objects.count() == 0


def test_icd9_codes_pure_shape() -> None:
    assert rules.icd9_code(" v10.3 ") == "V10.3"
    assert rules.icd9_code("E930.7") == "E930.7"
    with pytest.raises(ValidationFailed):
        rules.icd9_code("1745")


def test_page_records_a_diagnosis_and_refuses_an_unknown_code(
    icd9: None, physician: User, pharmacist: User, patient: Patient
) -> None:
    client = signed_in(physician)
    url = f"/records/patients/{patient.pk}/diagnosis/"
    search = client.get(f"{url}?q=mammella").content.decode()
    assert "174.9" in search
    data = {"primary_site_code": "174.9", "diagnosed_on": "2025-10-01", "histotype": "Carcinoma duttale",
            "grade": "G3", "marker_0": "HER2", "result_0": "3+", "tested_on_0": ""}  # fmt: skip
    for n in range(1, 4):
        data |= {f"marker_{n}": "", f"result_{n}": "", f"tested_on_{n}": ""}
    saved = client.post(url, data, follow=True)
    assert saved.status_code == 200
    html = saved.content.decode()
    assert "Tumori maligni della mammella" in html and "HER2: 3+" in html
    unknown = client.post(url, data | {"primary_site_code": "999.99"})
    assert unknown.status_code == 422
    assert "non è nel catalogo ICD-9-CM" in unknown.content.decode()
    assert Diagnosis.objects.count() == 1
    assert signed_in(pharmacist).post(url, data).status_code == 403
    ps = client.post(
        f"/records/patients/{patient.pk}/performance-status/",
        {"scale": "ecog", "value": "2", "assessed_on": ""},
        follow=True,
    )
    assert "ECOG <strong>2</strong>" in ps.content.decode()


def test_api_diagnosis_and_performance_status(
    icd9: None, physician: User, make_user: MakeUser, patient: Patient
) -> None:
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/diagnoses"
    body = {"primary_site_code": "153.3", "diagnosed_on": "2025-09-01", "stage": "IIIB",
            "biomarkers": [{"marker": "KRAS", "result": "G12C"}], "metastases": []}  # fmt: skip
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["primary_site_label"] == "Tumori maligni del sigma"
    unknown = client.post(
        url, body | {"primary_site_code": "999.99"}, content_type="application/json"
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "icd9_unknown")
    put = client.put(
        f"{url}/{created.json()['id']}",
        body | {"version": 1, "stage": "IVA"},
        content_type="application/json",
    )
    assert (put.status_code, put.json()["version"]) == (200, 2)
    stale = client.put(
        f"{url}/{created.json()['id']}", body | {"version": 1}, content_type="application/json"
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    ps = client.post(
        f"/api/v1/patients/{patient.pk}/performance-status",
        {"scale": "karnofsky", "value": 75},
        content_type="application/json",
    )
    assert (ps.status_code, ps.json()["code"]) == (422, "performance_status_invalid")
    codes = client.get("/api/v1/icd9cm?q=153.").json()
    assert codes[0]["code"] == "153.0"
    assert signed_in(make_user(Role.IT_STAFF)).get(url).status_code == 403
    assert [d["stage"] for d in signed_in(make_user(Role.PHARMACIST)).get(url).json()] == ["IVA"]


def test_page_edits_a_diagnosis_and_refuses_a_stale_form(
    icd9: None, physician: User, pharmacist: User, patient: Patient
) -> None:
    recorded = services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk, data=_lung()
    )
    client = signed_in(physician)
    url = f"/records/diagnosis/{recorded.pk}/edit/"
    form = client.get(url).content.decode()
    assert 'value="162.3"' in form and 'value="2025-11-03"' in form and 'value="EGFR"' in form
    data = {"version": "1", "primary_site_code": "162.3", "diagnosed_on": "2025-11-03",
            "histotype": "Adenocarcinoma", "grade": "G2", "stage": "IVB", "metastases": "encefalo"}  # fmt: skip
    for n in range(4):
        data |= {f"marker_{n}": "", f"result_{n}": "", f"tested_on_{n}": ""}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, data | {"stage": "IIIA"})
    assert stale.status_code == 409 and "ricarica la pagina" in stale.content.decode()
    unknown = client.post(url, data | {"version": "2", "primary_site_code": "999.99"})
    assert unknown.status_code == 422 and "non è nel catalogo" in unknown.content.decode()
    recorded.refresh_from_db()
    assert (recorded.stage, recorded.version, recorded.metastases) == ("IVB", 2, ["encefalo"])
    assert signed_in(pharmacist).get(url).status_code == 403


def test_api_changes_a_diagnosis_of_the_patient_whatever_its_age(
    icd9: None, physician: User, patient: Patient, make_user: MakeUser
) -> None:
    # given 52 diagnoses of the patient, the oldest past the newest 50 the list shows
    site = Icd9Code.objects.get(code="153.3")
    Diagnosis.objects.bulk_create(
        Diagnosis(patient=patient, primary_site=site, diagnosed_on=LAST_YEAR - timedelta(days=k),
                  recorded_by=physician)
        for k in range(52)
    )  # fmt: skip
    oldest = Diagnosis.objects.filter(patient=patient).order_by("diagnosed_on").first()
    assert oldest is not None
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/diagnoses"
    body = {"primary_site_code": "153.3", "diagnosed_on": "2024-01-01", "stage": "IIA",
            "biomarkers": [], "metastases": [], "version": oldest.version}  # fmt: skip
    # when it is changed through the API, then it is (before: 404, not among the newest 50)
    put = client.put(f"{url}/{oldest.pk}", body, content_type="application/json")
    assert put.status_code == 200, put.content[:300]
    oldest.refresh_from_db()
    assert oldest.stage == "IIA"
    # and another patient's diagnosis is not found under this patient, nothing changed
    other = patient_services.patient_create(
        actor=make_user(Role.COORDINATOR), workstation=None,
        data=patient_services.PatientInput(
            surname="Verdi", given_names="Anna", sex="F", date_of_birth=date(1960, 2, 2),
            stp_eni_code="STP0000000000002",
        ),
    )  # fmt: skip
    theirs = Diagnosis.objects.create(
        patient=other, primary_site=site, diagnosed_on=LAST_YEAR, recorded_by=physician
    )
    refused = client.put(
        f"{url}/{theirs.pk}", body | {"version": theirs.version}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["code"]) == (404, "diagnosis_not_found")
    theirs.refresh_from_db()
    assert theirs.stage == ""
