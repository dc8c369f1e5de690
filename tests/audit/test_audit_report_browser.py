"""report.html opened in Debian's chromium (headless, through its chromedriver): the totals and every chart
are rendered, the table searches, nothing is fetched, and badge text planted with HTML and script stays
text. A screenshot is saved to tests/artifacts/ (gitignored) for a person to look at."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers.audit_tree import AT, build_tree
from obverify._orchestration.audit.html_report import CHARTS, write_html
from obverify._orchestration.audit.records import AuditRecord
from obverify.cli import main

# left out of the fast local tier (CI runs it): a real chromium: ~10 s
pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,2400")
PLANTED = "</script><script>document.title='pwned'</script>"
PLANTED_ISSUER = "<img src=x onerror=\"document.title='pwned'\">Evil Issuer"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM.exists(), ".ci/run installs Debian's chromium"
    assert CHROMEDRIVER.exists(), ".ci/run installs Debian's chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _planted_record() -> AuditRecord:
    report = {"valid": True, "version": "2.0", "errors": [], "revoked": False, "expired": True,
              "recipient": {"checked": True, "matched": "=cmd|' /C calc'!A0"},
              "summary": {"name": PLANTED, "issuer": PLANTED_ISSUER, "issuerId": "https://evil.example/",
                          "issuedOn": "2024-01-01T00:00:00Z", "expires": "2024-03-01T00:00:00Z"}}
    return AuditRecord("/badges/<b>bold</b>.json", "0" * 64, "Assertion", "valid", report)


def test_report_html_renders_totals_and_every_chart_in_chromium(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    built = build_tree(tmp_path / "tree", 1)
    out = tmp_path / "out"
    status = main(["audit", str(built.badges), "--documents", str(built.documents), "--offline", "--at", AT,
                   "--manifest", str(built.manifest), "--out", str(out), "--jobs", "2", "--quiet"])
    assert status == 1
    # the same page again, with one planted record added, written by the library function
    from obverify._orchestration.audit.records import read_journal

    records = [*read_journal(out / "results.jsonl"), _planted_record()]
    page = tmp_path / "report.html"
    with page.open("w", encoding="utf-8") as fh:
        totals = write_html(records, fh)
    assert totals.files == built.files + 1
    for html in (out / "report.html", page):
        browser.get(html.as_uri())
        WebDriverWait(browser, 60).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "div.chart[data-rendered=yes]")) == len(CHARTS))
        for name in CHARTS:
            chart = browser.find_element(By.ID, f"chart-{name}")
            assert chart.find_elements(By.CSS_SELECTOR, "svg.main-svg"), name
            assert chart.find_elements(By.CSS_SELECTOR, "g.trace.bars g.point path"), f"{name}: no bar drawn"
            assert chart.find_element(By.CSS_SELECTOR, ".gtitle").text  # its title is drawn
        resources = browser.execute_script("return performance.getEntriesByType('resource').length")
        assert resources == 0  # self-contained: nothing fetched
    shown = {key: browser.find_element(By.CSS_SELECTOR, f"#total-{key} .n").text.replace(",", "")
             for key in ("files", "valid", "invalid", "not-awarded", "expired")}
    assert shown == {"files": str(totals.files), "valid": str(totals.valid), "invalid": str(totals.invalid),
                     "not-awarded": str(totals.not_awarded), "expired": str(totals.expired)}
    # the planted text is shown as text and ran nothing
    assert browser.title == "obverify audit"
    assert not browser.find_elements(By.CSS_SELECTOR, "img[src=x]")
    search = browser.find_element(By.ID, "search")
    search.send_keys("Evil Issuer")
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#table-body td")]
    assert PLANTED in cells
    assert PLANTED_ISSUER in cells
    assert browser.find_element(By.ID, "shown").text.startswith("1 matching")
    search.clear()
    search.send_keys("unbake_failed")
    failing = sum("unbake_failed" in [e["code"] for e in r.report["errors"]] for r in records)
    assert browser.find_element(By.ID, "shown").text.startswith(f"{failing} matching")
    ARTIFACTS.mkdir(exist_ok=True)
    search.clear()
    browser.get((out / "report.html").as_uri())
    WebDriverWait(browser, 60).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "div.chart[data-rendered=yes]")) == len(CHARTS))
    assert browser.save_screenshot(str(ARTIFACTS / "audit-report.png"))
    shutil.copyfile(out / "report.html", ARTIFACTS / "audit-report.html")
