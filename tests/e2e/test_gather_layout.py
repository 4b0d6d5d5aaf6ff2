"""The layout gatherer on small pages in real Chromium, on desktop and mobile."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.pages import Visit, by_selector, visit_pages

VISITS = {
    "targets-desktop": Visit("targets.html", "desktop", ("layout",)),
    "targets-mobile": Visit("targets.html", "mobile", ("layout",)),
    "small-text-mobile": Visit("small-text.html", "mobile", ("layout",)),
    "small-text-desktop": Visit("small-text.html", "desktop", ("layout",)),
    "wide-mobile": Visit("wide.html", "mobile", ("layout",)),
    "wide-desktop": Visit("wide.html", "desktop", ("layout",)),
    "zoom-mobile": Visit("zoom-blocked.html", "mobile", ("layout",)),
    "images": Visit("images.html", "desktop", ("layout",)),
    "overlay-mobile": Visit("overlay.html", "mobile", ("layout",)),
}


@pytest.fixture(scope="module")
def layouts() -> dict[str, dict[str, Any]]:
    results = visit_pages(list(VISITS.values()))
    return {name: result["layout"] for name, result in zip(VISITS, results, strict=True)}


def test_touch_is_read_from_the_channel(layouts: dict[str, dict[str, Any]]) -> None:
    assert layouts["targets-mobile"]["touch"] is True
    assert layouts["targets-desktop"]["touch"] is False
    assert layouts["targets-mobile"]["viewport"]["width"] == 412


def test_tap_targets_have_sizes_and_skip_what_cannot_be_tapped(
    layouts: dict[str, dict[str, Any]],
) -> None:
    targets = layouts["targets-desktop"]["targets"]
    selectors = " ".join(t["selector"] for t in targets)
    # Parked off-screen, visually hidden, hidden and disabled controls are not targets.
    for absent in ("skip", "hidden-input", "token", "disabled"):
        assert absent not in selectors
    close = by_selector(targets, "#close-a")
    assert (close["box"]["width"], close["box"]["height"]) == (14, 14)
    assert close["name"] == "Close A"
    assert by_selector(targets, "#inline")["inline"] is True
    assert by_selector(targets, "#big")["inline"] is False
    assert by_selector(targets, "#cb")["labelled"] is True
    assert by_selector(targets, "#big")["box"]["height"] >= 48
    assert layouts["targets-desktop"]["targets_total"] == len(targets)


def test_text_sizes_are_counted_with_the_zoom_a_phone_applies(
    layouts: dict[str, dict[str, Any]],
) -> None:
    mobile = layouts["small-text-mobile"]
    assert mobile["viewport_meta"] is None
    assert mobile["viewport"]["scale"] < 0.5  # no viewport meta: the phone shrinks the page
    histogram = dict(mobile["text"]["histogram"])
    assert histogram[10] > histogram[32] > 0
    assert sum(histogram.values()) == mobile["text"]["total_chars"]
    assert mobile["text"]["small"][0]["selector"] == "#fine-print"
    assert mobile["text"]["small"][0]["size"] == 10
    assert layouts["small-text-desktop"]["viewport"]["scale"] == 1


def test_page_wider_than_a_phone_names_the_element_that_sticks_out(
    layouts: dict[str, dict[str, Any]],
) -> None:
    mobile = layouts["wide-mobile"]["document"]
    assert mobile["client_width"] == 412
    assert mobile["scroll_width"] >= 760
    # The block that scrolls inside its own box does not make the page scroll.
    assert [o["selector"] for o in mobile["offenders"]] == ["#wide"]
    desktop = layouts["wide-desktop"]["document"]
    assert desktop["scroll_width"] <= desktop["client_width"]
    assert desktop["offenders"] == []


def test_viewport_meta_content_is_kept(layouts: dict[str, dict[str, Any]]) -> None:
    assert "user-scalable=no" in layouts["zoom-mobile"]["viewport_meta"]
    assert layouts["targets-mobile"]["viewport_meta"] == "width=device-width, initial-scale=1"


def test_broken_images_are_the_shown_ones_without_a_picture(
    layouts: dict[str, dict[str, Any]],
) -> None:
    images = layouts["images"]["images"]
    assert images["total"] == 2  # the display:none image is not shown, so not counted
    assert [b["selector"] for b in images["broken"]] == ["#missing"]
    assert images["broken"][0]["src"].endswith("missing-photo.png")
    assert images["broken"][0]["alt"] == "A jacket"


def test_overlays_report_their_share_of_the_screen(layouts: dict[str, dict[str, Any]]) -> None:
    overlays = layouts["overlay-mobile"]["overlays"]
    banner = by_selector(overlays, "#banner")
    assert banner["position"] == "fixed"
    assert 0.55 < banner["share"] < 0.65
    assert "We use cookies" in banner["text"]
    bar = by_selector(overlays, "#bar")
    assert bar["position"] == "sticky" and 0.1 < bar["share"] < 0.2
    assert layouts["targets-mobile"]["overlays"] == []
