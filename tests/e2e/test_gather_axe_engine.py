"""Which axe-core runs, where the page cannot reach it, on which rules and frames.

The engine is the vendored axe-core (or the file a project points to), run
in an isolated world of each audited frame: a page's own ``window.axe`` and
replaced builtins change nothing. Rules are picked from the engine's own
list: every rule naming a criterion of the standard, experimental or not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxaudit.gather.axe import VENDORED_SCRIPT, AxeProfile
from cxaudit.gather.vendor_axe import VERSION
from cxaudit.project.config import load_settings
from tests.e2e.page_server import run_on_pages
from tests.e2e.pages import PAGES, Visit, visit_pages

CUSTOM_VERSION = "4.14.1-custom"


@pytest.fixture(scope="module")
def custom_axe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The vendored script, announcing another version: a file a project points to."""
    source = VENDORED_SCRIPT.read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("axe") / "axe.min.js"
    path.write_text(
        source.replace("axe v4.14.1", f"axe v{CUSTOM_VERSION}", 1)
        + f"\n;axe.version = '{CUSTOM_VERSION}';\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def axe(custom_axe: Path) -> dict[str, dict[str, Any]]:
    visits = {
        "forged": Visit("axe_forged.html", gatherers=("axe",)),
        "frames": Visit("axe_frames.html", gatherers=("axe",)),
        "default": Visit("axe_rules.html", gatherers=("axe",)),
        "aaa": Visit("axe_rules.html", gatherers=("axe",), options={
            "axe_profile": AxeProfile(standard="aaa")}),
        "experimental": Visit("axe_rules.html", gatherers=("axe",), options={
            "axe_profile": AxeProfile(experimental=True)}),
        "included": Visit("axe_rules.html", gatherers=("axe",), options={
            "axe_profile": AxeProfile(
                include_rules=("color-contrast-enhanced", "audio-caption"))}),
        "custom": Visit("axe_rules.html", gatherers=("axe",), options={
            "axe_profile": AxeProfile(axe_path=str(custom_axe))}),
    }  # fmt: skip
    results = visit_pages(list(visits.values()))
    return {name: result["axe"] for name, result in zip(visits, results, strict=True)}


def _violations(result: dict[str, Any]) -> dict[str, list[list[str]]]:
    return {v["id"]: [n["target"] for n in v["nodes"]] for v in result["violations"]}


def _ran(result: dict[str, Any]) -> set[str]:
    """The rules that ran and found something to judge (failed, passed or to review)."""
    return {r["id"] for part in ("violations", "passes", "incomplete") for r in result[part]}


def test_the_vendored_axe_core_runs() -> None:
    assert VERSION == "4.14.1"
    assert AxeProfile().engine.version == "4.14.1"
    assert (
        (VENDORED_SCRIPT.parent / "LICENSE")
        .read_text(encoding="utf-8")
        .startswith("Mozilla Public License")
    )


def test_results_record_the_engine_version(axe: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    assert axe["default"]["version"] == "4.14.1"
    page = (PAGES / "axe_rules.html").read_text(encoding="utf-8")
    result = run_on_pages(
        {"/": ("text/html", page)},
        "journey: One page\nstages:\n  pre-purchase:\n    - goto: /\n",
        tmp_path,
    )
    assert result.axe_version == "4.14.1"
    snapshot = result.runs[0].steps[0].snapshot
    assert snapshot is not None and snapshot.axe is not None
    assert snapshot.axe.version == "4.14.1"


def test_a_configured_axe_file_is_the_one_that_runs(
    axe: dict[str, dict[str, Any]], custom_axe: Path
) -> None:
    assert axe["custom"]["version"] == CUSTOM_VERSION
    assert AxeProfile(axe_path=str(custom_axe)).engine.version == CUSTOM_VERSION
    assert "label-content-name-mismatch" in _violations(axe["custom"])


def test_axe_path_in_the_config_file_is_relative_to_it(custom_axe: Path, tmp_path: Path) -> None:
    project = custom_axe.parent
    (project / "cxaudit.yaml").write_text(
        "accessibility:\n  axe_path: axe.min.js\n", encoding="utf-8"
    )
    settings = load_settings(config_path=project / "cxaudit.yaml", cwd=tmp_path, environ={})
    profile = settings.accessibility.profile()
    assert profile.axe_path is not None
    assert (tmp_path / profile.axe_path).resolve() == custom_axe.resolve()


def test_a_page_cannot_answer_for_axe(axe: dict[str, dict[str, Any]]) -> None:
    # The page's own window.axe (unreplaceable, reporting nothing) and its
    # broken Array.prototype.filter live in its world; axe runs in another.
    assert axe["forged"]["version"] == "4.14.1"
    assert _violations(axe["forged"])["image-alt"] == [["#photo"]]
    assert axe["forged"]["passes"]


def test_inline_frames_are_audited(axe: dict[str, dict[str, Any]]) -> None:
    targets = _violations(axe["frames"])["image-alt"]
    assert ["#srcdoc", "#in-srcdoc"] in targets
    assert ["#blank", "#in-blank"] in targets


def test_level_a_and_aa_rules_run_by_default_experimental_or_not(
    axe: dict[str, dict[str, Any]],
) -> None:
    found = _violations(axe["default"])
    # WCAG 2.5.3 (A) and 1.3.1 (A); axe marks table-fake-caption experimental.
    assert found["label-content-name-mismatch"] == [["#mismatch"]]
    assert found["table-fake-caption"] == [["#fake-caption"]]
    # WCAG 1.3.4 (AA), experimental in axe: read from the style sheet, whatever the window.
    assert "css-orientation-lock" in found
    assert not {"color-contrast-enhanced", "focus-order-semantics"} & set(found)
    assert not {"identical-links-same-purpose", "audio-caption"} & _ran(axe["default"])


def test_aaa_and_experimental_rules_run_when_asked(axe: dict[str, dict[str, Any]]) -> None:
    assert _violations(axe["aaa"])["color-contrast-enhanced"] == [["#aa-only"]]
    assert "identical-links-same-purpose" in _ran(axe["aaa"])
    assert "focus-order-semantics" not in _violations(axe["aaa"])
    assert _violations(axe["experimental"])["focus-order-semantics"] == [["#focusable-div"]]
    assert "color-contrast-enhanced" not in _violations(axe["experimental"])
    included = _violations(axe["included"])
    assert included["color-contrast-enhanced"] == [["#aa-only"]]
    assert "label-content-name-mismatch" in included
    # A rule axe deprecated runs only when named.
    assert "audio-caption" in _ran(axe["included"])


def test_a_missing_axe_path_is_a_usage_error(tmp_path: Path) -> None:
    from cxaudit.errors import UsageError

    (tmp_path / "cxaudit.yaml").write_text(
        "accessibility:\n  axe_path: gone.js\n", encoding="utf-8"
    )
    with pytest.raises(UsageError, match=r"no axe-core script at gone\.js"):
        load_settings(config_path=tmp_path / "cxaudit.yaml", cwd=tmp_path, environ={})
