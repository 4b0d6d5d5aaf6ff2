"""``cxaudit import``: Chrome DevTools Recorder exports -> journeys (no browser here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cxaudit.errors import SpecError
from cxaudit.spec.devtools_import import import_recording, pick_locator
from cxaudit.spec.loader import Loader

RECORDINGS = Path(__file__).resolve().parents[1] / "data" / "recordings"


@pytest.mark.parametrize(
    ("selectors", "for_input", "expected"),
    [
        (
            [['aria/Add to cart[role="button"]'], ["#buy"]],
            False,
            {"role": "button", "name": "Add to cart", "exact": True},
        ),
        ([["form > button"], ['[data-testid="buy"]']], False, {"test_id": "buy"}),
        ([["#buy"], ["aria/Add to cart"]], False, {"text": "Add to cart", "exact": True}),
        ([["aria/Email"], ["#email"]], True, {"css": "#email"}),
        ([["aria/Email"], ["div > input"]], True, {"label": "Email", "exact": True}),
        ([['xpath///*[@id="x"]'], ["text/Buy now"]], False, {"text": "Buy now"}),
        ([["pierce/my-app >>> button.buy"]], False, {"css": "my-app >>> button.buy"}),
        ([["main", "xpath//button"]], False, {"css": "xpath=/button"}),
        (["#legacy-plain-string"], False, {"css": "#legacy-plain-string"}),
    ],
)
def test_the_most_human_selector_wins(selectors: list, for_input: bool, expected: dict) -> None:
    assert pick_locator(selectors, for_input)[0] == expected


def test_a_recording_for_the_demo_shop() -> None:
    source = RECORDINGS / "guest-buys-trail-shoes.json"
    imported = import_recording(source.read_text(encoding="utf-8"), "buy.json")
    data = yaml.safe_load(imported.text)
    assert data["journey"] == "Guest buys Trail Runner 2"
    assert data["base_url"] == "http://127.0.0.1:8765"
    steps = data["stages"]["purchase"]
    assert steps[0] == {"goto": "/"}
    assert steps[1] == {"click": {"role": "searchbox", "name": "Search", "exact": True}}
    assert steps[3] == {"press": "Enter"}  # keyUp and modifier keys are dropped
    assert {"wait": {"visible": {"test_id": "price"}}} in steps
    # Typed card numbers are not copied into the journey.
    assert {"fill": {"css": "#card", "value": "${secret:CARD_NUMBER}"}} in steps
    assert any("CARD_NUMBER" in note for note in imported.notes)
    assert steps[-1] == {"expect": {"count": 1, "of": {"test_id": "order-number"}}}
    assert imported.steps == len(steps) == 16
    # What a navigation went to is kept for the reader, as a comment.
    assert "# the page went to /product/trail-runner-2" in imported.text


def test_the_import_loads_as_a_valid_journey(tmp_path: Path) -> None:
    for source in sorted(RECORDINGS.glob("*.json")):
        imported = import_recording(source.read_text(encoding="utf-8"), source.name)
        # The secrets the import asks for are set, as where the journey runs.
        environ = {name: "long enough" for name in ("PASSWORD", "CARD_NUMBER", "CARD_CVC")}
        loader = Loader(["desktop", "mobile"], environ)
        journeys = loader.journey_text(imported.text, tmp_path / "imported.yaml")
        assert loader.issues == [], source.name
        assert len(journeys) == 1


def test_what_cannot_be_imported_is_said() -> None:
    recording = {
        "title": "Odd steps",
        "steps": [
            {"type": "navigate", "url": "https://shop.test/a"},
            {"type": "click", "selectors": [["#x"]], "frame": [0]},
            {"type": "waitForExpression", "expression": "1"},
            {"type": "teleport"},
            {"type": "change", "value": "M", "selectors": [['aria/Size[role="combobox"]']]},
            {"type": "change", "value": "yes", "selectors": [["select#gift"]]},
            {"type": "navigate", "url": "https://other.test/b"},
        ],
    }
    imported = import_recording(json.dumps(recording), "odd.json", stage="pre-purchase", name="Odd")
    assert "frames or pop-ups are not supported" in imported.text
    assert "step 3 (waitForExpression): not imported" in imported.text
    assert "step 4 (teleport): unknown step type" in imported.text
    assert len(imported.notes) == 4
    assert imported.notes[3] == (
        "step 6 (change): CSS locator from the page structure: it breaks when the markup changes"
    )
    data = yaml.safe_load(imported.text)
    assert data["journey"] == "Odd"
    steps = data["stages"]["pre-purchase"]
    assert steps[1] == {
        "select": {"role": "combobox", "name": "Size", "exact": True, "option": "M"}
    }
    assert steps[2] == {"select": {"css": "select#gift", "option": "yes"}}  # quoted: stays text
    assert steps[3] == {"goto": "https://other.test/b"}  # another origin stays absolute


def test_broken_recordings_are_positioned() -> None:
    with pytest.raises(SpecError) as info:
        import_recording('{"title": "x",\n  "steps": [}\n', "bad.json")
    assert str(info.value).startswith("bad.json:2:13: not valid JSON:")
    with pytest.raises(SpecError) as info:
        import_recording('{"title": "x",\n  "steps": [{"type": 3}]}\n', "bad.json")
    assert str(info.value) == "bad.json:2:22: steps[0].type: expected text, got int 3"
    with pytest.raises(SpecError, match="no step of this recording could be imported"):
        import_recording('{"steps": [{"type": "close"}]}', "bad.json")


def test_nothing_taken_for_a_secret_is_written_anywhere(tmp_path: Path) -> None:
    """A typed password, and secret-looking query parameters, never reach the journey:
    not in its steps, not in the comments that keep a navigation, not in the notes."""
    password = "p@ss word!"
    login = "https://shop.test/login?user=sam&password=p%40ss+word%21&keyword=boots"
    recording = {
        "title": "Signs in",
        "steps": [
            {"type": "navigate", "url": login},
            {"type": "change", "value": "sam@example.com", "selectors": [["aria/Email"]]},
            {"type": "change", "value": password, "selectors": [["input[type=password]"]]},
            {
                "type": "click",
                "selectors": [['aria/Sign in[role="button"]']],
                "assertedEvents": [
                    {"type": "navigation", "url": f"{login}&access_token=tok-8823&pwd=hunter22"}
                ],
            },
            {"type": "navigate", "url": "https://other.test/pay?cvc=123&apiKey=k-7Q"},
        ],
    }
    imported = import_recording(json.dumps(recording), "login.json")
    everything = "\n".join([imported.text, *imported.notes])
    for secret in (password, "p%40ss+word%21", "tok-8823", "hunter22", "123", "k-7Q"):
        assert secret not in everything, secret
    assert "user=sam" in imported.text and "keyword=boots" in imported.text
    assert "# the page went to /login?user=sam&password=${secret:PASSWORD}" in imported.text
    assert "access_token=${secret:ACCESS_TOKEN}&pwd=${secret:PASSWORD}" in imported.text
    steps = yaml.safe_load(imported.text)["stages"]["purchase"]
    assert steps[0] == {"goto": "/login?user=sam&password=${secret:PASSWORD}&keyword=boots"}
    assert steps[2] == {"fill": {"css": "input[type=password]", "value": "${secret:PASSWORD}"}}
    assert steps[4] == {
        "goto": "https://other.test/pay?cvc=${secret:CARD_CVC}&apiKey=${secret:API_KEY}"
    }
    assert any("shorter than 4 characters" in note for note in imported.notes)  # cvc=123
    environ = {name: "long enough" for name in ("PASSWORD", "ACCESS_TOKEN", "CARD_CVC", "API_KEY")}
    loader = Loader(["desktop", "mobile"], environ)
    assert len(loader.journey_text(imported.text, tmp_path / "imported.yaml")) == 1
    assert loader.issues == []
