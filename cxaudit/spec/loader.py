"""Journey files -> :class:`Journey`, with every problem reported at its position.

Loading never stops at the first problem: all errors of all files come back
together in one :class:`SpecError`, each with file, line, column, the path in
the document and what to do.

The language's conveniences are resolved here, so the runner sees plain
steps: ``use`` steps are replaced by their fragment's steps (parameters
filled in, each step keeping its own file and line), ``data`` rows become
one journey each, consent presets become locators.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cxaudit.errors import SpecError, SpecIssue
from cxaudit.redact import short_secret_warning
from cxaudit.spec.actions import REGISTRY
from cxaudit.spec.issues import pydantic_issues, suggest
from cxaudit.spec.journey_file import (
    CONSENT_ACTIONS,
    ConsentConfig,
    JourneyFile,
)
from cxaudit.spec.messages import MessageRules, validate_messages
from cxaudit.spec.model import CANONICAL_STAGES, Consent, Journey, Stage
from cxaudit.spec.paths import display, exists, is_file
from cxaudit.spec.step_lists import (
    FRAGMENT_DIR,
    HEADER_KEYS,
    JOURNEY_SUFFIXES,
    MAX_STEPS,
    STAGE_TYPO_CUTOFF,
    StepReader,
    _Context,
    _Parsed,
)
from cxaudit.spec.variables import (
    BUILTIN_VARS,
    Ref,
    RefError,
    refs_in,
    render,
    scalar_text,
)
from cxaudit.spec.yamlpos import (
    Document,
    PathKey,
    load_document,
)


@dataclass
class Loader(StepReader):
    """Loads journey and fragment files, remembering fragments and all issues."""

    # -- journeys -------------------------------------------------------------

    def journey_file(self, path: Path) -> list[Journey]:
        """The journeys of one file (one per data row); problems become issues."""
        return self.journey_doc(self.read(path), path)

    def journey_text(self, text: str, path: Path) -> list[Journey]:
        """The journeys of text that is (or will be) the file ``path``."""
        doc, issues = load_document(text, display(path))
        self.extend(issues)
        return self.journey_doc(doc, path)

    def journey_doc(self, doc: Document | None, path: Path) -> list[Journey]:
        if doc is None:
            return []
        if isinstance(doc.data, dict) and "fragment" in doc.data and "journey" not in doc.data:
            self.check_fragment(path)
            return []
        before = self.errors_seen
        journeys = self._journeys(doc, path.resolve())
        return journeys if self.errors_seen == before else []

    def _journeys(self, doc: Document, file: Path) -> list[Journey]:
        if not isinstance(doc.data, dict):
            what = "empty" if doc.data is None else f"a {type(doc.data).__name__}"
            self.add(
                doc.issue(
                    (),
                    f"a journey file is a mapping with 'journey:' and 'stages:', this one is {what}",
                )
            )
            return []
        data = doc.data
        raw_stages = data.get("stages")
        shape = {**data, "stages": {}} if isinstance(raw_stages, dict) else data
        top: JourneyFile | None
        try:
            top = JourneyFile.model_validate(shape)
        except ValidationError as exc:
            self.extend(pydantic_issues(doc, (), exc, JourneyFile))
            top = None
        ctx = _Context(doc, file.parent, file.parent, (file,))
        stages: list[Stage] = []
        parsed: list[_Parsed] = []
        if isinstance(raw_stages, dict):
            if not raw_stages:
                self.add(
                    doc.issue(
                        ("stages",),
                        "no stages: add at least one, for example 'pre-purchase:' with steps",
                    )
                )
            for stage_name, raw_steps in raw_stages.items():
                stage_path: PathKey = ("stages", stage_name)
                typo = _stage_typo(str(stage_name))
                if typo is not None:
                    self.add(
                        doc.issue(
                            stage_path,
                            f"unknown stage '{stage_name}' (did you mean '{typo}'?): the stages "
                            f"cxaudit knows are {', '.join(CANONICAL_STAGES)}; a name of your "
                            "own is fine when it is not this close to one of them",
                            key=True,
                        )
                    )
                if raw_steps is None or raw_steps == []:
                    self.add(doc.issue(stage_path, f"stage '{stage_name}' has no steps"))
                    continue
                if not isinstance(raw_steps, list):
                    what = "a mapping" if isinstance(raw_steps, dict) else repr(raw_steps)
                    self.add(
                        doc.issue(
                            stage_path,
                            f"stage '{stage_name}' is a list of steps ('- goto: /'), not {what}",
                        )
                    )
                    continue
                steps: list[_Parsed] = []
                for i, raw_step in enumerate(raw_steps):
                    steps.extend(self.steps(ctx, (*stage_path, i), raw_step))
                parsed.extend(steps)
                stages.append(
                    Stage(
                        name=str(stage_name),
                        steps=tuple(p.step for p in steps),
                        line=doc.position(stage_path, key=True).line,
                    )
                )
        if len(parsed) > MAX_STEPS:
            self.add(
                doc.issue(
                    ("stages",),
                    f"the journey expands to {len(parsed)} steps (more than {MAX_STEPS}): "
                    "check the fragments it uses",
                )
            )
            return []
        self._check_channels(doc)
        rows = self._rows(doc, top)
        columns = set().union(*rows) if rows else set()
        self._check_variables(doc, parsed, columns)
        self._check_environment(doc, parsed)
        messages = MessageRules()
        if top is not None and top.messages:
            messages, found = validate_messages(
                doc, top.messages, [s.name for s in stages], self.known_channels
            )
            self.extend(found)
        if top is None:
            return []
        self._check_context_refs(doc, top, columns)
        storage_state = None
        if top.storage_state is not None:
            state = file.parent / top.storage_state
            storage_state = str(state)
            if not is_file(state):
                self.add(
                    doc.issue(
                        ("storage_state",),
                        f"no such file (yet): {display(state)}; the run fails unless it exists by then",
                        severity="warning",
                    )
                )
        consent = None
        if top.consent is not None:
            config = top.consent
            if isinstance(config, str):
                word = "action" if config in CONSENT_ACTIONS else "preset"
                config = ConsentConfig(**{word: config})
            if config.action is not None:
                consent = Consent(wait_ms=config.wait, action=config.action, audit=config.audit)
            else:
                accept, banner = config.locators()
                consent = Consent(
                    accept=accept, banner=banner, wait_ms=config.wait, preset=config.preset
                )
        stages = [_with_defaults(stage, top) for stage in stages]
        base = Journey(
            name=top.journey,
            file=doc.file,
            line=doc.position(("journey",), key=True).line,
            stages=tuple(stages),
            description=top.description,
            tags=tuple(top.tags),
            base_url=top.base_url,
            channels=tuple(top.channels) if top.channels is not None else None,
            messages=messages,
            budgets=top.budgets.as_rules() if top.budgets else {},
            allowed_origins=tuple(top.allowed_origins),
            locale=top.locale,
            timezone=top.timezone,
            geolocation=top.geolocation.model_dump() if top.geolocation else None,
            headers=dict(top.headers),
            storage_state=storage_state,
            cookies=tuple(c.model_dump(exclude_none=True) for c in top.cookies),
            consent=consent,
            test_id_attribute=top.test_id_attribute,
            timeout_ms=top.timeout,
        )
        return self._per_row(doc, base, rows)

    def _check_channels(self, doc: Document) -> None:
        raw_channels = doc.data.get("channels")
        if not isinstance(raw_channels, list) or self.known_channels is None:
            return
        known = list(self.known_channels)
        for i, channel in enumerate(raw_channels):
            if isinstance(channel, str) and channel not in known:
                self.add(
                    doc.issue(
                        ("channels", i),
                        f"unknown channel '{channel}'{suggest(channel, known)}; known: {', '.join(known)}",
                    )
                )

    def _rows(self, doc: Document, top: JourneyFile | None) -> list[dict[str, str]]:
        if top is None or top.data is None:
            return []
        rows = [{str(k): scalar_text(v) for k, v in row.items()} for row in top.data]
        columns: dict[str, int] = {}
        for row in rows:
            for key in row:
                columns.setdefault(key, 0)
        for i, row in enumerate(rows):
            lacking = [c for c in columns if c not in row]
            if lacking:
                self.add(
                    doc.issue(
                        ("data", i),
                        f"data row {i + 1} has no "
                        + ", ".join(f"'{c}'" for c in lacking)
                        + ": every row needs the same columns",
                    )
                )
        return rows

    def _per_row(self, doc: Document, base: Journey, rows: list[dict[str, str]]) -> list[Journey]:
        try:
            name_refs = [r for r in refs_in(base.name) if r.kind == "var"]
        except RefError as exc:
            self.add(doc.issue(("journey",), str(exc)))
            return []
        if not rows:
            if name_refs:
                self.add(
                    doc.issue(
                        ("journey",),
                        f"the name uses {name_refs[0]}, but the journey has no 'data' rows to fill it",
                    )
                )
                return []
            return [base]
        journeys: list[Journey] = []
        seen: dict[str, int] = {}
        for i, row in enumerate(rows):
            if name_refs:
                unknown = [r for r in name_refs if r.name not in row]
                if unknown:
                    self.add(
                        doc.issue(
                            ("journey",),
                            f"the name uses {unknown[0]}, which is not a column of the data rows"
                            f"{suggest(unknown[0].name, row)}",
                        )
                    )
                    return []
                name = render(
                    base.name, lambda ref, row=row: row.get(ref.name) if ref.kind == "var" else None
                )
                label = name
            else:
                label = next(iter(row.values()), str(i + 1))
                name = f"{base.name} [{label}]"
            if name in seen:
                self.add(
                    doc.issue(
                        ("data", i),
                        f"data row {i + 1} gives the same journey name as row {seen[name] + 1} "
                        f"('{name}'): put a column in the name, e.g. 'journey: Buy ${{product}}'",
                    )
                )
                continue
            seen[name] = i
            journeys.append(replace(base, name=name, variables=row, row=label))
        return journeys

    def _check_context_refs(self, doc: Document, top: JourneyFile, columns: set[str]) -> None:
        """Headers and cookies may use the environment, secrets and data columns only."""
        for key in ("headers", "cookies"):
            value = doc.data.get(key)
            try:
                found = list(refs_in(value))
            except RefError as exc:
                self.add(doc.issue((key,), str(exc)))
                continue
            for ref in found:
                if ref.kind == "var" and ref.name not in columns:
                    self.add(
                        doc.issue(
                            (key,),
                            f"{ref} has no value before the journey starts: {key} may use "
                            "${env:NAME}, ${secret:NAME} or a data column",
                        )
                    )

    def _check_variables(self, doc: Document, parsed: list[_Parsed], columns: set[str]) -> None:
        """A variable must have a value (data, set, capture) before a step uses it."""
        defined: set[str] = set(columns) | set(BUILTIN_VARS)
        for item in parsed:
            step = item.step
            try:
                found = list(refs_in(step.raw_args))
            except RefError:
                found = []  # reported when the step was read
            for ref in found:
                if ref.kind == "var" and ref.name not in defined:
                    where = f" (in a fragment used at {item.via})" if item.via else ""
                    self.add(
                        SpecIssue(
                            step.file or doc.file,
                            step.line,
                            step.column,
                            step.path,
                            f"variable '{ref.name}' is used before it has a value"
                            f"{suggest(ref.name, defined)}: capture or set it in an earlier step{where}",
                        )
                    )
            if step.action in ("capture", "set"):
                defined.update(str(k) for k in step.raw_args)

    def _check_environment(self, doc: Document, parsed: list[_Parsed]) -> None:
        """Warn, at its first use in the file, about each ``${secret:...}`` or
        ``${env:...}`` (without default) that this environment does not set, and
        about a secret so short that masking it also masks ordinary words.

        A warning, not an error: ``cxaudit validate`` often runs where the
        secrets are not (a lint job, a fork's pull request); ``--strict`` makes
        it fail there, and ``cxaudit run`` prints the same warning before the
        step that would fail.
        """
        environ = os.environ if self.environ is None else self.environ
        uses: list[tuple[Ref, SpecIssue]] = []
        for key in HEADER_KEYS:
            try:
                found = list(refs_in(doc.data.get(key)))
            except RefError:
                continue  # reported by _check_context_refs
            uses.extend((ref, doc.issue((key,), "", severity="warning")) for ref in found)
        for item in parsed:
            step = item.step
            where = SpecIssue(
                step.file or doc.file, step.line, step.column, step.path, "", "warning"
            )
            try:
                uses.extend((ref, where) for ref in refs_in(step.raw_args))
            except RefError:
                continue  # reported when the step was read
            if step.action == "set":
                for name, (value, secret) in step.args.values().items():
                    warning = short_secret_warning(name, value) if secret else None
                    if warning and "${" not in value:
                        self.add(replace(where, message=warning))
        seen: set[tuple[str, str]] = set()
        for ref, where in uses:
            if ref.kind == "var" or (ref.kind, ref.name) in seen:
                continue
            seen.add((ref.kind, ref.name))
            value = environ.get(ref.name)
            if value is None and ref.default is None:
                what = "secret" if ref.kind == "secret" else "environment variable"
                fix = "" if ref.kind == "secret" else f" or write ${{env:{ref.name}:-default}}"
                fails = (
                    "the journey cannot start"
                    if where.path in HEADER_KEYS
                    else ("the run fails at this step")
                )
                message = (
                    f"{what} '{ref.name}' is not set here: {fails} "
                    f"unless it is set (export {ref.name}=...{fix})"
                )
                self.add(replace(where, message=message))
            elif value is not None and ref.kind == "secret":
                warning = short_secret_warning(ref.name, value)
                if warning:
                    self.add(replace(where, message=warning))


def _with_defaults(stage: Stage, top: JourneyFile) -> Stage:
    """A stage whose steps take the journey's ``soft_checks`` and ``wait_until`` when
    they say nothing themselves."""
    steps = []
    for step in stage.steps:
        soft = step.soft
        if soft is None:
            soft = top.soft_checks and REGISTRY[step.action].verifies
        steps.append(replace(step, soft=soft, wait_until=step.wait_until or top.wait_until))
    return replace(stage, steps=tuple(steps))


def _stage_typo(name: str) -> str | None:
    """The canonical stage ``name`` misspells, if it is one letter or two away from it."""
    if name in CANONICAL_STAGES:
        return None
    close = difflib.get_close_matches(name.lower(), CANONICAL_STAGES, n=1, cutoff=STAGE_TYPO_CUTOFF)
    return close[0] if close else None


# ---------------------------------------------------------------------------
# Files and folders


def _is_fragment_path(candidate: Path, root: Path) -> bool:
    return FRAGMENT_DIR in candidate.relative_to(root).parts[:-1]


def discover_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Path]]:
    """Journey files and fragment files under ``paths``, in a stable order.

    Files in a folder named ``fragments`` are fragments; a file given by name
    is read as what it is (the loader tells a fragment by its ``fragment:``).
    """
    journeys: list[Path] = []
    fragments: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if candidate.suffix in JOURNEY_SUFFIXES and candidate.is_file():
                    if _is_fragment_path(candidate, path):
                        fragments.append(candidate)
                    else:
                        journeys.append(candidate)
        else:
            journeys.append(path)
    return list(dict.fromkeys(journeys)), list(dict.fromkeys(fragments))


def discover_journey_files(paths: Sequence[str | Path]) -> list[Path]:
    """Journey files under ``paths`` (files or directories), fragments left out."""
    return discover_files(paths)[0]


def load_journey_file(
    path: str | Path, known_channels: Sequence[str] | None = None
) -> tuple[list[Journey], list[SpecIssue]]:
    """Every journey of one file (one per data row); problems come back as issues."""
    loader = Loader(known_channels)
    journeys = loader.journey_file(Path(path))
    issues = loader.issues
    if any(i.severity == "error" for i in issues):
        return [], issues
    return journeys, issues


def parse_journey_data(
    data: Any, file: str, known_channels: Sequence[str] | None = None
) -> tuple[list[Journey], list[SpecIssue]]:
    """Journeys from data already in memory (steps written in Python, BDD scenarios)."""
    loader = Loader(known_channels)
    journeys = loader.journey_doc(Document(file=file, data=data), Path(file))
    issues = loader.issues
    if any(i.severity == "error" for i in issues):
        return [], issues
    return journeys, issues


def load_journey(
    path: str | Path, known_channels: Sequence[str] | None = None
) -> tuple[Journey | None, list[SpecIssue]]:
    """Load one journey file (its first data row); problems come back as issues."""
    journeys, issues = load_journey_file(path, known_channels)
    return (journeys[0] if journeys else None), issues


@dataclass(frozen=True)
class Loaded:
    """Everything under some paths: the journeys, and every issue of every file."""

    journeys: list[Journey]
    issues: list[SpecIssue]
    files: int = 0
    fragments: int = 0

    @property
    def errors(self) -> list[SpecIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[SpecIssue]:
        return [i for i in self.issues if i.severity == "warning"]


def load_all(
    paths: Sequence[str | Path],
    known_channels: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Loaded:
    """Load and check every journey and fragment under ``paths``; never raises."""
    loader = Loader(known_channels, environ)
    for raw in paths:
        if not exists(Path(raw)):
            loader.add(SpecIssue(str(raw), 1, 1, "", "no such file or directory"))
    journey_files, fragment_files = discover_files([p for p in paths if exists(Path(p))])
    if not journey_files and not fragment_files and not loader.issues:
        shown = ", ".join(str(p) for p in paths)
        loader.add(SpecIssue(shown, 1, 1, "", "no journey files (*.yaml, *.yml) found here"))
    journeys: list[Journey] = []
    for file in journey_files:
        journeys.extend(loader.journey_file(file))
    for file in fragment_files:
        loader.check_fragment(file)
    names: dict[str, str] = {}
    for journey in journeys:
        if journey.name in names and names[journey.name] != journey.file:
            loader.add(
                SpecIssue(
                    journey.file,
                    journey.line,
                    1,
                    "journey",
                    f"journey name '{journey.name}' is also used in {names[journey.name]}: names must be unique",
                )
            )
        names.setdefault(journey.name, journey.file)
    return Loaded(journeys, loader.issues, len(journey_files), len(fragment_files))


def load_journeys(
    paths: Sequence[str | Path], known_channels: Sequence[str] | None = None
) -> tuple[list[Journey], list[SpecIssue]]:
    """Load every journey under ``paths``.

    Raises :class:`SpecError` with all errors of all files when any file is
    broken, or when ``paths`` holds no journey at all; returns the journeys
    and the warnings otherwise.
    """
    loaded = load_all(paths, known_channels)
    if loaded.errors:
        raise SpecError(loaded.issues)
    if not loaded.journeys:
        shown = ", ".join(str(p) for p in paths)
        raise SpecError([SpecIssue(shown, 1, 1, "", "no journeys here, only fragments")])
    return loaded.journeys, loaded.warnings
