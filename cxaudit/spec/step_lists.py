"""Step lists as journey and fragment files write them: each step's action, options and
arguments checked, ``use`` steps replaced by their fragment's steps (parameters filled in,
each step keeping its own file and line), every problem kept as an issue.

The journeys around the step lists (stages, data rows, channels, rules) are read by
:class:`cxaudit.spec.loader.Loader`, which builds on :class:`StepReader`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cxaudit.errors import SpecIssue
from cxaudit.spec.actions import REGISTRY, UseArgs
from cxaudit.spec.issues import model_fields, pydantic_issues, suggest
from cxaudit.spec.journey_file import (
    AuditOptions,
    FragmentFile,
    StepOptions,
)
from cxaudit.spec.model import Step
from cxaudit.spec.names import step_name
from cxaudit.spec.paths import display, is_dir, is_file
from cxaudit.spec.variables import (
    Ref,
    RefError,
    refs_in,
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
class StepReader:
    """Reads step lists (a journey's stages, a fragment's steps), remembering fragments and all issues.

    :class:`cxaudit.spec.loader.Loader` reads journeys with it.
    """

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


def _is_journey(doc: Document) -> bool:
    return isinstance(doc.data, dict) and "journey" in doc.data and "fragment" not in doc.data
