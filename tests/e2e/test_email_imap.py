"""The imap mailbox against a real IMAP server: dovecot on 127.0.0.1, started by the test.

A small shop on 127.0.0.1 takes an order and delivers its confirmation into
dovecot's mail store; a run configured as ``cxaudit run --config`` configures it
(``mail: {imap: ...}`` in cxaudit.yaml, the password as a secret) waits for it
over IMAP, reads it as the page and follows its link back to the shop.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler
from itertools import count
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.mail import session
from cxaudit.project.config import load_settings
from cxaudit.run.pipeline import run_options
from cxaudit.run.runner import plan, run_journeys
from cxaudit.spec import load_journeys
from tests.e2e.imap_server import INSTALL_HINT, Dovecot, find_dovecot
from tests.e2e.page_server import _serving

PASSWORD = "imap-pw-7Qx2-never-in-a-report"

FORM = """<!doctype html><html lang="en"><title>Checkout</title><main><h1>Checkout</h1>
<form method="post" action="/order"><label>Email <input name="email" type="email"></label>
<button>Place order</button></form></main></html>"""


def _confirmation(base: str, to: str, number: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Northwind <orders@northwind.test>"
    message["To"] = to
    message["Subject"] = f"Your order {number}"
    message["Message-ID"] = f"<{number}@northwind.test>"
    message.set_content(f"Order {number}\nTotal: 42.00\n{base}/orders/{number}\n")
    message.add_alternative(
        f'<!doctype html><html lang="en"><title>Your order</title><body><main>'
        f'<p>Order <span data-testid="order-number">{number}</span></p><p>Total: 42.00</p>'
        f'<p><a href="{base}/orders/{number}">View your order</a></p></main></body></html>',
        subtype="html",
    )
    return message.as_bytes()


@pytest.fixture()
def dovecot() -> Iterator[Dovecot]:
    binary = find_dovecot()
    if binary is None:
        pytest.skip(f"dovecot is not installed: {INSTALL_HINT}")
    with Dovecot(binary, password=PASSWORD) as server:
        yield server


@pytest.fixture()
def shop(dovecot: Dovecot) -> Iterator[str]:
    """Takes an order and mails its confirmation into dovecot's store, as a live shop would."""
    numbers = count(1001)
    # Another run's mail sits in the same inbox: the journey must not take it.
    dovecot.deliver(_confirmation("http://127.0.0.1:9", "cx+someone-else@cxaudit.test", "NW-1"))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, body: str, status: int = 200) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/":
                self._send(FORM)
            elif self.path.startswith("/orders/NW-"):
                number = self.path.rsplit("/", 1)[1]
                self._send(
                    f'<!doctype html><html lang="en"><title>Order</title><main>'
                    f"<h1>Order status</h1><p>{number}: packed</p></main></html>"
                )
            else:
                self._send("not found", 404)

        def do_POST(self) -> None:
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            number = f"NW-{next(numbers)}"
            host = self.headers["Host"]
            dovecot.deliver(_confirmation(f"http://{host}", form["email"][0], number))
            self._send(
                f'<!doctype html><html lang="en"><title>Thank you</title><main><h1>Thank you</h1>'
                f'<p>Order <span data-testid="order-number">{number}</span></p></main></html>'
            )

    with _serving(Handler) as url:
        yield url


def test_wait_for_email_reads_a_real_imap_inbox(
    dovecot: Dovecot,
    shop: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / "cxaudit.yaml").write_text(
        "mail:\n"
        "  imap:\n"
        f"    {{host: 127.0.0.1, port: {dovecot.port}, user: {dovecot.user}, ssl: false,\n"
        '     password: "${secret:CX_TEST_IMAP_PASSWORD}"}\n',
        encoding="utf-8",
    )
    (tmp_path / "imap.yaml").write_text(
        "journey: Buyer reads the confirmation from an IMAP inbox\n"
        "messages:\n"
        "  must_match: [[order, email_order]]\n"
        "stages:\n"
        "  purchase:\n"
        "    - goto: /\n"
        '    - fill: {label: Email, value: "${mail.address}"}\n'
        "    - click: {role: button, name: Place order}\n"
        "  post-purchase:\n"
        "    - capture: {order: {test_id: order-number}}\n"
        "    - wait_for_email: {subject: Your order, timeout: 30}\n"
        "    - capture: {email_order: {test_id: order-number}}\n"
        "    - click: {role: link, name: View your order}\n"
        "    - expect: {text: Order status}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CX_TEST_IMAP_PASSWORD", PASSWORD)
    # As `cxaudit run --config` does it, in this process (a second one costs CI seconds).
    settings = load_settings(
        {"base_url": shop, "channels": ["desktop"]},
        config_path=tmp_path / "cxaudit.yaml",
        cwd=tmp_path,
    )
    journeys, issues = load_journeys([tmp_path / "imap.yaml"])
    assert journeys, issues
    options = run_options(
        settings, output_dir=tmp_path / "out", run_id="imap-test", screenshots=False
    )
    try:
        raw = asyncio.run(run_journeys(plan(journeys, options.channels, False), options))
    finally:
        session.configure(None)
    result = json.loads(analyse(raw).model_dump_json())
    (run,) = result["runs"]
    assert run["status"] == "passed", (run.get("error"), dovecot.log)
    step = next(s for s in run["steps"] if s["action"] == "wait_for_email")
    email = step["email"]
    assert email["mailbox"] == f"IMAP {dovecot.user}@127.0.0.1:{dovecot.port}/INBOX"
    captured = {c["name"]: c["text"] for s in run["steps"] for c in s["captures"]}
    # This run's own order, not the other address's NW-1 that was there first.
    assert captured["email_order"] == captured["order"] != "NW-1"
    assert email["subject"] == f"Your order {captured['order']}"
    assert email["has_text"] and email["has_html"]
    assert [link["status"] for link in email["links"]] == [200]
    assert "/orders/NW-" in run["steps"][-1]["snapshot"]["url"]
    # The checks on the message ran from what the step recorded.
    judged = {o["code"]: o["status"] for o in run["outcomes"] if o["step"] == step["index"]}
    assert judged["CX-MSG-050"] == "pass"  # order number in the text part too
    assert judged["CX-TRUST-051"] == "pass"  # a reply to orders@ reaches someone
    assert judged["CX-TRUST-053"] == "not_applicable"  # an order confirmation
    # The password came from the environment and went nowhere else.
    assert f"user=<{dovecot.user}>, method=PLAIN" in dovecot.log
    assert PASSWORD not in json.dumps(result)
    assert PASSWORD not in capsys.readouterr().out + caplog.text
