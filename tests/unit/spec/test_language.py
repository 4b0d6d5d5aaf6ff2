"""The journey language as the loader resolves it: fragments, data rows, options."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cxaudit.spec.actions import REGISTRY, ExpectArgs, ScrollArgs
from cxaudit.spec.loader import Loader, load_all, load_journey
from cxaudit.spec.locators import Locator

CHANNELS = ["desktop", "mobile", "tablet"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "example",
    [(name, example) for name, spec in REGISTRY.items() for example in spec.examples],
    ids=lambda item: f"{item[0]}: {item[1]}",
)
def test_every_documented_example_is_a_valid_step(
    example: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The examples in docs/journeys.md come from the registry: each must load."""
    name, text = example
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "photos" / "broken-sole.jpg", "jpeg")
    write(tmp_path / "fragments" / "accept-cookies.yaml", "fragment: a\nsteps: [{click: OK}]\n")
    write(
        tmp_path / "fragments" / "checkout.yaml",
        'fragment: c\nparams: {email: null}\nsteps: [{fill: {label: Email, value: "${email}"}}]\n',
    )
    setup = "    - capture: {price: {test_id: price}}\n"
    write(tmp_path / "j.yaml", f"journey: x\nstages:\n  p:\n{setup}    - {text}\n")
    # The secrets and variables the examples read are set, as where a journey runs.
    monkeypatch.setenv("CARD_NUMBER", "4242 4242 4242 4242")
    monkeypatch.setenv("SHOP_PASSWORD", "correct horse")
    loaded = load_all(["j.yaml"], CHANNELS)
    assert loaded.issues == []
    step = loaded.journeys[0].steps[-1]
    assert step.action == name or name == "use"


def test_fragment_steps_keep_their_own_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "journeys" / "fragments" / "pay.yaml",
        """
        fragment: Pay
        params:
          card: {default: "4242"}
        steps:
          - fill: {label: Card number, value: "${card}"}
          - click: {role: button, name: Pay}
            timeout: 900
        """,
    )
    write(
        tmp_path / "journeys" / "fragments" / "checkout.yaml",
        """
        fragment: Checkout
        params:
          email: null
        steps:
          - fill: {label: Email, value: "${email}"}
          - use: pay.yaml
        """,
    )
    write(
        tmp_path / "journeys" / "buy.yaml",
        """
        journey: Buy
        stages:
          purchase:
            - goto: /cart
            - use: {fragment: fragments/checkout.yaml, with: {email: a@example.com}}
              timeout: 2500
              name: Checkout
              audit: {disable: [color-contrast]}
        """,
    )
    loaded = load_all(["journeys"], CHANNELS)
    assert loaded.issues == []
    assert loaded.fragments == 2
    (journey,) = loaded.journeys
    goto, email, card, pay = journey.steps
    assert (goto.file, goto.line) == ("journeys/buy.yaml", 4)
    assert (email.file, email.line, email.path) == (
        "journeys/fragments/checkout.yaml",
        5,
        "steps[0]",
    )
    assert email.raw_args == {"label": "Email", "value": "a@example.com"}
    assert email.name == "Checkout: Fill in Email"
    assert card.raw_args["value"] == "4242"  # the default
    assert card.file == "journeys/fragments/pay.yaml"
    # Options of the use step apply to steps without their own.
    assert email.timeout_ms == 2500 and pay.timeout_ms == 900
    assert pay.overrides == {"disable": ["color-contrast"]}


def test_fragment_parameter_default_may_read_the_environment(tmp_path: Path) -> None:
    write(
        tmp_path / "fragments" / "f.yaml",
        """
        fragment: F
        params: {card: "${env:CARD:-4242}"}
        steps: [{fill: {label: Card, value: "${card}"}}]
        """,
    )
    journey, issues = load_journey(
        write(tmp_path / "j.yaml", "journey: j\nstages: {p: [{use: fragments/f.yaml}]}\n")
    )
    assert issues == [] and journey is not None
    assert journey.steps[0].raw_args["value"] == "${env:CARD:-4242}"


def test_data_rows_make_one_journey_each(tmp_path: Path) -> None:
    loaded = load_all(
        [
            write(
                tmp_path / "j.yaml",
                """
                journey: Guest buys ${product}
                data:
                  - {product: Trail Runner 2, slug: trail-runner-2, qty: 1}
                  - {product: City Sneaker, slug: city-sneaker, qty: 2}
                stages:
                  purchase:
                    - goto: /product/${slug}
                """,
            )
        ],
        CHANNELS,
    )
    assert loaded.issues == []
    first, second = loaded.journeys
    assert first.name == "Guest buys Trail Runner 2"
    assert first.variables == {"product": "Trail Runner 2", "slug": "trail-runner-2", "qty": "1"}
    assert second.row == "Guest buys City Sneaker"
    assert second.steps[0].raw_args == {"url": "/product/${slug}"}


def test_data_rows_without_a_column_in_the_name_are_labelled(tmp_path: Path) -> None:
    loaded = load_all(
        [
            write(
                tmp_path / "j.yaml",
                """
                journey: Search
                data: [{term: boots}, {term: jacket}]
                stages: {p: [{fill: {label: Search, value: "${term}"}}]}
                """,
            )
        ],
        CHANNELS,
    )
    assert [j.name for j in loaded.journeys] == ["Search [boots]", "Search [jacket]"]


def test_journey_settings_are_typed_and_resolved(tmp_path: Path) -> None:
    write(tmp_path / "state.json", "{}")
    journey, issues = load_journey(
        write(
            tmp_path / "j.yaml",
            """
            journey: Signed in
            tags: [account]
            locale: nl-NL
            timezone: Europe/Amsterdam
            geolocation: {latitude: 52.37, longitude: 4.89}
            headers: {X-Test: "${env:RUN_ID:-local}"}
            storage_state: state.json
            cookies:
              - {name: consent, value: "yes", domain: shop.example.com}
            allowed_origins: [https://shop.example.com, "https://*.cdn.example.com:8443"]
            budgets: {lcp_ms: 2500, requests: 80}
            consent: cookiebot
            stages:
              purchase:
                - goto: /
                  audit: {skip: false, budget: {step_ms: 800}}
                - fill: {label: Email, value: a@b.co}
                  audit: false
            """,
        ),
        CHANNELS,
    )
    assert issues == [] and journey is not None
    assert journey.locale == "nl-NL" and journey.timezone == "Europe/Amsterdam"
    assert journey.geolocation == {"latitude": 52.37, "longitude": 4.89, "accuracy": 50}
    assert journey.storage_state == str(tmp_path / "state.json")
    assert journey.cookies[0]["name"] == "consent" and journey.cookies[0]["path"] == "/"
    assert journey.budgets == {"lcp_ms": 2500, "requests": 80}
    assert journey.allowed_origins[1] == "https://*.cdn.example.com:8443"
    assert journey.consent is not None and journey.consent.preset == "cookiebot"
    assert journey.consent.banner == Locator(css="#CybotCookiebotDialog")
    goto, fill = journey.steps
    assert (goto.audit, goto.overrides) == (True, {"budget": {"step_ms": 800}})
    assert (fill.audit, fill.overrides) == (False, {})


def test_missing_storage_state_is_a_warning(tmp_path: Path) -> None:
    journey, issues = load_journey(
        write(
            tmp_path / "j.yaml", "journey: j\nstorage_state: gone.json\nstages: {p: [{goto: /}]}\n"
        )
    )
    assert journey is not None
    assert [(i.severity, i.path) for i in issues] == [("warning", "storage_state")]


def test_generic_consent_takes_a_locator(tmp_path: Path) -> None:
    journey, _ = load_journey(
        write(
            tmp_path / "j.yaml",
            """
            journey: j
            consent: {accept: {role: button, name: Accept all}, wait: 1500}
            stages: {p: [{goto: /}]}
            """,
        )
    )
    assert journey is not None and journey.consent is not None
    assert journey.consent.accept == Locator(role="button", name="Accept all")
    assert journey.consent.banner is None and journey.consent.wait_ms == 1500


def test_set_and_data_define_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PW", "correct horse")
    _, issues = load_journey(
        write(
            tmp_path / "j.yaml",
            """
            journey: j
            stages:
              p:
                - set: {who: Sam, pw: {value: "${secret:PW}", secret: true}}
                - fill: {label: Name, value: "${who}"}
                - fill: {label: Password, value: "${pw}"}
                - fill: {label: Note, value: "costs $${price}"}
            """,
        )
    )
    assert issues == []


def test_action_argument_rules() -> None:
    assert ScrollArgs.model_validate({"to": "bottom"}).to == "bottom"
    assert ScrollArgs.model_validate({"to": {"test_id": "reviews"}}).to == Locator(
        test_id="reviews"
    )
    with pytest.raises(ValueError, match="needs 'of'"):
        ExpectArgs.model_validate({"count": 2})
    with pytest.raises(ValueError, match="'within' goes with text"):
        ExpectArgs.model_validate({"url": "/cart", "within": {"css": "main"}})
    with pytest.raises(ValueError, match="'equals' goes with attribute"):
        ExpectArgs.model_validate({"value": "1", "of": {"label": "Qty"}, "equals": "1"})
    # Numbers where text is meant are text (a postcode, a quantity).
    assert REGISTRY["fill"].args.model_validate({"label": "Zip", "value": 1011}).value == "1011"  # type: ignore[attr-defined]


def test_loader_reads_a_fragment_only_once(tmp_path: Path) -> None:
    write(tmp_path / "fragments" / "f.yaml", "fragment: F\nsteps: [{click: OK}]\n")
    write(
        tmp_path / "j.yaml",
        "journey: j\nstages: {p: [{use: fragments/f.yaml}, {use: fragments/f.yaml}]}\n",
    )
    loader = Loader(CHANNELS)
    (journey,) = loader.journey_file(tmp_path / "j.yaml")
    assert len(journey.steps) == 2
    assert len(loader._fragments) == 1


def test_positions_count_lines_as_an_editor_does(tmp_path: Path) -> None:
    """YAML breaks lines at U+0085 too; an editor, and so a position, does not."""
    from click.testing import CliRunner

    from cxaudit.cli.main import main

    path = tmp_path / "nel.yaml"
    path.write_bytes(
        "journey: 'a\u0085b\u0085c'\nstages:\n  purchase:\n    - goto: /\n    - click: [1, 2]\n".encode()
    )
    out = CliRunner().invoke(main, ["validate", str(path)]).output
    assert "nel.yaml:5:14: stages.purchase[1].click" in out, out
