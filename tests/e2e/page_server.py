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


@contextmanager
def serve(pages: Mapping[str, tuple[str, str]]) -> Iterator[str]:
    """Serve ``{path: (content type, body)}`` on a free loopback port; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            found = pages.get(urlsplit(self.path).path)
            status, (kind, body) = (200, found) if found else (404, ("text/plain", "not found"))
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

    with _serving(Handler) as url:
        yield url


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` on a free loopback port, in a thread, until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
    import asyncio

    from cxaudit.browser import resolve_channels
    from cxaudit.runner import RunOptions, plan, run_journeys
    from cxaudit.spec import load_journey

    (folder / "j.yaml").write_text(journey_yaml, encoding="utf-8")
    journey, issues = load_journey(folder / "j.yaml")
    assert journey is not None, issues
    with serve(pages) as url:
        options = RunOptions(
            channels=resolve_channels(["desktop"]),
            output_dir=folder,
            base_url=url,
            screenshots=False,
        )
        return asyncio.run(run_journeys(plan([journey], options.channels, False), options))


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
            self.send_response(status)
            charset = (
                "; charset=utf-8" if kind.startswith("text/") or kind.endswith("script") else ""
            )
            self.send_header("Content-Type", kind + charset)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        do_GET = _answer

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer()

    with _serving(Handler) as url:
        yield url
