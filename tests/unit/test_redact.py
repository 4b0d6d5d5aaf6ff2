"""Redaction: one helper that keeps secrets out of every recorded value."""

from __future__ import annotations

import json

import pytest

from cxaudit.redact import MASK, Redactor, redact_model, short_secret_warning
from cxaudit.results import Capture, ConsoleMessage, JourneyRun, Snapshot, StepResult
from tests.data.demo_results import recorded


def test_masks_plain_and_url_encoded_forms_longest_first() -> None:
    redactor = Redactor(["p@ss word", "p@ss", "", "  "])
    assert redactor.text("pw=p@ss word") == f"pw={MASK}"
    assert redactor.text("/login?pw=p%40ss+word") == f"/login?pw={MASK}"
    assert redactor.text("/login?pw=p%40ss%20word&x=p@ss") == f"/login?pw={MASK}&x={MASK}"
    # Keys are cxaudit's (or the page's) structure: only the values are masked.
    assert redactor.value({"k p@ss": ["p@ss", 3, None]}) == {"k p@ss": [MASK, 3, None]}


def test_masking_twice_leaves_the_mask_whole() -> None:
    """A secret that occurs in the mask itself ("e", "secret") is not masked inside it."""
    redactor = Redactor(["e", "secret"])
    once = redactor.text("see the secret")
    assert once == redactor.text(once)
    assert "e" not in once.replace(MASK, "")


def test_empty_redactor_returns_the_same_object() -> None:
    step = StepResult(index=0, stage="p", action="goto", name="x", status="passed")
    assert redact_model(step, Redactor()) is step
    assert redact_model(step, Redactor(["absent"])) is step


def test_every_field_of_a_step_result() -> None:
    secret = "4111-1111"
    step = StepResult(
        index=0,
        stage="purchase",
        action="fill",
        name=f"fill value: {secret}",
        status="failed",
        message=f"could not type {secret}",
        captures=[Capture(name="card", text=secret, secret=True)],
        snapshot=Snapshot(
            url=f"https://shop.test/pay?card={secret}",
            visible_text=f"Card {secret}",
            console=[ConsoleMessage(type="error", text=f"bad {secret}")],
            axe={"violations": [{"nodes": [{"html": f'<input value="{secret}">'}]}]},
        ),
    )
    clean = redact_model(step, Redactor([secret]))
    assert secret not in clean.model_dump_json()
    assert clean.name == f"fill value: {MASK}"
    assert clean.snapshot is not None and clean.snapshot.url.endswith(f"card={MASK}")


def _keys(value: object) -> list[str]:
    """Every dict key of a dumped model, in order."""
    if isinstance(value, dict):
        return [*value, *(k for v in value.values() for k in _keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def _own(run: JourneyRun) -> list[object]:
    """What cxaudit writes itself in a run: ids, codes, statuses, names, numbers."""
    steps = [(s.index, s.stage, s.action, s.status, s.duration_ms) for s in run.steps]
    findings = [
        (f.code, f.slug, f.rule, f.status, f.severity, f.fingerprint, f.channel, f.key)
        for f in run.findings
    ]
    axe = [
        (v["id"], v["impact"], v["tags"])
        for s in run.steps
        if s.snapshot and s.snapshot.axe
        for v in s.snapshot.axe.get("violations", [])
    ]
    outcomes = [(o.code, o.status, o.fingerprint) for o in run.outcomes]
    return [
        run.journey,
        run.channel,
        run.status,
        run.stages,
        run.rules,
        steps,
        findings,
        axe,
        outcomes,
    ]


@pytest.mark.parametrize("secret", ["t", "e", "test", "Trail"])
def test_a_short_or_common_secret_on_a_recorded_run(secret: str) -> None:
    """One letter or a common word: the run still validates, keys and ids are untouched,
    and the secret's occurrences in the site's text are masked."""
    run = next(r for r in recorded().runs if r.steps and r.findings)
    clean = redact_model(run, Redactor([secret]))
    assert JourneyRun.model_validate(json.loads(clean.model_dump_json())) == clean
    assert _keys(clean.model_dump()) == _keys(run.model_dump())
    assert _own(clean) == _own(run)
    pages = [
        (before.snapshot, after.snapshot)
        for before, after in zip(run.steps, clean.steps, strict=True)
        if before.snapshot and after.snapshot
    ]
    assert any(secret in (before.visible_text or "") for before, _ in pages)
    for _, after in pages:
        assert secret not in (after.visible_text or "").replace(MASK, "")
        assert secret not in after.url.replace(MASK, "")
    assert redact_model(clean, Redactor([secret])).model_dump() == clean.model_dump()


def test_a_short_secret_is_warned_about() -> None:
    warning = short_secret_warning("PIN", "7")
    assert warning is not None and "'PIN'" in warning and "1 character" in warning
    assert short_secret_warning("PASSWORD", "hunter22") is None
