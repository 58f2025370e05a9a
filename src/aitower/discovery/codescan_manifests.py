"""AI SDKs declared in dependency manifests, each with the line that declares it.

Python: ``requirements*.txt`` (and ``*.txt`` under a ``requirements/`` folder), ``pyproject.toml``
(PEP 621 ``[project]`` dependencies and optional dependencies, PEP 735 dependency groups,
Poetry), ``Pipfile``, ``setup.cfg``; JavaScript: ``package.json``; Java: ``pom.xml``,
``build.gradle(.kts)``; Go: ``go.mod``. Lock files are not read: they list every transitive
package, and a project's intent is what it declares.

TOML and JSON are parsed with the standard library (so a dependency is what the format says
it is), then the line of each name is found in the text; a file that does not parse is read
line by line instead, as a person would.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from aitower.discovery.codescan_catalog import Ecosystem
from aitower.discovery.codescan_hits import CodeHit, HitKind, normalise_pypi, sdk_for_package
from aitower.discovery.codescan_text import Lines

_REQUIREMENT = re.compile(r"^[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)", re.MULTILINE)


def manifest_kind(name: str, parent: str) -> str | None:
    """Which manifest reader a file name calls for (``parent`` is its folder's name)."""
    if name in _READERS:
        return name
    if name.endswith(".txt") and (name.startswith("requirements") or parent == "requirements"):
        return "requirements.txt"
    if name == "build.gradle.kts":
        return "build.gradle"
    return None


def scan_manifest(path: str, kind: str, text: str) -> list[CodeHit]:
    """The AI SDK dependencies a manifest of ``kind`` (from ``manifest_kind``) declares."""
    ecosystem, reader = _READERS[kind]
    lines = Lines(text)
    hits = set()
    for offset, name in reader(text):
        sdk = sdk_for_package(ecosystem, name)
        if sdk is not None:
            hits.add(CodeHit(path, lines.of(offset), HitKind.dependency, sdk.provider, name))
    return sorted(hits)


Declared = Iterator[tuple[int, str]]  # (offset of the name, the name)


def _requirements(text: str) -> Declared:
    for m in _REQUIREMENT.finditer(text):
        yield m.start(1), m.group(1)


def _pyproject(text: str) -> Declared:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return _requirement_strings(text)
    project, poetry = doc.get("project", {}), doc.get("tool", {}).get("poetry", {})
    specs: list[str] = [*_strings(project.get("dependencies"))]
    for extra in _dict(project.get("optional-dependencies")).values():
        specs.extend(_strings(extra))
    for group in _dict(doc.get("dependency-groups")).values():
        specs.extend(_strings(group))
    names = [_requirement_name(s) for s in specs]
    names.extend(_dict(poetry.get("dependencies")))
    names.extend(_dict(poetry.get("dev-dependencies")))
    for group in _dict(poetry.get("group")).values():
        names.extend(_dict(_dict(group).get("dependencies")))
    return _located(text, names)


def _pipfile(text: str) -> Declared:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return _requirement_strings(text)
    names = [*_dict(doc.get("packages")), *_dict(doc.get("dev-packages"))]
    return _located(text, names)


def _setup_cfg(text: str) -> Declared:
    section, wanted = "", False
    for line in re.finditer(r"^(.*)$", text, re.MULTILINE):
        content = line.group(1)
        header = re.match(r"\s*\[([^\]]+)\]", content)
        if header:
            section = header.group(1).strip()
            wanted = section == "options.extras_require"
            continue
        if section == "options" and re.match(r"\w", content):
            wanted = content.split("=")[0].strip() in ("install_requires", "setup_requires")
        if wanted:
            value = content.split("=", 1)[1] if re.match(r"^\w[\w-]*\s*=", content) else content
            m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", value)
            if m:
                yield line.start() + (len(content) - len(value)) + m.start(1), m.group(1)


def _package_json(text: str) -> Declared:
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        return
    for field in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        for name in _dict(doc.get(field)):
            m = re.search(r'"' + re.escape(name) + r'"\s*:', text)
            yield (m.start() + 1 if m else 0), name


_POM_DEPENDENCY = re.compile(
    r"<(?:dependency|plugin)>.*?<groupId>\s*([\w.\-]+)\s*</groupId>.*?"
    r"<artifactId>\s*([\w.\-]+)\s*</artifactId>",
    re.DOTALL,
)
_GRADLE_STRING = re.compile(r"""["']([\w.\-]+):([\w.\-]+)(?::[^"'\s]*)?["']""")
_GRADLE_MAP = re.compile(
    r"""group\s*[:=]\s*["']([\w.\-]+)["']\s*,\s*name\s*[:=]\s*["']([\w.\-]+)["']"""
)


def _pom(text: str) -> Declared:
    for m in _POM_DEPENDENCY.finditer(text):
        yield m.start(2), f"{m.group(1)}:{m.group(2)}"


def _gradle(text: str) -> Declared:
    for pattern in (_GRADLE_STRING, _GRADLE_MAP):
        for m in pattern.finditer(text):
            yield m.start(1), f"{m.group(1)}:{m.group(2)}"


_GO_REQUIRE_LINE = re.compile(r"^require[ \t]+([^\s(]+)", re.MULTILINE)
_GO_REQUIRE_BLOCK = re.compile(r"^require[ \t]*\(([^)]*)\)", re.MULTILINE)
_GO_MODULE = re.compile(r"^[ \t]*([^\s/][^\s]*)", re.MULTILINE)


def _go_mod(text: str) -> Declared:
    for m in _GO_REQUIRE_LINE.finditer(text):
        yield m.start(1), m.group(1)
    for block in _GO_REQUIRE_BLOCK.finditer(text):
        for m in _GO_MODULE.finditer(text, block.start(1), block.end(1)):
            yield m.start(1), m.group(1)


_READERS: dict[str, tuple[Ecosystem, Callable[[str], Iterable[tuple[int, str]]]]] = {
    "requirements.txt": (Ecosystem.pypi, _requirements),
    "pyproject.toml": (Ecosystem.pypi, _pyproject),
    "Pipfile": (Ecosystem.pypi, _pipfile),
    "setup.cfg": (Ecosystem.pypi, _setup_cfg),
    "package.json": (Ecosystem.npm, _package_json),
    "pom.xml": (Ecosystem.maven, _pom),
    "build.gradle": (Ecosystem.maven, _gradle),
    "go.mod": (Ecosystem.go, _go_mod),
}


def _requirement_name(spec: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return m.group(1) if m else spec


def _requirement_strings(text: str) -> Declared:
    """For a manifest that does not parse: every quoted requirement or ``name =`` key."""
    for m in re.finditer(r"""^[ \t]*["']?([A-Za-z0-9][A-Za-z0-9._-]*)""", text, re.MULTILINE):
        yield m.start(1), m.group(1)


def _located(text: str, names: Iterable[str]) -> Declared:
    """Each name with the offset of its first declaration (as a key or a quoted requirement),
    matching ``-``, ``_`` and ``.`` alike and ignoring case, as pip does."""
    for name in names:
        flexible = r"[-_.]+".join(re.escape(p) for p in re.split(r"[-_.]+", name))
        declared = r"""(?:^|["'\s])(""" + flexible + r""")(?=\s*(?:[=<>!~;\[,"']|$))"""
        m = re.search(declared, text, re.IGNORECASE | re.MULTILINE)
        yield (m.start(1) if m else 0), normalise_pypi(name)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
