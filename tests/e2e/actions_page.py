"""A small shop-like page with one element for every action and locator kind.

Served by :class:`PageServer` (stdlib http.server on 127.0.0.1, port 0) for
the action tests; the page's own scripts make each action's effect visible
as text, so a journey can ``expect`` it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Action test shop</title>
<style>
  #menu { display: none; } #menu-host:hover #menu { display: block; }
  .spacer { height: 2600px; }
</style></head>
<body>
<nav aria-label="Main"><a href="/shoes">Shoes</a> <a href="/about">About</a></nav>
<main>
<h1>Action test shop</h1>
<p data-testid="price">€1.234,50</p>
<p id="status" role="status"></p>

<button id="add">Add to cart</button>
<p id="added" hidden>Added to your cart</p>

<div id="fav" data-testid="fav" role="button" tabindex="0" aria-label="Favourite">☆</div>
<p id="fav-note"></p>

<div id="menu-host"><button>Menu</button><div id="menu"><a href="/sale">Sale</a></div></div>

<label for="q">Search</label> <input id="q" type="search">
<p id="keys">keys: 0</p>

<input id="pc" placeholder="Postcode">
<label>Email <input id="email" type="email" name="email"></label>
<label>Promo <input class="promo-code" value="SPRING"></label>
<label for="size">Size</label>
<select id="size"><option>40</option><option value="41">Forty-one</option><option>42</option></select>
<label><input type="checkbox" id="gift"> Gift wrap</label>
<label><input type="checkbox" id="news" checked> Send me offers</label>
<label><input type="checkbox" id="terms"> I accept the terms</label>
<button id="order" disabled>Place order</button>

<label for="photo">Photo</label> <input id="photo" type="file">
<p id="photo-name"></p>

<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Trail shoe photo" width="40" height="40">
<span title="Free returns">↩</span>

<ul><li class="item">One</li><li class="item">Two</li><li class="item">Three</li></ul>
<section aria-label="Basket"><button>Remove</button></section>
<section aria-label="Wishlist"><button>Remove</button></section>
<div data-testid="spinner">Loading…</div>

<form action="/echo" method="get">
  <label>Password <input name="pw" id="pw"></label>
  <button>Sign in</button>
</form>

<div class="spacer"></div>
<footer><p id="bottom">Bottom of the page</p><p id="more" hidden>More products loaded</p></footer>
</main>
<script>
  const $ = (id) => document.getElementById(id);
  $('add').onclick = () => setTimeout(() => { $('added').hidden = false; }, 300);
  $('fav').ondblclick = () => { $('fav-note').textContent = 'Saved to favourites'; };
  let keys = 0;
  $('q').addEventListener('keydown', () => { keys += 1; $('keys').textContent = 'keys: ' + keys; });
  $('terms').onchange = () => { $('order').disabled = !$('terms').checked; };
  $('photo').onchange = () => { $('photo-name').textContent = 'chosen: ' + $('photo').files[0].name; };
  setTimeout(() => { document.querySelector('[data-testid=spinner]').remove(); }, 300);
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { $('more').hidden = false; }
  }).observe($('bottom'));
</script>
</body></html>
"""

CONSENT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Consent test</title></head>
<body><main><h1>Welcome</h1><p>Content behind the banner.</p></main>
<div id="onetrust-banner-sdk" hidden><p>We use cookies.</p>
  <button id="onetrust-accept-btn-handler">Accept All Cookies</button></div>
<div id="own-banner" hidden><button id="stubborn">Accept all</button></div>
<script>
  const stubborn = location.search.includes('stubborn');
  setTimeout(() => {
    const banner = document.getElementById(stubborn ? 'own-banner' : 'onetrust-banner-sdk');
    if (!document.cookie.includes('consent=1')) { banner.hidden = false; }
  }, 200);
  document.getElementById('onetrust-accept-btn-handler').onclick = () => {
    document.cookie = 'consent=1'; document.getElementById('onetrust-banner-sdk').hidden = true;
  };
  document.getElementById('stubborn').onclick = () => {};
</script></body></html>
"""

CONTEXT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Context test</title></head>
<body><p id="lang"></p><p id="zone"></p><p id="where">where: unknown</p><p id="cookie"></p>
<p id="storage"></p>
<script>
  document.getElementById('lang').textContent = 'language: ' + navigator.language;
  document.getElementById('zone').textContent =
    'zone: ' + Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.getElementById('cookie').textContent = 'cookies: ' + document.cookie;
  document.getElementById('storage').textContent =
    'stored: ' + (localStorage.getItem('greeting') || 'nothing');
  navigator.geolocation.getCurrentPosition((p) => {
    document.getElementById('where').textContent = 'where: ' + p.coords.latitude.toFixed(2);
  });
</script></body></html>
"""


def simple(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        query = parse_qs(split.query)
        if split.path == "/":
            self._send(HOME)
        elif split.path == "/consent":
            self._send(CONSENT)
        elif split.path == "/context":
            self._send(CONTEXT)
        elif split.path == "/headers":
            headers = {k.lower(): v for k, v in self.headers.items()}
            self._send(simple("Headers", f"<pre id='h'>{json.dumps(headers)}</pre>"))
        elif split.path == "/echo":
            typed = query.get("pw", [""])[0]
            # The page shows what was typed and logs it: both must be redacted.
            self._send(
                simple(
                    "Signed in",
                    f"<p id='echo'>You typed {typed}</p><script>console.error('login failed for {typed}')</script>",
                )
            )
        elif split.path in ("/shoes", "/about", "/sale"):
            title = split.path.strip("/").capitalize()
            self._send(simple(title, "<p>A page.</p><a href='/'>Home</a>"))
        else:
            self._send(simple("Not found", ""), status=404)

    def _send(self, html: str, status: int = 200) -> None:
        body = html.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PageServer:
    """The action test pages on a free loopback port."""

    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
