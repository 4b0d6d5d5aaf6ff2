"""Every action and every locator kind, in real Chromium, against a page the test serves.

Journeys are written as authors write them (YAML files, loaded by the
loader) and run by the real runner; the page's scripts make each action's
effect visible, so the journeys check themselves with ``expect``.
"""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxaudit.results import JourneyRun, RunResult
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec.actions import REGISTRY
from cxaudit.spec.channels import resolve_channels
from cxaudit.spec.loader import load_all
from cxaudit.spec.locators import LOCATOR_KINDS
from tests.e2e.actions_page import PageServer


@pytest.fixture(scope="module")
def site() -> Iterator[PageServer]:
    with PageServer() as server:
        yield server


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run(
    folder: Path, base_url: str, *, timeout_ms: float = 4000, screenshots: bool = False
) -> RunResult:
    loaded = load_all([folder], ["desktop", "mobile"])
    assert loaded.errors == [], [str(i) for i in loaded.errors]
    options = RunOptions(
        channels=resolve_channels(["desktop"]),
        output_dir=folder.parent / "out",
        base_url=base_url,
        step_timeout_ms=timeout_ms,
        audit=False,
        screenshots=screenshots,
        workers=2,
    )
    pairs = plan(loaded.journeys, options.channels, explicit=True)
    return asyncio.run(run_journeys(pairs, options))


def by_name(result: RunResult, name: str) -> JourneyRun:
    return next(r for r in result.runs if r.journey == name)


EVERY_ACTION = """
journey: Every action and locator
stages:
  pre-purchase:
    - goto: /
    - expect: {title: Action test shop}
    - wait: {hidden: {test_id: spinner}}
    - capture: {price: {test_id: price, number: true}, price_text: {test_id: price}}
    - expect: {text: "${price_text}"}
    - set: {size: "42", search: trail}
    - type: {label: Search, value: "${search}", delay: 20}
    - expect: {text: "keys: 5"}
    - clear: Search
    - expect: {value: "", of: {label: Search}}
    - fill: {placeholder: Postcode, value: 1011 AB}
    - expect: {value: 1011 AB, of: {placeholder: Postcode}}
    - press: {key: Tab, on: {placeholder: Postcode}}
    - expect: {attribute: type, equals: email, of: {label: Email}}
    - expect: {attribute: name, of: {label: Email}}
    - capture: {promo: {css: .promo-code}}
    - expect: {value: SPRING, of: {css: .promo-code}}
    - select: {label: Size, option: "${size}"}
    - expect: {value: "42", of: {label: Size}}
    - select: {label: Size, option: "41"}
    - expect: {value: "41", of: {label: Size}}
  purchase:
    - click: {role: button, name: Add to cart}
    - wait: {visible: {text: Added to your cart}}
    - dblclick: {test_id: fav}
    - expect: Saved to favourites
    - hover: {role: button, name: Menu}
    - expect: {visible: {role: link, name: Sale}}
    - check: Gift wrap
    - expect: {attribute: id, equals: gift, of: {role: checkbox, name: Gift wrap, exact: true}}
    - uncheck: {label: Send me offers}
    - expect: {disabled: {role: button, name: Place order}}
    - check: {label: I accept the terms}
    - expect: {enabled: {role: button, name: Place order}}
    - upload: {label: Photo, files: [files/sole.txt]}
    - expect: {text: "chosen: sole.txt"}
    - click: {alt: Trail shoe photo}
    - click: {title: Free returns}
    - expect: {count: 3, of: {css: li.item}}
    - click: {role: button, name: Remove, within: {role: region, name: Basket}}
    - click: {css: "section button", nth: -1}
    - click: {text: Remove, nth: 0}
    - capture: {first_item: {css: li.item, nth: 0}, exact_item: {text: Two, exact: true}}
    - expect: {text: "${exact_item}", within: {css: ul}}
    - scroll: {to: {test_id: price}}
    - scroll: bottom
    - wait: {visible: {text: More products loaded}}
    - scroll: top
    - screenshot: {label: the price, of: {test_id: price}}
    - screenshot: whole page
  post-purchase:
    - click: {role: link, name: Shoes, within: {role: navigation, name: Main}}
    - wait: {url: /shoes}
    - wait: {load: domcontentloaded}
    - expect: {url: /shoes}
    - goto: {url: /about, wait_until: domcontentloaded}
    - wait: {attached: {role: heading, name: About}}
    - click: About
    - expect: {hidden: {text: Add to cart}}
    - goto: /
    - wait: {detached: {test_id: spinner}}
    - wait: 50
"""


def test_every_action_and_locator_kind(site: PageServer, tmp_path: Path) -> None:
    folder = tmp_path / "journeys"
    write(folder / "files" / "sole.txt", "a photo of a sole")
    journey = write(folder / "every.yaml", EVERY_ACTION)
    text = journey.read_text(encoding="utf-8")
    # The journey really is exhaustive: every registered action but `use`
    # (expanded at load time, see the fragment test) and every locator kind.
    for action in REGISTRY:
        # (wait_for_email needs a mailbox: tests/e2e/test_email.py runs it)
        assert action in ("use", "wait_for_email") or f"- {action}:" in text, action
    for kind in (*LOCATOR_KINDS, "within", "nth", "exact"):
        assert f"{kind}:" in text, kind
    result = run(folder, site.url, screenshots=True)
    (journey_run,) = result.runs
    failed = [(s.index, s.name, s.message) for s in journey_run.steps if s.status != "passed"]
    assert failed == []
    assert journey_run.status == "passed"
    capture = next(s for s in journey_run.steps if s.action == "capture")
    assert [(c.name, c.text, c.number) for c in capture.captures] == [
        ("price", "€1.234,50", 1234.5),
        ("price_text", "€1.234,50", 1234.5),
    ]
    promo = next(s for s in journey_run.steps if s.captures and s.captures[0].name == "promo")
    assert promo.captures[0].text == "SPRING"  # a field's value, not its (empty) text
    shots = [s for s in journey_run.steps if s.action == "screenshot"]
    assert [len(s.screenshots) for s in shots] == [1, 1]
    for step in shots:
        assert (tmp_path / "out" / step.screenshots[0]).stat().st_size > 100
    assert shots[0].screenshots[0].endswith("-the-price.png")


FAILURES = """
journey: Expectations that do not hold
stages:
  purchase:
    - goto: /
    - expect: {count: 2, of: {css: li.item}}
      optional: true
    - expect: {value: "43", of: {label: Size}}
      optional: true
    - expect: {attribute: type, equals: text, of: {label: Email}}
      optional: true
    - expect: {attribute: required, of: {label: Email}}
      optional: true
    - expect: {enabled: {role: button, name: Place order}}
      optional: true
    - expect: {title: Checkout}
      optional: true
    - expect: {url: /checkout}
      optional: true
    - expect: {text: Bottom of teh page}
      optional: true
    - expect: {hidden: {text: Bottom of the page}}
      optional: true
    - click: {role: button, name: Remove}
      optional: true
    - click: {role: button, name: Add to bag}
      optional: true
    - fill: {label: Emial, value: x}
      optional: true
    - expect: {visible: {test_id: prize}}
      optional: true
    - wait: {hidden: {test_id: price}}
      optional: true
    - wait: {url: /never}
      optional: true
    - expect: Action test shop
"""


def test_a_false_expectation_says_expected_and_actual(site: PageServer, tmp_path: Path) -> None:
    write(tmp_path / "journeys" / "fail.yaml", FAILURES)
    result = run(tmp_path / "journeys", site.url, timeout_ms=800)
    (journey_run,) = result.runs
    assert journey_run.status == "passed"  # every failing step is optional
    messages = [s.message.removeprefix("optional step not done: ") for s in journey_run.steps]
    statuses = [s.status for s in journey_run.steps]
    assert statuses == ["passed", *["skipped"] * 15, "passed"]
    assert messages[1] == "expected 2 element(s) matching css='li.item', actual 3"
    assert messages[2] == "expected value '43' in label='Size', actual '40'"
    assert messages[3] == "expected attribute 'type' of label='Email' 'text', actual 'email'"
    assert messages[4] == "expected attribute 'required' of label='Email' present, actual not set"
    assert messages[5] == "expected role='button' name='Place order' enabled, it is disabled"
    assert messages[6] == "expected the title to contain 'Checkout', actual 'Action test shop'"
    assert messages[7].startswith("expected the address to contain '/checkout', actual 'http://")
    assert messages[8].startswith("expected text 'Bottom of teh page', not found")
    assert "closest text on the page: 'Bottom of the page'" in messages[8]
    assert messages[9] == "expected text='Bottom of the page' hidden, it is visible"
    assert messages[10].startswith(
        "role='button' name='Remove' matches 2 elements; make it specific"
    )
    assert messages[11].startswith("no element matches role='button' name='Add to bag'")
    assert "did you mean 'Add to cart'?" in messages[11]
    assert "did you mean 'Email'" in messages[12]
    assert "did you mean 'price'?" in messages[13]
    assert messages[14].startswith("waited 0.8 s for test_id='price' to be hidden")
    assert messages[15].startswith("waited 0.8 s for an address containing '/never'")


TIMEOUTS = """
journey: Steps that time out
stages:
  purchase:
    - goto: /
    - click: {role: button, name: Place order}
      optional: true
    - click: {role: button, name: Pay now}
      optional: true
    - expect: {text: Never on the page}
      optional: true
"""


def test_a_step_timeout_says_how_long_it_waited(site: PageServer, tmp_path: Path) -> None:
    """A disabled button, a missing one, an absent text: each message gives the timeout
    in seconds, as the author wrote it in the config (``timeout_ms``)."""
    write(tmp_path / "journeys" / "timeouts.yaml", TIMEOUTS)
    result = run(tmp_path / "journeys", site.url, timeout_ms=800)
    (journey_run,) = result.runs
    messages = [s.message.removeprefix("optional step not done: ") for s in journey_run.steps]
    assert messages[1].startswith(
        "role='button' name='Place order': gave up after 0.8 s, the step timeout ("
    )
    assert messages[2].startswith("no element matches role='button' name='Pay now' (waited 0.8 s)")
    assert messages[3].startswith("expected text 'Never on the page', not found within 0.8 s")


def test_fragments_data_rows_and_overrides_at_run_time(site: PageServer, tmp_path: Path) -> None:
    folder = tmp_path / "journeys"
    write(
        folder / "fragments" / "search.yaml",
        """
        fragment: Search
        params: {term: null}
        steps:
          - type: {label: Search, value: "${term}"}
          - expect: {text: "${keys}"}
        """,
    )
    write(
        folder / "rows.yaml",
        """
        journey: Search for ${term}
        budgets: {lcp_ms: 2000}
        data:
          - {term: boots, keys: "keys: 5"}
          - {term: hat, keys: "keys: 3"}
        stages:
          pre-purchase:
            - goto: /
              audit: {disable: [color-contrast], budget: {step_ms: 5000}}
            - use: {fragment: fragments/search.yaml, with: {term: "${term}"}}
              name: Search box
        """,
    )
    result = run(folder, site.url)
    assert sorted(r.journey for r in result.runs) == ["Search for boots", "Search for hat"]
    for journey_run in result.runs:
        assert journey_run.status == "passed", journey_run.error
        assert journey_run.rules.budgets == {"lcp_ms": 2000}
        goto, typed, _expect = journey_run.steps
        assert goto.overrides == {"disable": ["color-contrast"], "budget": {"step_ms": 5000}}
        assert goto.file == ""  # the journey's own file
        assert typed.file.endswith("fragments/search.yaml") and typed.line == 4
        assert typed.name == "Search box: Type in Search"  # never the value typed
    hat = by_name(result, "Search for hat")
    assert hat.steps[1].name == "Search box: Type in Search"


def test_consent_banners(site: PageServer, tmp_path: Path) -> None:
    folder = tmp_path / "journeys"
    write(
        folder / "preset.yaml",
        """
        journey: OneTrust banner
        consent: onetrust
        stages:
          pre-purchase:
            - goto: /consent
            - expect: {hidden: {css: "#onetrust-banner-sdk"}}
            - goto: /consent
            - expect: {hidden: {css: "#onetrust-banner-sdk"}}
        """,
    )
    write(
        folder / "generic.yaml",
        """
        journey: Banner that stays
        consent: {accept: {role: button, name: Accept all}, banner: {css: "#own-banner"}, wait: 2000}
        stages:
          pre-purchase:
            - goto: /consent?stubborn
            - expect: Welcome
        """,
    )
    write(
        folder / "absent.yaml",
        """
        journey: No banner
        consent: {accept: {role: button, name: Accept all}, wait: 300}
        stages:
          pre-purchase:
            - goto: /shoes
        """,
    )
    result = run(folder, site.url, timeout_ms=1500)
    preset = by_name(result, "OneTrust banner")
    assert preset.status == "passed", preset.error
    assert preset.steps[0].message == "consent banner accepted (css='#onetrust-accept-btn-handler')"
    assert preset.steps[2].message == ""  # accepted once per journey
    stays = by_name(result, "Banner that stays")
    assert stays.status == "failed"
    assert stays.steps[0].message.startswith("consent banner still visible after clicking")
    absent = by_name(result, "No banner")
    assert absent.status == "passed" and absent.steps[0].message == "no consent banner showed"


def test_browser_context_settings(
    site: PageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXAUDIT_TEST_TOKEN", "tok-123")
    folder = tmp_path / "journeys"
    host = site.url.removeprefix("http://").split(":")[0]
    state = {
        "cookies": [],
        "origins": [
            {"origin": site.url, "localStorage": [{"name": "greeting", "value": "hello again"}]}
        ],
    }
    write(folder / "state.json", json.dumps(state))
    write(
        folder / "context.yaml",
        f"""
        journey: Context settings
        locale: nl-NL
        timezone: Asia/Tokyo
        geolocation: {{latitude: 52.37, longitude: 4.89}}
        headers: {{X-Audit: "run ${{env:CXAUDIT_TEST_TOKEN}}"}}
        cookies:
          - {{name: visited, value: "yes"}}
          - {{name: region, value: eu, domain: "{host}", path: /}}
        storage_state: state.json
        stages:
          pre-purchase:
            - goto: /context
            - expect: "language: nl-NL"
            - expect: "zone: Asia/Tokyo"
            - expect: "where: 52.37"
            - expect: visited=yes
            - expect: region=eu
            - expect: "stored: hello again"
            - goto: /headers
            - expect: '"x-audit": "run tok-123"'
        """,
    )
    result = run(folder, site.url)
    (journey_run,) = result.runs
    assert journey_run.status == "passed", journey_run.error


def test_missing_secret_stops_the_journey_with_its_name(site: PageServer, tmp_path: Path) -> None:
    write(
        tmp_path / "journeys" / "j.yaml",
        """
        journey: Needs a token
        headers: {Authorization: "Bearer ${secret:CXAUDIT_NO_SUCH_SECRET}"}
        stages: {p: [{goto: /}]}
        """,
    )
    (journey_run,) = run(tmp_path / "journeys", site.url).runs
    assert journey_run.status == "error"
    assert journey_run.error == (
        "could not start the journey: secret 'CXAUDIT_NO_SUCH_SECRET' is not set: "
        "export CXAUDIT_NO_SUCH_SECRET=... before the run"
    )
