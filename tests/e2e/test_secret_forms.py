"""A page that echoes the journey's secrets in every form a browser or a page gives them:
grep every output file for each form, as an attacker would; none may be there.

The site (on 127.0.0.1, this test's own) echoes a ``${secret:...}`` typed into a form
(sent by a form GET, so Chromium form-encodes it into the query string) and a
``headers:`` secret (echoed from the request headers): as text, in the title, upper-cased
by CSS, split by ``<br>``, cut short with an ellipsis, as JSON, HTML entities, base64
(standard, URL-safe, a Basic authorization header), URL-encoded several ways, in console
errors, in an unlabelled pre-filled field (an axe snippet), in a low-contrast block.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest
from playwright.sync_api import sync_playwright

from cxaudit.redact import MASK
from cxaudit.run.browser import find_executable
from tests.e2e.page_server import _serving
from tests.results_files import results_data

ROOT = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "cxaudit")
#: Every character an encoder treats differently: ~ * ! ' ( ) space é " < & / \
PASSPHRASE = "Tr0ub4dor~ 3&*!'()é\"<x/y\\z"
API_KEY = "ak_live_9f8e7d6c5b4a"
#: cxaudit.gather.snapshot.MASKED_KEY (spelt out: the test must run without the fix too)
MASKED_KEY = "screenshot_masked"


def _form_encoded(value: str) -> str:
    """Chromium's application/x-www-form-urlencoded: ``*-._`` kept, ``~`` as %7E, space +."""
    return quote_plus(value, safe="*-._").replace("~", "%7E")


def _b64(value: str, urlsafe: bool = False, pad: bool = True) -> str:
    raw = value.encode("utf-8")
    text = (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()
    return text if pad else text.rstrip("=")


def forms(secret: str) -> dict[str, str]:
    """Every form of ``secret`` an attacker would grep for."""
    url = {
        "quote": quote(secret, safe=""),
        "quote_plus": quote_plus(secret),
        "form": _form_encoded(secret),
        "encodeURIComponent": quote(secret, safe="-_.!~*'()"),
        "typed": secret.replace(" ", "%20"),
    }
    found = {"plain": secret, **url}
    found.update({f"{k} lower hex": _lower_hex(v) for k, v in url.items()})
    found.update(
        {
            "json": json.dumps(secret, ensure_ascii=False)[1:-1],
            "json ascii": json.dumps(secret)[1:-1],
            "json slash": json.dumps(secret)[1:-1].replace("/", "\\/"),
            "html": html.escape(secret),
            "html unquoted": html.escape(secret, quote=False),
            "html decimal": "".join(f"&#{ord(c)};" for c in secret),
            "html hex": "".join(f"&#x{ord(c):x};" for c in secret),
            "base64": _b64(secret),
            "base64 no pad": _b64(secret, pad=False),
            "base64 url": _b64(secret, urlsafe=True),
            "base64 url no pad": _b64(secret, urlsafe=True, pad=False),
            "basic auth": _b64(f"user:{secret}"),
            "upper": secret.upper(),
            "lower": secret.lower(),
            "split newline": f"{secret[:5]}\n{secret[5:]}",
            "split br": f"{secret[:5]}<br>{secret[5:]}",
            "prefix": secret[:8],
            "prefix upper": secret[:8].upper(),
        }
    )
    return found


def _lower_hex(text: str) -> str:
    """``%7E`` as ``%7e``: a server's or a script's own encoder."""
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), text)


FORM = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main><h1>Sign in</h1>
<p id="key">Your key: {key}</p>
<form action="/echo" method="get">
<label for="pp">Passphrase</label> <input id="pp" name="pp">
<button>Continue</button></form></main></body></html>"""


FRAMED = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framed</title>
</head><body><main><h1>Account</h1><iframe title="Key" srcdoc="{inner}"></iframe></main></body></html>"""


def echo_page(secret: str, key: str, path: str) -> str:
    """The page that shows ``secret`` in every form, and the header secret ``key``."""
    e = html.escape
    js = json.dumps(secret)
    blob = e(json.dumps({"pp": secret}))
    slashed = blob.replace("/", "\\/")
    blocks = [
        f'<p id="plain">You typed {e(secret)}</p>',
        f'<p id="upper" style="text-transform: uppercase">{e(secret.lower())}</p>',
        f'<p id="split">{e(secret[:5])}<br>{e(secret[5:])}</p>',
        f'<p id="prefix">Welcome back, {e(secret[:10])}…</p>',
        f'<pre id="json">{blob} {slashed}</pre>',
        f'<p id="entities">{"".join(f"&#{ord(c)};" for c in secret)}</p>',
        f'<p id="b64">{_b64(secret)} {_b64(secret, urlsafe=True, pad=False)}</p>',
        f'<p id="basic">Authorization: Basic {_b64(f"user:{secret}")}</p>',
        f'<p id="uri">{e(quote(secret, safe="-_.!~*()"))} {e(secret.replace(" ", "%20"))}</p>',
        f'<p id="lower-hex">{e(quote(secret, safe="").lower())}</p>',
        f'<p id="query">{e(path)}</p>',
        f'<p id="headers">X-Api-Key: {e(key)}</p>',
        f'<input id="prefilled" value="{e(secret)}">',  # no label: an axe snippet quotes it
        f'<div id="faint" style="color:#999;background:#aaa">{e(secret)}</div>',
    ]
    script = (
        f"console.error({js});"
        f"console.error('sent ' + encodeURIComponent({js}));"
        f"console.error(JSON.stringify({{pp: {js}}}));"
        f"console.error('<b>' + {json.dumps(e(secret))} + '</b>');"
        f"console.error(btoa('user:' + unescape(encodeURIComponent({js}))));"
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hi {e(secret)}'
        f"</title></head><body><main><h1>Echo</h1>{''.join(blocks)}</main>"
        f"<script>{script}</script></body></html>"
    )


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            key = self.headers.get("X-Api-Key", "")
            if parts.path == "/":
                body = FORM.format(key=html.escape(key))
            elif parts.path == "/framed":  # a frame shows it: it cannot be covered from here
                inner = html.escape(f"<p>Your key: {html.escape(key)}</p>")
                body = FRAMED.format(inner=inner)
            elif parts.path == "/echo":
                typed = parse_qs(parts.query).get("pp", [""])[0]
                body = echo_page(typed, key, self.path)
            else:
                self.send_error(404)
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    with _serving(Handler) as url:
        yield url


JOURNEY = """
journey: Echoes every form of a secret
headers:
  X-Api-Key: "${secret:CXAUDIT_TEST_API_KEY}"
stages:
  purchase:
    - goto: /
    - fill: {label: Passphrase, value: "${secret:CXAUDIT_TEST_PASSPHRASE}"}
    - click: Continue
"""

AVERAGE_JS = """async ([src, boxes]) => {
  const img = new Image(); img.src = src; await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const g = canvas.getContext('2d'); g.drawImage(img, 0, 0);
  return boxes.map(({x, y, width, height}) => {
    const d = g.getImageData(x + 1, y + 1, width - 2, height - 2).data; const sum = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) { sum[0] += d[i]; sum[1] += d[i+1]; sum[2] += d[i+2]; }
    return sum.map((v) => Math.round(v / (d.length / 4)));
  });
}"""


def run_cli(site: str, tmp_path: Path, text: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``cxaudit run`` of one journey on desktop, with both secrets in the environment."""
    out = tmp_path / "report"
    journey = tmp_path / "echo.yaml"
    journey.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    done = subprocess.run(
        [*CLI, "run", str(journey), "--base-url", site, "--channel", "desktop", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env={
            **os.environ,
            "CXAUDIT_TEST_PASSPHRASE": PASSPHRASE,
            "CXAUDIT_TEST_API_KEY": API_KEY,
        },
    )
    assert done.returncode in (0, 1), done.stderr
    return done, out


@pytest.mark.timeout(300)
def test_no_form_of_a_secret_reaches_any_output(site: str, tmp_path: Path) -> None:
    done, out = run_cli(site, tmp_path, JOURNEY)
    results = results_data(out / "results.json")
    (run,) = results["runs"]
    assert run["status"] == "passed", run["error"]
    # The page did echo them: the masks are where the secrets were.
    echo = run["steps"][-1]["snapshot"]
    assert echo["url"].startswith(f"{site}/echo?pp=")
    assert f"You typed {MASK}" in echo["visible_text"]
    assert f"Welcome back, {MASK}" in echo["visible_text"]
    assert f"X-Api-Key: {MASK}" in echo["visible_text"]
    assert f"Hi {MASK}" == echo["title"]
    assert len([m for m in echo["console"] if MASK in m["text"]]) == 5
    names = {"results.json", "junit.xml", "results.sarif", "summary.md", "index.html"}
    files = [p for p in out.rglob("*") if p.is_file()]
    assert names <= {p.name for p in files}
    assert any(p.parent.name == "screenshots" or "screenshots" in p.parts for p in files)

    written = {str(p.relative_to(out)): p.read_bytes() for p in files}
    written["stdout"], written["stderr"] = done.stdout.encode(), done.stderr.encode()
    leaks = [
        (name, form, where)
        for secret in (PASSPHRASE, API_KEY)
        for form, value in forms(secret).items()
        for where, data in written.items()
        if value.encode("utf-8") in data
        or (len(value) >= 6 and value.lower().encode("utf-8") in data.lower())
        for name in ["passphrase" if secret == PASSPHRASE else "api key"]
    ]
    assert leaks == []

    # Screenshots: the elements that showed a secret are covered (their boxes are the
    # mask's magenta in the picture), or the screenshot was withheld.
    for step in run["steps"]:
        snapshot = step["snapshot"]
        if not snapshot or not snapshot["audited"]:
            continue
        errors = snapshot["errors"]
        if not snapshot.get("screenshot"):
            assert errors.get("screenshot", "").startswith("withheld: "), errors
            continue
        assert MASKED_KEY in errors, (step["action"], errors)
        boxes = json.loads(errors[MASKED_KEY].split(": ", 1)[1])
        if step["action"] == "click":  # the echo page: 14 elements show the secrets
            assert len(boxes) >= 14 and "input" in {b["tag"] for b in boxes}, boxes
        shot = (out / snapshot["screenshot"]).read_bytes()
        src = "data:image/webp;base64," + base64.b64encode(shot).decode()
        seen = [b for b in boxes if b["width"] > 2 and b["height"] > 2]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_executable())
            colours = browser.new_page().evaluate(AVERAGE_JS, [src, seen])
            browser.close()
        magenta = [c[0] > 200 and c[1] < 80 and c[2] > 200 for c in colours]
        assert all(magenta), list(zip(seen, colours, strict=True))


FRAMED_JOURNEY = """
journey: Shows a secret in a frame
headers:
  X-Api-Key: "${secret:CXAUDIT_TEST_API_KEY}"
stages:
  purchase:
    - goto: /framed
"""


@pytest.mark.timeout(300)
def test_a_secret_that_cannot_be_covered_withholds_the_screenshot(
    site: str, tmp_path: Path
) -> None:
    """The frame's text is the page's, but the mask cannot reach into it: no picture."""
    _, out = run_cli(site, tmp_path, FRAMED_JOURNEY)
    (run,) = results_data(out / "results.json")["runs"]
    assert run["status"] == "passed", run["error"]
    snapshot = run["steps"][0]["snapshot"]
    assert snapshot["audited"] and snapshot["screenshot"] is None
    assert snapshot["errors"]["screenshot"] == (
        "withheld: a frame on the page shows a secret, so no screenshot was kept"
    )
    assert not list(out.rglob("*.webp"))
    for path in out.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes()
