"""A hostile email shown in real Chromium: no script runs, no refresh navigates away, and
nothing is fetched from the network unless the step asks (``load_remote: true``).

The shop's server on 127.0.0.1 also stands in for the trackers and image
hosts and records every request for them (on its own origin: Chromium keeps a
page it did not load from the network from reaching other loopback ports). One journey reads two messages: the first
with remote content blocked (the default), the second with it loaded, so the
test sees that the tracker server can be reached at all.
"""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.mail import session
from cxaudit.mail.smtp import SmtpSink
from cxaudit.results import RunResult
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels
from tests.e2e.page_server import _serving, answer

TO = "cx+hostile@cxaudit.test"
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


HOME = "<!doctype html><html lang='en'><title>Shop</title><main><h1>Shop</h1></main></html>"


class _Tracker(BaseHTTPRequestHandler):
    """The shop's home page, and a pixel for every other address (each request recorded)."""

    hits: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/":
            answer(self, 200, "text/html; charset=utf-8", HOME.encode())
            return
        self.hits.append(path)
        answer(self, 200, "image/gif", GIF)


def _mail(sink: SmtpSink, subject: str, html: str) -> None:
    message = EmailMessage()
    message["From"] = "Shop <orders@shop.test>"
    message["To"] = TO
    message["Subject"] = subject
    message.set_content("Order text")
    message.add_alternative(html, subtype="html")
    with smtplib.SMTP(*sink.address, timeout=10) as client:
        client.send_message(message)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def result(out: Path) -> Iterator[RunResult]:
    _Tracker.hits = []
    with _serving(_Tracker) as shop, SmtpSink() as sink:
        tracker = shop
        session.use(sink)
        try:
            _mail(
                sink,
                "Blocked NW-1",
                f"""<!doctype html><html lang="en"><head><title>Order NW-1</title>
<meta http-equiv="refresh" content="0;url={tracker}/refresh-1">
<link rel="stylesheet" href="{tracker}/style-1.css">
<script>document.title = "script ran"</script></head>
<body onload="document.title = 'onload ran'"><h1>Order NW-1</h1>
<img src="{tracker}/open-1.gif" width="1" height="1" alt="">
<img src="{tracker}/logo-1.gif" alt="Shop">
<p style="background: url({tracker}/bg-1.gif)">Thank you</p>
<img src="x" onerror="document.title = 'onerror ran'" alt="">
<table style="width: 900px"><tr><td>A table laid out for a desktop</td></tr></table>
<p><a href="{shop}/">Back to the shop</a></p></body></html>""",
            )
            _mail(
                sink,
                "Loaded NW-2",
                f"""<!doctype html><html lang="en"><title>Order NW-2</title><h1>Order NW-2</h1>
<img src="{tracker}/open-2.gif" width="1" height="1" alt=""></html>""",
            )
            journey = out / "hostile.yaml"
            journey.write_text(
                "journey: Reads hostile mail\n"
                "stages:\n"
                "  post-purchase:\n"
                "    - goto: /\n"
                f"    - wait_for_email: {{to: '{TO}', subject: Blocked, timeout: 10}}\n"
                "    - expect: {text: Thank you}\n"
                f"    - wait_for_email: {{to: '{TO}', subject: Loaded, timeout: 10, load_remote: true}}\n"
                "    - expect: {text: Order NW-2}\n",
                encoding="utf-8",
            )
            journeys, issues = load_journeys([journey])
            assert journeys, issues
            options = RunOptions(
                channels=resolve_channels(["desktop"]),
                output_dir=out,
                base_url=shop,
                screenshots=False,
            )
            pairs = plan(journeys, options.channels, False)
            yield analyse(asyncio.run(run_journeys(pairs, options)))
        finally:
            session.use(None)


def test_a_hostile_email_runs_nothing_and_fetches_nothing(result: RunResult, out: Path) -> None:
    (run,) = result.runs
    assert run.status == "passed", [(s.name, s.message) for s in run.steps]
    blocked, read = run.steps[1:3]
    for step in (blocked, read):
        assert step.snapshot is not None
        # No script, handler or refresh: the title is the message's, the page still the email.
        assert step.snapshot.title == "Order NW-1"
        assert urlsplit(step.snapshot.url).path.startswith("/__cxaudit/email/")
    assert not [hit for hit in _Tracker.hits if "-1" in hit]
    assert blocked.email is not None and not blocked.email.remote_loaded
    kinds = sorted((r.kind, r.tracker) for r in blocked.email.remote)
    assert blocked.email.remote_count == 5
    assert kinds == [
        ("background", False),
        ("image", False),
        ("image", False),
        ("image", True),
        ("stylesheet", False),
    ]
    # Drawn again at a phone and a desktop width in contexts of their own (which fetched
    # nothing either): the 900 px table scrolls sideways on the phone only.
    phone, desktop = blocked.email.renderings
    assert (phone.name, phone.width, desktop.name, desktop.width) == ("phone", 375, "desktop", 1280)
    assert phone.scroll_width >= 900 and desktop.scroll_width <= desktop.width
    assert all((out / r.screenshot).is_file() for r in (phone, desktop))
    assert {r.screenshot for r in (phone, desktop)} <= set(blocked.screenshots)
    wide = [
        f for f in result.all_findings() if f.slug == "email-fits-screen" and f.status == "fail"
    ]
    assert len(wide) == 1 and "at the phone width of 375 px" in wide[0].message, wide
    # What cxaudit blocked is not charged to the message as a console error.
    charged = [
        f for f in result.all_findings() if f.slug == "console-errors" and f.status == "fail"
    ]
    assert charged == []


def test_remote_content_is_loaded_when_the_step_asks(result: RunResult) -> None:
    loaded = result.runs[0].steps[3]
    assert loaded.email is not None and loaded.email.remote_loaded
    assert "/open-2.gif" in _Tracker.hits, [m.text for m in loaded.snapshot.console]  # type: ignore[union-attr]
