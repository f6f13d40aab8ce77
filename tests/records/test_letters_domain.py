"""The letter's pure assembly: therapies with the amounts given at the bedside, the
newest rows kept when a section is long, free text printed whole (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from corsia.records.domain import letter_facts as lf
from corsia.records.domain import letters as rules
from corsia.records.domain.letter_sections import TABLE_LIMIT, assemble

START = datetime(2026, 11, 28, 9, tzinfo=UTC)


def _facts(**changes: object) -> lf.ChartFacts:
    values: dict[str, object] = {
        "patient": lf.PatientFacts(1, "Bianchi", "Anna", "F", date(1970, 4, 2), "42", ""),
        "encounter": None,
        "period_start": START,
        "period_end": START + timedelta(days=2),
        **changes,
    }
    return lf.ChartFacts(**values)  # type: ignore[arg-type]  # the test's own keywords


def _line(item_id: int, given: str | None, finished: bool) -> lf.TherapyLine:
    return lf.TherapyLine(
        item_id=item_id,
        ingredient="oxaliplatino",
        ingredient_code="oxaliplatin",
        dose=Decimal("153.0000"),
        unit="mg",
        route="EV",
        scheduled_on=date(2026, 11, 28),
        given=None if given is None else Decimal(given),
        given_finished=finished,
    )


def test_therapy_lines_show_what_was_given_at_the_bedside() -> None:
    therapy = lf.TherapyFacts(
        order_id=7,
        regimen="FOLFOX-4",
        cycle=3,
        start_date=date(2026, 11, 28),
        state_label="Somministrata",
        lines=(_line(1, "153", True), _line(2, "91.8", False), _line(3, None, False)),
    )
    (section,) = assemble(["therapies"], _facts(therapies=(therapy,)))
    # 150 of 250 mL of a 153 mg bag = 91.8 mg, still running; a line never started
    assert [i["cells"][4] for i in section["items"]] == [
        "153 mg",
        "91,8 mg (in corso)",
        "non registrata",
    ]
    assert section["items"][0]["cells"][:4] == [
        "FOLFOX-4, ciclo 3",
        "28/11/2026",
        "oxaliplatino",
        "153 mg EV",
    ]
    assert section["items"][1]["values"]["given"] == "91.8"
    assert section["items"][0]["source"] == "prescribing.order_item:1"
    assert section["loinc"] == "10160-0"


def test_a_reader_without_the_orders_gets_the_section_named_not_empty() -> None:
    (section,) = assemble(["therapies"], _facts(therapies=None))
    assert section["items"] == []
    assert section["empty"] == "Terapie non visibili con il ruolo di chi ha preparato la bozza."


def test_a_long_section_keeps_the_newest_rows_and_says_how_many_were_left_out() -> None:
    labs = tuple(
        lf.LabFacts(n, START + timedelta(minutes=n), "Hb", Decimal(12), "g/dL", None, None, "")
        for n in range(TABLE_LIMIT + 5)
    )
    (section,) = assemble(["labs"], _facts(labs=labs))
    assert (len(section["items"]), section["truncated"]) == (TABLE_LIMIT, 5)
    assert section["items"][0]["source"] == "records.lab_result:5"
    content = rules.content(
        rules.LetterKind.DIARY, _facts(labs=labs), {"summary": ""}, assembled_at=START
    )
    printed = rules.printable(rules.LetterKind.DIARY, content)
    lab_print = next(s for s in printed["sections"] if s["heading"] == "Esami di laboratorio")
    assert lab_print["rows"] == [["Nota", "5 voci meno recenti non riportate."]]


@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=6000))
def test_free_text_is_printed_whole_in_short_paragraphs(text: str) -> None:
    chunks = rules.print_paragraphs(text)
    assert all(0 < len(c) <= rules.PRINT_CHUNK for c in chunks)
    # no character lost (a word longer than a paragraph is cut, never dropped)
    assert "".join("".join(chunks).split()) == "".join(text.split())
