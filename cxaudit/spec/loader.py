"""Journey files -> :class:`Journey`, with every problem reported at its position.

Loading never stops at the first problem: all errors of all files come back
together in one :class:`SpecError`, each with file, line, column, the path in
the document and what to do.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cxaudit.actions import REGISTRY
from cxaudit.errors import SpecError, SpecIssue
from cxaudit.spec.messages import validate_messages
from cxaudit.spec.model import Journey, Stage, Step
from cxaudit.spec.yamlpos import Document, PathKey, format_path, load_document

STEP_OPTION_KEYS = ("name", "timeout", "optional", "audit")
JOURNEY_SUFFIXES = (".yaml", ".yml")


class JourneyFile(BaseModel):
    """The top level of a journey file (steps are validated by their actions)."""

    model_config = ConfigDict(extra="forbid")

    journey: str = Field(min_length=1, description="The journey's name, as reports show it.")
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    base_url: str | None = Field(
        default=None, description="Overridden by --base-url or CXAUDIT_BASE_URL."
    )
    channels: list[str] | None = Field(
        default=None, description="Channels to run on (default: all configured)."
    )
    stages: dict[str, list[Any]] = Field(description="Ordered stages, each a list of steps.")
    messages: dict[str, Any] = Field(default_factory=dict, description="Message-consistency rules.")

    @field_validator("base_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://", value):
            raise ValueError("base_url must start with http:// or https://")
        return value


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _model_fields(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def pydantic_issues(
    doc: Document, base: PathKey, exc: ValidationError, model: type[BaseModel]
) -> list[SpecIssue]:
    """Translate pydantic errors into positioned, plain-language issues."""
    issues: list[SpecIssue] = []
    for err in exc.errors():
        loc: tuple[Any, ...] = tuple(p for p in err["loc"] if p != "root")
        # pydantic puts the type name of a union member in the location; drop it.
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p[:1].isupper())))
        path = (*base, *loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = loc[-1] if loc else "?"
            issues.append(
                doc.issue(
                    path, f"unknown key '{key}'{_suggest(str(key), _model_fields(model))}", key=True
                )
            )
        elif kind == "missing":
            issues.append(doc.issue(path[:-1], f"missing '{loc[-1]}'"))
        else:
            message = re.sub(r"^Value error, ", "", err["msg"])
            if kind in (
                "string_type",
                "int_type",
                "float_type",
                "bool_type",
                "list_type",
                "dict_type",
                "bool_parsing",
            ):
                message += f", got {type(err.get('input')).__name__} {err.get('input')!r}"[:160]
            issues.append(doc.issue(path, message))
    return issues


def _step_name(action: str, args: dict[str, Any]) -> str:
    parts = []
    for key, value in args.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k}: {v}" for k, v in value.items() if not isinstance(v, dict))
            parts.append(f"{key} {{{inner}}}")
        else:
            parts.append(f"{key}: {value}")
    text = f"{action} " + ", ".join(parts)
    return text if len(text) <= 90 else text[:87] + "..."


_VAR_REF = re.compile(r"\$\{([^{}]+)\}")


def _var_refs(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        for match in _VAR_REF.finditer(value):
            ref = match.group(1).strip()
            if not ref.startswith(("env:", "secret:")):
                yield ref
    elif isinstance(value, dict):
        for v in value.values():
            yield from _var_refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _var_refs(v)


def _parse_step(doc: Document, path: PathKey, raw: Any, issues: list[SpecIssue]) -> Step | None:
    if not isinstance(raw, dict):
        issues.append(
            doc.issue(
                path,
                "a step is a mapping with one action, for example 'click: {role: button, name: Buy}'",
            )
        )
        return None
    action_keys = [k for k in raw if k not in STEP_OPTION_KEYS]
    if not action_keys:
        issues.append(
            doc.issue(path, f"no action in this step; actions are: {', '.join(sorted(REGISTRY))}")
        )
        return None
    if len(action_keys) > 1:
        known = [k for k in action_keys if k in REGISTRY]
        if len(known) > 1:
            issues.append(
                doc.issue(
                    path,
                    f"one action per step, found {', '.join(map(str, known))}: split them into separate steps",
                )
            )
            return None
        for key in action_keys:
            if key not in REGISTRY:
                issues.append(
                    doc.issue(
                        (*path, key), f"unknown action '{key}'{_suggest(key, REGISTRY)}", key=True
                    )
                )
        return None
    name = action_keys[0]
    if name not in REGISTRY:
        issues.append(
            doc.issue(
                (*path, name), f"unknown action '{name}'{_suggest(str(name), REGISTRY)}", key=True
            )
        )
        return None
    spec = REGISTRY[name]
    value = raw[name]
    if value is None:
        value = {}
    elif not isinstance(value, dict):
        if spec.shorthand is None or isinstance(value, list):
            issues.append(
                doc.issue(
                    (*path, name),
                    f"'{name}' takes a mapping of its arguments: {', '.join(_model_fields(spec.args))}",
                )
            )
            return None
        value = {spec.shorthand: value if isinstance(value, str) else str(value)}
    ok = True
    try:
        args = spec.args.model_validate(value)
    except ValidationError as exc:
        issues.extend(pydantic_issues(doc, (*path, name), exc, spec.args))
        ok = False
    options = {k: raw[k] for k in STEP_OPTION_KEYS if k in raw}
    timeout = options.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        issues.append(
            doc.issue((*path, "timeout"), "timeout is a number of milliseconds greater than 0")
        )
        ok = False
    for flag in ("optional", "audit"):
        if flag in options and not isinstance(options[flag], bool):
            issues.append(doc.issue((*path, flag), f"'{flag}' is true or false"))
            ok = False
    if "name" in options and not isinstance(options["name"], str):
        issues.append(doc.issue((*path, "name"), "a step name is text"))
        ok = False
    if not ok:
        return None
    pos = doc.position(path)
    return Step(
        action=name,
        args=args,
        raw_args=value,
        name=options.get("name") or _step_name(name, value),
        line=pos.line,
        column=pos.column,
        path=format_path(path),
        optional=bool(options.get("optional", False)),
        timeout_ms=float(timeout) if timeout is not None else None,
        audit=options.get("audit"),
    )


def parse_journey(
    doc: Document, known_channels: Sequence[str] | None = None
) -> tuple[Journey | None, list[SpecIssue]]:
    """Validate one parsed document into a :class:`Journey`."""
    issues: list[SpecIssue] = []
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"a {type(doc.data).__name__}"
        issues.append(
            doc.issue(
                (), f"a journey file is a mapping with 'journey:' and 'stages:', this one is {what}"
            )
        )
        return None, issues
    try:
        top = JourneyFile.model_validate(doc.data)
    except ValidationError as exc:
        issues.extend(pydantic_issues(doc, (), exc, JourneyFile))
        top = None
    raw_stages = doc.data.get("stages")
    stages: list[Stage] = []
    if isinstance(raw_stages, dict):
        if not raw_stages:
            issues.append(
                doc.issue(
                    ("stages",),
                    "no stages: add at least one, for example 'pre-purchase:' with steps",
                )
            )
        for stage_name, raw_steps in raw_stages.items():
            stage_path: PathKey = ("stages", stage_name)
            if not isinstance(raw_steps, list):
                if raw_steps is None:
                    issues.append(doc.issue(stage_path, f"stage '{stage_name}' has no steps"))
                continue  # wrong types are reported by the top-level model
            if not raw_steps:
                issues.append(doc.issue(stage_path, f"stage '{stage_name}' has no steps"))
            steps = []
            for i, raw_step in enumerate(raw_steps):
                step = _parse_step(doc, (*stage_path, i), raw_step, issues)
                if step is not None:
                    steps.append(step)
            stages.append(
                Stage(
                    name=str(stage_name),
                    steps=tuple(steps),
                    line=doc.position(stage_path, key=True).line,
                )
            )
    raw_channels = doc.data.get("channels")
    if isinstance(raw_channels, list) and known_channels is not None:
        for i, channel in enumerate(raw_channels):
            if isinstance(channel, str) and channel not in known_channels:
                issues.append(
                    doc.issue(
                        ("channels", i),
                        f"unknown channel '{channel}'{_suggest(channel, known_channels)}; known: {', '.join(known_channels)}",
                    )
                )
    _check_variables(doc, stages, issues)
    messages: dict[str, Any] = {}
    if top is not None and top.messages:
        messages, found = validate_messages(
            doc, top.messages, [s.name for s in stages], known_channels
        )
        issues.extend(found)
    if top is None or any(i.severity == "error" for i in issues):
        return None, issues
    journey = Journey(
        name=top.journey,
        file=doc.file,
        line=doc.position(("journey",), key=True).line,
        stages=tuple(stages),
        description=top.description,
        tags=tuple(top.tags),
        base_url=top.base_url,
        channels=tuple(top.channels) if top.channels is not None else None,
        messages=messages,
    )
    return journey, issues


def _check_variables(doc: Document, stages: list[Stage], issues: list[SpecIssue]) -> None:
    """A variable must be captured (or set) before a step uses it."""
    defined: set[str] = set()
    for stage in stages:
        for step in stage.steps:
            for ref in _var_refs(step.raw_args):
                if ref not in defined:
                    issues.append(
                        SpecIssue(
                            doc.file,
                            step.line,
                            step.column,
                            step.path,
                            f"variable '{ref}' is used before it has a value{_suggest(ref, defined)}: "
                            "capture it in an earlier step",
                        )
                    )
            if step.action == "capture":
                defined.update(step.raw_args)


def discover_journey_files(paths: Sequence[str | Path]) -> list[Path]:
    """Journey files under ``paths`` (files or directories), in a stable order.

    Directories named ``fragments`` hold reusable pieces, not journeys.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if (
                    candidate.suffix in JOURNEY_SUFFIXES
                    and candidate.is_file()
                    and "fragments" not in candidate.relative_to(path).parts[:-1]
                ):
                    found.append(candidate)
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        if path not in seen:
            seen.add(path)
            unique.append(path)
    return unique


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_journey(
    path: str | Path, known_channels: Sequence[str] | None = None
) -> tuple[Journey | None, list[SpecIssue]]:
    """Load one journey file; problems come back as issues, never as exceptions."""
    path = Path(path)
    name = _display(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [SpecIssue(name, 1, 1, "", "no such file")]
    except IsADirectoryError:
        return None, [SpecIssue(name, 1, 1, "", "is a directory, expected a journey file")]
    except OSError as exc:
        return None, [SpecIssue(name, 1, 1, "", f"cannot read: {exc.strerror}")]
    doc, issues = load_document(data, name)
    if doc is None:
        return None, issues
    journey, more = parse_journey(doc, known_channels)
    issues.extend(more)
    if any(i.severity == "error" for i in issues):
        return None, issues
    return journey, issues


def load_journeys(
    paths: Sequence[str | Path], known_channels: Sequence[str] | None = None
) -> tuple[list[Journey], list[SpecIssue]]:
    """Load every journey under ``paths``.

    Raises :class:`SpecError` with all errors of all files when any file is
    broken, or when ``paths`` holds no journey at all; returns the journeys
    and the warnings otherwise.
    """
    files = discover_journey_files(paths)
    issues: list[SpecIssue] = []
    journeys: list[Journey] = []
    for raw in paths:
        if not Path(raw).exists():
            issues.append(SpecIssue(str(raw), 1, 1, "", "no such file or directory"))
    if not files and not issues:
        shown = ", ".join(str(p) for p in paths)
        issues.append(SpecIssue(shown, 1, 1, "", "no journey files (*.yaml, *.yml) found here"))
    for file in files:
        if not file.exists():
            continue
        journey, found = load_journey(file, known_channels)
        issues.extend(found)
        if journey is not None:
            journeys.append(journey)
    names: dict[str, str] = {}
    for journey in journeys:
        if journey.name in names:
            issues.append(
                SpecIssue(
                    journey.file,
                    journey.line,
                    1,
                    "journey",
                    f"journey name '{journey.name}' is also used in {names[journey.name]}: names must be unique",
                )
            )
        names.setdefault(journey.name, journey.file)
    if any(i.severity == "error" for i in issues):
        raise SpecError(issues)
    return journeys, [i for i in issues if i.severity == "warning"]
