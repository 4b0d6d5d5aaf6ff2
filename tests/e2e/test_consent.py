"""Consent platforms: real platforms' banners (OneTrust, and in shadow roots) answered without selectors.

``consent: reject | accept`` goes through the vendored autoconsent; the banner
is read once and judged by CX-TRUST-007 (consent-reject-as-easy).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cxaudit.checks.builtin  # noqa: F401  (registers the checks)
from cxaudit.analysis.analyse import analyse
from cxaudit.checks.base import REGISTRY, JourneySubject
from cxaudit.results import ChannelInfo, RunResult, StepResult
from tests.e2e.consent_pages import (
    consentmo_page,
    cookiebot_page,
    onetrust_page,
    unknown_banner_page,
    usercentrics_page,
)
from tests.e2e.page_server import run_many_on_pages, run_on_pages

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


# Banners in open shadow roots: one browser run, seven journeys, judged below.
SHADOW_PAGES = {
    "/uc": ("text/html", usercentrics_page(pre_ticked=True)),
    "/csm": ("text/html", consentmo_page()),
    "/unknown-shadow": ("text/html", unknown_banner_page(in_shadow=True)),
    "/unknown-page": ("text/html", unknown_banner_page(in_shadow=False)),
    "/ot-shadow": ("text/html", onetrust_page(in_shadow=True)),
    "/cb-shadow": ("text/html", cookiebot_page(pre_ticked=True)),
}
# A banner that shows ends the wait at once: a long one keeps a busy machine's
# slow detection from passing for "no banner"; the unknown ones wait it out.
SHADOW_JOURNEYS = {
    "Usercentrics reject": ("/uc", "{action: reject, wait: 30000}", "Cookies: rejected"),
    "Usercentrics accept": (
        "/uc",
        "{action: accept, audit: false, wait: 30000}",
        "Cookies: accepted",
    ),
    "Consentmo accept": ("/csm", "{action: accept, wait: 30000}", "Cookies: accepted"),
    "Unknown in a shadow root": ("/unknown-shadow", "{action: reject, wait: 1500}", "not chosen"),
    "Unknown in the page": ("/unknown-page", "{action: reject, wait: 1500}", "not chosen"),
    "OneTrust in a shadow root": (
        "/ot-shadow",
        "{action: reject, wait: 30000}",
        "Cookies: rejected",
    ),
    "Cookiebot in a shadow root": (
        "/cb-shadow",
        "{action: accept, wait: 30000}",
        "Cookies: accepted",
    ),
}


@pytest.fixture(scope="module")
def shadow_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """Each journey's run as a results file of its own (the helpers read ``runs[0]``)."""
    texts = [
        f"""journey: {name}
consent: {consent}
stages:
  browse:
    - goto: {path}
    - expect: "{expect}"
"""
        for name, (path, consent, expect) in SHADOW_JOURNEYS.items()
    ]
    raw = run_many_on_pages(SHADOW_PAGES, texts, tmp_path_factory.mktemp("shadow"))
    runs = {run.journey: raw.model_copy(update={"runs": [run]}) for run in raw.runs}
    assert set(runs) == set(SHADOW_JOURNEYS)
    return runs


def _passed(raw: RunResult) -> StepResult:
    run = raw.runs[0]
    assert run.status == "passed", [s.message for s in run.steps]
    return run.steps[0]


def test_shadow_root_banners_are_found_and_answered(shadow_runs: dict[str, RunResult]) -> None:
    rejected = _passed(shadow_runs["Usercentrics reject"]).consent
    accepted = _passed(shadow_runs["Usercentrics accept"]).consent
    custom = _passed(shadow_runs["Consentmo accept"]).consent
    assert rejected is not None and accepted is not None and custom is not None
    assert (rejected.cmp, rejected.shown, rejected.done) == ("usercentrics-api", True, True)
    assert (accepted.cmp, accepted.action, accepted.done) == ("usercentrics-api", "accept", True)
    # Clicked through the chain ['csm-cookie-consent', '.csm-wrapper .cc-allow'].
    assert (custom.cmp, custom.done, custom.clicks) == ("consentmo", True, 1)


def test_the_banner_audit_reads_inside_the_shadow_root(shadow_runs: dict[str, RunResult]) -> None:
    usercentrics = shadow_runs["Usercentrics reject"]
    banner = _passed(usercentrics).consent
    assert banner is not None and banner.error == ""
    controls = {c.kind: c for c in banner.first_layer}
    assert set(controls) == {"accept", "reject", "settings"}
    assert controls["reject"].text == "Deny" and controls["reject"].width > 0
    assert controls["reject"].selector == (
        '#usercentrics-root >> button[data-testid="uc-deny-all-button"]'
    )
    assert banner.settings_opened and banner.purposes == 3
    assert banner.pre_ticked == ["Marketing"]
    assert _banner_findings(usercentrics) == {
        "reject-first-layer": "pass",
        "reject-prominence": "pass",
        "no-pre-ticked": "fail",
    }
    consentmo = shadow_runs["Consentmo accept"]
    custom = _passed(consentmo).consent
    assert custom is not None
    assert {c.kind for c in custom.first_layer} == {"accept", "settings"}
    assert custom.settings_opened and custom.purposes == 2 and custom.pre_ticked == []
    assert _banner_findings(consentmo) == {"reject-first-layer": "fail", "no-pre-ticked": "pass"}


def test_an_unknown_banner_is_not_handled_alike_in_a_shadow_root_and_in_the_page(
    shadow_runs: dict[str, RunResult],
) -> None:
    seen = {}
    for name, where in (
        ("Unknown in a shadow root", "shop-cookie-notice >> div.notice"),
        ("Unknown in the page", "div.notice-bar"),
    ):
        step = _passed(shadow_runs[name])
        banner = step.consent
        assert banner is not None
        assert (banner.cmp, banner.shown, banner.done, banner.unknown_banner) == (
            None,
            False,
            None,
            where,
        )
        assert step.message == (
            "cookie banner not handled: no autoconsent rule recognised it within 1.5 s "
            f"({where}); left as it is"
        )
        seen[name] = _banner_findings(shadow_runs[name])
    assert (
        seen["Unknown in a shadow root"] == seen["Unknown in the page"] == {"not-handled": "error"}
    )


def test_onetrust_and_cookiebot_in_a_shadow_root_are_read_and_answered(
    shadow_runs: dict[str, RunResult],
) -> None:
    # autoconsent's rules for these two are code that looks in the light DOM only.
    onetrust_step = _passed(shadow_runs["OneTrust in a shadow root"])
    onetrust = onetrust_step.consent
    assert onetrust is not None and onetrust.error == ""
    assert (onetrust.cmp, onetrust.shown, onetrust.done, onetrust.clicks) == (
        "Onetrust",
        True,
        True,
        1,
    )
    assert onetrust_step.message.startswith(
        "Onetrust banner rejected in a shadow root (consent-shell), 1 click(s)"
    )
    controls = {c.kind: c.selector for c in onetrust.first_layer}
    assert controls == {
        "accept": "consent-shell >> #onetrust-accept-btn-handler",
        "reject": "consent-shell >> #onetrust-reject-all-handler",
        "settings": "consent-shell >> #onetrust-pc-btn-handler",
    }
    assert onetrust.settings_opened and onetrust.purposes >= 2 and onetrust.pre_ticked == []
    assert _banner_findings(shadow_runs["OneTrust in a shadow root"]) == {
        "reject-first-layer": "pass",
        "reject-prominence": "pass",
        "no-pre-ticked": "pass",
    }
    cookiebot = _passed(shadow_runs["Cookiebot in a shadow root"]).consent
    assert cookiebot is not None and cookiebot.error == ""
    assert (cookiebot.cmp, cookiebot.action, cookiebot.done) == ("Cybotcookiebot", "accept", True)
    assert {c.kind for c in cookiebot.first_layer} == {"accept", "reject", "settings"}
    assert cookiebot.settings_opened and cookiebot.purposes == 3
    assert cookiebot.pre_ticked == ["Preferences", "Statistics"]
    assert _banner_findings(shadow_runs["Cookiebot in a shadow root"])["no-pre-ticked"] == "fail"
