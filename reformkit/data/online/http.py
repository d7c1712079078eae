"""HTTP for the online loaders: one ``requests.Session`` with urllib3 retries, timeouts, a size cap, clear errors.

Retries belong to the session's transport (:func:`make_session` mounts urllib3's ``Retry`` through
``HTTPAdapter``): connection failures, broken reads and HTTP 429/500/502/503/504 are tried again, up to
:data:`MAX_TRIES` tries in all, with exponential backoff, honouring the server's ``Retry-After`` (at most
:data:`RETRY_AFTER_MAX_S`). POST is retried like GET: PxWebApi v2 queries data by POST, and a query changes
nothing on the server.

:func:`request` turns what the transport finally returns into a response or a :class:`DataError` naming the
service and the URL, and reads the body with a cap of :data:`MAX_BYTES`. Tests replace the session
(``make_session`` or the ``session`` argument of the loaders) with a fake that serves recorded responses by
URL; nothing here touches the network by itself.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from tqdm.auto import tqdm
from urllib3.util.retry import Retry

from ...errors import DataError

USER_AGENT = "reformkit/0.1 (kommune reform toolkit; +https://github.com/)"
TIMEOUT = (10, 180)        # connect, read (seconds); a 800 000-cell JSON-stat answer can take a while
MAX_TRIES = 4
BACKOFF_S = 2.0            # urllib3's backoff factor: it waits 0, 4, 8 s between the tries; tests set 0
RETRY_AFTER_MAX_S = 60.0   # a longer Retry-After would look like a hang; the next try fails clearly instead
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
RETRY_METHODS = frozenset({"GET", "HEAD", "POST"})
MAX_BYTES = 200 * 2**20    # refuse a larger answer (the largest download, the kommune polygon zip, is far below)
CHUNK = 1 << 20
OFFLINE_HINT = "use `reformkit data import DIR` with an offline mirror"

SERVICES = {
    "data.ssb.no": "SSB",
    "nedlasting.geonorge.no": "Kartverket/Geonorge",
    "api.kartverket.no": "Kartverket",
}


class _Retry(Retry):
    """urllib3's retry policy with the server's Retry-After capped at :data:`RETRY_AFTER_MAX_S`."""

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), RETRY_AFTER_MAX_S)


def retry_policy() -> Retry:
    """The retry policy :func:`make_session` mounts (built from the module constants when called)."""
    # raise_on_status=False: after the last try the error response itself comes back, so the DataError can
    # quote the service's own message
    return _Retry(total=MAX_TRIES - 1, status_forcelist=RETRY_STATUS, allowed_methods=RETRY_METHODS,
                  backoff_factor=BACKOFF_S, respect_retry_after_header=True, raise_on_status=False)


def make_session() -> requests.Session:
    """The session every online loader uses (tests monkeypatch this to serve recorded responses)."""
    s = requests.Session()
    s.headers.update({"User-Agent": USER_AGENT})
    adapter = HTTPAdapter(max_retries=retry_policy())
    s.mount("https://", adapter)
    s.mount("http://", adapter)
    return s


def service(url: str) -> str:
    """A readable name for the host of ``url`` (SSB, Kartverket/Geonorge, ...)."""
    host = urlsplit(url).hostname or url
    return SERVICES.get(host, host)


def _describe(response) -> str:
    text = getattr(response, "text", "") or ""
    try:  # PxWebApi and KLASS answer errors as JSON with a title/message
        doc = json.loads(text)
        if isinstance(doc, dict):
            text = doc.get("title") or doc.get("message") or doc.get("detail") or text
    except ValueError:
        pass
    return " ".join(str(text).split())[:200]


def _too_large(url: str, limit: int) -> DataError:
    return DataError(f"{service(url)} answered {url} with more than {limit:,} bytes (the limit); "
                     f"raise reformkit.data.online.http.MAX_BYTES if the file really is that large")


def _read_capped(response: requests.Response, url: str, limit: int, progress: bool, desc: str) -> None:
    """Stream the body of ``response`` into it, refusing more than ``limit`` bytes."""
    total = int(response.headers.get("Content-Length") or 0) or None
    chunks, size = [], 0
    with tqdm(total=total, unit="B", unit_scale=True, desc=desc, disable=not progress, leave=False) as bar:
        try:
            for chunk in response.iter_content(chunk_size=CHUNK):
                size += len(chunk)
                if size > limit:
                    response.close()
                    raise _too_large(url, limit)
                chunks.append(chunk)
                bar.update(len(chunk))
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise DataError(f"no network / {service(url)} unreachable: {OFFLINE_HINT}",
                            [f"download of {url} broke off ({type(exc).__name__}: {exc})"]) from None
    # requests keeps a read body here; .content, .text and .json() then use it as if read unstreamed
    response._content = b"".join(chunks)


def request(session, method: str, url: str, *, body: dict | None = None, accept: str = "application/json",
            max_bytes: int | None = None, progress: bool = False, desc: str = "Laster ned"):
    """Send one request (retried by the session's transport) and return the response with its body read.

    The body is streamed and refused beyond ``max_bytes`` (default :data:`MAX_BYTES`); ``progress`` shows a
    bar while it downloads. Raises DataError: "no network / <service> unreachable" when every try failed,
    the service's own message for a rejected request (4xx, or 5xx after the last try), or an answer over
    the size limit, each naming the URL.
    """
    name = service(url)
    limit = MAX_BYTES if max_bytes is None else max_bytes
    try:
        response = session.request(method, url, json=body, timeout=TIMEOUT, stream=True,
                                   headers={"Accept": accept})
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.RetryError) as exc:
        raise DataError(f"no network / {name} unreachable: {OFFLINE_HINT}", [
            f"{method} {url} failed ({type(exc).__name__}: {exc})"]) from None
    if int(response.headers.get("Content-Length") or 0) > limit:
        raise _too_large(url, limit)
    # a real HTTP response is streamed; test doubles hand over recorded bodies that are already in memory
    if isinstance(response, requests.Response):
        _read_capped(response, url, limit, progress, desc)
    status = int(response.status_code)
    if status >= 400:
        if status == 403 and name == "SSB":
            raise DataError(f"SSB refused the request (HTTP 403, too many cells?): {url}",
                            [f"SSB's answer: {_describe(response)}"])
        raise DataError(f"{name} answered HTTP {status} for {url}",
                        [f"{name} answered HTTP {status} for {url}: {_describe(response)}"])
    return response


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
    return request(session, "GET", url, accept="*/*", progress=progress, desc=desc).content
