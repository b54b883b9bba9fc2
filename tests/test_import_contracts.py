"""The layers of the code, as the import contracts in .importlinter declare them (docs/architecture.md, "Direction of
dependencies"): apps depend downwards, core's parts have an order without cycles, feature apps never import each
other, core never imports accounts or a feature, and only URL configurations import views."""

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"


def contract(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    return parser[f"importlinter:contract:{name}"]


def layer_modules(section: configparser.SectionProxy) -> set[str]:
    names = set()
    for layer in section["layers"].split("\n"):
        for name in layer.replace("|", ":").split(":"):
            if name.strip():
                names.add(name.strip().strip("()"))
    return names


def test_the_code_keeps_the_import_contracts():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache", str(CONFIG)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_app_has_its_place_in_the_layers():
    """A new top-level app must be placed in the apps contract; otherwise no contract would check its imports.
    (Inside core the contract is exhaustive: import-linter itself fails for a module without a layer.)"""
    packages = {f"kommune.{path.parent.name}" for path in (ROOT / "kommune").glob("*/__init__.py")}
    placed = layer_modules(contract("apps"))
    assert packages - placed == set()
    assert contract("core")["exhaustive"] == "True"
