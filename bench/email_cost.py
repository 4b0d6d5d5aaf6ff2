"""What the email checks cost per message: reading and recording it, the checks, drawing it.

Three figures, each the median of ``--repeat`` rounds over the recorded messages of
tests/data/emails (the four real-shaped ones and the hostile corpus):

- read and record: ``parse_message`` and ``email_record`` (links, images, remote content);
- the email checks: every check of checks/email.py on the recorded message;
- drawing at the phone and the desktop width, each in a context of its own, with
  the screenshots (``render_widths``), in the Chromium a run uses.

Not a test: nothing is asserted; the figures go in the note of the change.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, median
from cxaudit.checks import StepSubject, all_checks
from cxaudit.checks.email import EmailCheck
from cxaudit.mail.action import EMAIL_CSP, email_parts, email_record, shown_html
from cxaudit.mail.message import parse_message
from cxaudit.mail.remote import remote_content
from cxaudit.mail.render import render_widths
from cxaudit.results import ChannelInfo, EmailLink, JourneyRun, Snapshot, StepResult
from cxaudit.run.browser import BrowserOptions, browser_session

EMAILS = ROOT / "tests" / "data" / "emails"


def _messages() -> list[bytes]:
    paths = sorted(EMAILS.glob("*.eml")) + sorted((EMAILS / "hostile").glob("*.eml"))
    return [p.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") for p in paths]


def _record(raw: bytes):  # type: ignore[no-untyped-def]
    message = parse_message(raw, id="smtp-1", received_at=time.time())
    links, images = email_parts(message.html or "")
    remote = remote_content(message.html or "")
    record = email_record(
        message,
        links=[EmailLink(href=h, text=t, status=200) for h, t in links],
        images=images,
        remote=remote[:50],
        remote_count=len(remote),
        own_hosts=["www.northwind.com"],
    )
    return message, record


def _checks(record) -> int:  # type: ignore[no-untyped-def]
    snapshot = Snapshot(url="https://www.northwind.com/__cxaudit/email/smtp-1", audited=True)
    step = StepResult(
        index=0,
        stage="post-purchase",
        action="wait_for_email",
        name="Wait",
        status="passed",
        snapshot=snapshot,
        email=record,
    )
    run = JourneyRun(
        journey="j",
        file="j.yaml",
        channel="desktop",
        status="passed",
        stages=["post-purchase"],
        steps=[step],
    )
    subject = StepSubject(run=run, step=step, channel=ChannelInfo(name="desktop"))
    results = 0
    for check in all_checks():
        if isinstance(check, EmailCheck):
            results += len(list(check.evaluate(subject, check.Options())))
    return results


async def _draw(raws: list[bytes], rounds: int) -> list[float]:
    per_message: list[float] = []
    async with browser_session(BrowserOptions()) as (_, browser):
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(rounds):
                for raw in raws:
                    message, _ = _record(raw)
                    start = time.perf_counter()
                    await render_widths(
                        browser,
                        "http://127.0.0.1:9/__cxaudit/email/smtp-1",
                        shown_html(message),
                        EMAIL_CSP,
                        Path(tmp),
                        "m",
                    )
                    per_message.append((time.perf_counter() - start) * 1000)
    return per_message


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="Rounds (default 5).")
    parser.add_argument("--no-browser", action="store_true", help="Leave out the drawing.")
    args = parser.parse_args(argv)
    raws = _messages()
    read, check = [], []
    for _ in range(args.repeat):
        for raw in raws:
            start = time.perf_counter()
            _, record = _record(raw)
            middle = time.perf_counter()
            _checks(record)
            read.append((middle - start) * 1000)
            check.append((time.perf_counter() - middle) * 1000)
    print(f"{len(raws)} messages x {args.repeat} rounds")
    print(f"read and record: median {median(read):.1f} ms per message (max {max(read):.1f})")
    print(f"email checks:    median {median(check):.2f} ms per message (max {max(check):.2f})")
    if not args.no_browser:
        drawn = asyncio.run(_draw(raws, max(1, args.repeat // 2)))
        print(f"draw at 2 widths: median {median(drawn):.0f} ms per message (max {max(drawn):.0f})")


if __name__ == "__main__":
    main()
