"""requirements.lock (what `make install` installs, with hashes) pins exactly what pyproject.toml asks for."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    return {canonicalize_name(name): version
            for name, version in re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\]+)", text, flags=re.MULTILINE)}


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return [Requirement(line) for line in [*project["dependencies"], *extras["test"], *extras["lint"]]]


def test_every_declared_dependency_is_locked_at_its_pinned_version():
    locked = _locked()
    stale = [f"{req.name}: pyproject {req.specifier}, lock {locked.get(canonicalize_name(req.name), 'missing')}"
             for req in _declared()
             if canonicalize_name(req.name) not in locked
             or not req.specifier.contains(locked[canonicalize_name(req.name)])]
    assert not stale, "requirements.lock is out of date, run `make lock`: " + "; ".join(stale)


def test_every_locked_package_carries_a_hash():
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", (ROOT / "requirements.lock").read_text())
    unhashed = [block.split()[0] for block in blocks if "==" in block.split()[0] and "--hash=sha256:" not in block]
    assert not unhashed
