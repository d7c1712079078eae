"""HTTP for the online loaders: one ``requests.Session``, timeouts, retries with backoff, clear errors.

Every request goes through :func:`request`, so tests replace the session (``make_session`` or the
``session`` argument of the loaders) with a fake that serves recorded responses by URL; nothing here
touches the network by itself.
"""
from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import requests
from tqdm.auto import tqdm

from ...errors import DataError

USER_AGENT = "reformkit/0.1 (kommune reform toolkit; +https://github.com/)"
TIMEOUT = (10, 180)        # connect, read (seconds); a 800 000-cell JSON-stat answer can take a while
MAX_TRIES = 4
BACKOFF_S = 2.0            # waits 2, 4, 8 s between tries; tests set 0
RETRY_STATUS = {429, 500, 502, 503, 504}
OFFLINE_HINT = "use `reformkit data import DIR` with an offline mirror"

SERVICES = {
    "data.ssb.no": "SSB",
    "nedlasting.geonorge.no": "Kartverket/Geonorge",
    "api.kartverket.no": "Kartverket",
}


def make_session() -> requests.Session:
    """The session every online loader uses (tests monkeypatch this to serve recorded responses)."""
    s = requests.Session()
    s.headers.update({"User-Agent": USER_AGENT})
    return s


def service(url: str) -> str:
    """A readable name for the host of ``url`` (SSB, Kartverket/Geonorge, ...)."""
    host = urlsplit(url).hostname or url
    return SERVICES.get(host, host)


def _wait(attempt: int, response=None) -> None:
    delay = BACKOFF_S * 2 ** attempt
    if response is not None:
        retry_after = response.headers.get("Retry-After") if getattr(response, "headers", None) else None
        if retry_after and str(retry_after).isdigit():
            delay = max(delay, min(float(retry_after), 60.0)) if BACKOFF_S > 0 else 0.0
    if delay > 0:
        time.sleep(delay)


def _describe(response) -> str:
    text = getattr(response, "text", "") or ""
    try:  # PxWebApi and KLASS answer errors as JSON with a title/message
        doc = json.loads(text)
        if isinstance(doc, dict):
            text = doc.get("title") or doc.get("message") or doc.get("detail") or text
    except ValueError:
        pass
    return " ".join(str(text).split())[:200]


def request(session, method: str, url: str, *, body: dict | None = None, stream: bool = False,
            accept: str = "application/json"):
    """Send one request with retries on 429/5xx and network errors; return the successful response.

    Raises DataError: "no network / <service> unreachable" after the last network failure, or the
    service's own message for a rejected request (4xx), naming the URL.
    """
    name = service(url)
    last_exc: Exception | None = None
    for attempt in range(MAX_TRIES):
        try:
            response = session.request(method, url, json=body, timeout=TIMEOUT, stream=stream,
                                       headers={"Accept": accept})
        except (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError) as exc:
            last_exc = exc
            if attempt + 1 < MAX_TRIES:
                _wait(attempt)
            continue
        status = int(response.status_code)
        if status < 400:
            return response
        if status in RETRY_STATUS and attempt + 1 < MAX_TRIES:
            _wait(attempt, response)
            continue
        if status == 403 and name == "SSB":
            raise DataError(f"SSB refused the request (HTTP 403, too many cells?): {url}",
                            [f"SSB's answer: {_describe(response)}"])
        raise DataError(f"{name} answered HTTP {status} for {url}",
                        [f"{name} answered HTTP {status} for {url}: {_describe(response)}"])
    raise DataError(f"no network / {name} unreachable: {OFFLINE_HINT}", [
        f"{method} {url} failed {MAX_TRIES} times ({type(last_exc).__name__}: {last_exc})"])


def get_json(session, url: str, *, body: dict | None = None, method: str | None = None):
    """GET (or POST when ``body`` is given) ``url`` and decode JSON; DataError if the answer is not JSON."""
    response = request(session, method or ("POST" if body is not None else "GET"), url, body=body)
    try:
        return response.json()
    except ValueError:
        raise DataError(f"{service(url)} answered {url} with something that is not JSON "
                        f"({_describe(response)[:80]!r})") from None


def get_bytes(session, url: str, *, progress: bool = False, desc: str = "Laster ned") -> bytes:
    """Download ``url`` as bytes, with a progress bar sized from Content-Length."""
    response = request(session, "GET", url, stream=True, accept="*/*")
    total = int(response.headers.get("Content-Length") or 0) or None
    chunks = []
    with tqdm(total=total, unit="B", unit_scale=True, desc=desc, disable=not progress, leave=False) as bar:
        try:
            for chunk in response.iter_content(chunk_size=1 << 20):
                chunks.append(chunk)
                bar.update(len(chunk))
        except (requests.ConnectionError, requests.Timeout, ConnectionError) as exc:
            raise DataError(f"no network / {service(url)} unreachable: {OFFLINE_HINT}",
                            [f"download of {url} broke off ({type(exc).__name__}: {exc})"]) from None
    return b"".join(chunks)
