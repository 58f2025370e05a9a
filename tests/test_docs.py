"""Docs as tests: the README's commands, every setting, and CI running what the README says."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from aitower.core.settings import Settings

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_shows_the_two_commands_and_ci_runs_them() -> None:
    assert "make run" in README
    assert "make test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, re.MULTILINE), ".ci/run must call the README's make test"
    assert "AITOWER_REQUIRE_POSTGRES=1" in ci
    assert "AITOWER_REQUIRE_BROWSER=1" in ci
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)


def test_every_setting_is_documented_in_the_readme() -> None:
    for name in Settings.model_fields:
        assert f"`AITOWER_{name.upper()}`" in README, f"README lacks AITOWER_{name.upper()}"


def test_docs_links_resolve() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def test_every_command_is_in_the_readme() -> None:
    from aitower.cli import build_app

    app = build_app()
    names = [g.name for g in app.registered_groups]
    names += [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
    for name in names:
        assert f"`aitower {name}" in README, f"README's command table lacks aitower {name}"


def test_the_lock_files_pin_every_dependency_with_hashes() -> None:
    """`make run` and `make test` install from the lock files: a dependency added to
    pyproject.toml without `make lock` would be missing from a clean install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {"run.lock": project["dependencies"]}
    wanted["dev.lock"] = project["dependencies"] + project["optional-dependencies"]["dev"]
    for lock, requirements in wanted.items():
        text = (ROOT / "requirements" / lock).read_text()
        pinned = {
            re.sub(r"[-_.]+", "-", m.group(1)).lower()
            for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+ \\$", text, re.MULTILINE)
        }
        for requirement in requirements:
            name = re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[;@ ]", requirement)[0]).lower()
            if name == project["name"]:
                continue  # an extra of aitower itself (installed from the tree, not the lock)
            assert name in pinned, f"requirements/{lock} lacks {name}: run `make lock`"
        hashed = re.findall(r"^\S+==\S+ \\\n\s+--hash=sha256:[0-9a-f]{64}", text, re.MULTILINE)
        assert len(hashed) == len(pinned), f"requirements/{lock} has pins without hashes"
