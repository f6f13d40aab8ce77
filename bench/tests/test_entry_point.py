"""``python -m bench`` runs without DJANGO_SETTINGS_MODULE in the environment: its entry
point defaults it to ``config.settings``, as ``manage.py`` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# main() is stopped by argparse (an unknown scale) once it has set its defaults; then the
# audit key the generated history is sealed with is read from Django's settings, which
# raised ImproperlyConfigured when the variable was not set
PROBE = """
import os
from bench.__main__ import main
try:
    main(["--scale", "XXL"])
except SystemExit:
    pass
from corsia.audit.keys import audit_key
assert len(audit_key()) == 32
print(os.environ["DJANGO_SETTINGS_MODULE"])
"""


def test_bench_defaults_the_settings_module() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    probe = [sys.executable, "-c", PROBE]
    done = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.strip() == "config.settings"
