"""The review path in a real browser: headless Chromium logs in through Airflow's login page,
opens the inbox, an event, corrects it, confirms the next one with the keyboard, sees the audit.

Screenshots of each page are kept in $TIEUP_TEST_ARTIFACTS (else the test's tmp dir,
printed at the end). Skipped, with the reason, only when Chromium or its driver is not
installed (`apt-get install chromium chromium-driver`; .ci/run installs them).
"""

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from .test_web_review import GM_LGES, HONDA_NISSAN_MMC, VW_RIVIAN, _state

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="needs Chromium and chromedriver (apt-get install chromium chromium-driver)")


@pytest.fixture
def served(airflow_api_app):
    """The in-process Airflow API server app on a real loopback port (uvicorn in a thread)."""
    import uvicorn
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(airflow_api_app, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1100", "--disable-extensions", "--no-first-run"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def artifacts(tmp_path):
    folder = Path(os.environ.get("TIEUP_TEST_ARTIFACTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    print(f"\nscreenshots: {folder}")


def _wait(driver, condition, what, timeout=15):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(condition, message=f"waiting for {what}")


def test_log_in_review_and_see_the_audit(served, browser, artifacts, review_site, conn):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    def shot(name):
        browser.save_screenshot(str(artifacts / f"{name}.png"))

    browser.get(f"{served}/tieup/")
    _wait(browser, ec.presence_of_element_located((By.NAME, "username")), "Airflow's login form")
    assert "/auth/login" in browser.current_url
    shot("01-login")
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys("alice-pw", Keys.ENTER)
    _wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "table.inbox")), "the inbox")
    assert browser.current_url == f"{served}/tieup/"
    shot("02-inbox")

    # the newest pending event is selected; `o` opens it
    browser.find_element(By.TAG_NAME, "body").send_keys("o")
    merger = review_site[HONDA_NISSAN_MMC]
    _wait(browser, ec.url_contains(f"/tieup/event/{merger}"), "the event page")
    assert "Mitsubishi Motors" in browser.find_element(By.TAG_NAME, "h1").text
    shot("03-event")

    form = browser.find_element(By.ID, "correct-form")
    Select(form.find_element(By.NAME, "status")).select_by_value("announced")
    form.find_element(By.NAME, "note").send_keys("MoU on a holding company was signed")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    supply = review_site[GM_LGES]
    _wait(browser, ec.url_contains(f"/tieup/event/{supply}"), "the next pending event")
    assert f"Event {merger} corrected" in browser.find_element(By.CSS_SELECTOR, ".message.ok").text
    shot("04-next-after-correct")

    browser.find_element(By.TAG_NAME, "body").send_keys("c")      # confirm with the keyboard
    _wait(browser, ec.url_contains(f"/tieup/event/{review_site[VW_RIVIAN]}"), "the pending event after that")
    shot("05-after-confirm")

    browser.get(f"{served}/tieup/event/{merger}")
    audit_table = _wait(browser, ec.presence_of_element_located((By.ID, "audit")), "the review history")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", audit_table)
    audit = audit_table.text
    assert "alice" in audit and "correct" in audit and "status: rumored → announced" in audit
    shot("06-audit")
    browser.get(f"{served}/tieup/?state=")
    shot("07-inbox-all")

    assert _state(conn, merger) == ("corrected", "alice", 1)
    assert _state(conn, supply) == ("confirmed", "alice", 1)
