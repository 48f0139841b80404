"""/docs and /redoc work with no internet: every script and style is ours, and a headless
Chromium that can reach nothing but loopback lists the operations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.faults.service import Service
from tests.tooling import require_tool

ASSET = re.compile(r'(?:src|href)="([^"]+)"')
EXTERNAL = re.compile(r"(?:https?:)?//[a-z0-9.-]+", re.IGNORECASE)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_pages_reference_only_our_own_files(client: Any, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert EXTERNAL.findall(r.text) == []  # no CDN, no Google fonts
    assets = ASSET.findall(r.text)
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts and all(a.startswith("/docs/static/") for a in assets)
    for asset in assets:
        got = client.get(asset)
        assert got.status_code == 200, asset
        kind = got.headers["content-type"]
        if asset.endswith(".js"):
            assert "javascript" in kind and len(got.content) > 100_000
        elif asset.endswith(".css"):
            assert kind.startswith("text/css")


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder: Path = tmp_path_factory.mktemp("docs-offline")
    service = Service(folder, f"sqlite:///{folder / 'vanthu.db'}",
                      settings={"VANTHU_TREE_HEAD_INTERVAL_SECONDS": "0"})
    service.cli("migrate")
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def offline_browser() -> Iterator[Any]:
    chromium = require_tool("chromium")
    driver_path = require_tool("chromedriver")
    selenium = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service as DriverService

    options = selenium.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                # no network: every host but loopback resolves to nothing
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--proxy-server=http://127.0.0.1:9", "--window-size=1366,768"):
        options.add_argument(arg)
    browser = selenium.Chrome(service=DriverService(executable_path=driver_path), options=options)
    yield browser
    browser.quit()


@pytest.mark.parametrize(("page", "operation"), [
    ("/docs", "#operations-registers-list_arrivals_orgs__code__arrivals_get"),
    ("/redoc", '[data-section-id="tag/registers"]'),
])
def test_a_browser_with_no_network_lists_the_operations(docs_server: Service, offline_browser: Any,
                                                         page: str, operation: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    offline_browser.get(docs_server.base_url + page)
    WebDriverWait(offline_browser, 60).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, operation)))
    assert "Register an incoming document" in offline_browser.find_element(
        By.TAG_NAME, "body").text
