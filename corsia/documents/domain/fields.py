"""The data fields a print template may use, declared per template code.

Each template code has a *context schema*: the fields the code that prints it passes
(name as a dotted path, ``[]`` for the element of a list), their type, an Italian
description and an example, shown on the template editor and checked when a version is
saved: a template referring to a field the schema does not declare is refused with the
field named, so a typo cannot silently print an empty cell on a signed document.

The example of a field is read from the schema's sample context (the data of the
preview), so the documentation and the preview cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any

from corsia.core.domain.errors import ValidationFailed

TEXT, NUMBER, BOOLEAN, LIST, OBJECT = "testo", "numero", "sì/no", "lista", "oggetto"
TYPES = frozenset({TEXT, NUMBER, BOOLEAN, LIST, OBJECT})


@dataclass(frozen=True)
class TemplateField:
    path: str  # "patient.name", "sections[].rows[].label"
    type: str
    description: str


@dataclass(frozen=True)
class FieldDoc:
    path: str
    type: str
    description: str
    example: str
    required: bool = False  # a version that does not print it is refused (safety)


@dataclass(frozen=True)
class TemplateSchema:
    code: str
    title: str
    description: str
    fields: tuple[TemplateField, ...]
    sample: Mapping[str, Any]
    # False: the code's own plain context (labels), not the default layout's sections.
    layout: bool = True
    # Fields every version must print (safety: a label without the patient or the barcode
    # can kill); checked on the sample's rendering, so a field hidden by an ``{% if %}``
    # that never holds counts as missing.
    required: tuple[str, ...] = ()

    def paths(self) -> frozenset[str]:
        return frozenset(f.path for f in self.fields)

    def open_containers(self) -> frozenset[str]:
        """Lists and objects with no declared contents: what is inside them is free."""
        paths = self.paths()
        return frozenset(
            f.path
            for f in self.fields
            if f.type in (LIST, OBJECT)
            and not any(p.startswith(f.path + ".") or p.startswith(f.path + "[]") for p in paths)
        )


def fields_table(table: str) -> tuple[TemplateField, ...]:
    """Fields declared as a table, one a line: ``path | type | Italian description``
    (blank lines skipped). The form the IT staff read on the editor, kept in one place."""
    fields = []
    for line in table.strip().splitlines():
        if not line.strip():
            continue
        path, kind, description = (cell.strip() for cell in line.split("|", 2))
        if kind not in TYPES or not path or not description:
            raise ValueError(f"bad field declaration: {line!r}")
        fields.append(TemplateField(path, kind, description))
    return tuple(fields)


def _find(value: Any, parts: list[str]) -> Any:
    """The first value at ``parts`` (``[]`` tries each element of a list in turn)."""
    if not parts:
        return value
    part, rest = parts[0], parts[1:]
    if part == "[]":
        for item in value if isinstance(value, list | tuple) else ():
            found = _find(item, rest)
            if found is not None:
                return found
        return None
    if isinstance(value, Mapping) and value.get(part) is not None:
        return _find(value[part], rest)
    return None


def _example(sample: Any, path: str) -> str:
    value = sample_value(sample, path)
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return f"{len(value)} elementi"
    if isinstance(value, Mapping):
        return "…"
    if isinstance(value, bool):
        return "sì" if value else "no"
    return str(value)


def sample_value(sample: Mapping[str, Any], path: str) -> Any:
    """The sample's value at a declared ``path`` (None when it has none)."""
    return _find(sample, _parts(path))


def field_docs(schema: TemplateSchema) -> list[FieldDoc]:
    return [
        FieldDoc(
            f.path,
            f.type,
            f.description,
            _example(schema.sample, f.path),
            required=f.path in schema.required,
        )
        for f in schema.fields
    ]


# --- checking a template's references ------------------------------------------------------------

FREE = "*"  # a name bound by the template itself whose contents are not declared (forloop)


def resolve_reference(
    lookups: Iterable[str],
    *,
    scope: Mapping[str, str],
    known: frozenset[str],
    open_containers: frozenset[str] = frozenset(),
) -> tuple[str, bool]:
    """The schema path of a variable reference and whether the schema declares it.

    ``scope`` maps names bound inside the template (``{% for row in section.rows %}``)
    to the schema path they stand for (``sections[].rows[]``) or ``FREE``. A numeric
    lookup (``row.0``) is an element of a list. A path is known when declared, or when
    it is the parent of a declared path (``patient`` when ``patient.name`` is declared),
    or inside a declared list or object whose contents are not declared (``open_containers``).
    """
    parts = list(lookups)
    head, rest = parts[0], parts[1:]
    if head in scope:
        base = scope[head]
        if base == FREE:
            return head, True
    else:
        base = head
    path = base
    for part in rest:
        path = f"{path}[]" if part.isdigit() else f"{path}.{part}"
    declared = (
        path in known
        or any(k.startswith(path + ".") or k.startswith(path + "[]") for k in known)
        or any(path.startswith(c + ".") or path.startswith(c + "[]") for c in open_containers)
    )
    written = ".".join(parts)
    return (written if written == path else f"{written} ({path})"), declared


def refuse_unknown(code: str, unknown: list[str], known: frozenset[str]) -> None:
    if not unknown:
        return
    names = ", ".join(f"«{u}»" for u in unknown)
    raise ValidationFailed(
        f"Il modello usa campi che il modello «{code}» non prevede: {names}. "
        "Usa solo i campi elencati nella tabella «Campi disponibili».",
        code="template_unknown_field",
        field="body",
        details={"unknown_fields": unknown},
    )


# A required field is looked for by printing the sample again with this marker in its
# place (digits: ``upper``, ``lower`` and escaping leave it as it is), so that a value that
# happens to be elsewhere on the page (the sex "F" in "FATALE", the MRN inside the
# barcode's value) is not taken for the field.
MARKER = "7319046285"

Render = Callable[[Mapping[str, Any]], str]


def _replaced(value: Any, parts: list[str], new: str) -> Any:
    """A copy of ``value`` with what is at ``parts`` (every element of a ``[]``, every
    item of a list of texts) replaced by ``new``."""
    if not parts:
        return [new for _ in value] if isinstance(value, list | tuple) else new
    part, rest = parts[0], parts[1:]
    if part == "[]":
        return (
            [_replaced(v, rest, new) for v in value] if isinstance(value, list | tuple) else value
        )
    if isinstance(value, Mapping) and part in value:
        return {**value, part: _replaced(value[part], rest, new)}
    return value


def _parts(path: str) -> list[str]:
    return [p for p in path.replace("[]", ".[]").split(".") if p]


def _body(html: str) -> str:
    """What the page shows: from ``<body`` on (the ``<title>`` is not printed)."""
    start = html.casefold().find("<body")
    return html[start:] if start >= 0 else html


def _shown(text: str, rendered: str) -> bool:
    """``text`` in the page, as it is or HTML-escaped, in any case (``|upper``)."""
    page = _body(rendered).casefold()
    return text.casefold() in page or html_escape(text).casefold() in page


def missing_required(
    schema: TemplateSchema, rendered: str, render: Render | None = None
) -> list[str]:
    """The required fields the template does not print.

    With ``render`` (the template applied to a context), each field is checked by
    rendering the sample again with ``MARKER`` in its place (in every element of a list)
    and looking for the marker in the body of the page: a field inside an ``{% if %}``
    that never holds, or only in the ``<title>``, is missing. Without it, the sample's
    own value is looked for in the body of ``rendered`` (as it is or HTML-escaped, in any
    case). A required field with no text in the sample is reported: a schema error.
    """
    missing = []
    for path in schema.required:
        value = sample_value(schema.sample, path)
        if value is None or isinstance(value, bool) or value == "":
            missing.append(path)  # a schema error: a required field needs a sample
            continue
        if render is not None:
            if MARKER not in _body(render(_replaced(schema.sample, _parts(path), MARKER))):
                missing.append(path)
            continue
        texts = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        if not texts or not all(_shown(t, rendered) for t in texts):
            missing.append(path)  # a list: every element must be printed
    return missing


def refuse_missing_required(
    schema: TemplateSchema, rendered: str, render: Render | None = None
) -> None:
    missing = missing_required(schema, rendered, render)
    if not missing:
        return
    described = {f.path: f.description for f in schema.fields}
    names = "; ".join(f"«{m}» ({described.get(m, m)})" for m in missing)
    raise ValidationFailed(
        f"Il modello «{schema.code}» deve stampare i campi obbligatori per la sicurezza: "
        f"{names}. Una stampa senza di essi può causare un errore grave sul paziente: "
        "il modello non è stato salvato.",
        code="template_required_field_missing",
        field="body",
        details={"missing_fields": missing},
    )
