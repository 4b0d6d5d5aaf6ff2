"""A tiny HTTP server on 127.0.0.1 serving the test's own pages, for gatherer tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

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

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
