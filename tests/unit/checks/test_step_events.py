"""Events of a step (console errors, failed requests, dialogs), pages of a single-page
app, and products sharing one image: checks on plain data, no browser (issue 16)."""

from __future__ import annotations

from cxaudit.analysis.analyse import AnalysisSettings, analyse_run
from cxaudit.analysis.metrics import changed_page, new_pages
from cxaudit.checks import JourneySubject, Status, StepSubject, all_checks
from cxaudit.checks.journey import measure_effort
from cxaudit.results import (
    ChannelInfo,
    ConsoleMessage,
    Dialog,
    FailedRequest,
    JourneyRun,
    PageContent,
    ProductImage,
    Snapshot,
    StepResult,
    Timing,
)
from tests.unit.checks.recorded import check

CHANNEL = ChannelInfo(name="desktop")


def _step(
    index: int,
    action: str,
    name: str,
    *,
    audited: bool,
    url: str = "http://shop.test/",
    navigated: bool = False,
    console: list[ConsoleMessage] | None = None,
    failed: list[FailedRequest] | None = None,
    dialogs: list[Dialog] | None = None,
    images: list[ProductImage] | None = None,
) -> StepResult:
    snapshot = Snapshot(
        url=url,
        audited=audited,
        timing=Timing(navigated=navigated),
        console=console or [],
        failed_requests=failed or [],
        content=PageContent(images=images or []) if audited else None,
    )
    return StepResult(
        index=index,
        stage="purchase",
        action=action,
        name=name,
        status="passed",
        snapshot=snapshot,
        dialogs=dialogs or [],
    )


def _run(*steps: StepResult) -> JourneyRun:
    return JourneyRun(
        journey="Buy",
        file="buy.yaml",
        channel="desktop",
        status="passed",
        stages=["purchase"],
        steps=list(steps),
    )


def _evaluate(slug: str, step: StepResult) -> list:
    found = check(slug)
    subject = StepSubject(run=_run(step), step=step, channel=CHANNEL)
    return list(found.evaluate(subject, found.Options()))


ERROR = ConsoleMessage(type="error", text="TypeError: cannot read 'length' of undefined")


def test_a_console_error_of_a_step_whose_page_is_not_audited_is_a_finding() -> None:
    fill = _step(1, "fill", "Fill in Email", audited=False, console=[ERROR])
    (result,) = _evaluate("console-errors", fill)
    assert result.status == Status.FAIL
    assert "Fill in Email" in result.message and "TypeError" in result.message
    quiet = _step(2, "fill", "Fill in Name", audited=False)
    assert _evaluate("console-errors", quiet) == []  # nothing to pass: its page is not audited
    audited = _step(0, "goto", "Open the shop", audited=True)
    assert [r.status for r in _evaluate("console-errors", audited)] == [Status.PASS]


def test_a_failed_request_of_a_step_whose_page_is_not_audited_is_a_finding() -> None:
    failed = FailedRequest(url="http://shop.test/api/suggest?q=a", method="GET", status=500)
    fill = _step(1, "fill", "Fill in Search", audited=False, failed=[failed])
    (result,) = _evaluate("failed-requests", fill)
    assert result.status == Status.FAIL and "api/suggest" in result.message
    assert _evaluate("failed-requests", _step(2, "fill", "x", audited=False)) == []


def test_the_finding_of_a_fill_step_names_that_step() -> None:
    run = _run(
        _step(0, "goto", "Open the shop", audited=True, navigated=True),
        _step(1, "fill", "Fill in Email", audited=False, console=[ERROR]),
    )
    checked = analyse_run(run, CHANNEL, all_checks(), AnalysisSettings())
    (finding,) = [f for f in checked.findings if f.slug == "console-errors"]
    assert finding.step == 1 and "Fill in Email" in finding.message


def test_an_alert_is_a_finding_and_an_answered_confirm_a_note() -> None:
    alert = Dialog(type="alert", message="Sorting is broken! <b>sorry</b>")
    confirm = Dialog(type="confirm", message="Remove this item?", action="accepted")
    step = _step(1, "select", "Sort by price", audited=False, dialogs=[alert, alert, confirm])
    results = _evaluate("page-dialogs", step)
    assert [r.status for r in results] == [Status.FAIL, Status.INFORMATIVE]  # one per text
    assert "Sorting is broken! <b>sorry</b>" in results[0].message  # escaped where shown
    assert "Sort by price" in results[0].message
    assert "accepted by the dialogs setting" in results[1].message
    assert _evaluate("page-dialogs", _step(2, "click", "x", audited=True)) == []
    checked = analyse_run(_run(step), CHANNEL, all_checks(), AnalysisSettings())
    found = {f.status: f for f in checked.findings if f.slug == "page-dialogs"}
    assert (found["fail"].severity, found["fail"].category) == ("moderate", "usability")
    assert found["informative"].severity == "info" and found["informative"].weight == 0.0


def test_history_navigation_is_a_new_page() -> None:
    assert changed_page("http://s/", "http://s/products")  # pushState
    assert changed_page("http://s/#/", "http://s/#/cart")  # a hash router
    assert not changed_page("http://s/product", "http://s/product#reviews")  # an anchor
    assert not changed_page("", "http://s/")
    steps = [
        _step(0, "goto", "Open the shop", audited=True, url="http://s/", navigated=True),
        _step(1, "click", "Click Shoes", audited=True, url="http://s/shoes"),
        _step(2, "fill", "Fill in Size", audited=False, url="http://s/shoes"),
        _step(3, "click", "Click Reviews", audited=True, url="http://s/shoes#reviews"),
        _step(4, "click", "Click Cart", audited=True, url="http://s/cart"),
    ]
    assert new_pages(steps) == {0, 1, 4}
    assert measure_effort(steps).pages == 3
    effort = check("journey-effort")
    subject = JourneySubject(run=_run(*steps), channel=CHANNEL)
    total = list(effort.evaluate(subject, None))[-1]
    assert "over 3 pages" in total.message


def _card(name: str, src: str) -> ProductImage:
    return ProductImage(name=name, href="/p/" + name.lower().replace(" ", "-"), src=src)


def test_distinct_products_showing_one_image_are_a_finding() -> None:
    same = "http://s/img/placeholder.jpg"
    listing = _step(
        0,
        "goto",
        "Open Shoes",
        audited=True,
        images=[
            _card("Trail Runner", same),
            _card("City Sneaker", same),
            _card("Alpine Boot", same),
            _card("Rain Shell", "http://s/img/rain-shell.jpg"),
        ],
    )
    distinct = check("distinct-product-images")
    options = distinct.Options()
    (result,) = distinct.evaluate(JourneySubject(run=_run(listing), channel=CHANNEL), options)
    assert result.status == Status.FAIL and result.step == 0
    assert "3 different products show the same image" in result.message
    assert result.evidence[0].values["products"] == ["Trail Runner", "City Sneaker", "Alpine Boot"]


def test_product_pages_of_a_journey_showing_one_image_are_a_finding() -> None:
    same = "http://s/img/p.jpg"
    pages = [
        _step(i, "click", f"Open {n}", audited=True, images=[ProductImage(name=n, src=same)])
        for i, n in enumerate(["Trail Runner", "City Sneaker", "Alpine Boot"])
    ]
    distinct = check("distinct-product-images")
    subject = JourneySubject(run=_run(*pages), channel=CHANNEL)
    (result,) = distinct.evaluate(subject, distinct.Options())
    assert result.status == Status.FAIL and result.evidence[0].values["steps"] == [0, 1, 2]
    # Two products on one picture, or the same product on every page, is no finding.
    two = JourneySubject(run=_run(*pages[:2]), channel=CHANNEL)
    assert [r.status for r in distinct.evaluate(two, distinct.Options())] == [Status.PASS]
    again = [
        _step(
            i, "click", "Open", audited=True, images=[ProductImage(name="Trail Runner", src=same)]
        )
        for i in range(3)
    ]
    subject = JourneySubject(run=_run(*again), channel=CHANNEL)
    assert [r.status for r in distinct.evaluate(subject, distinct.Options())] == [Status.PASS]
    nothing = JourneySubject(run=_run(_step(0, "goto", "x", audited=True)), channel=CHANNEL)
    assert [r.status for r in distinct.evaluate(nothing, distinct.Options())] == [
        Status.NOT_APPLICABLE
    ]


def test_the_error_page_a_failed_step_landed_on_is_not_charged_again() -> None:
    gone = FailedRequest(url="http://s/gone", method="GET", resource_type="document", status=404)
    image = FailedRequest(url="http://s/logo.png", method="GET", resource_type="image", status=404)
    step = _step(4, "click", "Click Old offers", audited=False, url="http://s/gone")
    step = step.model_copy(update={"status": "failed"})
    step.snapshot.failed_requests.extend([gone, image])  # type: ignore[union-attr]
    (result,) = _evaluate("failed-requests", step)  # journey-completion reports the 404
    assert result.status == Status.FAIL and [e.values["url"] for e in result.evidence] == [
        "http://s/logo.png"
    ]


def test_a_page_alerting_in_a_loop_is_a_few_findings_not_fifty() -> None:
    loop = [Dialog(type="alert", message=f"error {i}") for i in range(50)]
    results = _evaluate("page-dialogs", _step(0, "click", "Click Pay", audited=True, dialogs=loop))
    assert [r.message.rsplit(" ", 1)[-1] for r in results] == ["0”", "1”", "2”", "3”", "4”"]


def test_what_cxaudit_blocked_on_an_email_is_not_a_console_error_of_it() -> None:
    """The email is shown with no script and no remote content: the browser's notes that
    it refused them are cxaudit's doing. The same note on a web page is the site's."""
    refused = ConsoleMessage(
        type="error",
        text="Refused to load the image 'https://tracker.test/open.gif' because it violates "
        'the following Content Security Policy directive: "img-src data:".',
    )
    email = _step(
        3,
        "wait_for_email",
        "Wait for the order email",
        audited=True,
        url="http://shop.test/__cxaudit/email/smtp-1",
        console=[refused],
    )
    assert [r.status for r in _evaluate("console-errors", email)] == [Status.PASS]
    web = _step(0, "goto", "Open the shop", audited=True, console=[refused])
    assert [r.status for r in _evaluate("console-errors", web)] == [Status.FAIL]
    thrown = email.model_copy(
        update={"snapshot": email.snapshot.model_copy(update={"console": [refused, ERROR]})}  # type: ignore[union-attr]
    )
    assert [r.status for r in _evaluate("console-errors", thrown)] == [Status.FAIL]
