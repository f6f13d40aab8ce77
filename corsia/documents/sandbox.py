"""The sandbox of user-written print templates.

Template text comes from the hospital's IT staff (and pharmacists), so it is compiled by
an engine with no loaders and only the ``i18n``/``l10n`` tag libraries, then the compiled
tree is checked before it is saved or rendered:

- only the tags and filters listed below (no ``{% include %}``/``{% extends %}``, no
  ``{% debug %}``, no ``{% url %}``/``{% csrf_token %}``, no filter that builds large text
  from a number such as ``rjust`` or ``stringformat``);
- no attribute whose name starts with an underscore (refused by the parser);
- at most ``MAX_DEPTH`` nested tags and ``MAX_BODY`` characters of source;
- every variable is a declared field of the template code's schema (``schemas.py``);
- rendering stops after ``MAX_ITERATIONS`` loop iterations or ``MAX_SECONDS`` seconds,
  and its output is refused beyond ``MAX_OUTPUT`` characters.

The data a template receives is plain text, numbers, booleans, lists and dicts (the
document context), so there is no method with a side effect to call. Every refusal is a
``ValidationFailed`` with an Italian message naming the problem: never a 500.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, NodeList, Template, TokenType, Variable
from django.template.defaulttags import ForNode, IfNode, WithNode
from django.templatetags.i18n import BlockTranslateNode

from corsia.core.domain.errors import ValidationFailed
from corsia.documents.domain.fields import FREE, TemplateSchema, refuse_unknown, resolve_reference

MAX_BODY = 200_000
MAX_DEPTH = 20
MAX_ITERATIONS = 50_000
MAX_SECONDS = 3.0
MAX_OUTPUT = 2_000_000

ENGINE = Engine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={"i18n": "django.templatetags.i18n", "l10n": "django.templatetags.l10n"},
    autoescape=True,
    debug=False,
    string_if_invalid="",
)

ALLOWED_NODES = frozenset(
    {
        "TextNode",
        "VariableNode",
        "ForNode",
        "IfNode",
        "IfChangedNode",
        "WithNode",
        "CommentNode",
        "LoadNode",
        "FirstOfNode",
        "CycleNode",
        "ResetCycleNode",
        "SpacelessNode",
        "FilterNode",
        "NowNode",
        "TemplateTagNode",
        "VerbatimNode",
        "TranslateNode",
        "BlockTranslateNode",
        "LocalizeNode",
        "LanguageNode",
        "GetCurrentLanguageNode",
    }
)
TAG_NAMES = {
    "IncludeNode": "include",
    "ExtendsNode": "extends",
    "BlockNode": "block",
    "DebugNode": "debug",
    "URLNode": "url",
    "CsrfTokenNode": "csrf_token",
    "LoremNode": "lorem",
    "WidthRatioNode": "widthratio",
    "RegroupNode": "regroup",
    "AutoEscapeControlNode": "autoescape",
}
ALLOWED_FILTERS = frozenset(
    {
        "capfirst",
        "cut",
        "date",
        "default",
        "default_if_none",
        "divisibleby",
        "escape",
        "first",
        "force_escape",
        "join",
        "last",
        "length",
        "linebreaks",
        "linebreaksbr",
        "localize",
        "lower",
        "pluralize",
        "slice",
        "striptags",
        "time",
        "title",
        "truncatechars",
        "truncatewords",
        "unlocalize",
        "upper",
        "wordcount",
        "yesno",
    }
)


def _refuse(message: str, code: str = "template_refused") -> ValidationFailed:
    return ValidationFailed(message, code=code, field="body")


@dataclass
class _Walk:
    references: list[tuple[str, ...]] = field(default_factory=list)
    scoped: list[tuple[tuple[str, ...], dict[str, str]]] = field(default_factory=list)


class _LoopGuard(Node):
    """First node of every loop body: counts iterations and watches the clock."""

    def render(self, context: Context) -> str:
        budget = getattr(context, "corsia_budget", None)
        if budget is not None:
            budget.tick()
        return ""


@dataclass
class _Budget:
    deadline: float
    iterations: int = 0

    def tick(self) -> None:
        self.iterations += 1
        if self.iterations > MAX_ITERATIONS:
            raise _refuse(
                f"Il modello ripete un ciclo troppe volte (oltre {MAX_ITERATIONS} ripetizioni): "
                "composizione interrotta.",
                "template_too_costly",
            )
        if time.monotonic() > self.deadline:
            raise _refuse(
                f"La composizione del modello supera {MAX_SECONDS:g} secondi: interrotta.",
                "template_too_costly",
            )


def _expressions(value: Any, depth: int = 0) -> Iterator[FilterExpression]:
    """The filter expressions inside a node's attribute (if-conditions included)."""
    if depth > 50 or isinstance(value, NodeList | Node | str):
        return
    if isinstance(value, FilterExpression):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _expressions(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _expressions(item, depth + 1)
    elif hasattr(value, "first") or hasattr(value, "value"):  # smartif operators and literals
        for name in ("first", "second", "value"):
            yield from _expressions(getattr(value, name, None), depth + 1)


def _check_expression(expression: FilterExpression, scope: dict[str, str], walk: _Walk) -> None:
    for func, args in expression.filters:
        name = getattr(func, "_filter_name", getattr(func, "__name__", "?"))
        if name not in ALLOWED_FILTERS:
            raise _refuse(
                f"Il filtro «{name}» non è ammesso nei modelli di stampa. Filtri ammessi: "
                f"{', '.join(sorted(ALLOWED_FILTERS))}."
            )
        for is_variable, argument in args:
            if is_variable and isinstance(argument, Variable) and argument.lookups:
                walk.scoped.append((tuple(argument.lookups), dict(scope)))
    var = expression.var
    if isinstance(var, Variable) and var.lookups:
        walk.scoped.append((tuple(var.lookups), dict(scope)))


def _visit(nodes: NodeList, scope: dict[str, str], depth: int, walk: _Walk) -> None:
    if depth > MAX_DEPTH:
        raise _refuse(f"Il modello annida troppi tag (oltre {MAX_DEPTH} livelli).")
    for node in nodes:
        kind = type(node).__name__
        if kind not in ALLOWED_NODES:
            tag = TAG_NAMES.get(kind, kind)
            raise _refuse(f"Il tag «{{% {tag} %}}» non è ammesso nei modelli di stampa.")
        inner = dict(scope)
        if isinstance(node, ForNode):
            loop: Any = node  # django-stubs types the loop's parts loosely
            _check_expression(loop.sequence, scope, walk)
            sequence = loop.sequence.var
            base = FREE
            if isinstance(sequence, Variable) and sequence.lookups:
                base = _scoped_path(sequence.lookups, scope)
                base = base if base == FREE else base + "[]"
            for loopvar in node.loopvars:
                inner[loopvar] = base if len(node.loopvars) == 1 else FREE
            inner["forloop"] = FREE
            _visit(loop.nodelist_loop, inner, depth + 1, walk)
            loop.nodelist_loop.insert(0, _LoopGuard())
            _visit(loop.nodelist_empty, scope, depth + 1, walk)
            continue
        if isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                for expression in _expressions(condition):
                    _check_expression(expression, scope, walk)
                _visit(nodelist, scope, depth + 1, walk)
            continue
        if isinstance(node, WithNode | BlockTranslateNode):
            for name, expression in node.extra_context.items():
                _check_expression(expression, scope, walk)
                var = expression.var
                if isinstance(var, Variable) and var.lookups:
                    inner[name] = _scoped_path(var.lookups, scope)
                else:
                    inner[name] = FREE
            if isinstance(node, BlockTranslateNode):
                if node.countervar and isinstance(node.counter, FilterExpression):
                    _check_expression(node.counter, scope, walk)
                    inner[node.countervar] = FREE
                for token in [*node.singular, *(node.plural or [])]:
                    if token.token_type == TokenType.VAR:
                        walk.scoped.append(((token.contents,), dict(inner)))
        elif kind == "FilterNode":  # {% filter upper %}: the filters, on the block's text
            _check_expression(_filters_only(getattr(node, "filter_expr", None)), scope, walk)
        else:
            for value in vars(node).values():
                for expression in _expressions(value):
                    _check_expression(expression, scope, walk)
        for name in ("asvar", "variable_name", "var_name"):
            bound = getattr(node, name, None)
            if isinstance(bound, str) and bound:
                scope[bound] = FREE
        for attribute in node.child_nodelists:
            child = getattr(node, attribute, None)
            if isinstance(child, NodeList):
                _visit(child, inner, depth + 1, walk)


def _filters_only(expression: Any) -> FilterExpression:
    """A ``{% filter %}`` tag's expression without its placeholder variable (``var``)."""
    if not isinstance(expression, FilterExpression):
        raise _refuse("Il tag «{% filter %}» non è valido.")
    copy = FilterExpression.__new__(FilterExpression)
    copy.token, copy.filters, copy.var = "", expression.filters, ""
    return copy


def _scoped_path(lookups: tuple[str, ...] | list[str], scope: dict[str, str]) -> str:
    head = lookups[0]
    base = scope.get(head, head)
    if base == FREE:
        return FREE
    path = base
    for part in lookups[1:]:
        path = f"{path}[]" if part.isdigit() else f"{path}.{part}"
    return path


def compile_checked(body: str, schema: TemplateSchema | None = None) -> Template:
    """The compiled, checked template; ``schema`` given, its variables are checked too."""
    if len(body) > MAX_BODY:
        raise _refuse(f"Il modello è troppo lungo (massimo {MAX_BODY} caratteri).")
    if "\x00" in body:
        raise _refuse("Il modello contiene un carattere nullo.")
    try:
        template = ENGINE.from_string(body)
    except TemplateSyntaxError as exc:
        if "is not a registered tag library" in str(exc):
            library = str(exc).split("'")[1] if "'" in str(exc) else "?"
            raise _refuse(
                f"La libreria di tag «{library}» non è ammessa nei modelli di stampa "
                "(solo i18n e l10n)."
            ) from exc
        raise _refuse(
            f"Il modello contiene un errore di sintassi: {exc}", "template_syntax_error"
        ) from exc
    except RecursionError as exc:
        raise _refuse(f"Il modello annida troppi tag (oltre {MAX_DEPTH} livelli).") from exc
    walk = _Walk()
    _visit(template.nodelist, {}, 0, walk)
    if schema is not None:
        known, containers = schema.paths(), schema.open_containers()
        unknown: list[str] = []
        for lookups, scope in walk.scoped:
            shown, declared = resolve_reference(
                lookups, scope=scope, known=known, open_containers=containers
            )
            if not declared and shown not in unknown:
                unknown.append(shown)
        refuse_unknown(schema.code, unknown, known)
    return template


def render_checked(template: Template, context: dict[str, Any]) -> str:
    """Render within the budget (iterations, time, output size)."""
    ctx = Context(context, autoescape=True)
    ctx.corsia_budget = _Budget(deadline=time.monotonic() + MAX_SECONDS)  # type: ignore[attr-defined]
    try:
        html = template.render(ctx)
    except ValidationFailed:
        raise
    except RecursionError as exc:
        raise _refuse("Il modello annida troppi tag.", "template_too_costly") from exc
    except (TemplateSyntaxError, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise _refuse(
            f"Il modello non può essere composto: {exc}", "template_syntax_error"
        ) from exc
    if len(html) > MAX_OUTPUT:
        raise _refuse(
            f"Il documento composto è troppo grande (oltre {MAX_OUTPUT} caratteri).",
            "template_too_costly",
        )
    return html
