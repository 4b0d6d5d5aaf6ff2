"""No false finding, no missed one, from recorded-looking data (issue 13).

Each test names the defect it keeps fixed: a missing favicon is no script
error (5), an element axe already reported is not charged again (6), a page
that never loaded leaves its timings not measured (14), a failed gatherer
makes its fields missing whatever their default (16), a form that sends a
password in the URL is flagged (18), and a search box with filters is not a
form whose required fields need marking (issue 16).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cxaudit.analysis.analyse import AnalysisSettings, analyse, analyse_run
from cxaudit.checks.base import REGISTRY, Check, Result, Status, StepSubject, all_checks
from cxaudit.report.summary import console_summary
from cxaudit.results import (
    ChannelInfo,
    ConsoleMessage,
    FailedRequest,
    JourneyRun,
    RunResult,
    Snapshot,
    StepResult,
    Timing,
)

DESKTOP = ChannelInfo(name="desktop")
URL = "http://127.0.0.1:8765/"


def _step(snapshot: Snapshot, status: str = "passed", message: str = "") -> StepResult:
    return StepResult(
        index=0,
        stage="purchase",
        action="goto",
        name="goto /",
        status=status,  # type: ignore[arg-type]
        message=message,
        snapshot=snapshot,
    )


def _run(*steps: StepResult, status: str = "passed") -> JourneyRun:
    return JourneyRun(
        journey="Buy",
        file="buy.yaml",
        channel="desktop",
        status=status,  # type: ignore[arg-type]
        stages=["purchase"],
        steps=list(steps),
    )


def _analyse(snapshot: Snapshot) -> JourneyRun:
    raw = RunResult(run_id="t", started_at="now", channels=[DESKTOP], runs=[_run(_step(snapshot))])
    return analyse(raw).runs[0]


def _outcomes(run: JourneyRun, slug: str) -> list[str]:
    return [o.status for o in run.outcomes if o.slug == slug]


def _check(slug: str) -> Check:
    all_checks()
    return next(c for c in REGISTRY.values() if c.slug == slug)


def _evaluate(slug: str, snapshot: Snapshot) -> list[Result]:
    check = _check(slug)
    step = _step(snapshot)
    subject = StepSubject(run=_run(step), step=step, channel=DESKTOP)
    return list(check.evaluate(subject, check.Options()))


def _field(selector: str, **values: Any) -> dict[str, Any]:
    box = values.pop("box", {"x": 10, "y": 100, "width": 200, "height": 30})
    field = {
        "selector": selector,
        "tag": "input",
        "type": "text",
        "name_attr": "",
        "name": "",
        "name_source": "",
        "form": 0,
        "box": box,
    }
    return {**field, **values}


# -- 16: a failed gatherer leaves its fields missing, whatever their default ----------


class _TitleCheck(Check):
    """Test check: fails a page with an empty title."""

    code = "CX-USE-999"
    slug = "test-title"
    title = "Page has a title"
    failure_title = "Page has no title"
    category = "usability"
    requires = ("title",)

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        yield Result(status=Status.PASS if snapshot and snapshot.title else Status.FAIL)


def test_a_required_field_with_a_default_is_not_measured_when_its_gatherer_failed() -> None:
    failed = Snapshot(url=URL, audited=True, errors={"page": "Execution context was destroyed"})
    run = analyse_run(_run(_step(failed)), DESKTOP, [_TitleCheck()], AnalysisSettings())
    (outcome,) = run.outcomes
    assert outcome.status == "error"
    (finding,) = run.findings
    assert finding.message == "not measured: page failed: Execution context was destroyed"
    # Read and empty, it is a real failure.
    read = Snapshot(url=URL, audited=True, title="")
    run = analyse_run(_run(_step(read)), DESKTOP, [_TitleCheck()], AnalysisSettings())
    assert [o.status for o in run.outcomes] == ["fail"]


# -- 14: a page that never loaded is not measured, never a pass ------------------------


def test_timings_of_a_page_that_never_loaded_are_not_measured() -> None:
    error_page = Snapshot(
        url="chrome-error://chromewebdata/",
        timing=Timing(navigated=True, ttfb_ms=1.0, fcp_ms=76.0, lcp_ms=76.0, cls=0.0),
    )
    refused = "could not open http://127.0.0.1:9/: net::ERR_CONNECTION_REFUSED"
    run = _run(_step(error_page, status="error", message=refused), status="error")
    raw = RunResult(run_id="t", started_at="now", channels=[DESKTOP], runs=[run])
    result = analyse(raw)
    perf = [o for o in result.runs[0].outcomes if o.category == "performance" and o.step == 0]
    assert perf and {o.status for o in perf} == {"error"}
    assert not [
        o for o in result.runs[0].outcomes if o.category == "performance" and o.status == "pass"
    ]
    messages = {f.message for f in result.runs[0].findings if f.category == "performance"}
    assert f"not measured: the page never loaded: {refused}" in messages
    summary = console_summary(result)
    assert "overall score not measured" in summary and "n/a/100" not in summary
    assert "not measured" in summary.split("·")[1]


# -- 5: the browser's favicon request is no script error and no failed request --------


def test_a_missing_favicon_is_neither_a_script_error_nor_a_failed_request() -> None:
    favicon = "http://127.0.0.1:8765/favicon.ico"
    snapshot = Snapshot(
        url=URL,
        audited=True,
        console=[
            ConsoleMessage(
                type="error",
                text="Failed to load resource: the server responded with a status of 404 (Not Found)",
                url=favicon,
            )
        ],
        failed_requests=[FailedRequest(url=favicon, resource_type="other", status=404)],
    )
    assert [r.status for r in _evaluate("console-errors", snapshot)] == [Status.PASS]
    assert [r.status for r in _evaluate("failed-requests", snapshot)] == [Status.PASS]


def test_a_host_the_audit_cannot_reach_is_a_note_and_the_sites_own_failures_count() -> None:
    """A web font on a host the audit machine cannot reach (CI, privacy filters) is no
    finding of the site; a cancelled request is none at all; HTTP errors still count."""
    font = "https://fonts.example/css2?family=Inter"
    snapshot = Snapshot(
        url=URL,
        audited=True,
        failed_requests=[
            FailedRequest(
                url=font, resource_type="stylesheet", failure="net::ERR_NAME_NOT_RESOLVED"
            ),
            FailedRequest(url=URL + "beacon", resource_type="ping", failure="net::ERR_ABORTED"),
        ],
    )
    passed, note = _evaluate("failed-requests", snapshot)
    assert passed.status == Status.PASS
    assert note.status == Status.INFORMATIVE and "fonts.example" in note.message
    broken = snapshot.model_copy(
        update={
            "failed_requests": [
                FailedRequest(url="https://cdn.example/app.js", resource_type="script", status=404),
                FailedRequest(url=URL + "api/cart", failure="net::ERR_CONNECTION_RESET"),
            ]
        }
    )
    (failed,) = _evaluate("failed-requests", broken)
    assert failed.status == Status.FAIL and failed.message.startswith("2 request(s) failed")


def test_a_linked_icon_that_fails_is_a_minor_finding_and_script_errors_still_count() -> None:
    icon = "http://127.0.0.1:8765/static/favicon-32.png"
    snapshot = Snapshot(
        url=URL,
        audited=True,
        console=[ConsoleMessage(type="pageerror", text="TypeError: basket is undefined")],
        failed_requests=[FailedRequest(url=icon, resource_type="image", status=404)],
    )
    (console,) = _evaluate("console-errors", snapshot)
    assert console.status == Status.FAIL and "basket is undefined" in console.message
    passed, icon_result = _evaluate("failed-requests", snapshot)
    assert passed.status == Status.PASS
    assert (icon_result.status, icon_result.rule, icon_result.severity) == (
        Status.FAIL,
        "icon",
        "minor",
    )


# -- 6: an element axe reported is not charged again by an overlapping check ----------


def _unlabelled(axe: dict[str, Any] | None) -> Snapshot:
    field = _field("#main > form > input", html='<input name="">')
    return Snapshot(
        url=URL,
        audited=True,
        forms={"fields": [field], "forms": [{"index": 0, "selector": "form", "fields": 1}]},
        axe=axe,
    )


LABEL_VIOLATION = {
    "violations": [
        {
            "id": "label",
            "impact": "critical",
            "tags": ["wcag2a", "wcag412"],
            "help": "Form elements must have labels",
            "nodes": [
                {
                    # axe names the element its own way; the place and size are the same.
                    "target": ["form > input:nth-child(1)"],
                    "html": '<input name="">',
                    "box": {"x": 10.04, "y": 100.0, "width": 200.0, "height": 30.0},
                }
            ],
        }
    ],
    "passes": [],
}


def test_a_field_axe_reported_without_a_label_is_charged_once() -> None:
    run = _analyse(_unlabelled(LABEL_VIOLATION))
    assert [f.rule for f in run.findings if f.code == "CX-A11Y-001"] == ["label"]
    assert not [f for f in run.findings if f.slug == "field-name"]
    assert _outcomes(run, "field-name") == ["not_applicable"]
    # Without axe's finding the check charges the field itself.
    alone = _analyse(_unlabelled({"violations": [], "passes": []}))
    assert [f.status for f in alone.findings if f.slug == "field-name"] == ["fail"]


def test_a_step_that_switches_axe_rule_off_gets_the_overlapping_check_back() -> None:
    step = _step(_unlabelled(LABEL_VIOLATION)).model_copy(
        update={"overrides": {"disable": ["label"]}}
    )
    raw = RunResult(run_id="t", started_at="now", channels=[DESKTOP], runs=[_run(step)])
    run = analyse(raw).runs[0]
    assert not [f for f in run.findings if f.rule == "label"]
    assert [f.status for f in run.findings if f.slug == "field-name"] == ["fail"]


def test_tap_targets_axe_reported_are_not_charged_again() -> None:
    def target(selector: str, x: float) -> dict[str, Any]:
        return {
            "selector": selector,
            "html": f'<a href="/{selector}">',
            "box": {"x": x, "y": 10, "width": 16, "height": 16},
        }

    layout = {"touch": False, "targets": [target("a.one", 0), target("a.two", 18)]}
    axe = {
        "violations": [
            {
                "id": "target-size",
                "impact": "serious",
                "tags": ["wcag22aa", "wcag258"],
                "nodes": [
                    {
                        "target": [".one"],
                        "html": '<a href="/a.one">',
                        "box": {"x": 0, "y": 10, "width": 16, "height": 16},
                    },
                    {
                        "target": [".two"],
                        "html": '<a href="/a.two">',
                        "box": {"x": 18, "y": 10, "width": 16, "height": 16},
                    },
                ],
            }
        ],
        "passes": [],
    }
    run = _analyse(Snapshot(url=URL, audited=True, layout=layout, axe=axe))
    assert [f.rule for f in run.findings if f.code == "CX-A11Y-001"] == ["target-size"]
    assert not [f for f in run.findings if f.slug == "tap-target-size"]
    alone = _analyse(Snapshot(url=URL, audited=True, layout=layout, axe={"violations": []}))
    assert [f.rule for f in alone.findings if f.slug == "tap-target-size"] == [
        "target-size-minimum"
    ]


# -- 18: a form that sends a password or card number in the URL ------------------------


def _login(method: str | None, method_attr: str, **field: Any) -> Snapshot:
    form: dict[str, Any] = {"index": 0, "selector": "form.login", "fields": 2, "action": "/account"}
    if method is not None:
        form.update(method=method, method_attr=method_attr)
    fields = [
        _field("#email", type="email", name_attr="email", name="Email"),
        _field(
            "#secret", **({"type": "password", "name_attr": "password", "name": "Password"} | field)
        ),
    ]
    return Snapshot(url=URL, audited=True, forms={"fields": fields, "forms": [form]})


def test_a_form_that_sends_a_password_in_the_url_is_flagged() -> None:
    (result,) = _evaluate("secrets-not-in-url", _login("get", "get"))
    assert result.status == Status.FAIL
    assert "asks for a password and submits with method GET" in result.message
    assert result.evidence[0].selector == "form.login"
    (no_method,) = _evaluate("secrets-not-in-url", _login("get", ""))
    assert no_method.status == Status.FAIL and "has no method" in no_method.message
    card = _login("get", "get", type="text", name_attr="cardnumber", name="Card number")
    assert "card number" in _evaluate("secrets-not-in-url", card)[0].message
    finding = next(
        f for f in _analyse(_login("get", "get")).findings if f.slug == "secrets-not-in-url"
    )
    assert (finding.category, finding.severity, finding.code) == (
        "trust",
        "serious",
        "CX-TRUST-006",
    )


def test_a_form_that_posts_its_password_passes_and_an_unknown_method_is_not_measured() -> None:
    assert [r.status for r in _evaluate("secrets-not-in-url", _login("post", "post"))] == [
        Status.PASS
    ]
    (old,) = _evaluate("secrets-not-in-url", _login(None, ""))
    assert old.status == Status.ERROR and old.message.startswith("not measured")
    plain = _login("get", "get", type="text", name_attr="q", name="Search")
    assert [r.status for r in _evaluate("secrets-not-in-url", plain)] == [Status.NOT_APPLICABLE]


# -- issue 16: a search box and filters are controls, not a form to fill in ------------


def test_a_search_box_with_filters_is_not_a_form_whose_required_fields_need_marking() -> None:
    fields = [
        _field("#q", type="search", name_attr="q", name="Search", form=0),
        _field("#size-40", type="checkbox", name_attr="size", name="Size 40", form=1),
        _field("#size-41", type="checkbox", name_attr="size", name="Size 41", form=1),
        _field("#sort", tag="select", type="select-one", name_attr="sort", name="Sort", form=1),
        _field("#min", type="checkbox", name_attr="sale", name="On sale", form=-1),
        _field("#red", type="checkbox", name_attr="red", name="Red", form=-1),
    ]
    forms = [
        {"index": 0, "selector": "form.search", "fields": 1, "search": True},
        {"index": 1, "selector": "form.filters", "fields": 3, "search": False},
    ]
    snapshot = Snapshot(url=URL, audited=True, forms={"fields": fields, "forms": forms})
    assert [r.status for r in _evaluate("required-marked", snapshot)] == [Status.NOT_APPLICABLE]
    # A search form with a second text box (a location) is still a search form.
    where = _field("#where", name_attr="where", name="Where", form=0)
    snapshot = Snapshot(url=URL, audited=True, forms={"fields": [*fields, where], "forms": forms})
    assert [r.status for r in _evaluate("required-marked", snapshot)] == [Status.NOT_APPLICABLE]
    # A form the customer fills in, unmarked, still fails.
    address = [
        _field("#street", name_attr="street", name="Street", form=2),
        _field("#city", name_attr="city", name="City", form=2),
        _field("#agree", type="checkbox", name_attr="agree", name="I agree", form=2),
    ]
    forms_ = [*forms, {"index": 2, "selector": "form.address", "fields": 3}]
    snapshot = Snapshot(
        url=URL, audited=True, forms={"fields": [*fields, *address], "forms": forms_}
    )
    (result,) = _evaluate("required-marked", snapshot)
    assert result.status == Status.FAIL and result.evidence[0].selector == "form.address"
