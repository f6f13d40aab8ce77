"""The test database snapshot (corsia/testing/dbtemplate.py): rebuild it, or check it.

Usage: python tools/test_schema.py          # migrate a scratch database from nothing and
                                            # write its dump to the snapshot (make test-schema)
       python tools/test_schema.py --check  # exit 1 when the snapshot is not the current
                                            # migrations' (make lint)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SCRATCH = "corsia_schema_build"


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from corsia.testing import dbtemplate

    key = dbtemplate.migration_key()
    where = dbtemplate.SNAPSHOT.relative_to(ROOT)
    if argv[1:] == ["--check"]:
        if dbtemplate.snapshot_key() == key:
            return 0
        sys.stderr.write(
            f"{where} is not the current migrations' ({key}): run `make test-schema` and "
            "commit it.\n"
        )
        return 1
    if argv[1:]:
        sys.stderr.write(__doc__ or "")
        return 2
    text = dbtemplate.build_fresh(SCRATCH, key)
    dbtemplate.drop(SCRATCH)
    dbtemplate.SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    dbtemplate.SNAPSHOT.write_text(text, encoding="utf-8")
    sys.stdout.write(f"{where}: key {key}, {len(text.splitlines())} lines\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
