"""Dependencies declared in each manifest format, with the line that declares them."""

from __future__ import annotations

import pytest

from aitower.discovery.codescan_manifests import manifest_kind, scan_manifest


def _deps(name: str, text: str, parent: str = "app") -> list[tuple[int, str, str]]:
    kind = manifest_kind(name, parent)
    assert kind is not None
    return [(h.line, h.provider, h.detail) for h in scan_manifest(f"app/{name}", kind, text)]


def test_requirements_skip_options_comments_and_urls() -> None:
    text = (
        "-r base.txt\n--index-url https://pypi.org/simple\n# openai is next\n"
        "OpenAI[datalib]>=1.0 ; python_version >= '3.9'\n"
        "git+https://github.com/acme/x.git\nLangChain_Anthropic==0.3\n"
    )
    assert _deps("requirements-dev.txt", text) == [
        (4, "openai", "OpenAI"),
        (6, "anthropic", "LangChain_Anthropic"),
    ]
    assert manifest_kind("base.txt", "requirements") == "requirements.txt"
    assert manifest_kind("notes.txt", "docs") is None


def test_poetry_and_dependency_groups() -> None:
    text = """[tool.poetry.dependencies]
python = "^3.11"
openai = "^1.50"

[tool.poetry.group.ml.dependencies]
transformers = { version = "^4.45", extras = ["torch"] }

[dependency-groups]
dev = ["mistralai>=1.0"]
"""
    assert _deps("pyproject.toml", text) == [
        (3, "openai", "openai"),
        (6, "huggingface", "transformers"),
        (9, "mistral", "mistralai"),
    ]


def test_a_pyproject_that_does_not_parse_is_read_line_by_line() -> None:
    assert _deps("pyproject.toml", 'dependencies = [\n  "anthropic>=0.4",\n') == [
        (2, "anthropic", "anthropic")
    ]


def test_pipfile_and_setup_cfg() -> None:
    pipfile = '[packages]\nrequests = "*"\ncohere = "*"\n\n[dev-packages]\ngroq = "*"\n'
    assert _deps("Pipfile", pipfile) == [(3, "cohere", "cohere"), (6, "groq", "groq")]
    setup = (
        "[metadata]\nname = x\n\n[options]\nzip_safe = False\ninstall_requires =\n"
        "    requests\n    google-genai>=1.0\n\n[options.extras_require]\n"
        "llm = llama-index>=0.11\n"
    )
    assert _deps("setup.cfg", setup) == [
        (8, "google", "google-genai"),
        (11, "llamaindex", "llama-index"),
    ]


def test_gradle_string_and_map_notations() -> None:
    text = (
        "dependencies {\n  implementation 'com.anthropic:anthropic-java:1.0.0'\n"
        "  implementation group: 'org.springframework.ai', name: 'spring-ai-openai'\n}\n"
    )
    assert _deps("build.gradle", text) == [
        (2, "anthropic", "com.anthropic:anthropic-java"),
        (3, "openai", "org.springframework.ai:spring-ai-openai"),
    ]


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"dependencies": ["openai"]}'])
def test_a_package_json_of_another_shape_yields_nothing(text: str) -> None:
    assert _deps("package.json", text) == []


def test_lock_files_are_not_manifests() -> None:
    assert manifest_kind("package-lock.json", "app") is None
    assert manifest_kind("poetry.lock", "app") is None
