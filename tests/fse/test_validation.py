"""The offline validator against the gateway's own examples and broken copies of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from corsia.fse.domain.findings import Severity, Stage, split_rule
from corsia.fse.validation import validate_cda

EXAMPLES = Path(__file__).parent / "examples"
LDO = (EXAMPLES / "LDO.xml").read_bytes()
RSA = (EXAMPLES / "RSA.xml").read_bytes()
CF_ROOT = b'root="2.16.840.1.113883.2.9.4.3.2"'


@pytest.mark.parametrize(("xml", "kind"), [(LDO, "LDO"), (RSA, "RSA")])
def test_the_gateways_own_examples_pass(xml: bytes, kind: str) -> None:
    report = validate_cda(xml)
    assert report.document_type == kind
    assert report.errors == (), report.errors


def test_a_patient_without_codice_fiscale_fails_naming_the_rule() -> None:
    # The LDO rule ERRORE-10A wants the patient identified by CF (root ...4.3.2), STP/ENI or
    # the other national roots; every such id becomes an unknown root here.
    broken = LDO.replace(CF_ROOT, b'root="2.16.840.1.113883.2.9.4.3.999"')
    report = validate_cda(broken)
    assert not report.ok
    rules = {f.rule for f in report.errors}
    assert "ERRORE-10A" in rules
    assert all(f.stage is Stage.SCHEMATRON for f in report.errors)


def test_a_letter_with_the_wrong_document_code_is_checked_as_what_it_claims() -> None:
    # An LDO whose ClinicalDocument/code says RSA is validated with the RSA rules, which
    # refuse the LDO's template id (ERRORE-4) — never accepted silently.
    broken = LDO.replace(b'code="34105-7"', b'code="11488-4"', 1)
    report = validate_cda(broken)
    assert report.document_type == "RSA"
    assert "ERRORE-4" in {f.rule for f in report.errors}


def test_a_schema_violation_is_reported_with_its_line() -> None:
    broken = LDO.replace(b"<realmCode", b"<realmKode", 1).replace(b"realmCode/>", b"realmKode/>", 1)
    report = validate_cda(broken)
    xsd = [f for f in report.errors if f.stage is Stage.XSD]
    assert xsd and xsd[0].location.startswith("riga ")


@pytest.mark.parametrize(
    "xml",
    [
        b"",
        b"\x00",
        b"<ClinicalDocument xmlns='urn:hl7-org:v3'>\x00</ClinicalDocument>",
        b"<a/>",
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b"<ClinicalDocument xmlns='urn:hl7-org:v3'><unclosed></ClinicalDocument>",
        b"<ClinicalDocument xmlns='urn:hl7-org:v3'>1e308</ClinicalDocument>",
    ],
)
def test_what_is_not_a_cda_is_an_error_never_an_exception(xml: bytes) -> None:
    report = validate_cda(xml)
    assert not report.ok
    assert report.errors[0].message


def test_the_rule_prefix_gives_the_severity() -> None:
    assert split_rule("ERRORE-24| L'elemento  X\n DEVE") == (
        "ERRORE-24",
        Severity.ERROR,
        "L'elemento X DEVE",
    )
    assert split_rule("W003| attenzione")[:2] == ("W003", Severity.WARNING)
    assert split_rule("senza prefisso") == ("", Severity.ERROR, "senza prefisso")


def test_the_command_prints_the_rules_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "ldo.xml"
    good.write_bytes(LDO)
    call_command("fse_validate", str(good))
    assert "VALIDO — LDO, 0 errori" in capsys.readouterr().out
    bad = tmp_path / "bad.xml"
    bad.write_bytes(LDO.replace(CF_ROOT, b'root="1.2.3"'))
    with pytest.raises(CommandError) as refused:
        call_command("fse_validate", str(good), str(bad))
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert "ERRORE-10A" in out and "NON VALIDO" in out
    with pytest.raises(CommandError) as unreadable:
        call_command("fse_validate", str(tmp_path / "missing.xml"))
    assert unreadable.value.returncode == 2
