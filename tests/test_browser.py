"""The review pack in a real browser: headless Chromium opens it from disk, as a reader would.

Debian's ``chromium`` (``/usr/bin/chromium``, or ``$ACCTKIT_CHROMIUM``) is driven by Playwright
for Python with ``executable_path``: Playwright's own browser downloads are never used. The
tests are skipped when the browser or Playwright is missing, unless
``ACCTKIT_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the skip into a failure.
Full-page screenshots go to ``test-artifacts/browser/`` (or ``$ACCTKIT_BROWSER_ARTIFACTS``).

One checker looks at every page: it records every request the page makes and every console
or page error, and checks the header and every image. The last test runs the same checker on
a doctored copy of the index, to prove that it sees what it is meant to see.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from acctkit import labels

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("ACCTKIT_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("ACCTKIT_REQUIRE_BROWSER", "") not in ("", "0")
ARTIFACTS = Path(os.environ.get("ACCTKIT_BROWSER_ARTIFACTS") or ROOT / "test-artifacts" / "browser")
# Headless, as root in CI (no sandbox), and quiet: nothing the browser itself would fetch.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MONTH = "2026-10"
ACCOUNTS = ["0007", "A0001", "A0002"]
EN = labels("en")
SCORES = ["potential_score", "relationship_score", "execution_score", "health_score"]
SCORE_COLUMNS = ["col.potential", "col.relationship", "col.execution", "col.health"]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _missing_browser() -> str | None:
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


def _need_browser() -> None:
    missing = _missing_browser()
    if missing and REQUIRED:
        pytest.fail(f"{missing}, and ACCTKIT_REQUIRE_BROWSER is set")
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives the browser a new, temporary user data dir; closed on exit.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def review_pack(tmp_path_factory) -> Path:
    """A month of real reports: three accounts of the demo portfolio, warm kernels."""
    _need_browser()
    from acctkit.batch import ReportRun, run_reports
    from acctkit.datasets import DEMO_SIZE, generate_tables, write_tables

    root = tmp_path_factory.mktemp("browser")
    write_tables(generate_tables(**DEMO_SIZE), root / "data")
    result = run_reports(
        ReportRun(
            root / "data",
            MONTH,
            out=root / "reports",
            accounts=ACCOUNTS,
            jobs=2,
            engine="warm",
            progress=False,
        )
    )
    assert result.exit_code == 0
    return result.folder


@dataclass
class Visit:
    """What the pages of one browser context asked for and complained about."""

    folder: Path
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not _own_file(url, self.folder)]

    def clear(self) -> None:
        self.requests.clear()
        self.console_errors.clear()
        self.page_errors.clear()


def _own_file(url: str, folder: Path) -> bool:
    """A data: URI, or a file:// URL of a file inside the run's month folder."""
    if url.startswith("data:"):
        return True
    parsed = urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return False
    return Path(unquote(parsed.path)).resolve().is_relative_to(folder.resolve())


@pytest.fixture
def open_page(browser):
    """A page in a new context that records into a Visit; nothing leaves the machine."""
    contexts = []

    def open_(folder: Path):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        visit = Visit(folder)
        context.on("request", lambda request: visit.requests.append(request.url))
        # Recorded above, then refused here: the test itself never reaches the network.
        context.route(lambda url: not url.startswith(("file:", "data:")), lambda r: r.abort())
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("websocket", lambda socket: visit.requests.append(socket.url))
        page.on(
            "console",
            lambda message: message.type == "error" and visit.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
        return page, visit

    yield open_
    for context in contexts:
        context.close()


IMAGES = """async () => Promise.all([...document.images].map(async (img) => {
    let decoded = true;
    try { await img.decode(); } catch (error) { decoded = false; }
    return {alt: img.alt, src: (img.getAttribute("src") || "").slice(0, 60), decoded,
            width: img.naturalWidth, height: img.naturalHeight};
}))"""


def problems(page, visit: Visit) -> list[str]:
    """Everything wrong with the page now shown: requests, errors, header, images."""
    found = [f"network request: {url}" for url in visit.foreign_requests()]
    found += [f"console error: {text}" for text in visit.console_errors]
    found += [f"page error: {text}" for text in visit.page_errors]
    if not page.locator("header.report-header h1.report-title").is_visible():
        found.append("header: the report title is not visible")
    images = page.evaluate(IMAGES)
    if not images:
        found.append("images: the page has no chart")
    for index, image in enumerate(images):
        name = image["alt"] or image["src"]
        if not page.locator("img").nth(index).is_visible():
            found.append(f"image not visible: {name}")
        if not (image["decoded"] and image["width"] > 0 and image["height"] > 0):
            found.append(f"image not decoded: {name}")
    return found


def screenshot(page, name: str, capsys) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with capsys.disabled():
        print(f"\n  screenshot: {path}")
    return path


def kpis_of(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "kpis.csv", newline="", encoding="utf-8") as file:
        return {row["account_id"]: row for row in csv.DictReader(file)}


def shown_number(text: str) -> float:
    match = NUMBER.search(text.replace(",", ""))
    assert match, f"no number in {text!r}"
    return float(match.group())


def test_index_and_one_account_report_in_chromium(review_pack, open_page, capsys):
    manifest = json.loads((review_pack / "manifest.json").read_text(encoding="utf-8"))
    entries = {entry["html"]: entry for entry in manifest["accounts"]}
    kpis = kpis_of(review_pack)

    page, visit = open_page(review_pack)
    page.goto((review_pack / "index.html").as_uri())
    screenshot(page, "index", capsys)
    assert problems(page, visit) == []
    assert page.locator("h1.report-title").inner_text() == EN.report["portfolio_title"]
    mean_health = page.locator(".ak-tile", has_text=EN.report["mean_health"])
    assert mean_health.is_visible()
    health = [float(row["health_score"]) for row in kpis.values() if row["health_score"]]
    shown = shown_number(mean_health.locator(".ak-tile-value").inner_text())
    assert shown == pytest.approx(sum(health) / len(health), abs=0.051)

    # The first linked account of the ranking: its scores in the table, then its page.
    link = page.locator('table a[href^="accounts/"]').first
    href = link.get_attribute("href")
    entry = entries[href]
    ranking = page.locator("table", has=page.locator(f'a[href="{href}"]'))
    row = ranking.locator("tbody tr", has=page.locator(f'a[href="{href}"]'))
    headers = [text.strip() for text in ranking.locator("thead th").all_inner_texts()]
    expected = kpis[entry["account_id"]]
    for score, column in zip(SCORES, SCORE_COLUMNS, strict=True):
        cell = row.locator("td").nth(headers.index(EN.report[column]))
        assert cell.is_visible(), column
        assert shown_number(cell.inner_text()) == pytest.approx(float(expected[score]), abs=0.051)

    visit.clear()
    link.click()
    page.wait_for_url((review_pack / href).as_uri())
    assert len(page.context.pages) == 1  # the link opened in the same tab
    screenshot(page, f"account-{entry['file']}", capsys)
    assert problems(page, visit) == []
    title = EN.report["account_title"].format(name=entry["name"])
    assert page.locator("h1.report-title").inner_text() == title
    assert page.locator("header .report-subtitle").inner_text() == entry["account_id"]
    for score in SCORES:
        tile = page.locator(
            ".ak-tile", has=page.locator(".ak-tile-name", has_text=EN.columns[score])
        )
        assert tile.is_visible(), score
        shown = shown_number(tile.locator(".ak-tile-value").inner_text())
        assert shown == pytest.approx(float(expected[score]), abs=0.051), score
    assert page.locator("img").count() >= 5  # the account page's charts


def test_the_checker_sees_requests_errors_and_broken_images(
    review_pack, open_page, tmp_path, capsys
):
    doctored = tmp_path / "doctored"
    shutil.copytree(review_pack, doctored)
    index = doctored / "index.html"
    html = index.read_text(encoding="utf-8")
    injected = (
        '<img alt="remote" src="http://example.com/x.png">'
        '<img alt="broken" src="data:image/png;base64,AAAA">'
        '<img alt="hidden" style="display:none" src="data:image/gif;base64,'
        'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==">'
        "<script>console.error('doctored console error')</script>"
        "<script>throw new Error('doctored page error')</script>"
    )
    index.write_text(html.replace("</main>", injected + "</main>", 1), encoding="utf-8")

    page, visit = open_page(doctored)
    page.goto(index.as_uri())
    screenshot(page, "doctored-index", capsys)
    found = problems(page, visit)
    assert "network request: http://example.com/x.png" in found
    assert any("doctored console error" in problem for problem in found)
    assert any("doctored page error" in problem for problem in found)
    assert "image not decoded: remote" in found
    assert "image not decoded: broken" in found
    assert "image not visible: hidden" in found
    # A file of the run's folder is its own; the same file outside it is not.
    assert _own_file((doctored / "accounts" / "x.html").as_uri(), doctored)
    assert not _own_file((review_pack / "index.html").as_uri(), doctored)
    assert not _own_file("file://server/share/index.html", doctored)
