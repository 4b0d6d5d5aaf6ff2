"""Comparison with a baseline, the accept list and the timing hook."""

from __future__ import annotations

from datetime import date

import pytest

from cxaudit.ci.baseline import (
    AcceptEntry,
    Known,
    apply_accept,
    compare,
    compare_timings,
    expired_entries,
    timing_samples,
    with_baseline,
)
from tests.data.demo_results import failing, recorded, without


def test_findings_split_into_new_fixed_and_persisting() -> None:
    result = recorded()
    fails = failing(result)
    gone = {fails[0].fingerprint}
    old = without(result, gone)  # the baseline did not have the first finding...
    summary = compare(result, old)
    assert summary.new == [fails[0].fingerprint]  # ...so it is new now
    assert set(summary.persisting) == {f.fingerprint for f in fails[1:]}
    assert summary.fixed == []
    back = compare(old, result)  # and the other way round it was fixed
    assert [f.fingerprint for f in back.fixed] == [fails[0].fingerprint]
    assert back.fixed[0].title == fails[0].title
    assert back.new == []


def test_score_deltas_cover_every_score() -> None:
    result = recorded()
    lower = result.model_copy(
        update={"scores": result.scores.model_copy(update={"overall": result.scores.overall - 10})}
    )
    deltas = compare(result, lower).scores
    assert deltas["overall"]["delta"] == pytest.approx(10.0)
    assert deltas["overall"]["baseline"] == pytest.approx(result.scores.overall - 10)
    assert set(deltas["channels"]) == set(result.scores.channels)
    assert deltas["channels"]["desktop"]["overall"]["delta"] == 0.0
    assert set(deltas["categories"]) == set(result.scores.categories)
    assert len(deltas["journeys"]) == len(result.runs)


def test_a_baseline_with_other_channels_gives_no_delta_for_them() -> None:
    result = recorded()
    desktop_only = result.model_copy(
        update={
            "runs": [r for r in result.runs if r.channel == "desktop"],
            "scores": result.scores.model_copy(
                update={"channels": {"desktop": result.scores.channels["desktop"]}}
            ),
        }
    )
    deltas = compare(result, desktop_only).scores
    assert deltas["channels"]["mobile"]["overall"]["delta"] is None
    assert deltas["channels"]["mobile"]["overall"]["baseline"] is None


def test_with_baseline_is_kept_in_results() -> None:
    result = recorded()
    compared = with_baseline(result, result, "old/results.json")
    assert compared.baseline is not None and compared.baseline.source == "old/results.json"
    assert compared.baseline.new == [] and compared.baseline.fixed == []
    again = type(result).model_validate_json(compared.to_json())
    assert again.baseline == compared.baseline


def test_accept_by_fingerprint_and_pattern_until_expiry() -> None:
    result = recorded()
    fails = failing(result)
    contrast = [f for f in fails if "contrast" in f.title]
    by_fp = AcceptEntry(
        "fixed in the next release", date(2030, 1, 1), fingerprint=fails[0].fingerprint
    )
    by_pattern = AcceptEntry(
        "brand colour, agreed", date(2030, 1, 1), pattern="*:color-contrast [mobile]*"
    )
    muted = apply_accept(result, [by_fp, by_pattern], today=date(2029, 12, 31))
    accepted = {f.fingerprint: f.accepted for f in muted.all_findings() if f.accepted}
    assert fails[0].fingerprint in accepted
    assert accepted[fails[0].fingerprint]["reason"] == "fixed in the next release"
    mobile_contrast = {f.fingerprint for f in contrast if f.channel == "mobile"}
    assert mobile_contrast and mobile_contrast <= set(accepted)
    assert not {f.fingerprint for f in contrast if f.channel == "desktop"} & set(accepted) - {
        fails[0].fingerprint
    }
    # The day after the expiry date the findings count again.
    later = apply_accept(muted, [by_fp, by_pattern], today=date(2030, 1, 2))
    assert not any(f.accepted for f in later.all_findings())
    assert expired_entries([by_fp], date(2030, 1, 2)) == [by_fp]
    assert expired_entries([by_fp], date(2030, 1, 1)) == []


def test_accepting_by_check_code_and_scores_stay_honest() -> None:
    result = recorded()
    everything = AcceptEntry("audit backlog", date(2030, 1, 1), pattern="CX-A11Y-*")
    muted = Known(accept=(everything,), today=date(2029, 1, 1)).apply(result)
    assert all(f.accepted for f in failing(muted) if f.code.startswith("CX-A11Y"))
    assert muted.scores == result.scores  # muted, not fixed: the points still count


def test_timing_hook_takes_samples_per_metric() -> None:
    result = recorded()
    samples = timing_samples(result)
    assert samples and all(len(v) == 1 for v in samples.values())
    assert any(k.endswith(": ttfb_ms") for k in samples)
    seen = []

    def always_slower(base: list[float], now: list[float]) -> dict:
        seen.append((base, now))
        return {"verdict": "slower", "change": 0.5, "p_value": 0.01}

    doubled = {k: [v * 2 for v in vs] for k, vs in samples.items()}
    verdicts = compare_timings(samples, doubled, always_slower)
    assert len(verdicts) == len(samples) == len(seen)
    assert {v["verdict"] for v in verdicts} == {"slower"}
    assert verdicts[0]["current_median"] == pytest.approx(2 * verdicts[0]["baseline_median"])


def test_one_timing_on_each_side_is_inconclusive_however_far_apart() -> None:
    verdicts = compare_timings({"a: step_ms": [100.0]}, {"a: step_ms": [150.0]}, None)
    assert verdicts[0]["verdict"] == "inconclusive"
    assert verdicts[0]["change"] == pytest.approx(0.5)
