"""reformkit.data.online.http: urllib3 retries on the real session (against a local server) and the size limit.

No test here touches the network: the server listens on 127.0.0.1, and the size-limit tests hand over
in-memory responses.
"""
from __future__ import annotations

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from urllib3.exceptions import ProtocolError

from reformkit.data.online import http
from reformkit.errors import DataError


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(http, "BACKOFF_S", 0.0)


class LocalServer:
    """A local HTTP server answering from a queue of (status, headers, body); it records every request."""

    def __init__(self):
        self.answers: list[tuple[int, dict, bytes]] = []
        self.seen: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server.seen.append((self.command, self.path))
                status, headers, body = server.answers.pop(0) if server.answers else (200, {}, b"{}")
                self.send_response(status)
                for k, v in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def session():
    s = http.make_session()
    s.trust_env = False  # no proxy from the environment for 127.0.0.1
    return s


def test_transport_retries_connection_failures_then_gives_a_clear_error(session):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/config"
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="no network / 127.0.0.1 unreachable") as err:
        http.get_json(session, url)
    assert "Max retries exceeded" in err.value.problems[0] and url in err.value.problems[0]
    assert time.perf_counter() - t0 < 5   # BACKOFF_S = 0: no waiting


def test_transport_retries_429_and_5xx_for_get_and_post(server, session):
    server.answers = [(429, {}, b'{"title": "Too Many Requests"}'), (503, {}, b""), (200, {}, b'{"ok": 1}')]
    assert http.get_json(session, server.url + "/config") == {"ok": 1}
    assert server.seen == [("GET", "/config")] * 3
    server.seen.clear()
    server.answers = [(502, {}, b""), (200, {}, b'{"ok": 2}')]
    assert http.get_json(session, server.url + "/data", body={"selection": []}) == {"ok": 2}
    assert server.seen == [("POST", "/data")] * 2      # PxWebApi v2 queries by POST: retried too


def test_http_errors_after_the_last_try_and_rejections(server, session):
    server.answers = [(500, {}, b'{"title": "Internal error"}')] * http.MAX_TRIES
    with pytest.raises(DataError, match="HTTP 500") as err:
        http.get_json(session, server.url + "/config")
    assert len(server.seen) == http.MAX_TRIES and "Internal error" in err.value.problems[0]
    server.seen.clear()
    server.answers = [(404, {}, b'{"title": "Not Found"}')]
    with pytest.raises(DataError, match="HTTP 404"):
        http.get_json(session, server.url + "/nothing")
    assert len(server.seen) == 1                        # a rejection is not retried


def test_retry_after_is_honoured_and_capped(server, session, monkeypatch):
    assert http.retry_policy().parse_retry_after("3600") == http.RETRY_AFTER_MAX_S
    monkeypatch.setattr(http, "RETRY_AFTER_MAX_S", 0.3)
    server.answers = [(429, {"Retry-After": "3600"}, b""), (200, {}, b"{}")]
    t0 = time.perf_counter()
    http.get_json(http.make_session(), server.url + "/config")
    assert 0.3 <= time.perf_counter() - t0 < 3


# ---- download size limit --------------------------------------------------------------------------------------
def recorded(body: bytes, headers: dict | None = None) -> requests.Response:
    """A real requests.Response over an in-memory body, as the transport hands it over when streaming."""
    r = requests.Response()
    r.status_code, r.raw, r.url = 200, io.BytesIO(body), "https://nedlasting.geonorge.no/x.zip"
    r.headers.update(headers or {})
    return r


class OneAnswer:
    def __init__(self, response):
        self.response = response

    def request(self, method, url, **kwargs):
        assert kwargs["stream"] is True, "bodies are streamed so the size limit can stop them"
        return self.response


def test_answers_over_the_size_limit_are_refused(monkeypatch):
    url = "https://nedlasting.geonorge.no/x.zip"
    assert http.get_bytes(OneAnswer(recorded(b"x" * 3000)), url) == b"x" * 3000
    assert http.request(OneAnswer(recorded(b'{"a": 1}')), "GET", url, max_bytes=8).json() == {"a": 1}
    with pytest.raises(DataError, match=r"Kartverket/Geonorge answered .*x\.zip with more than 2,999 bytes"):
        http.request(OneAnswer(recorded(b"x" * 3000)), "GET", url, max_bytes=2999)   # no Content-Length: streamed
    with pytest.raises(DataError, match="more than 100 bytes"):
        http.request(OneAnswer(recorded(b"", {"Content-Length": "101"})), "GET", url, max_bytes=100)
    monkeypatch.setattr(http, "MAX_BYTES", 10)                                        # the module default
    with pytest.raises(DataError, match="x\\.zip with more than 10 bytes"):
        http.get_bytes(OneAnswer(recorded(b"x" * 11)), url)


class BrokenStream(io.BytesIO):
    """A body whose connection drops after the first chunk (as urllib3 reports it)."""

    def stream(self, chunk_size, decode_content=True):
        yield b"x" * 10
        raise ProtocolError("Connection broken: IncompleteRead")


def test_a_download_that_breaks_off_is_a_clear_error():
    r = recorded(b"")
    r.raw = BrokenStream()
    with pytest.raises(DataError, match="no network / Kartverket/Geonorge unreachable") as err:
        http.get_bytes(OneAnswer(r), "https://nedlasting.geonorge.no/x.zip")
    assert "download of https://nedlasting.geonorge.no/x.zip broke off" in err.value.problems[0]
