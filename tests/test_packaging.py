"""What `pip install` brings: the core without the web application, and every dependency of the core,
the [web] and the [test] extras pinned in requirements.lock at a version the project accepts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line):
            pins[canonicalize_name(m[1])] = m[2]
    return pins


def test_the_core_does_not_require_the_web_application():
    core = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    web = {canonicalize_name(Requirement(r).name) for r in PROJECT["optional-dependencies"]["web"]}
    assert {"django", "psycopg", "gunicorn"} <= web
    assert not core & web


def test_every_dependency_is_locked_at_an_accepted_version():
    pins = _locked()
    wanted = [
        *PROJECT["dependencies"],
        *PROJECT["optional-dependencies"]["web"],
        *PROJECT["optional-dependencies"]["test"],
    ]
    for text in wanted:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in requirements.lock: run make lock"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {req.name}=={pins[name]}, outside {req.specifier}: run make lock"
        )
