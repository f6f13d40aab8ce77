"""The print templates' sandbox and declared fields (``sandbox.py``, ``schemas.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.documents.domain.fields import field_docs, missing_required
from corsia.documents.rendering import DEFAULTS_DIR
from corsia.documents.sandbox import MAX_DEPTH, MAX_ITERATIONS, compile_checked, render_checked
from corsia.documents.schemas import SCHEMAS

SHEET = SCHEMAS["therapy_sheet"]


def _render(body: str, context: dict[str, Any] | None = None) -> str:
    template = compile_checked(body, SHEET)
    return render_checked(template, dict(SHEET.sample if context is None else context))


def _refusal(body: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as error:
        _render(body)
    return error.value


def test_every_shipped_default_has_a_schema_and_passes_its_own_check() -> None:
    shipped = sorted(p.stem for p in DEFAULTS_DIR.glob("*.html"))
    assert shipped == sorted(SCHEMAS)
    for code, schema in SCHEMAS.items():
        template = compile_checked((DEFAULTS_DIR / f"{code}.html").read_text(), schema)
        html = render_checked(template, dict(schema.sample))

        def render(sample: Mapping[str, Any], template: Any = template) -> str:
            return render_checked(template, dict(sample))

        assert missing_required(schema, html, render) == [], code
        if schema.sample.get("patient"):  # a document about a patient names them
            assert "ESEMPIO Paziente" in html and schema.sample["patient"]["mrn"] in html, code


def test_every_declared_field_has_an_example_in_the_preview_data() -> None:
    for schema in SCHEMAS.values():
        docs = {d.path: d for d in field_docs(schema)}
        assert set(docs) == schema.paths()
        for doc in docs.values():
            assert doc.description and doc.type
        # hand-checked against _sample() in schemas.py
    examples = {d.path: d.example for d in field_docs(SHEET)}
    assert examples["patient.mrn"] == "10000042"
    assert examples["sections[].heading"] == "Parametri del paziente"
    assert examples["sections[].rows[].label"] == "Altezza"
    assert examples["sections"] == "2 elementi"
    # the first section has no table: the example is the second's
    assert examples["sections[].table.columns"] == "6 elementi"
    assert examples["signature.signed"] == "no"


def test_fields_render_where_the_template_puts_them() -> None:
    body = (
        "{{ patient.name }}|{{ patient.mrn }}|{{ patient.date_of_birth }}|"
        "{% for s in sections %}[{{ s.heading }}:{% for r in s.rows %}{{ r.label }}={{ r.value }};"
        "{% endfor %}{% if s.table %}{% for row in s.table.rows %}{{ row.1 }}/{% endfor %}"
        "{% endif %}]{% endfor %}|{{ document.kind }} v{{ document.version }}|"
        "{{ signature.signed|yesno:'firmato,non firmato' }}"
    )
    assert _render(body) == (
        "ESEMPIO Paziente|10000042|14/03/1958|"
        "[Parametri del paziente:Altezza=175 cm;Peso=70 kg;"
        "Superficie corporea (Mosteller)=1,84 m²;]"
        "[Farmaci:oxaliplatino/calcio folinato/]|therapy_sheet v1|non firmato"
    )


@pytest.mark.parametrize(
    ("body", "printed"),
    [
        ("{% filter upper %}{{ title }}{% endfilter %}", "FOGLIO DI TERAPIA — ANTEPRIMA"),
        ("{% firstof subtitle title %}", "FOLFOX-4, 1ª linea, ciclo 3, giorno 1"),
        ("{% for s in sections %}{% cycle 'a' 'b' %}{% endfor %}", "ab"),
        (
            "{% load i18n %}{% blocktranslate count n=sections|length %}{{ n }} sezione"
            "{% plural %}{{ n }} sezioni{% endblocktranslate %}",
            "2 sezioni",
        ),
        ("{% if sections|length > 1 and patient %}sì{% endif %}", "sì"),
        ("{{ notes|default:title|truncatechars:9 }}", "Anteprim…"),
    ],
)
def test_the_allowed_tags_and_filters_render(body: str, printed: str) -> None:
    assert _render(body) == printed


def test_text_from_the_data_is_escaped() -> None:
    context = {**SHEET.sample, "title": "<script>x</script>"}
    assert _render("{{ title }}", context) == "&lt;script&gt;x&lt;/script&gt;"


@pytest.mark.parametrize(
    ("body", "code", "names"),
    [
        ("{{ patient.__class__ }}", "template_syntax_error", "may not begin with underscores"),
        ("{{ title.__class__.__mro__ }}", "template_syntax_error", "underscores"),
        ("{% load os %}", "template_refused", "«os» non è ammessa"),
        ("{% include 'base.html' %}", "template_refused", "«{% include %}» non è ammesso"),
        ("{% extends 'base.html' %}", "template_refused", "«{% extends %}» non è ammesso"),
        ("{% debug %}", "template_refused", "«{% debug %}» non è ammesso"),
        ("{% url 'documents:index' %}", "template_refused", "«{% url %}» non è ammesso"),
        ("{% lorem 99999 w %}", "template_refused", "«{% lorem %}» non è ammesso"),
        ("{{ title|rjust:'999999999' }}", "template_refused", "filtro «rjust»"),
        ("{{ title|stringformat:'0999999999d' }}", "template_refused", "filtro «stringformat»"),
        ("{{ title|pprint }}", "template_refused", "filtro «pprint»"),
        ("{{ title|safe }}", "template_refused", "filtro «safe»"),
        (
            "{% autoescape off %}{{ title }}{% endautoescape %}",
            "template_refused",
            "«{% autoescape %}» non è ammesso",
        ),
        ("{% filter rjust:'99999999' %}x{% endfilter %}", "template_refused", "filtro «rjust»"),
        ("{{ title|default:secret }}", "template_unknown_field", "«secret»"),
        ("{% for %}", "template_syntax_error", "errore di sintassi"),
        ("{{ patient.nme }}", "template_unknown_field", "«patient.nme»"),
        ("{{ title.upper }}", "template_unknown_field", "«title.upper»"),
        (
            "{% for s in sections %}{{ s.headin }}{% endfor %}",
            "template_unknown_field",
            "«s.headin (sections[].headin)»",
        ),
        ("{% with p=patient %}{{ p.password }}{% endwith %}", "template_unknown_field", "password"),
        ("{% if request.user %}x{% endif %}", "template_unknown_field", "«request.user»"),
        ("{{ settings.SECRET_KEY }}", "template_unknown_field", "«settings.SECRET_KEY»"),
    ],
)
def test_a_malicious_or_wrong_template_is_refused_naming_the_problem(
    body: str, code: str, names: str
) -> None:
    refusal = _refusal(body)
    assert (refusal.code, refusal.field) == (code, "body")
    assert names in str(refusal)


def test_deep_nesting_is_refused_before_rendering() -> None:
    for depth in (MAX_DEPTH + 1, 3000):  # the second would overflow the parser's stack
        refusal = _refusal("{% if title %}" * depth + "x" + "{% endif %}" * depth)
        assert "annida troppi tag" in str(refusal)
    assert _render("{% if title %}" * MAX_DEPTH + "x" + "{% endif %}" * MAX_DEPTH) == "x"


def test_a_huge_loop_stops_at_the_iteration_budget() -> None:
    ten = "'" + "x" * 10 + "'"
    body = "".join(f"{{% for v{i} in {ten} %}}" for i in range(6)) + "." + "{% endfor %}" * 6
    refusal = _refusal(body)  # 10**6 iterations
    assert refusal.code == "template_too_costly"
    assert f"oltre {MAX_ITERATIONS} ripetizioni" in str(refusal)
    # a loop within the budget renders: 10 × 10 = 100 dots
    small = "".join(f"{{% for v{i} in {ten} %}}" for i in range(2)) + "." + "{% endfor %}" * 2
    assert _render(small) == "." * 100


def test_an_unknown_code_is_checked_by_the_sandbox_only() -> None:
    template = compile_checked("{{ anything.at.all }}")
    assert render_checked(template, {"anything": {"at": {"all": "ok"}}}) == "ok"
    with pytest.raises(ValidationFailed):
        compile_checked("{% include 'x' %}")
