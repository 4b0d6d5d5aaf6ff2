"""Redaction: one helper that keeps secrets out of every recorded value."""

from __future__ import annotations

from cxaudit.redact import MASK, Redactor, redact_model
from cxaudit.results import Capture, ConsoleMessage, Snapshot, StepResult


def test_masks_plain_and_url_encoded_forms_longest_first() -> None:
    redactor = Redactor(["p@ss word", "p@ss", "", "  "])
    assert redactor.text("pw=p@ss word") == f"pw={MASK}"
    assert redactor.text("/login?pw=p%40ss+word") == f"/login?pw={MASK}"
    assert redactor.text("/login?pw=p%40ss%20word&x=p@ss") == f"/login?pw={MASK}&x={MASK}"
    assert redactor.value({"k p@ss": ["p@ss", 3, None]}) == {f"k {MASK}": [MASK, 3, None]}


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
