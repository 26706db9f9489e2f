"""What the site's tests share: the sample site built once a session, and Debian's Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM
from site_helpers import built_site


@pytest.fixture(scope="module")
def site():
    return built_site()


@pytest.fixture(scope="module")
def out(site) -> Path:
    return site.output


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()
