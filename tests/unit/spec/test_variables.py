"""``${...}`` references: parsing, rendering, and substitution at run time."""

from __future__ import annotations

import pytest

from cxaudit.run.actions import StepFailed, substitute
from cxaudit.spec.variables import Ref, RefError, parse_ref, refs_in, render


def test_the_four_forms() -> None:
    assert parse_ref("price") == Ref("var", "price")
    assert parse_ref(" env:HOME ") == Ref("env", "HOME")
    assert parse_ref("env:SHOP:-https://x.test") == Ref("env", "SHOP", "https://x.test")
    assert parse_ref("env:EMPTY:-") == Ref("env", "EMPTY", "")
    assert parse_ref("secret:CARD") == Ref("secret", "CARD")
    assert str(Ref("env", "A", "b")) == "${env:A:-b}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty reference"),
        ("2fast", "not a variable name"),
        ("vars:x", "unknown reference kind 'vars'"),
        ("env:", "is not an environment variable name"),
        ("secret:PW:-hunter2", "a secret has no default"),
    ],
)
def test_bad_references(body: str, message: str) -> None:
    with pytest.raises(RefError, match=message):
        parse_ref(body)


def test_refs_in_nested_values_and_escapes() -> None:
    value = {"a": ["${x} and ${env:Y}", {"b": "$${not_a_ref}"}], "c": 3}
    assert [str(r) for r in refs_in(value)] == ["${x}", "${env:Y}"]


def test_render_keeps_what_it_cannot_resolve() -> None:
    text = "Buy ${product} for ${env:NAME} $${literal}"
    out = render(text, lambda ref: "shoes" if ref.name == "product" else None)
    assert out == "Buy shoes for ${env:NAME} $${literal}"


def test_substitute_at_run_time() -> None:
    secrets: set[str] = set()
    raw = {
        "value": "${who} / ${env:CITY} / ${env:MISSING:-none} / ${secret:PW} / $${x}",
        "n": 2,
    }
    out = substitute(raw, {"who": "Sam"}, {"CITY": "Leeds", "PW": "s3cret!"}, secrets)
    assert out == {"value": "Sam / Leeds / none / s3cret! / ${x}", "n": 2}
    assert secrets == {"s3cret!"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${order}", "variable 'order' has no value yet"),
        ("${env:NOPE}", "environment variable 'NOPE' is not set: export NOPE=..."),
        ("${secret:NOPE}", "secret 'NOPE' is not set"),
    ],
)
def test_substitute_says_what_is_missing(text: str, message: str) -> None:
    with pytest.raises(StepFailed, match=message):
        substitute(text, {}, {})
