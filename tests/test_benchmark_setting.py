"""The benchmark's app and its floor page are tooling: a default install has neither; BENCHMARK=true adds both.

Settings are read once from the environment when Django starts, so each install is checked in a fresh process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, django
django.setup()
from django.apps import apps
from django.urls import Resolver404, resolve
try:
    route = resolve("/bench/floor/").view_name
except Resolver404:
    route = None
print(json.dumps({"installed": apps.is_installed("kommune.benchmark"), "route": route}))
"""


def started_with(**variables: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "BENCHMARK"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true", **variables)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_default_install_has_neither_the_benchmark_app_nor_its_floor_page():
    assert started_with() == {"installed": False, "route": None}
    assert started_with(BENCHMARK="false") == {"installed": False, "route": None}


def test_benchmark_true_installs_the_app_and_routes_the_floor_page():
    assert started_with(BENCHMARK="true") == {"installed": True, "route": "benchmark:floor"}
