"""Consent platforms: a real platform's banner (OneTrust markup) answered without selectors.

``consent: reject | accept`` goes through the vendored autoconsent; the banner
is read once and judged by CX-TRUST-007 (consent-reject-as-easy).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cxaudit.checks.builtin  # noqa: F401  (registers the checks)
from cxaudit.analysis import analyse
from cxaudit.checks.base import REGISTRY, JourneySubject
from cxaudit.results import ChannelInfo, RunResult
from tests.e2e.consent_pages import onetrust_page
from tests.e2e.page_server import run_on_pages

pytestmark = pytest.mark.browser


def _journey(consent: str, expect: str) -> str:
    return f"""journey: Consent
consent: {consent}
stages:
  browse:
    - goto: /
    - expect: "{expect}"
"""


def _banner_findings(raw: RunResult) -> dict[str, str]:
    """The banner check's verdict per rule, judged on the recorded run."""
    check = REGISTRY["CX-TRUST-007"]
    run = raw.runs[0]
    subject = JourneySubject(run=run, channel=ChannelInfo(name=run.channel))
    return {r.rule or "": r.status.value for r in check.evaluate(subject, check.Options())}


def _reported(raw: RunResult) -> set[str]:
    """The banner findings the analysed run reports."""
    runs = analyse(raw).runs
    return {f.rule for f in runs[0].findings if f.code == "CX-TRUST-007"}


def _run(page: str, consent: str, expect: str, tmp_path: Path) -> RunResult:
    raw = run_on_pages({"/": ("text/html", page)}, _journey(consent, expect), tmp_path)
    run = raw.runs[0]
    assert run.status == "passed", [s.message for s in run.steps]
    return raw


def test_reject_dismisses_a_onetrust_banner_without_selectors(tmp_path: Path) -> None:
    raw = _run(onetrust_page(), "reject", "Cookies: rejected", tmp_path)
    banner = raw.runs[0].steps[0].consent
    assert banner is not None
    assert (banner.action, banner.cmp, banner.shown, banner.done) == (
        "reject",
        "Onetrust",
        True,
        True,
    )
    assert banner.clicks == 1
    assert "rejected" in raw.runs[0].steps[0].message
    kinds = {c.kind for c in banner.first_layer}
    assert kinds == {"accept", "reject", "settings"}
    assert banner.settings_opened and banner.purposes >= 2 and banner.pre_ticked == []
    findings = _banner_findings(raw)
    assert findings == {
        "reject-first-layer": "pass",
        "reject-prominence": "pass",
        "no-pre-ticked": "pass",
    }
    assert _reported(raw) == set()


def test_accept_is_recorded_and_chosen_per_journey(tmp_path: Path) -> None:
    raw = _run(onetrust_page(), "accept", "Cookies: accepted", tmp_path)
    banner = raw.runs[0].steps[0].consent
    assert banner is not None and banner.action == "accept" and banner.done is True


def test_reject_hidden_behind_settings_fails_the_banner_check(tmp_path: Path) -> None:
    raw = _run(onetrust_page(reject_on_first_layer=False), "reject", "Cookies: rejected", tmp_path)
    banner = raw.runs[0].steps[0].consent
    assert banner is not None and banner.done is True and (banner.clicks or 0) > 1
    findings = _banner_findings(raw)
    assert findings["reject-first-layer"] == "fail"
    assert findings["no-pre-ticked"] == "pass"
    assert _reported(raw) == {"reject-first-layer"}


def test_pre_ticked_purposes_fail_the_banner_check(tmp_path: Path) -> None:
    raw = _run(onetrust_page(pre_ticked=True), "reject", "Cookies: rejected", tmp_path)
    banner = raw.runs[0].steps[0].consent
    assert banner is not None
    assert sorted(banner.pre_ticked) == ["Performance cookies", "Targeting cookies"]
    findings = _banner_findings(raw)
    assert findings["reject-first-layer"] == "pass"
    assert findings["no-pre-ticked"] == "fail"
    assert _reported(raw) == {"no-pre-ticked"}


def test_no_banner_is_fine_and_judged_nothing(tmp_path: Path) -> None:
    page = "<!doctype html><html lang=en><title>Shop</title><p>Cookies: none here</p></html>"
    journey = _journey("{action: reject, wait: 1500}", "Cookies: none here")
    raw = run_on_pages({"/": ("text/html", page)}, journey, tmp_path)
    step = raw.runs[0].steps[0]
    assert raw.runs[0].status == "passed" and step.consent is not None
    assert step.consent.shown is False and "no consent banner" in step.message
    assert _banner_findings(raw) == {}
