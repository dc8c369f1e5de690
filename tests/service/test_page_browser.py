"""The verification page in a real headless browser (Debian's chromium driven by Selenium through
chromedriver): a valid baked PNG is shown genuine with its issuer, a tampered one not genuine with the
reason. Screenshots of both are kept as test artifacts under `test-artifacts/` (git-ignored), or under
`OBVERIFY_TEST_ARTIFACTS`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from helpers.service_kit import FIXTURES, Service

# left out of the fast local tier (CI runs it): a real chromium
pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(os.environ.get("OBVERIFY_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    for path in (CHROMIUM, CHROMEDRIVER):
        assert shutil.which(path), f"{path} missing: apt-get install chromium chromium-driver (.ci/run does)"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1100,1400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=DriverService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def upload(browser: webdriver.Chrome, service: Service, path: Path, shot: str) -> str:
    browser.get(service.url + "/")
    browser.find_element(By.ID, "file").send_keys(str(path))  # page.js submits on choose
    WebDriverWait(browser, 60).until(expected_conditions.presence_of_element_located((By.ID, "verdict")))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / shot))
    return str(browser.find_element(By.TAG_NAME, "main").text)


@pytest.mark.parametrize("service", ["sqlite"], indirect=True)
def test_valid_png_is_genuine_and_shows_its_issuer(browser: webdriver.Chrome, service: Service) -> None:
    text = upload(browser, service, FIXTURES / "ob2-baked-png-itxt" / "input.png", "page-genuine.png")
    verdict = browser.find_element(By.ID, "verdict")
    assert "genuine" in (verdict.get_attribute("class") or "").split()
    assert verdict.text.startswith("Genuine")
    assert browser.find_element(By.ID, "issuer").text == "Example Bakery Guild"
    assert text.index("Genuine") < text.index("The badge") < text.index("Every check")
    assert browser.find_element(By.CSS_SELECTOR, "img.badge-image").get_attribute("naturalWidth") != "0"
    assert (ARTIFACTS / "page-genuine.png").stat().st_size > 1000


@pytest.mark.parametrize("service", ["sqlite"], indirect=True)
def test_tampered_png_is_not_genuine_and_says_why(browser: webdriver.Chrome, service: Service) -> None:
    upload(browser, service, FIXTURES / "ob3-baked-png-tampered" / "input.png", "page-tampered.png")
    verdict = browser.find_element(By.ID, "verdict")
    assert verdict.text.startswith("Not genuine")
    reasons = browser.find_element(By.ID, "reasons").text
    assert "The signature does not match" in reasons
    assert "proof_invalid" in reasons
    assert (ARTIFACTS / "page-tampered.png").stat().st_size > 1000
