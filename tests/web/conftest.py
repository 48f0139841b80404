"""One server and one headless Chromium for the whole browser session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.tooling import require_tool


@pytest.fixture(scope="session")
def web_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The browser server's folder: database, store, keys (keys/demo-tokens.json)."""
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="session")
def web_server(web_root: Path) -> Iterator[str]:
    from tests.web.server import running_server

    with running_server(web_root) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium = require_tool("chromium")
    driver_path = require_tool("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1366,768", "--lang=vi"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(10)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.demo import seed_original_pdf

    path = tmp_path_factory.mktemp("seed") / "160-TB-TW.pdf"
    path.write_bytes(seed_original_pdf())
    return path
