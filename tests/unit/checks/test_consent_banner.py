"""CX-TRUST-007 judged from recorded banner data (no browser), and consent: in the language."""

from __future__ import annotations

from pathlib import Path

import cxaudit.checks.builtin  # noqa: F401  (registers the checks)
from cxaudit.analysis.analyse import analyse
from cxaudit.checks.base import REGISTRY, JourneySubject
from cxaudit.results import (
    ChannelInfo,
    ConsentBanner,
    ConsentControl,
    JourneyRun,
    RunResult,
    StepResult,
)
from cxaudit.run.consent.driver import banner_roots
from cxaudit.spec import load_journey

CODE = "CX-TRUST-007"


def _run(banner: ConsentBanner) -> JourneyRun:
    step = StepResult(index=0, stage="browse", action="goto", name="/", status="passed")
    step = step.model_copy(update={"consent": banner})
    return JourneyRun(journey="j", file="j.yaml", channel="desktop", status="passed", steps=[step])


def _recorded(banner: ConsentBanner) -> RunResult:
    """A raw results file with one journey run that met ``banner``."""
    channels = [ChannelInfo(name="desktop")]
    return RunResult(run_id="r", started_at="", channels=channels, runs=[_run(banner)])


def _verdicts(banner: ConsentBanner) -> dict[str, str]:
    run = _run(banner)
    check = REGISTRY[CODE]
    subject = JourneySubject(run=run, channel=ChannelInfo(name="desktop"))
    return {r.rule or "": r.status.value for r in check.evaluate(subject, check.Options())}


def _control(kind: str, width: float, contrast: float) -> ConsentControl:
    return ConsentControl(kind=kind, text=kind.title(), width=width, height=40, contrast=contrast)


def test_a_faint_small_reject_link_is_less_prominent() -> None:
    banner = ConsentBanner(
        action="reject",
        cmp="Onetrust",
        shown=True,
        first_layer=[_control("accept", 200, 8.0), _control("reject", 60, 1.9)],
    )
    assert _verdicts(banner)["reject-prominence"] == "fail"


def test_a_reject_button_like_accept_passes() -> None:
    banner = ConsentBanner(
        action="reject",
        cmp="Onetrust",
        shown=True,
        first_layer=[_control("accept", 200, 8.0), _control("reject", 180, 8.0)],
    )
    assert _verdicts(banner) == {"reject-first-layer": "pass", "reject-prominence": "pass"}


def test_a_banner_not_read_is_not_measured() -> None:
    banner = ConsentBanner(action="reject", cmp="Onetrust", shown=True, error="no container")
    assert _verdicts(banner) == {"reject-first-layer": "error"}


def test_settings_that_did_not_open_are_not_measured() -> None:
    banner = ConsentBanner(
        action="accept",
        cmp="Onetrust",
        shown=True,
        first_layer=[_control("accept", 200, 8.0), _control("settings", 200, 8.0)],
    )
    assert _verdicts(banner)["no-pre-ticked"] == "error"


def test_an_unknown_banner_is_not_measured_whether_in_a_shadow_root_or_not() -> None:
    for where in ("div.notice-bar", "shop-cookie-notice >> div.notice"):
        banner = ConsentBanner(action="reject", unknown_banner=where)
        assert _verdicts(banner) == {"not-handled": "error"}
        # The report lists it with the results not measured.
        (finding,) = [f for f in analyse(_recorded(banner)).all_findings() if f.code == CODE]
        assert finding.status == "error" and f"recognised ({where}); it was not handled" in (
            finding.message
        )
    assert _verdicts(ConsentBanner(action="reject")) == {}


def test_banner_roots_keep_shadow_chains_and_nested_steps() -> None:
    # usercentrics-api names its banner inside if/else, as a chain into
    # #usercentrics-root's shadow root; the chain stays one root.
    roots = banner_roots("usercentrics-api")
    assert ("#usercentrics-root", "[data-testid=uc-container]") in roots
    assert "#usercentrics-root,#usercentrics-cmp-ui" in roots
    assert banner_roots("consentmo")[0] == ("csm-cookie-consent", ".csm-wrapper button")
    assert banner_roots("Onetrust") == ("#onetrust-banner-sdk", "#onetrust-pc-sdk")
    assert banner_roots("no such platform") == ()


def test_consent_actions_and_old_presets_load(tmp_path: Path) -> None:
    for value, action, preset in (
        ("reject", "reject", None),
        ("{action: none, audit: false}", "none", None),
        ("onetrust", None, "onetrust"),
    ):
        (tmp_path / "j.yaml").write_text(
            f"journey: J\nconsent: {value}\nstages:\n  browse:\n    - goto: /\n"
        )
        journey, issues = load_journey(tmp_path / "j.yaml")
        assert journey is not None and journey.consent is not None, issues
        assert (journey.consent.action, journey.consent.preset) == (action, preset)
