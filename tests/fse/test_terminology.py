"""The terminology stage: the official examples' codes are all known (only the code systems
with no dictionary here are warned about); a broken ICD-9-CM code, a wrong LOINC, an
unknown version, a placeholder OID each fail naming code and code system."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from corsia.fse.domain.findings import Severity, Stage
from corsia.fse.domain.terminology import (
    RULE_BLOCKLIST,
    RULE_NO_DICTIONARY,
    RULE_UNKNOWN_CODE,
    RULE_VERSION,
    CodedValue,
    Dictionaries,
    Dictionary,
    check,
)
from corsia.fse.terminology import gateway_dictionaries
from corsia.fse.validation import validate_cda

EXAMPLES = Path(__file__).parent / "examples"
LDO = (EXAMPLES / "LDO.xml").read_bytes()
RSA = (EXAMPLES / "RSA.xml").read_bytes()


def _terminology(xml: bytes) -> list[tuple[Severity, str, str]]:
    return [
        (f.severity, f.rule, f.message)
        for f in validate_cda(xml).findings
        if f.stage is Stage.TERMINOLOGY
    ]


@pytest.mark.parametrize("xml", [LDO, RSA])
def test_the_official_examples_codes_are_known_and_missing_dictionaries_are_named(
    xml: bytes,
) -> None:
    found = _terminology(xml)
    assert [s for s, _, _ in found] == [Severity.WARNING] * len(found)
    assert {r for _, r, _ in found} == {RULE_NO_DICTIONARY}
    named = " ".join(m for _, _, m in found)
    # the gateway's AIC dictionary is not in the snapshot, nor SNOMED CT: said, not passed
    assert "2.16.840.1.113883.2.9.6.1.5 (AIC" in named
    assert "2.16.840.1.113883.6.96 (SNOMED CT)" in named


def test_a_broken_icd9cm_code_fails_naming_code_and_system() -> None:
    broken = LDO.replace(b'code="428.0"', b'code="428.77"', 1)
    errors = [f for f in validate_cda(broken).errors if f.stage is Stage.TERMINOLOGY]
    assert [f.rule for f in errors] == [RULE_UNKNOWN_CODE]
    assert "«428.77»" in errors[0].message
    assert "2.16.840.1.113883.6.103 (ICD-9-CM)" in errors[0].message
    assert errors[0].location.endswith("/entry/observation/value")


def test_a_wrong_loinc_fails_naming_code_and_system() -> None:
    # 24660-3 is the example's exam in "Esami eseguiti": no schematron rule binds it, only
    # the terminology check can catch a LOINC that does not exist
    broken = LDO.replace(b'code="24660-3"', b'code="24660-4"', 1)
    report = validate_cda(broken)
    assert [f.rule for f in report.errors] == [RULE_UNKNOWN_CODE]
    message = report.errors[0].message
    assert "«24660-4»" in message and "2.16.840.1.113883.6.1 (LOINC)" in message


def test_an_answer_is_checked_in_the_value_set_its_question_binds() -> None:
    # the clinical status (33999-4) answer is read in StatoClinicoProblema, as the gateway does
    broken = RSA.replace(b'code="LA18632-2"', b'code="LA18632-9"', 1)
    errors = [f for f in validate_cda(broken).errors if f.stage is Stage.TERMINOLOGY]
    assert "2.16.840.1.113883.2.9.77.22.11.7" in errors[0].message
    assert "«LA18632-9»" in errors[0].message


def test_an_unknown_version_and_a_placeholder_oid_are_refused() -> None:
    versioned = LDO.replace(
        b'codeSystem="2.16.840.1.113883.5.1" ',
        b'codeSystem="2.16.840.1.113883.5.1" codeSystemVersion="9.9" ',
        1,
    )
    assert RULE_VERSION in {f.rule for f in validate_cda(versioned).errors}
    placeholder = LDO.replace(
        b'codeSystem="2.16.840.1.113883.2.9.77.22.11.2"',
        b'codeSystem="2.16.840.1.113883.2.9.999"',
        1,
    )
    assert RULE_BLOCKLIST in {f.rule for f in validate_cda(placeholder).errors}


def test_the_rules_without_files() -> None:
    known = Dictionary(
        "1.2.3", "Prova", {"1.0": frozenset({"A"}), "2.0": frozenset({"A", "B"})}, newest="2.0"
    )
    open_list = Dictionary("1.2.4", "Aperto", {"": frozenset({"#WHITELIST#"})}, whitelisted=True)
    dictionaries = Dictionaries({"1.2.3": known, "1.2.4": open_list})

    def rules(*values: CodedValue) -> list[tuple[str, Severity]]:
        return [(f.rule, f.severity) for f in check(values, dictionaries)]

    assert rules(CodedValue("B", "1.2.3", "", "/a")) == []  # no version: the newest
    assert rules(CodedValue("B", "1.2.3", "1.0", "/a")) == [(RULE_UNKNOWN_CODE, Severity.ERROR)]
    assert rules(CodedValue("A", "1.2.3", "3.0", "/a")) == [(RULE_VERSION, Severity.ERROR)]
    assert rules(CodedValue("anything", "1.2.4", "", "/a")) == []  # whitelisted system
    assert rules(CodedValue("", "1.2.3", "", "/a")) == [(RULE_UNKNOWN_CODE, Severity.ERROR)]
    # one warning per system without a dictionary, however many codes
    assert rules(CodedValue("x", "9.8", "", "/a"), CodedValue("y", "9.8", "", "/b")) == [
        (RULE_NO_DICTIONARY, Severity.WARNING)
    ]
    assert rules(CodedValue("x", "1.999.2", "", "/a")) == [(RULE_BLOCKLIST, Severity.ERROR)]


def test_the_shipped_dictionaries() -> None:
    loaded = gateway_dictionaries().by_system
    # ICD-9-CM is the records module's file, read in place: diagnoses and procedures
    assert {"205.00", "99.25", "89.7", "89.01"} <= (
        loaded["2.16.840.1.113883.6.103"].codes("") or set()
    )
    # the full AIFA ATC, not only the antineoplastics
    assert {"L01BC01", "C08CA01", "A04AA01"} <= (
        loaded["2.16.840.1.113883.6.73"].codes("") or set()
    )
    loinc = loaded["2.16.840.1.113883.6.1"]
    assert loinc.subset and {"34105-7", "11488-4", "718-7", "30954-2"} <= (loinc.codes("") or set())
    assert "2.16.840.1.113883.2.9.6.1.5" not in loaded  # AIC: no dictionary in the snapshot


def test_the_command_names_the_terminology_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "ldo.xml"
    bad.write_bytes(LDO.replace(b'code="24660-3"', b'code="24660-4"', 1))
    with pytest.raises(CommandError) as refused:
        call_command("fse_validate", str(bad))
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert f"ERROR terminology {RULE_UNKNOWN_CODE}" in out and "«24660-4»" in out
    assert f"WARNING terminology {RULE_NO_DICTIONARY}" in out


@pytest.mark.parametrize(
    ("xml", "old", "new", "rule", "named"),
    [
        (LDO, b'code="300.01"', b'code="300.0X"', RULE_UNKNOWN_CODE, "«300.0X»"),
        (RSA, b'code="790.21"', b'code="790.2X"', RULE_UNKNOWN_CODE, "«790.2X»"),
        (LDO, b'code="8646-2"', b'code="8646-3"', "ERRORE-B18", "8646-2"),
        (RSA, b'code="2340-8"', b'code="2340-0"', RULE_UNKNOWN_CODE, "«2340-0»"),
        (
            RSA,
            b'root="2.16.840.1.113883.2.9.4.3.2" extension="GTWGWY82B42G920M"',
            b'root="1.2.3" extension="GTWGWY82B42G920M"',
            "ERRORE-10A",
            "recordTarget",
        ),
    ],
)
def test_each_official_example_broken_fails_naming_the_rule(
    xml: bytes, old: bytes, new: bytes, rule: str, named: str
) -> None:
    assert old in xml
    report = validate_cda(xml.replace(old, new, 1))
    failed = [f for f in report.errors if f.rule == rule]
    assert failed and named in failed[0].message, report.errors
