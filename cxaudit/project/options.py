"""Every option a run can be given, declared once, and what each surface makes of it.

A setting that the command line, the environment or pytest may set carries an
:class:`Option` in the ``Annotated`` metadata of its field in
:mod:`cxaudit.project.config` (flag name, short help, surfaces). From the
model alone this module derives, for each surface:

- the command line's options (``--timeout``; :mod:`cxaudit.cli.options` makes
  click options of them),
- the environment variables (``CXAUDIT_TIMEOUT_MS``),
- pytest's options (``--cx-timeout``; :mod:`cxaudit.pytest.plugin` adds them),

and :func:`overrides_from` turns the parsed values of any surface into the
settings overrides :func:`cxaudit.project.config.load_settings` applies, in
one order: defaults < config file < environment < command line or pytest.
Options of a command that are not settings (``--output``, ``--baseline``,
``--tag``...) are declared once in :data:`COMMAND_OPTIONS`. Value ranges
come from the field's constraints, so every surface checks the same ones.

Neither click nor pytest is imported here: the surfaces apply what this
module describes.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

Surface = Literal["cli", "env", "pytest"]
SURFACES: tuple[Surface, ...] = ("cli", "env", "pytest")
#: Which commands carry an option: ``site`` is ``run`` only (``demo`` serves its
#: own site), ``run`` is ``run`` and ``demo``, ``gate`` (the verdict) is those
#: and ``report`` and ``merge``; ``pytest`` is for pytest alone.
Group = Literal["site", "run", "gate", "pytest"]
ENV_PREFIX = "CXAUDIT_"
PYTEST_PREFIX = "--cx-"


@dataclass(frozen=True)
class Option:
    """How a setting (or a command's own option) is given outside the config file.

    ``flag`` names it everywhere: ``--flag`` on the command line, ``--cx-flag``
    in pytest, ``CXAUDIT_FLAG`` in the environment (unless ``env`` says
    otherwise). ``sets`` makes it a flag that sets this value of its setting
    (``--headed`` sets ``headless`` to false); the environment variable then
    takes the setting's own value. ``at`` reaches into the field's section
    (``mail`` -> ``mailpit.url``). ``shared`` pytest options have the name and
    meaning pytest-playwright gives them, and are added only without it.

    A command option (no setting behind it) says its own ``kind``,
    ``choices``, ``multiple``, ``default`` and range.
    """

    flag: str
    help: str = ""
    surfaces: tuple[Surface, ...] = SURFACES
    group: Group = "run"
    env: str | None = None
    short: str | None = None
    metavar: str | None = None
    sets: Any = None
    at: tuple[str, ...] = ()
    pytest_flag: str | None = None
    shared: bool = False
    # A command option's own value, when no field describes it:
    dest: str | None = None
    kind: type = str
    choices: tuple[str, ...] = ()
    multiple: bool = False
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Surfaced:
    """One option with everything a surface needs to offer it, resolved."""

    option: Option
    #: The setting it fills (dotted for a section), or None for a command option.
    key: str | None
    dest: str
    kind: type
    help: str
    choices: tuple[str, ...] = ()
    multiple: bool = False
    #: The value the setting has when nothing sets it (for help and docs).
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    min_open: bool = False
    max_open: bool = False

    @property
    def is_flag(self) -> bool:
        return self.option.sets is not None or (self.key is None and self.kind is bool)

    @property
    def flag_value(self) -> Any:
        return True if self.option.sets is None else self.option.sets

    def on(self, surface: Surface) -> bool:
        return surface in self.option.surfaces

    @property
    def cli_flag(self) -> str:
        return f"--{self.option.flag}"

    @property
    def pytest_flag(self) -> str:
        return self.option.pytest_flag or PYTEST_PREFIX + self.option.flag

    @property
    def pytest_dest(self) -> str:
        return self.pytest_flag.lstrip("-").replace("-", "_")

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + (self.option.env or self.option.flag.replace("-", "_").upper())

    def name(self, surface: Surface) -> str:
        """How a user writes it on ``surface`` (for errors and docs)."""
        return {"cli": self.cli_flag, "pytest": self.pytest_flag, "env": self.env_name}[surface]

    @property
    def help_text(self) -> str:
        """The help with the default, when it has one worth saying."""
        if self.is_flag or self.default in (None, "", [], ()):
            return self.help
        shown = (
            ", ".join(map(str, self.default))
            if isinstance(self.default, list | tuple)
            else f"{self.default:g}"
            if isinstance(self.default, float)
            else str(self.default)
        )
        return f"{self.help} Default: {shown}."


#: The options of commands that are not settings: what one run writes where,
#: which journeys it takes, what it is compared with.
COMMAND_OPTIONS: tuple[Option, ...] = (
    Option(
        "output",
        "Report directory (default: reports/<run-id>).",
        surfaces=("cli", "pytest"),
        short="-o",
        metavar="DIR",
    ),
    Option(
        "journeys",
        "Where journey files are (repeatable; default: the 'journeys' setting, journeys/).",
        surfaces=("pytest",),
        group="pytest",
        metavar="PATH",
        multiple=True,
    ),
    Option(
        "tag",
        "Run only journeys (and scenarios) with this tag (repeatable: any of them).",
        surfaces=("cli", "pytest"),
        dest="tags",
        metavar="TAG",
        multiple=True,
    ),
    Option(
        "baseline",
        "results.json of an earlier run (or its report folder): score deltas, new, fixed and "
        "persisting findings, and each step's screenshot compared with its own.",
        surfaces=("cli", "pytest"),
        group="gate",
        metavar="PATH",
    ),
    Option(
        "fail-on-new",
        "Fail only on findings that are new since the baseline (with fail-on: new ones at or "
        "above it); scores under their minimum fail only when lower than the baseline's.",
        surfaces=("cli", "pytest"),
        group="gate",
        kind=bool,
    ),
    Option(
        "tracing",
        "Record a Playwright trace per journey run (keep all, none, or those that did not pass).",
        surfaces=("cli", "pytest"),
        pytest_flag="--tracing",
        shared=True,
        choices=("on", "off", "retain-on-failure"),
        default="off",
    ),
    Option(
        "browser-channel",
        "Branded browser to launch instead of Chromium (chrome, msedge).",
        surfaces=("pytest",),
        group="pytest",
        metavar="NAME",
        pytest_flag="--browser-channel",
        shared=True,
    ),
    Option(
        "force",
        "Replace an earlier run's results in --output (a run still writing there is never "
        "replaced).",
        surfaces=("cli",),
        kind=bool,
    ),
    Option("quiet", "Only the summary.", surfaces=("cli",), short="-q", kind=bool),
    Option(
        "repeat",
        "Run each journey N times; timings are reported as median and spread, budgets judge "
        "the median.",
        surfaces=("cli",),
        metavar="N",
        kind=int,
        default=1,
        minimum=1,
        maximum=50,
    ),
    Option(
        "config",
        "Config file (default: cxaudit.yaml or [tool.cxaudit] in pyproject.toml, searched "
        "upwards).",
        surfaces=("cli",),
        short="-c",
        metavar="FILE",
    ),
    Option("strict", "Warnings in journey files stop the run.", surfaces=("cli",), kind=bool),
    Option(
        "shard",
        "Run only part K of N of the journey runs (a stable split for CI matrices); join the "
        "parts with `cxaudit merge`.",
        surfaces=("cli",),
        metavar="K/N",
    ),
)


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    inner = _without_none(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _default_of(info: FieldInfo) -> Any:
    if info.default is not PydanticUndefined:
        return info.default
    if info.default_factory is not None:
        made = info.default_factory()  # type: ignore[call-arg]
        return None if isinstance(made, BaseModel) else made
    return None


def _surfaced(option: Option, key: str, info: FieldInfo) -> Surfaced:
    """``option`` on the field ``info`` (at ``key``): its type, choices and range."""
    annotation = _without_none(info.annotation)
    multiple = typing.get_origin(annotation) is list
    if multiple:
        annotation = typing.get_args(annotation)[0]
    choices: tuple[str, ...] = ()
    kind: type = str
    if typing.get_origin(annotation) is Literal:
        choices = tuple(str(a) for a in typing.get_args(annotation))
    elif annotation in (int, float, bool):
        kind = annotation
    bounds: dict[str, Any] = {}
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            bounds["minimum"] = item.ge
        elif isinstance(item, annotated_types.Gt):
            bounds.update(minimum=item.gt, min_open=True)
        elif isinstance(item, annotated_types.Le):
            bounds["maximum"] = item.le
        elif isinstance(item, annotated_types.Lt):
            bounds.update(maximum=item.lt, max_open=True)
    return Surfaced(
        option=option,
        key=key,
        dest=option.dest or option.flag.replace("-", "_"),
        kind=kind,
        help=option.help or info.description or "",
        choices=choices,
        multiple=multiple,
        default=_default_of(info),
        **bounds,
    )


def _field_at(model: type[BaseModel], path: tuple[str, ...]) -> FieldInfo:
    """The field at ``path`` inside ``model``'s sections (optional sections included)."""
    info = model.model_fields[path[0]]
    for part in path[1:]:
        section = _model_of(info.annotation)
        if section is None:
            raise TypeError(f"{path[0]}: {part} is not inside a section")
        info = section.model_fields[part]
    return info


def _walk(model: type[BaseModel], prefix: tuple[str, ...]) -> Iterator[Surfaced]:
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        for item in info.metadata:
            if isinstance(item, Option):
                inner = _field_at(model, (name, *item.at)) if item.at else info
                yield _surfaced(item, ".".join((*path, *item.at)), inner)
        section = _model_of(info.annotation)
        if section is not None:
            yield from _walk(section, path)


def setting_options(model: type[BaseModel] | None = None) -> tuple[Surfaced, ...]:
    """Every setting of ``model`` (the :class:`Settings`) that carries an :class:`Option`."""
    if model is None:
        from cxaudit.project.config import Settings

        model = Settings
    return tuple(_walk(model, ()))


def command_options() -> tuple[Surfaced, ...]:
    """:data:`COMMAND_OPTIONS`, resolved as settings' options are."""
    return tuple(
        Surfaced(
            option=o,
            key=None,
            dest=o.dest or o.flag.replace("-", "_"),
            kind=o.kind,
            help=o.help,
            choices=o.choices,
            multiple=o.multiple,
            default=o.default,
            minimum=o.minimum,
            maximum=o.maximum,
        )
        for o in COMMAND_OPTIONS
    )


def all_options() -> tuple[Surfaced, ...]:
    return (*setting_options(), *command_options())


def options_on(surface: Surface, *groups: Group) -> tuple[Surfaced, ...]:
    """The options ``surface`` offers (of ``groups``, when given), settings first."""
    return tuple(
        o for o in all_options() if o.on(surface) and (not groups or o.option.group in groups)
    )


def _set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    *sections, last = key.split(".")
    for section in sections:
        current = data.get(section)
        data[section] = current = dict(current) if isinstance(current, dict) else {}
        data = current
    data[last] = value


def _given(spec: Surfaced, value: Any) -> bool:
    if value is None:
        return False
    if spec.is_flag:
        return bool(value)
    if spec.multiple:
        return bool(list(value))
    return True


def overrides_from(values: Mapping[str, Any], surface: Surface = "cli") -> dict[str, Any]:
    """Settings overrides from the parsed options of ``surface`` (keyed by ``dest``).

    A value not given (``None``, an empty list, a flag not set) overrides
    nothing; a flag given sets its ``sets`` value.
    """
    out: dict[str, Any] = {}
    for spec in setting_options():
        if not spec.on(surface) or spec.key is None:
            continue
        value = values.get(spec.dest)
        if not _given(spec, value):
            continue
        if spec.is_flag:
            value = spec.flag_value
        elif spec.multiple:
            value = list(value)
        _set_dotted(out, spec.key, value)
    return out


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings from ``CXAUDIT_*`` variables; empty ones are not given.

    A list is comma-separated (``CXAUDIT_CHANNELS=desktop,tablet``); other
    values are text that the settings model reads as it reads YAML's
    (``true``/``false``, numbers).
    """
    out: dict[str, Any] = {}
    for spec in setting_options():
        if not spec.on("env") or spec.key is None:
            continue
        text = environ.get(spec.env_name)
        if not text:
            continue
        value: Any = text
        if spec.multiple:
            value = [v.strip() for v in text.split(",") if v.strip()]
            if not value:
                continue  # "CXAUDIT_CHANNELS=," means nothing, not "no channels"
        _set_dotted(out, spec.key, value)
    return out


def name_of(key: str, surface: Surface) -> str | None:
    """How ``surface`` names the setting at ``key`` (dotted), or None when it has no option."""
    for spec in setting_options():
        if spec.key == key and spec.on(surface):
            return spec.name(surface)
    return None


def option_name(dest: str, surface: Surface) -> str:
    """How ``surface`` spells the option whose ``dest`` is given (a setting's or a command's)."""
    for spec in all_options():
        if spec.dest == dest and spec.on(surface):
            return spec.name(surface)
    return f"--{dest.replace('_', '-')}"
