"""A tiny HTTP server on 127.0.0.1 serving the test's own pages, for gatherer tests.

:func:`serve_folder` serves a folder of files instead (the clean corpus,
also audited by bench/stability.py).
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cxaudit.results import RunResult


def answer(handler: BaseHTTPRequestHandler, status: int, kind: str, data: bytes) -> None:
    """Send one whole answer, never cached (every test server here answers this way)."""
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(data)))
    handler.send_header("Cache-Control", "no-store")
    handler.end_headers()
    handler.wfile.write(data)


@contextmanager
def serve(pages: Mapping[str, tuple[str, str]]) -> Iterator[str]:
    """Serve ``{path: (content type, body)}`` on a free loopback port; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            found = pages.get(urlsplit(self.path).path)
            status, (kind, body) = (200, found) if found else (404, ("text/plain", "not found"))
            answer(self, status, f"{kind}; charset=utf-8", body.encode("utf-8"))

    with _serving(Handler) as url:
        yield url


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler], port: int = 0) -> Iterator[str]:
    """``handler`` on a loopback port (0: a free one), in a thread, until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_on_pages(
    pages: Mapping[str, tuple[str, str]], journey_yaml: str, folder: Path
) -> RunResult:
    """Run one journey (YAML text) on desktop against ``pages`` served on loopback: raw results."""
    return run_many_on_pages(pages, [journey_yaml], folder)


def run_many_on_pages(
    pages: Mapping[str, tuple[str, str]], journeys_yaml: Sequence[str], folder: Path
) -> RunResult:
    """Run several journeys (YAML texts) in one browser on desktop against ``pages``."""
    import asyncio

    from cxaudit.run.runner import RunOptions, plan, run_journeys
    from cxaudit.spec import load_journey
    from cxaudit.spec.channels import resolve_channels

    journeys = []
    for number, text in enumerate(journeys_yaml):
        path = folder / ("j.yaml" if number == 0 else f"j{number + 1}.yaml")
        path.write_text(text, encoding="utf-8")
        journey, issues = load_journey(path)
        assert journey is not None, issues
        journeys.append(journey)
    with serve(pages) as url:
        options = RunOptions(
            channels=resolve_channels(["desktop"]),
            output_dir=folder,
            base_url=url,
            screenshots=False,
        )
        return asyncio.run(run_journeys(plan(journeys, options.channels, False), options))


@contextmanager
def serve_folder(root: Path, mounts: Sequence[str] = ()) -> Iterator[str]:
    """Serve the files under ``root`` on a free loopback port; yields the base URL.

    ``mounts`` are URL prefixes that serve ``root`` too (the ACT test cases
    link their assets as ``/test-assets/...`` and as
    ``/WAI/content-assets/wcag-act-rules/test-assets/...``).

    A POST is answered with the file at its path, as a static site's form
    target would be; anything missing (``/favicon.ico``) is a plain 404.
    Shared by the clean-corpus test and the stability benchmark, so both
    audit exactly the same site.
    """
    base = root.resolve()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            path = unquote(urlsplit(self.path).path)
            for prefix in mounts:
                if path.startswith(prefix):
                    path = path[len(prefix) :]
                    break
            path = path.lstrip("/")
            target = (base / path).resolve()
            if target.is_dir():
                target = target / "index.html"
            inside = target == base or base in target.parents
            if inside and target.is_file():
                status, data = 200, target.read_bytes()
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            else:
                status, data, kind = 404, b"not found", "text/plain"
            charset = (
                "; charset=utf-8" if kind.startswith("text/") or kind.endswith("script") else ""
            )
            answer(self, status, kind + charset, data)

        do_GET = _answer

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer()

    with _serving(Handler) as url:
        yield url


#: The client-rendered shop of bench/real_journey.py (React from npm, one page for every address).
REACT_SHOP = Path(__file__).resolve().parents[1] / "data" / "react_shop"
#: The clean corpus's style sheet, which the shop builds on (``/assets/site.css``).
CLEAN_ASSETS = (REACT_SHOP.parent / "clean" / "assets").resolve()


@contextmanager
def serve_app(root: Path = REACT_SHOP, port: int = 0) -> Iterator[str]:
    """Serve a client-rendered shop as such apps are served; yields the base URL.

    ``/static/NAME`` is a file of ``root`` (``/assets/NAME`` one of the clean
    corpus's assets); ``GET /api/products`` is
    ``root/products.json``; ``POST /api/orders`` answers a new order number;
    an address rendered ahead of time answers its page under
    ``root/prerendered/`` (``/product/fell-boot``: the Next-style page, hydrated
    in the browser); every other address answers ``root/index.html`` (the app
    routes in the page). Shared by the benchmark and its test, so both drive the same shop.
    """
    base = root.resolve()
    prerendered = base / "prerendered"
    orders = iter(range(10001, 10**9))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, kind: str, data: bytes) -> None:
            answer(self, status, kind, data)

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == "/api/products":
                self._send(200, "application/json", (base / "products.json").read_bytes())
            elif path.startswith(("/static/", "/assets/")):
                folder = base if path.startswith("/static/") else CLEAN_ASSETS
                target = (folder / path.split("/", 2)[2]).resolve()
                if folder in target.parents and target.is_file():
                    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    self._send(200, kind + "; charset=utf-8", target.read_bytes())
                else:
                    self._send(404, "text/plain", b"not found")
            elif path == "/favicon.ico":
                self._send(404, "text/plain", b"not found")
            elif (
                prerendered in (page := prerendered / f"{path.strip('/')}.html").resolve().parents
                and page.is_file()
            ):
                self._send(200, "text/html; charset=utf-8", page.read_bytes())
            else:
                self._send(200, "text/html; charset=utf-8", (base / "index.html").read_bytes())

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if urlsplit(self.path).path != "/api/orders":
                self._send(404, "text/plain", b"not found")
                return
            with lock:
                number = next(orders)
            self._send(201, "application/json", f'{{"number": "FF-{number}"}}'.encode())

    with _serving(Handler, port) as url:
        yield url
