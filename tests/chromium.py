"""Headless Chromium for the browser tests, with no network: Debian's chromium + chromedriver driven by selenium.

Every host name resolves to nothing and every proxied request goes to a dead port, so a page that tried to
reach the internet would fail (and the tests also list the requests it made). ``loopback=True`` lets the
browser reach servers on 127.0.0.1 (Voilà, JupyterLab); without it even those are cut off (file:// reports).
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
#: Set ``REFORMKIT_SCREENSHOTS`` to a folder to keep the tests' screenshots there.
SHOTS = os.environ.get("REFORMKIT_SCREENSHOTS")
#: Request URLs that never leave the machine.
LOCAL = ("data:", "blob:", "about:", "chrome:", "chrome-untrusted:", "file:")


def skip_without_chromium() -> None:
    """Skip the calling test module when chromium or chromedriver is missing (``make browser`` installs them)."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium and chromedriver are not installed (run `make browser` as root: apt-get install "
                    "chromium chromium-driver)", allow_module_level=True)


def flags(loopback: bool, window: str) -> list[str]:
    hosts = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" if loopback else "MAP * ~NOTFOUND"
    return ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-default-apps", "--disable-extensions", f"--host-resolver-rules={hosts}",
            "--proxy-server=127.0.0.1:9", f"--window-size={window}"] + (
            [] if loopback else ["--proxy-bypass-list=<-loopback>"])


@contextlib.contextmanager
def chromium(*, loopback: bool = False, window: str = "1366,768", logs: tuple[str, ...] = ("browser",),
             downloads: Path | None = None) -> Iterator:
    """A selenium Chrome driver on a fresh profile; ``logs``: the log types kept ("browser", "performance");
    ``downloads``: where downloads go (set as ``driver.downloads``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="rk-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in flags(loopback, window) + [f"--user-data-dir={profile}"]:
        opts.add_argument(flag)
    if downloads is not None:
        opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                               "download.prompt_for_download": False})
    opts.set_capability("goog:loggingPrefs", {kind: "ALL" for kind in logs})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.downloads = downloads
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def outside_requests(driver, *allowed: str) -> list[str]:
    """URLs the page requested (from the "performance" log) that start with none of ``allowed`` or :data:`LOCAL`."""
    urls = [json.loads(m["message"])["message"].get("params", {}).get("request", {}).get("url", "")
            for m in driver.get_log("performance")]
    return [u for u in urls if u and not u.startswith((*allowed, *LOCAL))]


def wait_for_port(port: int, proc=None, timeout: float = 60.0) -> bool:
    """True once something listens on 127.0.0.1:``port``; False after ``timeout`` or when ``proc`` exited."""
    deadline = time.time() + timeout
    while time.time() < deadline and (proc is None or proc.poll() is None):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.3)
    return False


def screenshot(driver, name: str) -> None:
    """Save ``name``.png in the folder of ``REFORMKIT_SCREENSHOTS`` (nothing when it is not set)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def wait_until(driver, script: str, timeout: float = 60.0, describe: Callable[[], str] | None = None):
    """The first truthy value the JavaScript ``script`` returns; on timeout a screenshot ("timed-out") and an
    AssertionError naming the script (and ``describe()``: what the page shows instead)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.2)
    screenshot(driver, "timed-out")
    raise AssertionError(f"timed out waiting for: {script}" + (f"\n{describe()}" if describe else ""))
