"""Redaction: one helper that keeps secrets out of every recorded value."""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote, quote_plus

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


def test_a_secret_inside_every_gathered_artifact_is_masked_and_codes_stay() -> None:
    secret = "s3cr3t-pass"
    snapshot = Snapshot(
        layout={
            "targets": [{"selector": "#show", "name": f"Show {secret}", "tag": "button"}],
            "overlays": [{"text": f"Hi {secret}", "position": "fixed"}],
            "text": {"small": [{"text": secret}]},
        },
        forms={
            "fields": [
                {
                    "label": f"Password ({secret})",
                    "type": "password",
                    "error": {"text": f"{secret} is wrong"},
                    "described_by": [{"id": "hint", "text": secret}],
                    # A key this cxaudit's model does not know (a newer gatherer's) is masked too.
                    "suggestion": f"try {secret}1",
                }
            ]
        },
        keyboard={"stops": [{"name": secret, "skip_target": {"href": f"#{secret}"}}]},
        axe={
            "violations": [
                {
                    "id": "label",
                    "impact": "critical",
                    "nodes": [{"html": f'<input value="{secret}">', "target": [f"#{secret}"]}],
                }
            ]
        },
    )
    clean = redact_model(snapshot, Redactor([secret]))
    assert secret not in clean.model_dump_json()
    assert clean.forms is not None and clean.forms.fields[0].model_extra == {
        "suggestion": f"try {MASK}1"
    }
    field = clean.forms.fields[0]
    assert field.label == f"Password ({MASK})" and field.type == "password"
    assert clean.axe is not None and clean.axe.violations[0].id == "label"


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
        (v.id, v.impact, v.tags)
        for s in run.steps
        if s.snapshot and s.snapshot.axe
        for v in s.snapshot.axe.violations
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


# -- every form a browser or a page gives a secret ---------------------------------------------

FORMS_SECRET = "Tr0ub4dor~ 3&*!'()é\"<x/y\\z"


def _form_encoded(value: str) -> str:
    """Chromium's form encoding: ``*-._`` kept, ``~`` as %7E, space as +."""
    return quote_plus(value, safe="*-._").replace("~", "%7E")


def _b64(value: str, urlsafe: bool = False) -> str:
    raw = value.encode("utf-8")
    return (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()


ENCODINGS = {
    "as typed": FORMS_SECRET,
    "quote": quote(FORMS_SECRET, safe=""),
    "quote_plus": quote_plus(FORMS_SECRET),
    "chromium form": _form_encoded(FORMS_SECRET),
    "encodeURIComponent": quote(FORMS_SECRET, safe="-_.!~*'()"),
    "url as typed (spaces only)": FORMS_SECRET.replace(" ", "%20"),
    "lower-case hex": quote(FORMS_SECRET, safe="").lower(),
    "twice encoded": quote(quote(FORMS_SECRET, safe=""), safe=""),
    "json": json.dumps(FORMS_SECRET, ensure_ascii=False),
    "json \\u escapes": json.dumps(FORMS_SECRET),
    "json \\/": json.dumps(FORMS_SECRET).replace("/", "\\/"),
    "json in json": json.dumps(json.dumps(FORMS_SECRET)),
    "html": html.escape(FORMS_SECRET),
    "html &#39;": html.escape(FORMS_SECRET).replace("&#x27;", "&#39;"),
    "html decimal": "".join(f"&#{ord(c)};" for c in FORMS_SECRET),
    "html hex": "".join(f"&#X{ord(c):X};" for c in FORMS_SECRET),
    "html twice": html.escape(html.escape(FORMS_SECRET)),
    "base64": _b64(FORMS_SECRET),
    "base64 unpadded": _b64(FORMS_SECRET).rstrip("="),
    "base64 url-safe": _b64(FORMS_SECRET, urlsafe=True),
    "base64 url-safe unpadded": _b64(FORMS_SECRET, urlsafe=True).rstrip("="),
    "basic authorization": "Basic " + _b64(f"user:{FORMS_SECRET}"),
    "base64 mid-word": "xy" + _b64(f"{{'pw': '{FORMS_SECRET}'}}").rstrip("="),
    "upper case": FORMS_SECRET.upper(),
    "capitalised": FORMS_SECRET.lower().capitalize(),
    "split by a newline": f"{FORMS_SECRET[:5]}\n{FORMS_SECRET[5:]}",
    "split by <br>": f"{FORMS_SECRET[:5]}<br>{FORMS_SECRET[5:]}",
    "split by spaces": " ".join(FORMS_SECRET[:6]) + FORMS_SECRET[6:],
    "split by a zero-width space": FORMS_SECRET[:4] + "\u200b" + FORMS_SECRET[4:],
    "decomposed é": FORMS_SECRET.replace("é", "e\u0301"),
}


@pytest.mark.parametrize("form", list(ENCODINGS))
def test_every_encoding_of_a_secret_is_masked(form: str) -> None:
    text = ENCODINGS[form]
    masked = Redactor([FORMS_SECRET]).text(f"before {text} after")
    assert MASK in masked
    assert masked.startswith("before ") and masked.endswith(" after")
    assert FORMS_SECRET[:4] not in masked and FORMS_SECRET[:4].upper() not in masked


@pytest.mark.parametrize(
    "text",
    [
        "Welcome back, hunter2hun…",
        "Welcome back, hunter2hun...",
        "Welcome back, hunter2hun&hellip;",
        "Welcome back, HUNTER2HUN\u2026",
        "Welcome back, hunter2hun",  # the end of the field
        "Welcome back, hunter2hun\nNext line",
        '<input value="hunter2hun">',
    ],
)
def test_a_truncated_secret_is_masked(text: str) -> None:
    masked = Redactor(["hunter2hunter2"]).text(text)
    assert "hunter2h" not in masked.lower(), masked


def test_what_is_not_masked() -> None:
    """A prefix shorter than the guarantee, or one that goes on with other text, stays;
    a short secret keeps its case; base64 of something else is left alone."""
    redactor = Redactor(["hunter2hunter2"])
    assert redactor.text("hunter2… is a film") == "hunter2… is a film"
    assert redactor.text("hunter2hunx and more") == "hunter2hunx and more"
    assert Redactor(["abcd"]).text("ABCD abcd") == f"ABCD {MASK}"
    other = _b64("nothing to see here")
    assert redactor.text(other) == other


def test_a_long_secret_is_masked_whole_and_cut_short() -> None:
    """Matching is not one nested regex: a secret of any length compiles."""
    secret = "k" + "0123456789abcdef" * 40
    redactor = Redactor([secret])
    assert redactor.text(f"key={secret}") == f"key={MASK}"
    assert redactor.text(f"key={secret[:300]}…") == f"key={MASK}…"


def test_the_redactor_never_shows_its_secrets() -> None:
    assert "hunter2" not in repr(Redactor(["hunter2hunter2"]))


def test_text_before_a_mask_is_not_a_secret_cut_short() -> None:
    """A capture learnt late ("You typed <secret>") masks again a text already masked:
    what precedes the first mask does not end the field, so it stays."""
    first = Redactor(["S3cr3t pa55!"]).text("You typed S3cr3t pa55!")
    later = Redactor(["S3cr3t pa55!", "You typed S3cr3t pa55!"])
    assert later.text(first) == f"You typed {MASK}"


def test_a_secret_in_a_received_email_is_masked() -> None:
    """A site that mails the customer's password or card back: the email's recorded
    text, HTML lines and headers are masked like a page's."""
    from cxaudit.results import EmailRecord

    email = EmailRecord(
        subject="Welcome, your password is Hunter2-xyz",
        text="Log in with Hunter2-xyz",
        html_lines=["Password: Hunter2-xyz", "Total €94.00"],
        headers={"Subject": "Welcome, your password is Hunter2-xyz"},
    )
    step = StepResult(index=0, stage="s", action="wait_for_email", name="n", status="passed")
    masked = redact_model(step.model_copy(update={"email": email}), Redactor(["Hunter2-xyz"]))
    assert "Hunter2-xyz" not in masked.model_dump_json()
    assert masked.email is not None and masked.email.html_lines[1] == "Total €94.00"
    assert masked.email.text == f"Log in with {MASK}"
