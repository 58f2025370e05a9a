"""Integrations grouped by project folder, and each mapped to a registered system by the
documented rule (path, then name and provider) or reported as unregistered."""

from __future__ import annotations

from pathlib import Path

from aitower.discovery.codescan import Integration, project_folder, scan_code
from aitower.discovery.codescan_mapping import KnownSystem, map_to_systems, system_providers
from discovery_code.code_repos import GO, JAVASCRIPT, PYTHON, write


def _integration(folder: str, providers: tuple[str, ...] = ("openai",)) -> Integration:
    name = folder.rsplit("/", 1)[-1]
    return Integration(folder, name, providers, (), (), (), (), (), ())


def test_hits_group_by_nearest_manifest_folder_else_top_level_folder() -> None:
    manifests = {"services/bot", "services/bot/worker"}
    assert project_folder("services/bot/app/main.py", manifests) == "services/bot"
    assert project_folder("services/bot/worker/run.py", manifests) == "services/bot/worker"
    assert project_folder("scripts/tools/ask.py", manifests) == "scripts"
    assert project_folder("ask.py", manifests) == "."
    assert project_folder("scripts/ask.py", manifests | {"."}) == "."


def test_a_tree_of_four_projects_gives_four_integrations(tmp_path: Path) -> None:
    files = {**PYTHON, **JAVASCRIPT, **GO, "scripts/adhoc/ask.py": "import mistralai\n"}
    scan = scan_code(write(tmp_path, files))
    summary = {i.folder: (i.providers, i.frameworks) for i in scan.integrations}
    assert summary == {
        "go-agent": (("anthropic", "aws", "openai"), ()),
        "py-bot": (("anthropic", "aws", "azure", "google", "openai"), ()),
        "scripts": (("mistral",), ()),
        "web-chat": (("anthropic", "google", "openai"), ("vercel",)),
    }
    bot = next(i for i in scan.integrations if i.folder == "py-bot")
    assert bot.models == ("claude-sonnet-4-5", "gpt-4o", "o3-mini")
    assert bot.endpoints == ("acme-eu.openai.azure.com",)
    assert len(bot.keys) == 1 and bot.keys[0].startswith("anthropic key sk-a…")
    assert "anthropic" in bot.sdks and "langchain-openai" in bot.sdks


def test_a_recorded_repository_maps_its_folder() -> None:
    systems = [
        KnownSystem("s1", "Customer support assistant", "https://github.com/acme/support-bot.git"),
        KnownSystem("s2", "Other", "git@github.com:acme/other-bot.git"),
    ]
    [mapping] = map_to_systems([_integration("services/support-bot")], systems)
    assert (mapping.system_id, mapping.rule) == ("s1", "path")
    assert "support-bot" in mapping.reason


def test_the_longest_common_path_wins() -> None:
    systems = [
        KnownSystem("a", "A", "/srv/code/other/api"),
        KnownSystem("b", "B", "monorepo/services/api"),
    ]
    [mapping] = map_to_systems([_integration("services/api")], systems)
    assert mapping.system_id == "b"


def test_the_root_folder_is_compared_by_the_roots_name() -> None:
    root = Integration(".", "invoice-reader", ("openai",), (), (), (), (), (), ())
    systems = [KnownSystem("s", "Invoices", "gitlab.example.com/finance/invoice-reader")]
    assert map_to_systems([root], systems)[0].system_id == "s"


def test_without_a_path_a_similar_name_and_the_same_provider_map() -> None:
    systems = [
        KnownSystem("x", "Claims Triage", vendor="Anthropic"),
        KnownSystem("y", "claims_triage", vendor=None, models=("gpt-4o-mini",)),
    ]
    [by_vendor] = map_to_systems([_integration("apps/claims-triage", ("anthropic",))], systems)
    assert (by_vendor.system_id, by_vendor.rule) == ("x", "name_and_provider")
    [by_model] = map_to_systems([_integration("apps/ClaimsTriage", ("openai",))], systems)
    assert (by_model.system_id, by_model.rule) == ("y", "name_and_provider")


def test_a_similar_name_with_another_provider_is_unregistered() -> None:
    systems = [KnownSystem("x", "Claims Triage", vendor="OpenAI")]
    [mapping] = map_to_systems([_integration("apps/claims-triage", ("google",))], systems)
    assert (mapping.system_id, mapping.rule) == (None, "unregistered")


def test_a_different_name_with_the_same_provider_is_unregistered() -> None:
    systems = [KnownSystem("x", "HR policy assistant", vendor="Azure OpenAI")]
    [mapping] = map_to_systems([_integration("tools/pricing-scraper", ("azure",))], systems)
    assert mapping.system_id is None


def test_vendor_names_as_an_inventory_records_them() -> None:
    assert system_providers(KnownSystem("a", "a", vendor="Amazon Bedrock")) == {"aws"}
    assert system_providers(KnownSystem("a", "a", vendor="Azure OpenAI")) == {"azure"}
    assert system_providers(
        KnownSystem("a", "a", models=("claude-3-haiku", "gemini-2.0-flash"))
    ) == {
        "anthropic",
        "google",
    }
