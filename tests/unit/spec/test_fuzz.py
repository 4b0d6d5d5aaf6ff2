"""Fuzzed journey files: the loader and ``cxaudit validate`` answer with positions, never a traceback.

Hypothesis generates journey documents (random structures, types, unicode,
huge numbers) and mutates the real ones in journeys/ (structurally and
byte by byte). Whatever comes in, the answer is a list of issues, each with
a file, a line and a column inside the file, or journeys. Example counts stay
modest so the suite stays fast; pytest-timeout catches a hang.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxaudit.cli.main import main
from cxaudit.errors import SpecIssue
from cxaudit.spec.actions import REGISTRY
from cxaudit.spec.channels import BUILTIN_CHANNELS
from cxaudit.spec.loader import load_all

ROOT = Path(__file__).resolve().parents[3]
REAL_JOURNEYS = sorted((ROOT / "journeys").glob("*.yaml"))

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# -- strategies ---------------------------------------------------------------

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
#: A path longer than any file system allows ("File name too long" when looked up).
LONG_PATH = "a" * 5000 + ".yaml"
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # unbounded: 10**400 included
    st.floats(allow_nan=True, allow_infinity=True),
    text,
    st.sampled_from(
        ["${x}", "${secret:X}", "${env:HOME:-/}", "${", "$${y}", "/", "../../", LONG_PATH]
    ),
)
KEYS = [
    "journey",
    "stages",
    "base_url",
    "channels",
    "variables",
    "data",
    "consent",
    "allowed_origins",
    "cookies",
    "headers",
    "budgets",
    "messages",
    "storage_state",
    "name",
    "optional",
    "timeout",
    "audit",
    "role",
    "text",
    "label",
    "css",
    "within",
    "nth",
    "exact",
    "value",
    "url",
    "secret",
    *REGISTRY,
]
keys = st.one_of(st.sampled_from(KEYS), text)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)
steps = st.one_of(
    st.dictionaries(st.sampled_from([*REGISTRY, "name", "optional", "audit"]), values, max_size=3),
    values,
)
journeys = st.fixed_dictionaries(
    {
        "journey": st.one_of(text, values),
        "stages": st.one_of(
            st.dictionaries(
                st.one_of(st.sampled_from(["pre-purchase", "purchase", "post-purchase"]), text),
                st.lists(steps, max_size=5),
                max_size=3,
            ),
            values,
        ),
    },
    optional={k: values for k in KEYS[2:13]},
)


# -- the property ---------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("fuzz")


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + 1


def assert_answers_with_positions(path: Path, data: bytes) -> list[SpecIssue]:
    """Load ``data`` as the journey file ``path``: only issues with real positions come back."""
    path.write_bytes(data)
    loaded = load_all([path], list(BUILTIN_CHANNELS))
    for issue in loaded.issues:
        assert isinstance(issue, SpecIssue)
        assert issue.message.strip(), issue
        assert issue.line >= 1 and issue.column >= 1, issue
        if issue.file.endswith(path.name):
            assert issue.line <= _line_count(data) + 1, issue
        assert str(issue).startswith(f"{issue.file}:{issue.line}:{issue.column}: ")
    assert loaded.journeys or loaded.errors
    return loaded.issues


def dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@pytest.mark.timeout(600)
@FUZZ
@given(journeys)
def test_generated_journeys(folder: Path, doc: dict[str, Any]) -> None:
    assert_answers_with_positions(folder / "generated.yaml", dump(doc))


@pytest.mark.timeout(600)
@FUZZ
@given(values)
def test_any_yaml_value(folder: Path, doc: Any) -> None:
    assert_answers_with_positions(folder / "value.yaml", dump(doc))


# -- mutating the real journeys ---------------------------------------------------------


def _containers(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every list and mapping inside ``data``."""
    found = [path] if isinstance(data, (dict, list)) else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _containers(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _containers(value, (*path, i))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@pytest.mark.timeout(600)
@FUZZ
@given(st.sampled_from(REAL_JOURNEYS), st.data())
def test_structurally_mutated_real_journeys(
    folder: Path, source: Path, data: st.DataObject
) -> None:
    doc = yaml.safe_load(source.read_text("utf-8"))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        holder = _at(doc, data.draw(st.sampled_from(_containers(doc)), label="where"))
        if not holder:
            continue
        key = data.draw(
            st.sampled_from(list(holder) if isinstance(holder, dict) else range(len(holder))),
            label="which",
        )
        how = data.draw(st.sampled_from(["delete", "replace", "wrap", "rename", "add"]))
        if how == "delete":
            del holder[key]
        elif how == "replace":
            holder[key] = data.draw(values, label="new value")
        elif how == "wrap":
            holder[key] = [holder[key]]
        elif how == "rename" and isinstance(holder, dict):
            holder[data.draw(keys, label="new key")] = holder.pop(key)
        elif isinstance(holder, dict):
            holder[data.draw(keys, label="added key")] = data.draw(values, label="added")
        else:
            holder.insert(key, data.draw(values, label="added"))
    assert_answers_with_positions(folder / source.name, dump(doc))


YAML_NOISE = st.one_of(
    st.sampled_from(
        [
            ":",
            ": ",
            "-",
            "- ",
            "&a",
            "*a",
            "!!python/object:os.system",
            "!!binary",
            "!!timestamp ",
            "!!bool ",
            "!!int ",
            "!!float ",
            "!!null ",
            "!!set ",
            "!!omap ",
            "!!str ",
            "!!merge ",
            LONG_PATH,
            "%YAML 1.1",
            "---",
            "...",
            "{",
            "}",
            "[",
            "]",
            "'",
            '"',
            "\t",
            "\n",
            "  ",
            "#",
            "|",
            ">",
            "? ",
            "@",
            "`",
            "\x00",
            "\ufeff",
            "\u2028",
            "${secret:",
            "<<: *a",
        ]
    ),
    st.text(string.printable, max_size=5),
    text,
)


@pytest.mark.timeout(600)
@FUZZ
@given(st.sampled_from(REAL_JOURNEYS), st.data())
def test_textually_mutated_real_journeys(folder: Path, source: Path, data: st.DataObject) -> None:
    raw = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(raw)), label="at")
        how = data.draw(st.sampled_from(["insert", "delete", "bytes"]))
        if how == "insert":
            raw[at:at] = data.draw(YAML_NOISE, label="noise").encode("utf-8")
        elif how == "delete":
            del raw[at : at + data.draw(st.integers(1, 40), label="length")]
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=4), label="bytes")
    assert_answers_with_positions(folder / source.name, bytes(raw))


@pytest.mark.timeout(600)
@settings(FUZZ, max_examples=60)
@given(st.sampled_from(REAL_JOURNEYS), st.data())
def test_validate_command_never_shows_a_traceback(
    folder: Path, source: Path, data: st.DataObject
) -> None:
    raw = bytearray(source.read_bytes())
    at = data.draw(st.integers(0, len(raw)), label="at")
    raw[at:at] = data.draw(YAML_NOISE, label="noise").encode("utf-8")
    target = folder / f"cli-{source.name}"
    target.write_bytes(bytes(raw))
    result = CliRunner().invoke(main, ["validate", str(target)], catch_exceptions=True)
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


YAML_TAGS = st.sampled_from(
    [
        "!!timestamp",
        "!!bool",
        "!!int",
        "!!float",
        "!!null",
        "!!binary",
        "!!set",
        "!!omap",
        "!!pairs",
        "!!seq",
        "!!map",
        "!!str",
        "!!python/object:os.system",
        "!unknown",
    ]
)
_VALUE_AT = re.compile(rb"(:|- ) ?(?=\S)")


@pytest.mark.timeout(600)
@FUZZ
@given(st.sampled_from(REAL_JOURNEYS), st.data())
def test_tagged_values_in_real_journeys(folder: Path, source: Path, data: st.DataObject) -> None:
    """A YAML tag in front of any value (``journey: !!timestamp x``): an issue, never a crash."""
    raw = source.read_bytes()
    places = [m.end() for m in _VALUE_AT.finditer(raw)]
    for at in sorted(data.draw(st.lists(st.sampled_from(places), min_size=1, max_size=3)))[::-1]:
        tag = data.draw(YAML_TAGS, label="tag").encode()
        raw = raw[:at] + tag + b" " + raw[at:]
    assert_answers_with_positions(folder / source.name, raw)
