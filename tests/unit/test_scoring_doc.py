"""The worked example of docs/scoring.md, recomputed with cxaudit.analysis.scoring."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cxaudit.analysis.scoring import Profile, aggregate, propagate_points, run_points, score_run
from cxaudit.results import CheckOutcome

DOC = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"


def _block(marker: str) -> Any:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, f"docs/scoring.md lost its {marker} block"
    return yaml.safe_load(match.group(1))


def _outcomes(run: dict[str, Any]) -> list[CheckOutcome]:
    out = []
    for i, item in enumerate(run["results"]):
        common = {
            "category": item["category"],
            "journey": run["journey"],
            "channel": run["channel"],
            "stage": "main",
        }
        if "pass" in item:
            out.append(
                CheckOutcome(
                    code=f"CX-{item['category'][:3].upper()}-{i:03d}",
                    slug=f"passes-{i}",
                    status="pass",
                    score=1.0,
                    weight=1.0,
                    count=item["pass"],
                    **common,
                )
            )
            continue
        out.append(
            CheckOutcome(
                code="CX-USE-001" if item.get("gate") else f"CX-X-{i:03d}",
                slug="journey-completion" if item.get("gate") else item["finding"],
                status="fail",
                score=float(item["score"]),
                weight=float(item["weight"]),
                step=item["step"],
                fingerprint=item["finding"],
                **common,
            )
        )
    return out


@pytest.fixture(scope="module")
def computed() -> dict[str, Any]:
    inputs = _block("worked-example:inputs")
    profile = Profile()
    runs = []
    for run in inputs["runs"]:
        outcomes = _outcomes(run)
        scores = score_run(outcomes, stages=["main"], status=run["status"], profile=profile)
        gate = next((o.fingerprint for o in outcomes if o.slug == "journey-completion"), None)
        runs.append((run, scores, run_points(scores, profile, gate)))
    total = aggregate(
        [(r["channel"], r["journey"], s) for r, s, _ in runs], inputs["channels"], profile
    )
    points: dict[str, dict[str, float]] = {}
    for run, scores, journey_points in runs:
        category_points = {
            loss.key: loss.points for losses in scores.losses.values() for loss in losses
        }
        for key in {o.fingerprint for o in _outcomes(run) if o.fingerprint}:
            journey = journey_points.get(key, 0.0)
            channel, overall = propagate_points(journey, run["channel"], total, profile)
            points[key] = {
                "category": category_points.get(key, 0.0),
                "journey": journey,
                "channel": channel,
                "overall": overall,
            }
    # As results.json keeps them, which the doc's figures are read against.
    dumped = [(run, scores.model_dump(), journey) for run, scores, journey in runs]
    return {"runs": dumped, "total": total.model_dump(), "points": points}


def test_journey_scores(computed: dict[str, Any]) -> None:
    expected = _block("worked-example:expected")["runs"]
    got = {f"{r['channel']}/{r['journey']}": s for r, s, _ in computed["runs"]}
    assert set(got) == set(expected)
    for name, figures in expected.items():
        for key, value in figures.items():
            actual = (
                got[name][key] if key in ("overall", "uncapped") else got[name]["categories"][key]
            )
            assert actual == pytest.approx(value, abs=0.05), f"{name} {key}"


def test_channel_and_overall_scores(computed: dict[str, Any]) -> None:
    expected = _block("worked-example:expected")
    channels = computed["total"]["channels"]
    for name, value in expected["channels"].items():
        assert channels[name]["overall"] == pytest.approx(value, abs=0.05)
    assert computed["total"]["overall"] == pytest.approx(expected["overall"], abs=0.05)


def test_points_per_finding(computed: dict[str, Any]) -> None:
    expected = _block("worked-example:expected")["points"]
    for finding, figures in expected.items():
        for level, value in figures.items():
            got = computed["points"][finding][level]
            assert got == pytest.approx(value, abs=0.01), f"{finding} {level}"
    lost = sum(p["overall"] for p in computed["points"].values())
    assert lost == pytest.approx(100 - computed["total"]["overall"], abs=0.05)


def test_the_walk_through_states_computed_figures(computed: dict[str, Any]) -> None:
    """Every bold number of the walk-through is a figure the code gives."""
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1]
    bold = {float(n) for n in re.findall(r"\*\*(\d+(?:\.\d+)?)\*\*", text)}
    assert len(bold) >= 10
    total = computed["total"]
    figures = {total["overall"]}
    figures |= {c["overall"] for c in total["channels"].values()}
    for _, scores, _ in computed["runs"]:
        figures |= {scores["overall"], *scores["categories"].values()}
    figures |= {v for p in computed["points"].values() for v in p.values()}
    rounded = {round(f, 1) for f in figures if f is not None}
    stale = sorted(b for b in bold if round(b, 1) not in rounded)
    assert not stale, f"numbers in the walk-through the code does not give: {stale}"
