"""Fixtures of the browser tests: one live stack per module (database, simulator, syncs,
API + built UI) and Debian's Chromium driven by Playwright. Never a downloaded browser.

Everything that holds a live resource is module-scoped, never session-scoped: Playwright's sync
API keeps an event loop running on the main thread while it is open, and an async test that ran
after it (pytest-asyncio's session loop) would refuse to start ("Runner.run() cannot be called
from a running event loop"). The live stack's sync worker would also keep loading the machine
while the rest of the suite runs."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from pfa_vanguard.api.web import web_dist_dir
from tests.browser.stack import PASSWORD, LiveStack, create_database, drop_database, start_stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ORGS = ("RIO", "HOLNG")
# The first organization is the large one the responsiveness figures are measured on.
RECORDS = int(os.environ.get("PFA_BROWSER_RECORDS", "50000"))


@pytest.fixture(scope="session")
def ui_built() -> None:
    index = web_dist_dir() / "index.html"
    if not index.is_file() or "Web UI not built" in index.read_text():
        pytest.skip("the web UI is not built: run `make web` (or `make test`)")
    if not CHROMIUM.is_file():
        pytest.skip("Chromium is not installed: `make browser` (or `make test`) installs it")


@pytest.fixture(scope="module")
def stack(
    ui_built: None, pg_admin_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveStack]:
    name = f"pfa_ui_{uuid.uuid4().hex[:10]}"
    db_url = create_database(pg_admin_url, template_db, name)
    live = start_stack(db_url, tmp_path_factory.mktemp("ui-data"), ORGS, RECORDS)
    try:
        yield live
    finally:
        live.stop()
        drop_database(pg_admin_url, name)


@pytest.fixture(scope="module")
def playwright_driver(ui_built: None) -> Iterator[Playwright]:
    # Assertions wait up to 15 s for the page to get there (a loaded CI machine is slow).
    expect.set_options(timeout=15_000)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: PFA_SCREENSHOT_DIR (e.g. docs/screenshots) or a temporary folder."""
    target = os.environ.get("PFA_SCREENSHOT_DIR")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


LoginAs = Callable[..., Page]


@pytest.fixture
def login_as(stack: LiveStack, browser: Browser) -> Iterator[LoginAs]:
    """Open a fresh browser profile, log in through the login form as `user`, and pick
    organization `org` (the large one by default) in the organization switcher."""
    contexts: list[BrowserContext] = []

    def login(user: str, org: str = ORGS[0]) -> Page:
        context = browser.new_context(
            viewport={"width": 1440, "height": 900}, base_url=stack.base_url
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Username").fill(user)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        switcher = page.get_by_label("Organization")
        switcher.wait_for()
        if switcher.input_value() != org:
            switcher.select_option(org)
        page.wait_for_url(f"**/#/org/{org}/**")
        expect(page.get_by_test_id("row-count")).to_contain_text("records")
        return page

    yield login
    for context in contexts:
        context.close()


# Figures measured by the tests (ms), printed at the end of the run and saved next to the
# screenshots as figures.json.
FIGURES: dict[str, float | int | str] = {}


@pytest.fixture(scope="module")
def figures(screenshots: Path, stack: LiveStack) -> Iterator[dict[str, float | int | str]]:
    FIGURES["records_in_org"] = stack.records
    for name, seconds in stack.timings.items():
        FIGURES[name] = round(seconds, 2)
    yield FIGURES
    (screenshots / "figures.json").write_text(json.dumps(FIGURES, indent=2) + "\n")


@pytest.fixture(scope="module")
def used_ids() -> set[str]:
    """Records some test already drafted: each test edits records of its own."""
    return set()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("browser figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
