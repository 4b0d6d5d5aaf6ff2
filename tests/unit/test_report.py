"""The HTML report rendered from the recorded demo run, without a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cxaudit.ci.baseline import with_baseline
from cxaudit.ci.thresholds import Thresholds
from cxaudit.report import ReportOptions, render_html, write_report
from cxaudit.report.evidence import crop, image_size
from cxaudit.report.view import Assets, capture_rows, fix_first
from cxaudit.results import Evidence, RunResult
from tests.data.demo_results import DEMO, copy_demo, failing, recorded, without


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if dict(attrs).get("id"):
            self.ids.append(str(dict(attrs)["id"]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_html(recorded(), ReportOptions(), Assets(DEMO))


def _text(html: str) -> str:
    return " ".join(" ".join(parse(html).text).split())


def test_every_page_is_rendered(pages: dict[str, str]) -> None:
    assert set(pages) == {"index.html", "desktop.html", "mobile.html", "report.html"}


def test_index_shows_the_key_numbers(pages: dict[str, str]) -> None:
    result = recorded()
    text = _text(pages["index.html"])
    assert f"{result.scores.overall:.0f} out of 100" in text
    for channel, scores in result.scores.channels.items():
        assert channel in text
        assert f"{scores.overall:.0f}" in text
    for run in result.runs:
        assert run.journey in text
    completed = sum(r.status == "passed" for r in result.runs)
    assert f"{completed}/{len(result.runs)}" in text
    assert "What to fix first" in text and "Channels side by side" in text


def test_fix_first_lists_the_costliest_problem_first(pages: dict[str, str]) -> None:
    problems = fix_first(recorded())
    # Costliest first (points equal to the cent are ranked by severity).
    assert problems and problems == sorted(problems, key=lambda p: -round(p.points, 2))
    text = _text(pages["index.html"])
    assert text.index(problems[0].first.title) < text.index(problems[-1].first.title)
    assert f"{problems[0].points:.1f}" in text


def test_channel_page_has_gauges_journey_maps_findings_and_timings(pages: dict[str, str]) -> None:
    result = recorded()
    desktop = pages["desktop.html"]
    text = _text(desktop)
    assert "Channel: desktop" in text
    for category, value in result.scores.channels["desktop"].categories.items():
        assert category.capitalize() in text and f"{value:.0f}" in text
    runs = [r for r in result.runs if r.channel == "desktop"]
    tags = parse(desktop)
    for run in runs:
        for step in run.steps:  # a card per step, in its stage's lane
            assert any(i.endswith(f"-s{step.index + 1}") for i in tags.ids)
    thumbs = [
        a for t, a in tags.tags if t == "img" and "Screenshot after step" in (a.get("alt") or "")
    ]
    assert thumbs
    assert "Time per step" in text and '<svg class="bar"' in desktop
    for finding in failing(result):
        if finding.channel == "desktop":
            assert f'id="f-{finding.fingerprint}"' in desktop
    assert "Customer impact:" in text and "How to fix:" in text


def test_evidence_outlines_the_element_on_the_screenshot(pages: dict[str, str]) -> None:
    tags = parse(pages["desktop.html"])
    outlines = [a for t, a in tags.tags if t == "span" and a.get("class") == "outline"]
    assert outlines, "the recorded desktop screenshot should carry an outlined element"
    style = outlines[0]["style"] or ""
    assert re.search(r"left:[\d.]+%;top:[\d.]+%;width:[\d.]+%;height:[\d.]+%", style)


def test_crop_geometry() -> None:
    shot = DEMO / "screenshots/desktop/guest-checkout-guest-buys-trail-shoes/01-goto.jpg"
    width, height = image_size(shot) or (0, 0)
    assert width == 1366 and height > 700
    window = crop({"x": 100, "y": 200, "width": 50, "height": 20}, (width, height), 1.0)
    assert window is not None
    # A 360 px wide window at the left edge: the box sits at 100/360 of it.
    assert "left:27.778%" in window.outline and "width:13.889%" in window.outline
    assert crop({"x": 10, "y": height + 50, "width": 5, "height": 5}, (width, height), 1.0) is None
    retina = crop({"x": 100, "y": 200, "width": 50, "height": 20}, (2 * width, 2 * height), 2.0)
    assert retina == window  # device pixels do not change the CSS geometry


def test_untrusted_text_is_escaped() -> None:
    result = recorded()
    run = result.runs[0]
    evil = run.findings[0].model_copy(
        update={
            "message": '<script>alert(1)</script><img src=x onerror="alert(2)">',
            "evidence": [Evidence(selector="a[href='javascript:x']", html="<b onclick=1>hi</b>")],
            "help_url": "javascript:alert(3)",
        }
    )
    bad = result.model_copy(
        update={
            "runs": [
                run.model_copy(update={"findings": [evil, *run.findings[1:]]}),
                *result.runs[1:],
            ]
        }
    )
    for html in render_html(bad).values():
        for tag, attrs in parse(html).tags:
            assert tag not in ("script", "b"), tag
            assert not any(name.startswith("on") for name in attrs), attrs
            assert not (attrs.get("href") or "").startswith("javascript:")
    page = render_html(bad)[f"{run.channel}.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_load_nothing_from_the_network(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        tags = parse(html)
        csp = [
            a
            for t, a in tags.tags
            if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
        ]
        assert csp and "default-src 'none'" in (csp[0].get("content") or ""), name
        assert not any(t == "script" for t, _ in tags.tags), name
        assert not any(t == "link" for t, _ in tags.tags), name
        for tag, attrs in tags.tags:
            if tag == "img":
                src = attrs.get("src") or ""
                assert not re.match(r"^[a-z]+:", src) or src.startswith("data:"), src
            if tag == "a" and (attrs.get("href") or "").startswith("http"):
                assert attrs.get("rel") == "noreferrer noopener"


def test_ids_are_unique(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        ids = parse(html).ids
        assert len(ids) == len(set(ids)), name


def test_print_document_has_every_channel(pages: dict[str, str]) -> None:
    text = _text(pages["report.html"])
    for channel in ("desktop", "mobile"):
        assert f"Channel: {channel}" in text
    assert "What to fix first" in text


def test_title_client_and_logo_are_configurable(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    options = ReportOptions(title="Checkout audit", client="Northwind Outfitters", logo=logo)
    index = render_html(recorded(), options)["index.html"]
    assert "<title>Checkout audit · Northwind Outfitters" in index
    assert 'src="data:image/svg+xml;base64,' in index
    assert 'alt="Northwind Outfitters logo"' in index


def test_baseline_section_names_new_and_fixed_findings() -> None:
    result = recorded()
    fails = failing(result)
    compared = with_baseline(without(result, {fails[0].fingerprint}), result)
    index = _text(render_html(compared)["index.html"])
    assert "Change since the baseline" in index
    assert "Fixed findings" in index and fails[0].title in index
    assert "New 0" in index and "Fixed 1" in index


def test_thresholds_verdict_is_on_the_index() -> None:
    options = ReportOptions(thresholds=Thresholds(fail_on="critical"))
    text = _text(render_html(recorded(), options)["index.html"])
    assert "Thresholds not met:" in text and "at or above critical" in text


def test_captured_values_side_by_side() -> None:
    rows = capture_rows(recorded())
    price = next(r for r in rows if r.name == "price")
    assert set(price.values) == {"desktop", "mobile"} and not price.differs
    order = next(r for r in rows if r.name == "order")
    assert order.identifier and not order.differs  # order numbers differ by nature
    text = _text(render_html(recorded())["desktop.html"])
    assert "Values compared across channels" in text and "€89.00" in text


def test_write_report_writes_every_output(tmp_path: Path) -> None:
    results = copy_demo(tmp_path / "run")
    written = write_report(recorded(), results.parent)
    names = {p.name for p in written}
    assert {"index.html", "desktop.html", "mobile.html", "report.html"} <= names
    assert {"junit.xml", "summary.md", "results.sarif"} <= names
    # Written elsewhere, the pages link back to the screenshots beside results.json.
    elsewhere = tmp_path / "elsewhere"
    write_report(recorded(), elsewhere, source_dir=results.parent)
    index = (elsewhere / "desktop.html").read_text(encoding="utf-8")
    assert 'src="../run/screenshots/desktop/' in index


def test_a_failed_and_a_broken_run_are_shown_as_such() -> None:
    result = recorded()
    first, second = result.runs[0], result.runs[1]
    failed = first.model_copy(
        update={
            "status": "failed",
            "error": "step 3 (click) failed: no element",
            "scores": first.scores.model_copy(update={"overall": 0.0, "completed": False}),
        }
    )
    broken = second.model_copy(
        update={
            "status": "error",
            "error": "site unreachable",
            "scores": second.scores.model_copy(update={"overall": None}),
        }
    )
    both = result.model_copy(update={"runs": [failed, broken, *result.runs[2:]]})
    pages = render_html(both)
    page = _text(pages[f"{first.channel}.html"])
    assert "not completed" in page and "The customer could not finish this journey" in page
    index = _text(pages["index.html"])
    assert "not completed" in index and "broke" in index


def _with_error_finding(result: RunResult) -> RunResult:
    run = result.runs[0]
    error = run.findings[0].model_copy(
        update={
            "status": "error",
            "fingerprint": "e" * 16,
            "message": "not measured: axe failed: boom",
        }
    )
    return result.model_copy(
        update={
            "runs": [run.model_copy(update={"findings": [*run.findings, error]}), *result.runs[1:]]
        }
    )


def test_not_measured_is_listed_not_hidden() -> None:
    result = _with_error_finding(recorded())
    text = _text(render_html(result)[f"{result.runs[0].channel}.html"])
    assert "Not measured" in text and "not measured: axe failed: boom" in text


def test_a_category_nothing_could_measure_shows_as_not_measured() -> None:
    result = recorded()

    def unmeasured(scores: Any) -> Any:
        categories = {k: v for k, v in scores.categories.items() if k != "performance"}
        return scores.model_copy(
            update={"categories": categories, "not_measured": {"performance": 3}}
        )

    totals = unmeasured(result.scores)
    scores = totals.model_copy(
        update={"channels": {name: unmeasured(ch) for name, ch in totals.channels.items()}}
    )
    pages = render_html(result.model_copy(update={"scores": scores}))
    for name in ("index.html", "desktop.html"):
        text = _text(pages[name])
        assert "– out of 100 Performance Not measured" in text, name


def test_the_capture_table_compares_values_as_the_consistency_check_does() -> None:
    """A price written two ways is the same price: the table must not say "differs" where
    CX-MSG-001 passes, and must where it fails."""
    from cxaudit.report.view import CaptureRow

    def row(a: str, b: str) -> CaptureRow:
        return CaptureRow("J", 0, "capture", "price", {"desktop": a, "mobile": b}, True)

    assert not row("€1,234.50", "1234.5 EUR").differs
    assert not row("2–3 days", "2-3 days").differs
    assert not row("£89.00", "£89").differs
    assert row("€89.00", "€94.00").differs


def test_the_capture_table_reads_must_match_groups_as_the_check_does() -> None:
    """Defect 4: a group ``[order_number, confirmation_ref]`` was read as one name, so the
    table called the order number "an identifier: differs by nature" while CX-MSG-001
    reported the mismatch."""
    from cxaudit.checks.base import Status
    from tests.unit.checks.builders import evaluate, page, result_of, run, step

    rules = {"messages": {"must_match": [["order_number", "confirmation_ref"]]}}
    desktop = run(
        [
            step(0, page("/done"), captures=[("order_number", "NW-100234")]),
            step(1, page("/orders"), captures=[("confirmation_ref", "NW-100234")]),
        ],
        rules=rules,
    )
    mobile = run(
        [
            step(0, page("/done"), captures=[("order_number", "NW-100234")]),
            step(1, page("/orders"), captures=[("confirmation_ref", "NW-100999")]),
        ],
        rules=rules,
        channel="mobile",
    )
    result = result_of(desktop, mobile)
    assert [r.status for r in evaluate("CX-MSG-001", result)] == [Status.FAIL]
    rows = {r.name: r for r in capture_rows(result)}
    assert rows["order_number"].must_match and rows["confirmation_ref"].must_match
    assert not rows["confirmation_ref"].identifier and rows["confirmation_ref"].differs


def test_the_check_and_the_capture_table_read_one_journeys_rules_from_all_its_runs() -> None:
    """The two readers of ``must_match`` disagreed when a journey's runs carried different
    rules (a BDD step that compares prices adds the rule to the run it ran in): the table
    marked the price "must match" from the mobile run while CX-MSG-001 read the desktop
    run's rules alone and compared nothing. Both now read the parsed rules of every run."""
    from cxaudit.checks.base import Status
    from tests.unit.checks.builders import evaluate, page, result_of, run, step

    desktop = run([step(0, page("/p"), captures=[("price", "£89.00")])])
    mobile = run(
        [step(0, page("/p"), captures=[("price", "£94.00")])],
        rules={"messages": {"must_match": ["price"]}},
        channel="mobile",
    )
    result = result_of(desktop, mobile)
    assert desktop.rules.messages.must_match == [] and mobile.rules.messages.must_match
    assert [r.status for r in evaluate("CX-MSG-001", result)] == [Status.FAIL]
    (row,) = capture_rows(result)
    assert row.must_match and row.differs


def test_evidence_dicts_read_as_text_not_a_python_repr() -> None:
    """Defect 13: price arithmetic's charges showed as ``{'Delivery': 6.95, ...}``."""
    result = recorded()
    run = result.runs[0]
    finding = next(f for f in run.findings if f.step is not None)
    charged = finding.model_copy(
        update={
            "evidence": [
                Evidence(values={"charges": {"Delivery": 6.95, "Tax": 1.2}, "lines": [10.0, 5.5]})
            ]
        }
    )
    findings = [charged if f is finding else f for f in run.findings]
    changed = result.model_copy(
        update={"runs": [run.model_copy(update={"findings": findings}), *result.runs[1:]]}
    )
    html = render_html(changed)[f"{run.channel}.html"]
    text = _text(html)
    assert "Delivery 6.95, Tax 1.2" in text and "10, 5.5" in text
    assert "{'Delivery'" not in text and "{&#39;Delivery" not in html


def test_the_steps_of_an_element_read_as_the_step_links_beside_them() -> None:
    """Evidence keeps the steps an element was seen on 0-based, as Finding.step; the
    report shows them 1-based ("step 3", never "steps 2" beside a link to step 3)."""
    result = recorded()
    run, finding = next(
        (r, f)
        for r in result.runs
        for f in r.findings
        if f.status == "fail" and f.step is not None and any(e.selector for e in f.evidence)
    )
    step = finding.step
    assert step is not None
    evidence = [
        e.model_copy(update={"values": {**e.values, "steps": [step]}}) for e in finding.evidence
    ]
    marked = finding.model_copy(update={"evidence": evidence, "seen_on_steps": [step]})
    runs = [
        r.model_copy(update={"findings": [marked if f is finding else f for f in r.findings]})
        if r is run
        else r
        for r in result.runs
    ]
    page = render_html(result.model_copy(update={"runs": runs}))[f"{run.channel}.html"]
    assert f'-s{step + 1}">{step + 1}</a>' in page
    assert f"<dt>step</dt><dd>{step + 1}</dd>" in page
    assert f"<dt>steps</dt><dd>{step}</dd>" not in page


def test_compiled_templates_are_kept_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second run loads the templates compiled by the first (compiling is most of the work)."""
    import jinja2

    import cxaudit.report.html as html

    monkeypatch.setattr(html, "TEMPLATE_CACHE_DIR", str(tmp_path / "cache"), raising=False)
    (tmp_path / "cache").mkdir()
    html._env.cache_clear()
    try:
        first = render_html(recorded(), ReportOptions(), Assets(DEMO))
        assert list((tmp_path / "cache").iterdir())
        html._env.cache_clear()  # as a new process starts

        def no_compiling(*args: object, **kwargs: object) -> None:
            raise AssertionError("a template was compiled again")

        monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
        assert render_html(recorded(), ReportOptions(), Assets(DEMO)) == first
    finally:
        html._env.cache_clear()
