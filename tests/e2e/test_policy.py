"""An audit stays on the site under test: allowed origins, refused schemes, third-party traffic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cxaudit.run.policy import PagePolicy
from tests.e2e.fault_site import FaultSite
from tests.e2e.reliability_helpers import audit, by_name


@pytest.fixture()
def site() -> Iterator[FaultSite]:
    with FaultSite() as server:
        yield server


@pytest.mark.timeout(300)
def test_leaving_the_allowed_origins_stops_the_journey_at_that_step(
    site: FaultSite, tmp_path: Path
) -> None:
    partner = site.other_url.replace("http://", "")
    journeys = {
        "redirect.yaml": """
            journey: Redirected away
            stages:
              purchase:
                - goto: /offsite
                - expect: Page landed
        """,
        "link.yaml": """
            journey: Follows a link away
            stages:
              purchase:
                - goto: /links
                - click: Partner shop
                - expect: Page partner
        """,
        "allowed.yaml": f"""
            journey: Allowed to go
            allowed_origins: ["http://{partner}"]
            stages:
              purchase:
                - goto: /offsite
                - expect: Page landed
        """,
    }
    result, out = audit(tmp_path, journeys, site.url)
    redirected = by_name(result, "Redirected away")
    assert redirected.status == "failed"
    first = redirected.steps[0]
    assert first.status == "failed"
    assert first.message.startswith(f"left the allowed origins: {site.other_url}/ok/landed")
    assert f"add '{site.other_url}' to the journey's allowed_origins" in first.message
    assert redirected.steps[1].status == "skipped"
    assert first.snapshot is not None and not first.snapshot.audited  # no audit of their site

    clicked = by_name(result, "Follows a link away")
    assert [s.status for s in clicked.steps] == ["passed", "failed", "skipped"]
    assert "left the allowed origins" in clicked.steps[1].message

    assert by_name(result, "Allowed to go").status == "passed"
    assert "left the allowed origins" in (out / "desktop.html").read_text("utf-8")


@pytest.mark.timeout(300)
def test_other_schemes_are_refused_unless_listed(site: FaultSite, tmp_path: Path) -> None:
    local = tmp_path / "local.html"
    local.write_text("<!doctype html><title>Local file</title><p>From disk</p>", "utf-8")
    journeys = {
        f"{name}.yaml": f"""
            journey: Opens {name}
            stages:
              purchase:
                - goto: /ok/start
                - goto: "{url}"
        """
        for name, url in {
            "file": "file:///etc/passwd",
            "chrome": "chrome://version",
            "data": "data:text/html,<h1>made up</h1>",
            "javascript": "javascript:alert(1)",
        }.items()
    }
    journeys["allowed.yaml"] = f"""
        journey: Opens an allowed file
        allowed_origins: ["file:"]
        stages:
          purchase:
            - goto: /ok/start
            - goto: "{local.as_uri()}"
            - expect: From disk
    """
    result, _ = audit(tmp_path, journeys, site.url)
    for name in ("file", "chrome", "data", "javascript"):
        run = by_name(result, f"Opens {name}")
        assert run.status == "failed", name
        step = run.steps[1]
        assert f"'{name}:' addresses are not allowed" in step.message
        assert f"add '{name}:' to the journey's allowed_origins" in step.message
        assert step.snapshot is not None and step.snapshot.url.endswith("/ok/start")
    assert by_name(result, "Opens an allowed file").status == "passed"


TRACKED = {
    "tracked.yaml": """
        journey: Page with trackers
        stages:
          pre-purchase:
            - goto: /third-party
            - expect: {title: With trackers}
    """
}


@pytest.mark.timeout(240)
def test_third_party_hosts_are_listed(site: FaultSite, tmp_path: Path) -> None:
    result, out = audit(tmp_path, TRACKED, site.url)
    run = by_name(result, "Page with trackers")
    assert run.status == "passed", run.error
    assert [(h.host, h.requests, h.blocked) for h in run.third_party] == [("localhost", 2, 0)]
    assert sorted(site.hits_from("localhost")) == ["/pixel.gif", "/tracker.js"]
    page = (out / "desktop.html").read_text("utf-8")
    assert "Third-party hosts (1)" in page and "<code>localhost</code>" in page


@pytest.mark.timeout(240)
def test_blocking_third_parties_keeps_the_audit_on_the_site(
    site: FaultSite, tmp_path: Path
) -> None:
    result, _ = audit(tmp_path, TRACKED, site.url, policy=PagePolicy(block_third_party=True))
    run = by_name(result, "Page with trackers")
    assert run.status == "passed", run.error
    assert [(h.host, h.requests, h.blocked) for h in run.third_party] == [("localhost", 2, 2)]
    assert site.hits_from("localhost") == []  # nothing reached the third party
    snapshot = run.steps[0].snapshot
    assert snapshot is not None
    # Blocked on purpose is not the site's failure: no failed requests, no console errors.
    assert snapshot.failed_requests == [] and snapshot.console == []


@pytest.mark.timeout(240)
def test_allowed_third_parties_are_not_blocked(site: FaultSite, tmp_path: Path) -> None:
    policy = PagePolicy(block_third_party=True, third_party_allow=("localhost",))
    result, _ = audit(tmp_path, TRACKED, site.url, policy=policy)
    run = by_name(result, "Page with trackers")
    assert [(h.host, h.requests, h.blocked) for h in run.third_party] == [("localhost", 2, 0)]
    assert sorted(site.hits_from("localhost")) == ["/pixel.gif", "/tracker.js"]
