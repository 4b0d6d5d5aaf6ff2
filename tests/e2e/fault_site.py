"""A small site on 127.0.0.1 that misbehaves on purpose, for the reliability and policy tests.

Every fault a real site can throw at an audit, one path each: errors,
responses that never end, redirect loops, pages that crash the renderer or
are huge, pop-ups and dialogs, pages that fail the first time only, pages
that hang until the test lets them go, redirects and requests to another
origin. The same server answers as ``localhost`` too, which the browser
treats as another origin: that is the "third party" of these tests.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""

BIG_DOM = """<p>A page with {n} elements.</p>
<div id="feed"></div>
<script>
  const feed = document.getElementById('feed');
  const chunk = document.createDocumentFragment();
  for (let i = 0; i < {n}; i++) {{
    const item = document.createElement('span');
    item.textContent = 'item ' + i + ' ';
    chunk.appendChild(item);
  }}
  feed.appendChild(chunk);
</script>"""

# Allocates until V8's heap limit: the renderer dies of it ("Aw, Snap").
CRASH = """<p>Loading everything at once…</p>
<script>
  const hoard = [];
  setTimeout(() => { for (;;) hoard.push(new Array(1e6).fill(Math.random())); }, 50);
</script>"""

POPUPS = """<p id="status">ready</p>
<a href="/ok/terms" target="_blank">Terms (new window)</a>
<button onclick="window.open('/ok/offer', 'offer'); document.getElementById('status').textContent = 'opened'">Show offer</button>"""

DIALOGS = """<p id="status">no answer yet</p>
<button onclick="alert('Your basket was saved')">Save basket</button>
<button onclick="document.getElementById('status').textContent = confirm('Remove this item?') ? 'removed' : 'kept'">Remove item</button>
<button onclick="document.getElementById('status').textContent = 'code: ' + prompt('Discount code?', 'WELCOME')">Add code</button>
<a href="/ok/elsewhere">Leave</a>
<script>
  window.addEventListener('beforeunload', (e) => { e.preventDefault(); e.returnValue = 'You have unsaved changes'; });
</script>"""


class _Handler(BaseHTTPRequestHandler):
    server: FaultSiteServer

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _reset_mid_body(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>Half a page</title><p>" + b"x" * 2000)
        self.wfile.flush()
        time.sleep(0.2)  # let the browser show the start of the page first
        # SO_LINGER 0: close() sends RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _page(self, title: str, body: str = "", status: int = 200) -> None:
        self._send(status, PAGE.format(title=title, body=body))

    def do_GET(self) -> None:
        site = self.server.site
        path = urlsplit(self.path).path
        host = (self.headers.get("Host") or "").split(":")[0]
        site.record(path, host)
        parts = path.strip("/").split("/")
        head, key = parts[0], "/".join(parts[1:])
        if head in ("", "ok"):
            self._page(key.replace("-", " ").capitalize() or "Home", f"<p>Page {key}</p>")
        elif head == "error500":
            self._page("Internal Server Error", "<p>Something broke</p>", status=500)
        elif head == "never-ends":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>Still loading</title><p>The rest never comes")
            self.wfile.flush()
            site.stopping.wait(120)
        elif head == "loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif head == "crash":
            self._page("Everything", CRASH)
        elif head == "big":
            self._page("Huge page", BIG_DOM.format(n=int(key or 200_000)))
        elif head == "popups":
            self._page("Pop-ups", POPUPS)
        elif head == "dialogs":
            self._page("Dialogs", DIALOGS)
        elif head in ("flaky-drop", "flaky-503"):
            # Chromium itself resends a GET once when a pre-opened connection
            # closes without an answer: a dropped request must fail twice to
            # reach cxaudit as a failure.
            failures = site.fail_first.get(key, 2 if head == "flaky-drop" else 1)
            if site.count(path) <= failures:
                if head == "flaky-drop":
                    self.close_connection = True  # no answer at all: ERR_EMPTY_RESPONSE
                    return
                self._page("Service Unavailable", "<p>Busy</p>", status=503)
                return
            self._page("Back again", "<p>Worked this time</p>")
        elif head in ("reset", "flaky-reset"):
            # Headers and part of the body, then a TCP reset: the page never finishes.
            if head == "reset" or site.count(path) <= site.fail_first.get(key, 1):
                self._reset_mid_body()
                return
            self._page("Back again", "<p>Worked this time</p>")
        elif head == "slow":
            site.slow_hit.set()
            site.release.wait(60)
            self._page("Slow page", "<p>Finally</p>")
        elif head == "offsite":
            self.send_response(302)
            self.send_header("Location", f"{site.other_url}/ok/{key or 'landed'}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif head == "links":
            self._page(
                "Links",
                f'<a href="{site.other_url}/ok/partner">Partner shop</a>'
                '<a href="/ok/inside">Inside</a>',
            )
        elif head == "third-party":
            self._page(
                "With trackers",
                f'<img src="{site.other_url}/pixel.gif" alt="" width="1" height="1">'
                f'<script src="{site.other_url}/tracker.js"></script>',
            )
        elif head == "pixel.gif":
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
            self.send_header("Content-Length", str(len(gif)))
            self.end_headers()
            self.wfile.write(gif)
        elif head == "tracker.js":
            self._send(200, "window.tracked = true;", {"Content-Type": "text/javascript"})
        elif head in site.pages:
            self._send(200, site.pages[head])
        else:
            self._page("Not found", "<p>No such page</p>", status=404)


class FaultSiteServer(ThreadingHTTPServer):
    daemon_threads = True
    site: FaultSite


class FaultSite:
    """The misbehaving site on a free loopback port, as a context manager."""

    def __init__(self, pages: dict[str, str] | None = None) -> None:
        #: Extra pages by first path segment, served as they are.
        self.pages = dict(pages or {})
        #: How many times each ``flaky-*`` key fails before it works (default: 2 drops, one 503).
        self.fail_first: dict[str, int] = {}
        self.hits: list[tuple[str, str]] = []
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.slow_hit = threading.Event()
        self.release = threading.Event()
        self.stopping = threading.Event()
        self._server = FaultSiteServer(("127.0.0.1", 0), _Handler)
        self._server.site = self
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        #: The same server under another origin: a third party to the site.
        self.other_url = f"http://localhost:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def record(self, path: str, host: str) -> None:
        with self._lock:
            self.hits.append((path, host))
            self._counts[path] += 1

    def count(self, path: str) -> int:
        with self._lock:
            return self._counts[path]

    def hits_from(self, host: str) -> list[str]:
        with self._lock:
            return [path for path, h in self.hits if h == host]

    def wait_for(self, event: threading.Event, timeout: float = 120) -> None:
        if not event.wait(timeout):
            raise AssertionError("the site never saw the request the test waits for")

    def __enter__(self) -> FaultSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.release.set()
        time.sleep(0.05)
        self._server.shutdown()
        self._server.server_close()
