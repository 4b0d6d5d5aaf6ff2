"""The order confirmation email as a channel: the demo shop mails it to an SMTP sink
on 127.0.0.1 and the journey waits for it, reads it and goes back to the shop from it.

Ground truth for the email flaws is cxaudit/demo/flaws.yaml (area ``email``).
The two channels run at once (``workers=2``) against one sink holding both
messages: each run must read only the message sent to its own plus-address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.demo import DemoShop
from cxaudit.demo.flaws import Flaw, load_flaws
from cxaudit.demo.mail import DISPATCH_DELAY_S
from cxaudit.mail import session
from cxaudit.mail.smtp import SmtpSink
from cxaudit.results import Finding, JourneyRun, RunResult
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels

ROOT = Path(__file__).resolve().parents[2]
JOURNEY = ROOT / "journeys" / "order-email.yaml"
FLAWS = [f for f in load_flaws() if f.area == "email"]


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as box:
        session.use(box)
        try:
            yield box
        finally:
            session.use(None)


def audit(shop: DemoShop, out: Path, journey: Path = JOURNEY, checks: bool = True) -> RunResult:
    journeys, issues = load_journeys([journey])
    assert journeys, issues
    options = RunOptions(
        channels=resolve_channels(["desktop", "mobile"]),
        output_dir=out,
        base_url=shop.url,
        screenshots=False,
        workers=2,
        audit=checks,
    )
    return analyse(asyncio.run(run_journeys(plan(journeys, options.channels, False), options)))


@pytest.fixture(scope="module")
def flawed(sink: SmtpSink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    with DemoShop(smtp=sink.address) as shop:
        yield audit(shop, tmp_path_factory.mktemp("flawed"))


@pytest.fixture(scope="module")
def fixed(sink: SmtpSink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    with DemoShop(fixed=True, smtp=sink.address) as shop:
        yield audit(shop, tmp_path_factory.mktemp("fixed"))


def _email_step(run: JourneyRun):  # type: ignore[no-untyped-def]
    return next(s for s in run.steps if s.action == "wait_for_email")


def _capture(run: JourneyRun, name: str) -> str:
    return next(c.text for s in run.steps for c in s.captures if c.name == name)


def finds(finding: Finding, detect: dict) -> bool:
    values = finding.evidence[0].values if finding.evidence else {}
    if "must_match" in detect:
        return (
            finding.slug == "captured-values-match" and values.get("capture") == detect["capture"]
        )
    if "check" in detect:
        return finding.slug == detect["check"]
    raise AssertionError(f"no detector for detect hint {detect}")


def detected_on(result: RunResult, flaw: Flaw) -> set[str]:
    found = set()
    for finding in result.all_findings():
        if finding.status != "fail" or not finds(finding, flaw.detect):
            continue
        run = next(
            r for r in result.runs if r.journey == finding.journey and r.channel == finding.channel
        )
        for index in {finding.step, *finding.seen_on_steps} - {None}:
            snapshot = run.steps[index].snapshot  # type: ignore[index]
            if snapshot is not None and fnmatchcase(urlsplit(snapshot.url).path, flaw.page):
                found.add(finding.channel)
    return found


def test_the_catalogue_has_the_email_flaws() -> None:
    assert {f.id for f in FLAWS} == {
        *("MAIL-TOTAL", "MAIL-IMG-ALT", "MAIL-DEAD-LINK", "MAIL-NO-TEXT", "MAIL-NO-REPLY"),
        *("MAIL-DISPATCH-LATE", "MAIL-NO-UNSUBSCRIBE"),
    }


def test_the_confirmation_email_is_found_on_every_channel(flawed: RunResult) -> None:
    assert {r.channel for r in flawed.runs} == {"desktop", "mobile"}
    for run in flawed.runs:
        assert run.status == "passed", run.error
        email = _email_step(run).email
        assert email is not None
        assert email.subject.startswith("Your Northwind order NW-")
        assert email.sender.endswith("<orders@northwind.test>")
        assert email.has_html and not email.has_text
        assert email.delay_ms is not None and email.delay_ms >= 0
        # The email became the page: its values were captured with the web's locators.
        assert _capture(run, "email_order") == _capture(run, "order")
        # The newsletter and the dispatch notice came next, waited for from the emails.
        _, newsletter, dispatch = (s.email for s in run.steps if s.action == "wait_for_email")
        assert newsletter is not None and newsletter.headers.get("Precedence") == "bulk"
        assert not newsletter.renderings  # draw: false
        assert dispatch is not None and dispatch.subject.endswith(
            f"(order {_capture(run, 'order')})"
        )
        assert dispatch.sender.endswith("<no-reply@northwind.test>")
        assert _capture(run, "dispatch_order") == _capture(run, "order")
        # Its tracking link was followed back into the shop, in the web channel's context.
        paths = [urlsplit(s.snapshot.url).path for s in run.steps if s.snapshot is not None]
        assert paths[-1] == f"/orders/{_capture(run, 'order')}"
        # Waited for while an email was the page, its arrival counts from the order page,
        # as the confirmation's does: it was sent DISPATCH_DELAY_S after the order.
        assert dispatch.caused_by == email.caused_by and "/confirmation" in email.caused_by
        assert dispatch.budget_ms == 2500
        assert dispatch.delay_ms is not None and dispatch.delay_ms >= DISPATCH_DELAY_S * 1000


def test_parallel_runs_read_only_their_own_mail(flawed: RunResult) -> None:
    """Both messages sat in one sink while both channels waited at the same time."""
    addresses = {}
    for run in flawed.runs:
        email = _email_step(run).email
        assert email is not None
        assert len(email.to) == 1
        addresses[run.channel] = email.to[0]
        assert f"-{run.channel}-" in email.to[0]
        # The order in the email is the one this run placed, not the other channel's.
        assert email.subject.endswith(_capture(run, "order"))
    assert addresses["desktop"] != addresses["mobile"]


@pytest.mark.parametrize("flaw", FLAWS, ids=lambda f: f.id)
def test_email_flaw_is_reported_on_each_channel(flaw: Flaw, flawed: RunResult) -> None:
    assert detected_on(flawed, flaw) == set(flaw.channels), flaw.what


@pytest.mark.parametrize("flaw", FLAWS, ids=lambda f: f.id)
def test_email_flaw_is_not_reported_on_the_fixed_shop(flaw: Flaw, fixed: RunResult) -> None:
    assert all(r.status == "passed" for r in fixed.runs), [r.error for r in fixed.runs]
    for run in fixed.runs:
        email = _email_step(run).email
        assert email is not None and email.has_text
    assert detected_on(fixed, flaw) == set(), flaw.fixed_by


def test_no_message_in_time_is_a_failed_step_saying_what_arrived(
    sink: SmtpSink, tmp_path: Path
) -> None:
    journey = tmp_path / "late.yaml"
    journey.write_text(
        "journey: Waits for a refund notice\n"
        "stages:\n"
        "  purchase:\n"
        "    - goto: /product/trail-runner-2\n"
        "    - click: {role: button, name: Add to cart}\n"
        "    - use:\n"
        f"        fragment: {ROOT / 'journeys' / 'fragments' / 'checkout.yaml'}\n"
        '        with: {email: "${mail.address}", name: Robin Late}\n'
        "  post-purchase:\n"
        "    - wait_for_email: {subject: Your refund, timeout: 2}\n"
        "    - expect: {text: never}\n",
        encoding="utf-8",
    )
    with DemoShop(smtp=sink.address) as shop:
        result = audit(shop, tmp_path / "out", journey, checks=False)
    for run in result.runs:
        assert run.status == "failed"
        step = _email_step(run)
        assert step.status == "failed"
        assert "subject containing 'Your refund'" in step.message
        assert f"-{run.channel}-" in step.message  # the address it waited at
        assert "Your Northwind order NW-" in step.message  # what did arrive
        assert run.steps[-1].status == "skipped"


def test_the_email_is_audited_at_a_phone_and_a_desktop_width(flawed: RunResult) -> None:
    """axe-core at both widths and the layout at the phone width, on the page the
    renderings were drawn in; the journey page showing the email is not audited twice."""
    for run in flawed.runs:
        step = _email_step(run)
        assert step.email is not None
        phone, desktop = step.email.renderings
        assert (phone.name, phone.width, desktop.name, desktop.width) == (
            *("phone", 375, "desktop", 1280),
        )
        for drawn in (phone, desktop):
            assert drawn.audited and drawn.axe is not None and not drawn.errors
            assert "image-alt" in {v.id for v in drawn.axe.violations}  # MAIL-IMG-ALT
        assert phone.layout is not None and desktop.layout is None
        assert phone.layout.viewport.width == 375
        assert "Track your order" in {t.name for t in phone.layout.targets}
        mine = [f for f in run.findings if f.step == step.index]
        # The logo without alt is one defect: email-image-alt's finding, not axe's again.
        alt = [f for f in mine if f.rule == "image-alt" or f.slug == "email-image-alt"]
        assert [f.slug for f in alt] == ["email-image-alt"], [(f.slug, f.rule) for f in alt]
        assert not [f for f in mine if f.slug == "axe-rules"]


def test_the_fixed_shops_emails_pass_their_own_audits(fixed: RunResult) -> None:
    for run in fixed.runs:
        drawn = [s.email for s in run.steps if s.email is not None and s.email.renderings]
        assert len(drawn) == 2  # the confirmation and the dispatch notice
        assert all(r.audited and r.axe is not None for e in drawn for r in e.renderings)
        failing = [
            (f.slug, f.rule, f.message)
            for f in run.findings
            if f.slug in ("email-accessibility", "email-tap-targets", "email-fits-screen")
            and f.status != "pass"
        ]
        assert failing == []
