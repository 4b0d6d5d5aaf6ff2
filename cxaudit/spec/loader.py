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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cxaudit.errors import SpecError, SpecIssue
from cxaudit.redact import short_secret_warning
from cxaudit.spec.actions import REGISTRY, UseArgs
from cxaudit.spec.issues import model_fields, pydantic_issues, suggest
from cxaudit.spec.journey_file import (
    CONSENT_ACTIONS,
    AuditOptions,
    ConsentConfig,
    FragmentFile,
    JourneyFile,
    StepOptions,
)
from cxaudit.spec.messages import MessageRules, validate_messages
from cxaudit.spec.model import CANONICAL_STAGES, Consent, Journey, Stage, Step
from cxaudit.spec.names import step_name
from cxaudit.spec.paths import exists, is_dir, is_file
from cxaudit.spec.variables import (
    BUILTIN_VARS,
    Ref,
    RefError,
    refs_in,
    render,
    render_in,
    scalar_text,
)
from cxaudit.spec.yamlpos import (
    Document,
    NotRegularFile,
    PathKey,
    format_path,
    load_document,
    read_limited,
)

STEP_OPTION_KEYS = (
    "name",
    "timeout",
    "optional",
    "audit",
    "soft",
    "severity",
    "wait_until",
    "wait_for",
)
#: Step options validated by their model (:class:`StepOptions`).
MODEL_OPTION_KEYS = ("soft", "severity", "wait_until", "wait_for")
#: A step waits at most this long (ms): ``.inf`` or a typo of zeros is a mistake, not a wish.
MAX_STEP_TIMEOUT_MS = 3_600_000
JOURNEY_SUFFIXES = (".yaml", ".yml")
FRAGMENT_DIR = "fragments"
#: A journey that expands to more steps than this is a mistake (or an attack).
MAX_STEPS = 2000
#: A stage name this close to a canonical one is taken for a misspelling of it
#: (``pre-purchse``, ``Purchase``); other names are the author's own stages.
STAGE_TYPO_CUTOFF = 0.85
#: What a journey sends before its first step, and may fill from the environment.
HEADER_KEYS = ("headers", "cookies")


# ---------------------------------------------------------------------------
# Steps


def _takes(name: str, model: type[BaseModel]) -> str:
    """What an action's arguments look like, for a step written wrongly."""
    from cxaudit.spec.locators import LOCATOR_FIELDS, Locator

    if issubclass(model, Locator):
        own = [f for f in model_fields(model) if f not in LOCATOR_FIELDS]
        plus = f" and {', '.join(own)}" if own else ""
        return f"'{name}' takes a mapping: a locator such as {{label: Email}}{plus}"
    if "root" in model.model_fields:
        example = REGISTRY[name].examples[0] if REGISTRY[name].examples else name
        return f"'{name}' takes a mapping, for example: {example}"
    return f"'{name}' takes a mapping of its arguments: {', '.join(model_fields(model))}"


@dataclass(frozen=True)
class _Parsed:
    """A step, and where it came from when a ``use`` brought it in."""

    step: Step
    via: str = ""


@dataclass
class _Fragment:
    path: Path
    display: str
    doc: Document | None
    model: FragmentFile | None


@dataclass
class _Context:
    """Where a step list is being read: its document, its folder, the use chain."""

    doc: Document
    folder: Path
    root: Path
    chain: tuple[Path, ...]
    via: str = ""


@dataclass
class Loader:
    """Loads journey and fragment files, remembering fragments and all issues."""

    known_channels: Sequence[str] | None = None
    #: The environment that ``${env:...}`` and ``${secret:...}`` are checked
    #: against (default: this process's).
    environ: Mapping[str, str] | None = None
    _issues: dict[tuple[Any, ...], SpecIssue] = field(default_factory=dict)
    _fragments: dict[Path, _Fragment] = field(default_factory=dict)
    #: Errors met so far, repeats included (a fragment's error counts for each use).
    errors_seen: int = 0

    # -- issues ---------------------------------------------------------------

    def add(self, issue: SpecIssue) -> None:
        key = (issue.file, issue.line, issue.column, issue.path, issue.message, issue.severity)
        self._issues.setdefault(key, issue)
        if issue.severity == "error":
            self.errors_seen += 1

    def extend(self, issues: Iterable[SpecIssue]) -> None:
        for issue in issues:
            self.add(issue)

    @property
    def issues(self) -> list[SpecIssue]:
        return list(self._issues.values())

    # -- documents ------------------------------------------------------------

    def read(self, path: Path) -> Document | None:
        """Parse one YAML file; problems become issues."""
        name = display(path)
        try:
            data = read_limited(path)
        except FileNotFoundError:
            self.add(SpecIssue(name, 1, 1, "", "no such file"))
            return None
        except IsADirectoryError:
            self.add(SpecIssue(name, 1, 1, "", "is a directory, expected a journey file"))
            return None
        except NotRegularFile:
            self.add(SpecIssue(name, 1, 1, "", "not a regular file (a device, pipe or socket)"))
            return None
        except OSError as exc:
            self.add(SpecIssue(name, 1, 1, "", f"cannot read: {exc.strerror or exc}"))
            return None
        doc, issues = load_document(data, name)
        self.extend(issues)
        return doc

    # -- fragments ------------------------------------------------------------

    def fragment(self, path: Path) -> _Fragment:
        """A fragment file, parsed once however often it is used."""
        path = path.resolve()
        if path not in self._fragments:
            doc = self.read(path)
            model = None
            if doc is not None:
                model = self._fragment_model(doc)
            self._fragments[path] = _Fragment(path, display(path), doc, model)
        return self._fragments[path]

    def _fragment_model(self, doc: Document) -> FragmentFile | None:
        if not isinstance(doc.data, dict):
            what = "empty" if doc.data is None else f"a {type(doc.data).__name__}"
            self.add(
                doc.issue(
                    (),
                    f"a fragment file is a mapping with 'fragment:' and 'steps:', this one is {what}",
                )
            )
            return None
        if "journey" in doc.data and "fragment" not in doc.data:
            return None  # a journey where a fragment belongs: said where it is used
        try:
            return FragmentFile.model_validate(doc.data)
        except ValidationError as exc:
            self.extend(pydantic_issues(doc, (), exc, FragmentFile))
            return None

    def check_fragment(self, path: Path) -> None:
        """Validate a fragment on its own: its structure, steps and parameters."""
        frag = self.fragment(path)
        if frag.doc is not None and frag.model is None and _is_journey(frag.doc):
            self.add(
                frag.doc.issue(
                    ("journey",),
                    f"a journey in a '{FRAGMENT_DIR}' folder is not run: move it out, "
                    "or make it a fragment (fragment: NAME, steps: [...])",
                    key=True,
                )
            )
        if frag.doc is None or frag.model is None:
            return
        params = frag.model.defaults()
        ctx = _Context(frag.doc, frag.path.parent, frag.path.parent, (frag.path,))
        used: set[str] = set()
        for i, raw in enumerate(frag.model.steps):
            try:
                used.update(r.name for r in refs_in(raw) if r.kind == "var")
            except RefError:
                pass  # reported with the step
            filled = _fill_params(raw, {k: v for k, v in params.items() if v is not None})
            self.steps(ctx, ("steps", i), filled)
        for name in params:
            if name not in used:
                self.add(
                    frag.doc.issue(
                        ("params", name),
                        f"parameter '{name}' is not used by any step",
                        key=True,
                        severity="warning",
                    )
                )

    def _resolve_fragment(self, ctx: _Context, path: PathKey, args: UseArgs) -> Path | None:
        wanted = Path(args.fragment)
        candidates = (
            [ctx.folder / wanted, ctx.root / wanted] if not wanted.is_absolute() else [wanted]
        )
        for candidate in dict.fromkeys(candidates):
            if is_file(candidate):
                return candidate
        folder = candidates[0].parent
        near = ""
        if is_dir(folder):
            names = [
                p.name for p in folder.iterdir() if p.suffix in JOURNEY_SUFFIXES and is_file(p)
            ]
            close = difflib.get_close_matches(wanted.name, names, n=1, cutoff=0.6)
            if close:
                near = f" (did you mean '{(Path(args.fragment).parent / close[0]).as_posix()}'?)"
        looked = ", ".join(display(c.parent) + "/" for c in dict.fromkeys(candidates))
        self.add(
            ctx.doc.issue(
                (*path, "use"), f"fragment '{args.fragment}' not found{near}; looked in {looked}"
            )
        )
        return None

    def _expand_use(
        self, ctx: _Context, path: PathKey, value: Any, options: dict[str, Any]
    ) -> list[_Parsed]:
        doc = ctx.doc
        if isinstance(value, str):
            value = {"fragment": value}
        if not isinstance(value, dict):
            self.add(
                doc.issue(
                    (*path, "use"), "'use' takes a fragment file, or {fragment: FILE, with: {...}}"
                )
            )
            return []
        try:
            args = UseArgs.model_validate(value)
        except ValidationError as exc:
            self.extend(pydantic_issues(doc, (*path, "use"), exc, UseArgs))
            return []
        if options.get("optional"):
            self.add(
                doc.issue(
                    (*path, "optional"),
                    "'optional' cannot be set on a 'use' step: mark the fragment's steps optional",
                )
            )
        target = self._resolve_fragment(ctx, path, args)
        if target is None:
            return []
        resolved = target.resolve()
        if resolved in ctx.chain:
            names = [display(p) for p in ctx.chain[ctx.chain.index(resolved) :]]
            self.add(
                doc.issue(
                    (*path, "use"),
                    f"circular use: {' -> '.join([*names, display(resolved)])}: "
                    "a fragment cannot include itself",
                )
            )
            return []
        frag = self.fragment(resolved)
        if frag.doc is not None and frag.model is None and _is_journey(frag.doc):
            self.add(
                doc.issue(
                    (*path, "use"),
                    f"{frag.display} is a journey, not a fragment: 'use' includes fragment "
                    "files (fragment: NAME, steps: [...])",
                )
            )
        if frag.doc is None or frag.model is None:
            return []
        defaults = frag.model.defaults()
        given = {k: scalar_text(v) for k, v in args.with_.items()}
        for key in given:
            if key not in defaults:
                known = ", ".join(defaults) or "none"
                self.add(
                    doc.issue(
                        (*path, "use", "with", key),
                        f"fragment '{frag.model.fragment}' has no parameter '{key}'"
                        f"{suggest(key, defaults)}; its parameters: {known}",
                        key=True,
                    )
                )
        missing = [k for k, v in defaults.items() if v is None and k not in given]
        if missing:
            self.add(
                doc.issue(
                    (*path, "use"),
                    f"fragment '{frag.model.fragment}' needs "
                    + ", ".join(f"'{m}'" for m in missing)
                    + ": give "
                    + ("it" if len(missing) == 1 else "them")
                    + " under 'with:'",
                )
            )
        # A missing parameter is reported above; an empty value keeps it from
        # being reported again as an undefined variable in every step using it.
        values = {k: v if v is not None else "" for k, v in defaults.items()}
        values.update({k: v for k, v in given.items() if k in defaults})
        pos = doc.position(path)
        via = f"{doc.file}:{pos.line}"
        inner = _Context(
            frag.doc,
            frag.path.parent,
            ctx.root,
            (*ctx.chain, resolved),
            f"{via} -> {ctx.via}" if ctx.via else via,
        )
        out: list[_Parsed] = []
        for i, raw in enumerate(frag.model.steps):
            for parsed in self.steps(inner, ("steps", i), _fill_params(raw, values)):
                out.append(_inherit(parsed, options))
        return out

    # -- steps ----------------------------------------------------------------

    def steps(self, ctx: _Context, path: PathKey, raw: Any) -> list[_Parsed]:
        """One step as written: a list of one step, or a fragment's steps for ``use``."""
        doc = ctx.doc
        if not isinstance(raw, dict):
            self.add(
                doc.issue(
                    path,
                    "a step is a mapping with one action, for example 'click: {role: button, name: Buy}'",
                )
            )
            return []
        action_keys = [k for k in raw if k not in STEP_OPTION_KEYS]
        if not action_keys:
            self.add(
                doc.issue(
                    path, f"no action in this step; actions are: {', '.join(sorted(REGISTRY))}"
                )
            )
            return []
        stray = _stray_arguments(raw, action_keys)
        if stray is not None:
            action, keys = stray
            self.add(
                doc.issue(
                    (*path, keys[0]),
                    f"{_quoted(keys)} {'looks like an argument' if len(keys) == 1 else 'look like arguments'} "
                    f"of '{action}': indent {'it' if len(keys) == 1 else 'them'} under '{action}'",
                    key=True,
                )
            )
            return []
        if len(action_keys) > 1:
            known = [k for k in action_keys if k in REGISTRY]
            if len(known) > 1:
                self.add(
                    doc.issue(
                        path,
                        f"one action per step, found {', '.join(map(str, known))}: split them into separate steps",
                    )
                )
                return []
            for key in action_keys:
                if key not in REGISTRY:
                    self.add(
                        doc.issue(
                            (*path, key),
                            f"unknown action '{key}'{suggest(str(key), REGISTRY)}",
                            key=True,
                        )
                    )
            return []
        name = action_keys[0]
        if name not in REGISTRY:
            self.add(
                doc.issue(
                    (*path, name),
                    f"unknown action '{name}'{suggest(str(name), REGISTRY)}",
                    key=True,
                )
            )
            return []
        options, ok = self._options(doc, path, raw)
        try:
            list(refs_in(raw))
        except RefError as exc:
            self.add(doc.issue(path, str(exc)))
            ok = False
        if name == "use":
            return self._expand_use(ctx, path, raw[name], options) if ok else []
        step = self._action(ctx, path, name, raw[name], options) if ok else None
        return [_Parsed(step, ctx.via)] if step is not None else []

    def _options(
        self, doc: Document, path: PathKey, raw: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        options = {k: raw[k] for k in STEP_OPTION_KEYS if k in raw}
        ok = True
        timeout = options.get("timeout")
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not 0 < timeout <= MAX_STEP_TIMEOUT_MS
        ):
            self.add(
                doc.issue(
                    (*path, "timeout"),
                    "timeout is a number of milliseconds greater than 0 "
                    f"and at most {MAX_STEP_TIMEOUT_MS} (one hour)",
                )
            )
            ok = False
        if "optional" in options and not isinstance(options["optional"], bool):
            self.add(doc.issue((*path, "optional"), "'optional' is true or false"))
            ok = False
        if "name" in options and not isinstance(options["name"], str):
            self.add(doc.issue((*path, "name"), "a step name is text"))
            ok = False
        audit = options.get("audit")
        if isinstance(audit, dict):
            try:
                options["audit"] = AuditOptions.model_validate(audit)
            except ValidationError as exc:
                self.extend(pydantic_issues(doc, (*path, "audit"), exc, AuditOptions))
                ok = False
        elif "audit" in options and not isinstance(audit, bool):
            self.add(
                doc.issue(
                    (*path, "audit"),
                    "'audit' is true, false or a mapping {skip, disable, budget}",
                )
            )
            ok = False
        modelled = {k: options[k] for k in MODEL_OPTION_KEYS if k in options}
        if modelled:
            try:
                options.update(
                    {k: getattr(StepOptions.model_validate(modelled), k) for k in modelled}
                )
            except ValidationError as exc:
                self.extend(pydantic_issues(doc, path, exc, StepOptions))
                ok = False
        return options, ok

    def _action(
        self, ctx: _Context, path: PathKey, name: str, value: Any, options: dict[str, Any]
    ) -> Step | None:
        doc = ctx.doc
        spec = REGISTRY[name]
        if value is None:
            value = {}
        elif not isinstance(value, dict):
            if spec.shorthand is None or isinstance(value, list):
                self.add(doc.issue((*path, name), _takes(name, spec.args)))
                return None
            value = {spec.shorthand: scalar_text(value)}
        try:
            args = spec.args.model_validate(value)
        except ValidationError as exc:
            self.extend(pydantic_issues(doc, (*path, name), exc, spec.args))
            return None
        if options.get("soft") and not spec.verifies:
            checks = ", ".join(n for n, a in REGISTRY.items() if a.verifies)
            self.add(
                doc.issue(
                    (*path, "soft"),
                    f"'soft' goes with check steps ({checks}): a '{name}' that fails "
                    "leaves the journey with nothing to go on",
                )
            )
            return None
        if spec.check is not None:
            for note in spec.check(args, ctx.folder):
                self.add(doc.issue((*path, name, *note.path), note.message, severity=note.severity))
        audit_option = options.get("audit")
        audit: bool | None
        overrides: dict[str, Any] = {}
        if isinstance(audit_option, AuditOptions):
            audit = None if audit_option.skip is None else not audit_option.skip
            overrides = audit_option.overrides()
        else:
            audit = audit_option
        pos = doc.position(path)
        timeout = options.get("timeout")
        return Step(
            action=name,
            args=args,
            raw_args=value,
            name=options.get("name") or step_name(name, args),
            line=pos.line,
            column=pos.column,
            path=format_path(path),
            optional=bool(options.get("optional", False)),
            timeout_ms=float(timeout) if timeout is not None else None,
            audit=audit,
            overrides=overrides,
            file=doc.file,
            soft=options.get("soft"),
            severity=options.get("severity") or "serious",
            wait_until=options.get("wait_until"),
            wait_for=options.get("wait_for"),
        )

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


def _stray_arguments(raw: dict[str, Any], action_keys: list[Any]) -> tuple[str, list[str]] | None:
    """An action written with nothing after it and its arguments beside it (``- click:``
    with ``role:`` and ``name:`` at the same indentation): the action and those keys."""
    known = [k for k in action_keys if k in REGISTRY]
    if len(known) != 1 or raw[known[0]] is not None:
        return None
    action = str(known[0])
    fields = set(model_fields(REGISTRY[action].args))
    others = [str(k) for k in raw if k != action]
    beside = [k for k in others if k not in STEP_OPTION_KEYS]
    if beside:
        if not all(k in fields for k in beside):
            return None  # an unknown key too: the usual messages say more
        return action, [k for k in others if k in beside or (k == "name" and k in fields)]
    if "name" in others and "name" in fields:
        try:
            REGISTRY[action].args.model_validate({})
        except ValidationError:
            return action, ["name"]  # a name alone, and the action needs arguments
    return None  # a name beside an action that needs none is the step's own name


def _quoted(keys: Sequence[str]) -> str:
    items = [f"'{k}'" for k in keys]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _is_journey(doc: Document) -> bool:
    return isinstance(doc.data, dict) and "journey" in doc.data and "fragment" not in doc.data


def _fill_params(raw: Any, values: dict[str, str]) -> Any:
    """A fragment step with its parameters filled in; other references stay."""

    def resolve(ref: Ref) -> str | None:
        return values.get(ref.name) if ref.kind == "var" else None

    try:
        return render_in(raw, resolve)
    except RefError:
        return raw  # the step reports the bad reference itself


def _inherit(parsed: _Parsed, options: dict[str, Any]) -> _Parsed:
    """Options of a ``use`` step apply to the fragment's steps that lack their own."""
    step = parsed.step
    changes: dict[str, Any] = {}
    if options.get("timeout") is not None and step.timeout_ms is None:
        changes["timeout_ms"] = float(options["timeout"])
    audit = options.get("audit")
    if isinstance(audit, bool) and step.audit is None:
        changes["audit"] = audit
    elif isinstance(audit, AuditOptions):
        if step.audit is None and audit.skip is not None:
            changes["audit"] = not audit.skip
        if not step.overrides:
            changes["overrides"] = audit.overrides()
    if options.get("name"):
        changes["name"] = f"{options['name']}: {step.name}"
    if options.get("soft") is not None and step.soft is None and REGISTRY[step.action].verifies:
        changes["soft"] = options["soft"]
        changes["severity"] = options.get("severity") or step.severity
    if options.get("wait_until") and step.wait_until is None:
        changes["wait_until"] = options["wait_until"]
    return _Parsed(replace(step, **changes), parsed.via) if changes else parsed


# ---------------------------------------------------------------------------
# Files and folders


def display(path: Path) -> str:
    """A path as the user knows it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
