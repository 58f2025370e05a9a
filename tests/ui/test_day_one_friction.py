"""Day one without friction (#18, item 10), in a real browser, as the demo's AI Operations
Manager (olivia.chen) onboarding her portfolio.

She imports a spreadsheet of systems: the report shows every problem of every row at once,
naming the row's system, the column and the value she typed, says plainly that nothing was
created, and keeps her file chosen for the next try. She starts from a downloadable template,
picks owners from the organisation's users, finds the Overview's "in production" figure on the
list it links to, registers an unregistered telemetry source with its models filled in, and
moves between pages on a 390 px phone.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.records import DecodedSpan
from browser_support import LiveServer, log_in, shoot

pytestmark = pytest.mark.browser

OPS = "olivia.chen"
HEADER = "name,kind,unit,accountable_owner,stage,vendors\n"
GOOD_ROW = "Day-one intake bot,llm_app,Customer Support,ethan.ramirez,,\n"
# Four problems in one row: a bad word, an unknown unit, an unknown user, an unknown vendor.
BAD_ROW = "Claims helper,chatbot,Claimz,nobody.here,,NoSuchAI\n"
SHADOW = "day-one-shadow-bot"


def _csv(name: str, text: str) -> FilePayload:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def _chosen_file(page: Page) -> str:
    """The name of the file the import form's picker holds ("" when it is empty)."""
    return str(
        page.eval_on_selector(
            "[data-testid=import-form] input[type=file]",
            "e => e.files.length ? e.files[0].name : ''",
        )
    )


def test_the_import_report_names_every_problem_and_keeps_the_file(
    page: Page, demo_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, demo_server, OPS)
    page.goto(f"{demo_server.url}/systems/import")
    page.locator("[data-testid=import-form] input[type=file]").set_input_files(
        _csv("portfolio.csv", HEADER + GOOD_ROW + BAD_ROW)
    )
    page.get_by_role("button", name="Import").click()
    report = page.get_by_test_id("import-report")
    expect(report.get_by_role("alert")).to_contain_text("Nothing was imported: 1 of 2 rows")
    shoot(page, screenshots, "day-one-import-refused")
    # (a) nothing is said to be "Created" when nothing was
    expect(report).not_to_contain_text("Created:")
    expect(page.get_by_test_id("import-ready")).to_contain_text("nothing was created")
    # (b) every problem of the row in one report; (c) each names the system, column and value
    problems = page.locator("[data-testid=import-error][data-row='2']")
    expect(problems).to_have_count(4)
    for column, value in [
        ("kind", "chatbot"),
        ("unit", "Claimz"),
        ("accountable_owner", "nobody.here"),
        ("vendors[0]", "NoSuchAI"),
    ]:
        row = problems.filter(
            has=page.locator("td.mono", has_text=re.compile(f"^{re.escape(column)}$"))
        )
        expect(row).to_contain_text("Claims helper")
        expect(row).to_contain_text(f"“{value}”")
    # (d) the file is still chosen: a second try needs no trip to the file picker
    assert _chosen_file(page) == "portfolio.csv"
    page.get_by_label("When a row is refused").select_option("skip_bad_rows")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_test_id("import-report").get_by_role("status")).to_contain_text("1 created")
    expect(page.get_by_test_id("import-names")).to_have_text("Created: Day-one intake bot")
    assert _chosen_file(page) == "portfolio.csv"
    expect(page.get_by_label("When a row is refused")).to_have_value("skip_bad_rows")


def test_the_downloadable_templates_list_the_columns_and_allowed_values_and_import(
    page: Page, demo_server: LiveServer, tmp_path: Path
) -> None:
    log_in(page, demo_server, OPS)
    page.goto(f"{demo_server.url}/systems/import")
    for testid, suffix in (("template-csv", ".csv"), ("template-yaml", ".yaml")):
        with page.expect_download() as download:
            page.get_by_test_id(testid).click()
        saved = tmp_path / f"template{suffix}"
        download.value.save_as(saved)
        assert download.value.suggested_filename == f"aitower-systems-template{suffix}"
        text = saved.read_text()
        assert "# kind: one of llm_app, ml_model, agent, third_party_tool" in text
        assert "Customer Support" in text and OPS in text  # the organisation's own names
        page.locator("[data-testid=import-form] input[type=file]").set_input_files(str(saved))
        page.get_by_label("Dry run: check only, write nothing").check()
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_test_id("import-report").get_by_role("status")).to_contain_text(
            "Dry run, nothing written: 1 would be created"
        )
        expect(page.get_by_test_id("import-errors")).to_have_count(0)
    page.goto(f"{demo_server.url}/vendors/import")
    with page.expect_download() as download:
        page.get_by_test_id("template-csv").click()
    assert download.value.suggested_filename == "aitower-vendors-template.csv"


def test_owner_fields_offer_the_organisations_users(page: Page, demo_server: LiveServer) -> None:
    log_in(page, demo_server, OPS)
    for path, field in [
        ("/systems/new", "accountable_owner"),
        ("/systems/new", "technical_owner"),
        ("/vendors/new", "contract_owner"),
    ]:
        page.goto(f"{demo_server.url}{path}")
        owner = page.locator(f"input[name={field}]")
        listed = owner.get_attribute("list")
        assert listed, f"{path} {field} offers no users"
        options = page.locator(f"datalist#{listed} option")
        expect(options.filter(has_text="Ethan Ramirez")).to_have_attribute("value", "ethan.ramirez")
        expect(options.filter(has_text="Olivia Chen")).to_have_count(1)
    page.goto(f"{demo_server.url}/risk")  # a risk's owner, on the risk's own page
    page.locator("a[href^='/risks/']").first.click()
    listed = page.locator("input[name=owner]").get_attribute("list")
    assert listed
    expect(page.locator(f"datalist#{listed} option[value='ethan.ramirez']")).to_have_count(1)
    # Still typed like the API takes it: a username, saved as that user.
    page.goto(f"{demo_server.url}/systems/new")
    page.locator("input[name=name]").fill("Owner picker check")
    page.locator("input[name=accountable_owner]").fill("ethan.ramirez")
    page.get_by_role("button", name=re.compile("Register|Save")).click()
    expect(page.get_by_test_id("notice")).to_contain_text("registered")
    expect(page.locator("main")).to_contain_text("Ethan Ramirez")


def _count_on_list(page: Page) -> int:
    pager = page.get_by_test_id("pager").inner_text()
    found = re.search(r"(\d+) in all|of (\d+)", pager)
    assert found, pager
    return int(found.group(1) or found.group(2))


def test_the_in_production_tile_and_its_list_count_the_same_systems(
    page: Page, demo_server: LiveServer
) -> None:
    log_in(page, demo_server, OPS)
    tile = page.get_by_test_id("portfolio-tiles").locator("a.tile", has_text="in production")
    figure = int(tile.locator(".tile-value").inner_text())
    tile.click()
    expect(page).to_have_url(re.compile(r"/systems\?"))
    stages = {s.inner_text() for s in page.locator("[data-testid=systems] .pill.stage").all()}
    assert _count_on_list(page) == figure
    assert stages == {"deployment", "monitoring", "optimization"} & stages and stages
    assert len(stages) > 1, "the demo has production systems in more than one stage"


def _shadow_span() -> DecodedSpan:
    start = int((utcnow() - timedelta(minutes=5)).timestamp()) * 10**9
    rng = random.Random(18)
    return DecodedSpan(
        resource={"service.name": SHADOW},
        scope_name="day-one",
        trace_id=f"{rng.getrandbits(128):032x}",
        span_id=f"{rng.getrandbits(64):016x}",
        parent_span_id=None,
        name="chat gpt-4o-mini",
        kind=3,
        start_unix_nano=start,
        end_unix_nano=start + 800_000_000,
        status_code=1,
        status_message="",
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.response.model": "gpt-4o-mini",
            "gen_ai.usage.input_tokens": 120,
            "gen_ai.usage.output_tokens": 40,
        },
    )


def test_registering_an_unregistered_source_prefills_its_models(
    page: Page, demo_server: LiveServer
) -> None:
    db = Database(demo_server.db_url)
    try:
        store_spans(db, [_shadow_span()])
    finally:
        db.dispose()
    log_in(page, demo_server, OPS)
    page.goto(f"{demo_server.url}/monitoring")
    page.locator("tr", has_text=SHADOW).get_by_test_id("register-source").click()
    expect(page).to_have_url(re.compile(r"/systems/new\?"))
    expect(page.locator("input[name=name]")).to_have_value(SHADOW)
    expect(page.locator("textarea[name=services]")).to_have_value(SHADOW)
    expect(page.locator("textarea[name=models]")).to_have_value("openai/gpt-4o-mini")


def test_every_section_is_on_screen_on_a_1280_px_laptop(
    page: Page, demo_server: LiveServer, screenshots: Path
) -> None:
    """Eleven sections and the person's name do not fit one line at 1280 px: the sections wrap,
    none is cut off or scrolled out of sight."""
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, demo_server, OPS)
    nav = page.get_by_role("navigation", name="Main")
    for link in nav.get_by_role("link").all():
        where = link.bounding_box()
        assert where is not None and where["x"] + where["width"] <= 1280, link.inner_text()
        inside = (
            "e => e.getBoundingClientRect().right <= e.parentElement.getBoundingClientRect().right"
        )
        assert link.evaluate(inside), link.inner_text()  # not cut off by the bar
    expect(nav.get_by_role("link", name="Discovery")).to_be_visible()
    shoot(page, screenshots, "day-one-laptop-navigation")


def test_the_main_navigation_works_on_a_390_px_phone(
    page: Page, demo_server: LiveServer, screenshots: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, OPS)
    shoot(page, screenshots, "day-one-phone-overview")
    nav = page.get_by_role("navigation", name="Main")
    box = nav.bounding_box()
    assert box is not None and box["width"] >= 300, box
    links = nav.get_by_role("link").all()
    assert len(links) >= 5
    for link in links:  # every section visible on screen, none squeezed or scrolled away
        where = link.bounding_box()
        assert where is not None and where["width"] > 20, link.inner_text()
        assert where["x"] >= 0 and where["x"] + where["width"] <= 390, link.inner_text()
    header_width = page.eval_on_selector(".topbar", "e => e.scrollWidth")
    assert header_width <= 390
    nav.get_by_role("link", name="Inventory").click()
    expect(page).to_have_url(re.compile(r"/systems$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Overview").click()
    expect(page).to_have_url(re.compile(r"/$"))
