"""Driving the pages in the browser: sign in and out, fill a field, click, read."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from app.demo import demo_password


class Pages:
    def __init__(self, driver: Any, base: str) -> None:
        self.driver, self.base = driver, base

    def go(self, path: str) -> None:
        self.driver.get(self.base + "/web" + path)

    def el(self, css: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        return str(self.el(css).text)

    def fill(self, css: str, value: str) -> None:
        field = self.el(css)
        # set at once (a long pasted text typed key by key would only be slower)
        self.driver.execute_script("arguments[0].value = arguments[1];", field, value)

    def choose(self, css: str, value: str) -> None:
        Select(self.el(css)).select_by_value(value)

    def click(self, css: str) -> None:
        self.el(css).click()

    def submit(self, css: str) -> None:
        """Click a button that loads a new page, and wait until the old one is gone."""
        old = self.el("html")
        self.el(css).click()
        WebDriverWait(self.driver, 30).until(ec.staleness_of(old))

    def wait_for(self, css: str) -> Any:
        return WebDriverWait(self.driver, 20).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    def sign_in(self, login: str, password: str | None = None) -> None:
        self.driver.delete_all_cookies()
        self.go("/sign-in")
        self.el("#login").send_keys(login)
        self.el("#password").send_keys(password or demo_password(login))
        self.submit("#sign-in")

    def sign_out(self) -> None:
        self.submit("#sign-out")
        self.wait_for("#sign-in-form")

    def continue_paper(self, kind: str, last: int) -> None:
        self.go("/registers")
        self.choose("#kind", kind)
        self.fill("#last_number", str(last))
        self.submit("#continue")
        assert self.text(f"#next-{kind}") == str(last + 1)
