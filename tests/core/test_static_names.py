"""Every ``{% static '…' %}`` of the templates names a file.

collectstatic's manifest (production, `make run`) holds files only: a directory given to
``{% static %}`` (the fonts' folder once was) made every page a 500 outside the tests, which
serve static files through the finders and never noticed.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[2]
STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")


def test_every_static_tag_names_a_file() -> None:
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("corsia/*/templates/**/*.html")]
    named = {
        (template.relative_to(ROOT), name)
        for template in templates
        for name in STATIC_TAG.findall(template.read_text(encoding="utf-8"))
    }
    assert len(named) > 10
    not_files = [
        (str(template), name)
        for template, name in sorted(named)
        if not (found := finders.find(name)) or not Path(str(found)).is_file()
    ]
    assert not_files == []
