"""What the email checks cost per message: reading and recording it, the checks, drawing
and auditing it; and how long the demo's mail takes from the order to the mailbox.

Each figure is the median of ``--repeat`` rounds, over the recorded messages of
tests/data/emails (the real-shaped ones and the hostile corpus):

- read and record: ``parse_message`` and ``email_record`` (links, images, remote content);
- the email checks: every check of checks/email.py and checks/email_audit.py on the
  recorded message (the audits' checks judge recorded drawings, tests/data/emails/renderings);
- drawing at the phone and the desktop width, in one page resized, with the screenshots
  (``render_widths``), in the Chromium a run uses: without the audits, and with them
  (axe-core at both widths, the layout at the phone width), as a run that audits does.

Then the order-email journey once per round on the demo shop (desktop, its mail in an SMTP
sink on 127.0.0.1): the confirmation's arrival after the order page began loading, as the
wait step measures it, on the fixed shop (the flawed one holds the dispatch notice back on
purpose: MAIL-DISPATCH-LATE).

Not a test: nothing is asserted; the figures go in the note of the change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, median
from cxaudit.checks import StepSubject, all_checks
from cxaudit.checks.email import EmailCheck
from cxaudit.gather.axe import AxeProfile
from cxaudit.mail.action import EMAIL_CSP, email_parts, email_record, shown_html
from cxaudit.mail.message import parse_message
from cxaudit.mail.remote import remote_content
from cxaudit.mail.render import render_widths
from cxaudit.results import (
    ChannelInfo,
    EmailLink,
    EmailRendering,
    JourneyRun,
    Snapshot,
    StepResult,
)
from cxaudit.run.browser import BrowserOptions, browser_session

EMAILS = ROOT / "tests" / "data" / "emails"
RENDERINGS = EMAILS / "renderings"


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


def _drawn(raw: bytes) -> list[EmailRendering]:
    """The recorded drawings of the message (its audits), when tests/data holds them."""
    for path in RENDERINGS.glob("*.json"):
        eml = EMAILS / f"{path.stem}.eml"
        if eml.exists() and eml.read_bytes().replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n"):
            return [EmailRendering.model_validate(d) for d in json.loads(path.read_text())]
    return []


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


async def _draw(raws: list[bytes], rounds: int) -> tuple[list[float], list[float]]:
    """Per message: drawing both widths without the audits, and with them."""
    plain: list[float] = []
    audited: list[float] = []
    async with browser_session(BrowserOptions()) as (_, browser):
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(rounds):
                for raw in raws:
                    message, _ = _record(raw)
                    for profile, into in ((None, plain), (AxeProfile(), audited)):
                        start = time.perf_counter()
                        await render_widths(
                            browser,
                            "http://127.0.0.1:9/__cxaudit/email/smtp-1",
                            shown_html(message),
                            EMAIL_CSP,
                            Path(tmp),
                            "m",
                            profile,
                        )
                        into.append((time.perf_counter() - start) * 1000)
    return plain, audited


def _order_to_email(rounds: int, out: Path) -> list[float]:
    """The confirmation's arrival after the order, as the wait step measured it, per round."""
    from cxaudit.demo import DemoShop
    from cxaudit.mail import session
    from cxaudit.mail.smtp import SmtpSink
    from cxaudit.run.runner import RunOptions, plan, run_journeys
    from cxaudit.spec import load_journeys
    from cxaudit.spec.channels import resolve_channels

    journeys, _ = load_journeys([ROOT / "journeys" / "order-email.yaml"])
    delays: list[float] = []
    with SmtpSink() as box, DemoShop(fixed=True, smtp=box.address) as shop:
        session.use(box)
        try:
            for index in range(rounds):
                options = RunOptions(
                    channels=resolve_channels(["desktop"]),
                    output_dir=out / f"r{index}",
                    base_url=shop.url,
                    screenshots=False,
                    workers=1,
                )
                result = asyncio.run(run_journeys(plan(journeys, options.channels, False), options))
                for run in result.runs:
                    first = next((s.email for s in run.steps if s.email is not None), None)
                    if first is not None and first.delay_ms is not None:
                        delays.append(first.delay_ms)
        finally:
            session.use(None)
    return delays


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="Rounds (default 5).")
    parser.add_argument(
        "--no-browser", action="store_true", help="Leave out the drawing and the demo's orders."
    )
    args = parser.parse_args(argv)
    raws = _messages()
    drawings = [_drawn(raw) for raw in raws]
    read, check, check_drawn = [], [], []
    for _ in range(args.repeat):
        for raw, drawn in zip(raws, drawings, strict=True):
            start = time.perf_counter()
            _, record = _record(raw)
            middle = time.perf_counter()
            _checks(record.model_copy(update={"renderings": drawn}))
            read.append((middle - start) * 1000)
            check.append((time.perf_counter() - middle) * 1000)
            if drawn:
                check_drawn.append(check[-1])
    print(f"{len(raws)} messages x {args.repeat} rounds")
    print(f"read and record: median {median(read):.1f} ms per message (max {max(read):.1f})")
    print(f"email checks:    median {median(check):.2f} ms per message (max {max(check):.2f})")
    if check_drawn:
        print(
            f"  with audited drawings: median {median(check_drawn):.2f} ms per message "
            f"({len(drawings) - drawings.count([])} recorded messages)"
        )
    if not args.no_browser:
        plain, audited = asyncio.run(_draw(raws, max(1, args.repeat // 2)))
        print(f"draw at 2 widths: median {median(plain):.0f} ms per message (max {max(plain):.0f})")
        print(
            f"draw and audit:   median {median(audited):.0f} ms per message "
            f"(max {max(audited):.0f}; axe at both widths, the layout at the phone's)"
        )
        with tempfile.TemporaryDirectory() as tmp:
            delays = _order_to_email(args.repeat, Path(tmp))
        if delays:
            print(
                f"order to email:   median {median(delays):.0f} ms on the demo "
                f"(min {min(delays):.0f}, max {max(delays):.0f}, {len(delays)} orders)"
            )


if __name__ == "__main__":
    main()
