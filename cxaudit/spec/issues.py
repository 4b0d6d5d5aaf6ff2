"""pydantic's validation errors as positioned issues: file, line, column and what to do."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from cxaudit.errors import SpecIssue
from cxaudit.spec.yamlpos import (
    Document,
    PathKey,
)


def suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def model_fields(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _annotation_at(annotation: Any, part: str | int) -> Any:
    """The type one step down ``annotation`` along a pydantic error location."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _annotation_at(arg, part)
            if found is not None:
                return found
        return None
    if origin is list and isinstance(part, int):
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if "root" in annotation.model_fields and len(annotation.model_fields) == 1:
            return _annotation_at(annotation.model_fields["root"].annotation, part)
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
    return None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found at ``loc`` inside ``model`` (for suggestions)."""
    annotation: Any = model
    for part in loc:
        annotation = _annotation_at(annotation, part)
        if annotation is None:
            return []
    candidates = [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        candidates = list(typing.get_args(annotation))
    for item in candidates:
        if isinstance(item, type) and issubclass(item, BaseModel):
            return model_fields(item)
    return []


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_SCALAR_WORDS = {"text", "a whole number", "a number", "true or false"}
_UNION_TAGS = {"str", "int", "float", "bool", "none", "list", "dict"}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The location without pydantic's names of union members and validators."""
    return tuple(
        p
        for p in loc
        if not (
            isinstance(p, str) and ("[" in p or p[:1].isupper() or p in _UNION_TAGS or p == "root")
        )
    )


def pydantic_issues(
    doc: Document, base: PathKey, exc: ValidationError, model: type[BaseModel]
) -> list[SpecIssue]:
    """Translate pydantic errors into positioned, plain-language issues.

    A value that fits none of a union's types gives one error per type in
    pydantic; here they become one ("expected text or a mapping"), and a
    type error is dropped when another member of the union accepted the
    type and found a deeper problem.
    """
    errors = [(_clean_loc(tuple(err["loc"])), err) for err in exc.errors()]
    deeper = {loc[:i] for loc, _ in errors for i in range(len(loc))}
    other = {loc for loc, err in errors if err["type"] not in _TYPE_WORDS}
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for loc, err in errors:
        if err["type"] in _TYPE_WORDS and (loc in deeper or loc in other):
            continue  # another member of a union took the value and found the real problem
        grouped.setdefault(loc, []).append(dict(err))
    issues: list[SpecIssue] = []
    for loc, errs in grouped.items():
        path = (*base, *loc)
        type_errs = [e for e in errs if e["type"] in _TYPE_WORDS]
        if len(errs) > 1 and len(type_errs) == len(errs):
            words = list(dict.fromkeys(_TYPE_WORDS[e["type"]] for e in errs))
            if {"text", "a number", "true or false"} <= set(words):
                rest = [w for w in words if w not in _SCALAR_WORDS]
                words = ["text, a number", "true/false", *rest]
            got = errs[0].get("input")
            issues.append(
                doc.issue(
                    path,
                    f"expected {' or '.join(words)}, got {type(got).__name__} {got!r}"[:200],
                )
            )
            continue
        for err in errs:
            issues.append(_one_issue(doc, path, loc, err, model))
    return issues


def _one_issue(
    doc: Document, path: PathKey, loc: tuple[Any, ...], err: dict[str, Any], model: type[BaseModel]
) -> SpecIssue:
    kind = err["type"]
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        choices = _fields_at(model, loc[:-1])
        return doc.issue(path, f"unknown key '{key}'{suggest(str(key), choices)}", key=True)
    if kind == "missing":
        return doc.issue(path[:-1], f"missing '{loc[-1]}'")
    message = re.sub(r"^(Value|Assertion) error, ", "", err["msg"])
    got = err.get("input")
    ctx = err.get("ctx") or {}
    if kind in _TYPE_WORDS:
        message = f"expected {_TYPE_WORDS[kind]}, got {type(got).__name__} {got!r}"
    elif kind in _LIMITS:
        limits = {k: f"{v:g}" if isinstance(v, (int, float)) else v for k, v in ctx.items()}
        message = f"{_LIMITS[kind].format(**limits)}, got {got!r}"
    elif kind == "too_short":
        message = f"needs at least {ctx.get('min_length', 1)} item(s), got {len(got or [])}"
    elif kind == "literal_error":
        message = f"expected {ctx.get('expected', 'one of the allowed values')}, got {got!r}"
    return doc.issue(path, message[:240])


_LIMITS = {
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
}
