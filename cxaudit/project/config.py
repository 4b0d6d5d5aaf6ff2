"""Project settings: command line > environment (CXAUDIT_*) > config file > defaults.

The config file is ``cxaudit.yaml`` (or ``.yml``) in the project directory,
or the ``[tool.cxaudit]`` table of ``pyproject.toml``. It is read with the
same positional YAML loader as journeys, so a mistake in it is reported with
file, line and column too; a bad environment variable or option is named as
such. Paths in the file (journeys, output_dir, report.logo,
accessibility.axe_path) are relative to
the file, so a run from a subfolder finds the same things.

To add a setting: add a field (with a description: docs/config.md is
generated from it) to :class:`Settings` or one of its sections and, when the
command line, the environment or pytest should set it, an
:class:`~cxaudit.project.options.Option` in its ``Annotated`` metadata: the
click option, the ``CXAUDIT_*`` variable and the pytest option are derived
from it (:mod:`cxaudit.project.options`).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cxaudit.analysis.visual import VisualOptions
from cxaudit.checks.standards import DEFAULT_STANDARD, STANDARD_TAGS
from cxaudit.ci.baseline import AcceptEntry
from cxaudit.errors import SpecError, SpecIssue, UsageError
from cxaudit.gather.axe import AxeProfile
from cxaudit.gather.screenshot import ScreenshotOptions
from cxaudit.mail.settings import MailSettings
from cxaudit.project.options import ENV_PREFIX, Option, Surface, env_overrides, name_of
from cxaudit.spec.channels import BUILTIN_CHANNELS, Channel, NetworkProfile
from cxaudit.spec.issues import pydantic_issues
from cxaudit.spec.journey_file import Budgets, Severity, check_test_id_attribute
from cxaudit.spec.locators import Locator
from cxaudit.spec.messages import Glossary
from cxaudit.spec.paths import display
from cxaudit.spec.yamlpos import Document, load_document, read_limited

CONFIG_FILES = ("cxaudit.yaml", "cxaudit.yml")
#: ``scheme://`` at the start of an address (http://, https://, file://...).
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def check_base_url(value: str | None) -> str | None:
    """A site address must say its scheme; the fix is in the message.

    Without one (``127.0.0.1:41041``, ``shop.example``) a relative ``goto``
    cannot be joined to it, and the run would start a browser only to fail
    its first step: this is a usage error, found where settings are read.
    """
    if value and not _SCHEME.match(value):
        raise ValueError(f"needs a scheme: http://{value.lstrip('/')}")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NetworkConfig(_Section):
    latency_ms: float = Field(ge=0, description="Added round-trip time.")
    download_kbps: float = Field(gt=0, description="Download throughput, kilobits per second.")
    upload_kbps: float = Field(gt=0, description="Upload throughput, kilobits per second.")


class ChannelConfig(_Section):
    """A user-defined channel: a built-in one with some values changed."""

    extends: str = Field(default="desktop", description="Built-in channel to start from.")
    description: str | None = Field(default=None, description="What reports say it is.")
    viewport: dict[str, int] | None = Field(
        default=None, description="Screen size in CSS pixels: {width, height}."
    )
    device_scale_factor: float | None = Field(
        default=None, description="Device pixels per CSS pixel."
    )
    is_mobile: bool | None = Field(
        default=None, description="Mobile browser: meta viewport honoured, no scrollbars."
    )
    has_touch: bool | None = Field(default=None, description="A touch screen.")
    user_agent: str | None = Field(default=None, description="The User-Agent header and string.")
    locale: str | None = Field(default=None, description="Language and formats, e.g. en-GB.")
    color_scheme: str | None = Field(default=None, description="light or dark.")
    network: NetworkConfig | bool | None = Field(
        default=None, description="Network profile, or false for none."
    )
    cpu_slowdown: float | None = Field(
        default=None, ge=1, description="How many times slower the CPU runs (1: not throttled)."
    )

    @field_validator("extends")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in BUILTIN_CHANNELS:
            raise ValueError(f"'extends' must be one of {', '.join(BUILTIN_CHANNELS)}")
        return value

    def build(self, name: str) -> Channel:
        base = BUILTIN_CHANNELS[self.extends]
        changes: dict[str, Any] = {"name": name}
        for key in (
            "description",
            "viewport",
            "device_scale_factor",
            "is_mobile",
            "has_touch",
            "user_agent",
            "locale",
            "color_scheme",
            "cpu_slowdown",
        ):
            value = getattr(self, key)
            if value is not None:
                changes[key] = value
        if self.network is False:
            changes["network"] = None
        elif isinstance(self.network, NetworkConfig):
            changes["network"] = NetworkProfile(name=f"{name}-network", **self.network.model_dump())
        if "description" not in changes:
            changes["description"] = f"{base.description} (as '{name}')"
        from dataclasses import replace

        return replace(base, **changes)


class ReportConfig(_Section):
    title: Annotated[str, Option("report-title", surfaces=("env",))] = Field(
        default="Customer experience audit", description="Report heading."
    )
    client: Annotated[str | None, Option("report-client", surfaces=("env",))] = Field(
        default=None, description="Whose site it is, shown in the header."
    )
    logo: str | None = Field(
        default=None, description="Path of an image shown in the report header."
    )


class AccessibilityConfig(_Section):
    """The standards profile axe-core audits against."""

    standard: str = Field(
        default=DEFAULT_STANDARD,
        description=f"WCAG version and level: {', '.join(STANDARD_TAGS)} (aaa is wcag22aaa), or all (every axe rule but the deprecated ones). Rules axe marks experimental run when they name a criterion of the standard.",
    )
    best_practices: bool = Field(default=True, description="Also run axe's best-practice rules.")
    experimental: bool = Field(
        default=False,
        description="Also run axe's experimental rules that name no criterion of the standard (focus-order-semantics, hidden-content).",
    )
    include_rules: list[str] = Field(
        default_factory=list,
        description="axe rule ids to run whatever the standard (color-contrast-enhanced, audio-caption).",
    )
    disabled_rules: list[str] = Field(
        default_factory=list, description="axe rule ids never to run."
    )
    axe_path: str | None = Field(
        default=None,
        description="An axe-core script (axe.min.js) to run instead of the vendored one; relative to the config file.",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="CSS selectors of elements to leave out of the audit (third-party widgets).",
    )

    @field_validator("standard")
    @classmethod
    def _known_standard(cls, value: str) -> str:
        if value != "all" and value not in STANDARD_TAGS:
            raise ValueError(f"'standard' must be one of {', '.join(STANDARD_TAGS)}, all")
        return value

    def profile(self) -> AxeProfile:
        return AxeProfile(
            standard=self.standard,
            best_practices=self.best_practices,
            disabled_rules=tuple(self.disabled_rules),
            exclude=tuple(self.exclude),
            include_rules=tuple(self.include_rules),
            experimental=self.experimental,
            axe_path=self.axe_path,
        )


class ScreenshotConfig(_Section):
    format: Annotated[
        Literal["webp", "jpeg", "png"], Option("screenshot-format", surfaces=("env",))
    ] = Field(
        default="webp",
        description="Image format of audit screenshots: webp is about half the size of jpeg.",
    )
    quality: int = Field(default=70, ge=1, le=100, description="webp and jpeg quality, 1-100.")
    max_height: int = Field(
        default=4000, ge=100, description="Full-page screenshots stop at this many CSS pixels."
    )
    scale: Literal["css", "device"] = Field(
        default="css",
        description="css: one pixel per CSS pixel (small); device: the channel's device pixels (sharp).",
    )

    def options(self) -> ScreenshotOptions:
        return ScreenshotOptions(**self.model_dump())


class VisualConfig(_Section):
    """Screenshots compared with the baseline run's (``--baseline``), step by step."""

    threshold: float = Field(
        default=0.001,
        ge=0,
        le=1,
        description="Share of a screenshot's pixels that must change for its step to count as "
        "changed (0.001: a tenth of a percent; 0: any pixel).",
    )
    tolerance: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="How far a pixel's colour may move and still count as the same, as a share "
        "of a colour channel's range (0.2: 51 of 255), so antialiasing and the noise of lossy "
        "screenshots (webp, jpeg) are not a change; with png screenshots 0.1 finds subtler changes.",
    )
    mask: list[str | Locator] = Field(
        default_factory=list,
        description="Elements that change by design (clocks, dates, carousels, ads), painted "
        "over in every screenshot of every run: CSS selectors, or locators as in journeys "
        "({test_id: clock}, {role: region, name: Offers}).",
    )

    def masks(self) -> tuple[Locator, ...]:
        """The masks as locators (a text is a CSS selector)."""
        return tuple(Locator(css=m) if isinstance(m, str) else m for m in self.mask)

    def options(self) -> VisualOptions:
        return VisualOptions(threshold=self.threshold, tolerance=self.tolerance)


class ThresholdConfig(_Section):
    fail_under: Annotated[
        float | None,
        Option(
            "fail-under",
            "Fail (exit 1) when the overall score is below SCORE, 0-100.",
            group="gate",
            metavar="SCORE",
        ),
    ] = Field(default=None, ge=0, le=100, description="Minimum overall score.")
    categories: dict[str, float] = Field(
        default_factory=dict, description="Minimum score per category."
    )
    fail_on: Annotated[
        Severity | None,
        Option(
            "fail-on",
            "Fail (exit 1) on any finding at or above this severity.",
            group="gate",
            metavar="SEVERITY",
        ),
    ] = Field(default=None, description="Fail on any finding at or above this severity.")
    not_measured_fails: bool = Field(
        default=True, description="A check that could not measure fails a threshold."
    )
    inconclusive_fails: bool = Field(
        default=False,
        description="A timing within the noise band of its limit (inconclusive) fails the run.",
    )


class AcceptConfig(_Section):
    """A known finding muted until a date: by fingerprint, or a pattern of findings."""

    fingerprint: str | None = Field(default=None, description="A finding's fingerprint.")
    pattern: str | None = Field(
        default=None,
        description="Pattern (* any text, ? one character) matched against a finding's key or check code.",
    )
    reason: str = Field(min_length=1, description="Why the finding is accepted.")
    expires: date = Field(description="The day after which the finding counts again.")

    @model_validator(mode="after")
    def _one_target(self) -> AcceptConfig:
        if bool(self.fingerprint) == bool(self.pattern):
            raise ValueError("give either 'fingerprint' or 'pattern'")
        return self

    def entry(self) -> AcceptEntry:
        return AcceptEntry(self.reason, self.expires, self.fingerprint, self.pattern)


class ThirdPartyConfig(_Section):
    """Requests to hosts outside the site under test (its base_url and allowed_origins)."""

    block: Annotated[
        bool,
        Option(
            "block-third-party",
            "Abort requests to hosts outside the site under test "
            "(third_party.allow in the config lists exceptions).",
            sets=True,
        ),
    ] = Field(
        default=False,
        description="Abort them (--block-third-party): the audit stays on the site under test.",
    )
    allow: list[str] = Field(
        default_factory=list,
        description="Hosts (cdn.example.com, *.example.net) never blocked.",
    )


class Settings(_Section):
    """Everything a run can be told; every field has a working default."""

    base_url: Annotated[
        str | None,
        Option(
            "base-url", "Site to audit; relative goto steps join it.", group="site", metavar="URL"
        ),
    ] = Field(default=None, description="Site to audit (or --base-url).")
    channels: Annotated[
        list[str],
        Option(
            "channel",
            "Channel to run on (repeatable; comma-separated in the environment): built in "
            f"{', '.join(BUILTIN_CHANNELS)}, or one of channel_profiles.",
            env="CHANNELS",
            metavar="NAME",
        ),
    ] = Field(
        default_factory=lambda: ["desktop", "mobile"],
        min_length=1,
        description="Channels to run by default.",
    )
    channel_profiles: dict[str, ChannelConfig] = Field(
        default_factory=dict,
        description="User-defined channels: name -> changes to a built-in one.",
    )
    journeys: list[str] = Field(
        default_factory=lambda: ["journeys"], description="Where journeys are."
    )
    output_dir: Annotated[str, Option("output-dir", surfaces=("env",), env="OUTPUT")] = Field(
        default="reports", description="Where reports go (one folder per run)."
    )
    workers: Annotated[
        int | None,
        Option(
            "workers",
            "Journey runs at once, as contexts of one browser "
            "(default: one per CPU core, at least 2, at most 8).",
            surfaces=("cli", "env"),
            short="-w",
            metavar="N",
        ),
    ] = Field(
        default=None,
        ge=1,
        le=64,
        description="Journey runs at once, as contexts of one browser (default: one per CPU core, at least 2, at most 8).",
    )
    timeout_ms: Annotated[
        float,
        Option(
            "timeout",
            "Milliseconds a step may wait for its element.",
            env="TIMEOUT_MS",
            metavar="MS",
        ),
    ] = Field(default=10_000, ge=100, le=3_600_000, description="How long a step may wait, in ms.")
    page_timeout_ms: Annotated[
        float, Option("page-timeout", surfaces=("env",), env="PAGE_TIMEOUT_MS")
    ] = Field(
        default=90_000,
        ge=100,
        le=3_600_000,
        description="How long one call into a page (a script, a screenshot) may take, in ms; "
        "past it the page's script is taken as stuck and its journey ends in an error.",
    )
    executable_path: Annotated[
        str | None, Option("executable-path", env="CHROMIUM", metavar="PATH")
    ] = Field(default=None, description="Chromium to use.")
    headless: Annotated[
        bool,
        Option(
            "headed",
            "Show the browser window.",
            env="HEADLESS",
            sets=False,
            pytest_flag="--headed",
            shared=True,
        ),
    ] = Field(default=True, description="false shows the browser window.")
    connect: Annotated[
        str | None,
        Option(
            "connect",
            "Use a remote Playwright browser server instead of a local Chromium.",
            metavar="WS_URL",
        ),
    ] = Field(
        default=None,
        description="A remote Playwright browser server (ws://...) to use instead of a local Chromium.",
    )
    cdp: Annotated[
        str | None,
        Option(
            "cdp",
            "Use a Chromium reachable over the DevTools protocol, http:// or ws://.",
            metavar="URL",
        ),
    ] = Field(
        default=None,
        description="A Chromium reachable over the DevTools protocol (http://host:port or ws://...) to use instead of a local one.",
    )
    budgets: Budgets = Field(
        default_factory=Budgets,
        description="Default performance budgets; a journey's own budgets win key by key.",
    )
    checks: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Options per check code or slug."
    )
    disable_checks: list[str] = Field(
        default_factory=list, description="Checks (code or slug) not to run."
    )
    glossary: Glossary = Field(
        default_factory=Glossary, description="Preferred terms and the variants to avoid."
    )
    weights: dict[str, float] = Field(
        default_factory=dict, description="Category weights for scores (0 or more)."
    )
    thresholds: ThresholdConfig = Field(
        default_factory=ThresholdConfig, description="When a run fails (exit 1)."
    )
    screenshots: ScreenshotConfig = Field(
        default_factory=ScreenshotConfig,
        description="How audit screenshots are stored (format, quality, size cap).",
    )
    report: ReportConfig = Field(
        default_factory=ReportConfig, description="How the report presents itself."
    )
    visual: VisualConfig = Field(
        default_factory=VisualConfig,
        description="How screenshots are compared with the baseline run's (--baseline): "
        "threshold, tolerance, and the elements masked in every screenshot.",
    )
    retries: Annotated[
        int,
        Option(
            "retries",
            "Extra tries for a page that failed to open transiently (dropped connection, "
            "HTTP 503); steps that needed one are reported as flaky.",
            metavar="N",
        ),
    ] = Field(
        default=1,
        ge=0,
        le=10,
        description="Extra tries for a page that failed to open transiently "
        "(dropped connection, HTTP 503); a step that needed one is reported as flaky.",
    )
    dialogs: Literal["accept", "dismiss"] = Field(
        default="accept",
        description="How to answer confirm() and prompt() dialogs (alerts are always accepted).",
    )
    third_party: ThirdPartyConfig = Field(
        default_factory=ThirdPartyConfig,
        description="Third-party traffic: listed in the report always; blocked when asked.",
    )

    accept: list[AcceptConfig] = Field(
        default_factory=list, description="Known findings muted until an expiry date."
    )
    mail: Annotated[MailSettings, Option("mailpit", surfaces=("env",), at=("mailpit", "url"))] = (
        Field(
            default_factory=MailSettings,
            description="Where wait_for_email steps read mail (docs/email.md).",
        )
    )
    test_id_attribute: str = Field(
        default="data-testid",
        description="The attribute `test_id` locators match (data-test, data-qa, data-cy...); "
        "a journey's own `test_id_attribute` wins.",
    )

    @field_validator("test_id_attribute")
    @classmethod
    def _test_id_attribute(cls, value: str) -> str:
        return check_test_id_attribute(value) or value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        return check_base_url(value)

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for name, weight in value.items():
            if weight < 0:
                raise ValueError(f"weight of {name!r} must be 0 or more, got {weight:g}")
        return value

    accessibility: AccessibilityConfig = Field(
        default_factory=AccessibilityConfig, description="Accessibility standard and rules."
    )

    def channel(self, name: str) -> Channel:
        if name in self.channel_profiles:
            return self.channel_profiles[name].build(name)
        if name in BUILTIN_CHANNELS:
            return BUILTIN_CHANNELS[name]
        raise UsageError(
            f"unknown channel '{name}'; known channels: {', '.join(self.known_channels())}"
        )

    def known_channels(self) -> list[str]:
        return [*BUILTIN_CHANNELS, *(n for n in self.channel_profiles if n not in BUILTIN_CHANNELS)]


#: Settings that are paths, relative to the config file they are written in.
_PATH_SETTINGS = (("journeys",), ("output_dir",), ("report", "logo"), ("accessibility", "axe_path"))


def find_config(start: Path) -> Path | None:
    """The config file of the project that contains ``start``."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "cxaudit" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get(
                    "tool", {}
                ):
                    return pyproject
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                return None
            return None  # a project root without cxaudit settings: stop here
    return None


def _read_file(path: Path) -> tuple[dict[str, Any], Document | None]:
    shown = display(path)
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(read_limited(path).decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SpecError(
                [SpecIssue(shown, 1, 1, "tool.cxaudit", f"cannot read: {exc}")]
            ) from None
        return dict(data.get("tool", {}).get("cxaudit", {})), None
    try:
        raw = read_limited(path)
    except OSError as exc:
        raise SpecError(
            [SpecIssue(shown, 1, 1, "", f"cannot read: {exc.strerror or exc}")]
        ) from None
    doc, issues = load_document(raw, shown)
    if issues:
        raise SpecError(issues)
    data = doc.data if doc is not None else None
    if data is None:
        return {}, doc
    if not isinstance(data, dict):
        raise SpecError([SpecIssue(shown, 1, 1, "", "the config file is a mapping of settings")])
    return data, doc


def _merge(base: dict[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    """``layer`` over ``base``; sections (mappings) merge key by key."""
    out = dict(base)
    for key, value in layer.items():
        if value is None:
            continue  # "not given" on the command line
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _layer(
    base: dict[str, Any], layer: Mapping[str, Any], surface: Surface, fallback: str
) -> dict[str, Any]:
    """``layer`` merged over ``base``, validated: an error names the variable or option."""
    merged = _merge(base, layer)
    try:
        Settings.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"] if not isinstance(p, int))
        name = name_of(key, surface) or fallback or f"--{key.replace('_', '-')}"
        raise UsageError(f"{name}: {first['msg'].removeprefix('Value error, ')}") from None
    return merged


def _relative_to(data: dict[str, Any], folder: Path, cwd: Path) -> dict[str, Any]:
    """Paths written in the config file, made relative to the working directory."""
    if folder.resolve() == cwd.resolve():
        return data

    def fix(value: Any) -> Any:
        if isinstance(value, str) and value and not Path(value).is_absolute():
            return os.path.relpath(folder / value, cwd)
        return value

    out = dict(data)
    for path in _PATH_SETTINGS:
        holder = out
        for part in path[:-1]:
            if not isinstance(holder.get(part), dict):
                break
            holder[part] = holder = dict(holder[part])
        else:
            last = path[-1]
            if isinstance(holder.get(last), list):
                holder[last] = [fix(v) for v in holder[last]]
            elif last in holder:
                holder[last] = fix(holder[last])
    return out


def _check_channels(settings: Settings, doc: Document | None, source: str) -> list[SpecIssue]:
    """Default channels must exist: built in or defined under channel_profiles.

    A wrong name written in the config file is an issue at its position; one
    from the command line or the environment is a usage error.
    """
    known = settings.known_channels()
    written = doc.data.get("channels") if doc is not None and isinstance(doc.data, dict) else None
    issues = []
    for name in settings.channels:
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"unknown channel '{name}'{hint}; known channels: {', '.join(known)}"
        if not source and doc is not None and isinstance(written, list) and name in written:
            issues.append(doc.issue(("channels", written.index(name)), message))
        else:
            raise UsageError(f"{source}: {message}" if source else message)
    return issues


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    surface: Surface = "cli",
    config_path: Path | None = None,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge the layers into one validated :class:`Settings`.

    The order is one for every surface: defaults < the config file < the
    environment (``CXAUDIT_*``) < ``overrides``, the values of ``surface``'s
    options (:func:`cxaudit.project.options.overrides_from` makes them; a
    ``None`` value means "not given"). Each layer is checked on its own
    first, so an error names its source: the file with line and column, the
    environment variable, or the option as ``surface`` spells it.
    """
    cwd = cwd or Path.cwd()
    environ = os.environ if environ is None else environ
    path = config_path or find_config(cwd)
    data: dict[str, Any] = {}
    doc = None
    if path is not None:
        if not path.exists():  # a pipe or folder is refused when read, with its name
            raise SpecError([SpecIssue(str(path), 1, 1, "", "no such config file")])
        data, doc = _read_file(path)
        shown = display(path)
        try:
            Settings.model_validate(data)
        except ValidationError as exc:
            if doc is None:  # pyproject.toml: TOML has no positions to give
                where = Document(file=shown, data={})
                raise SpecError(
                    pydantic_issues(where, ("tool", "cxaudit"), exc, Settings)
                ) from None
            raise SpecError(pydantic_issues(doc, (), exc, Settings)) from None
        data = _relative_to(data, path.parent, cwd)
    env = env_overrides(environ)
    merged = _layer(data, env, "env", "the environment")
    merged = _layer(merged, overrides or {}, surface, "")
    settings = Settings.model_validate(merged)
    channel_option = name_of("channels", surface)
    source = (
        channel_option or "channels"
        if (overrides or {}).get("channels")
        else ENV_PREFIX + "CHANNELS"
        if "channels" in env
        else ""
    )
    issues = _check_channels(settings, doc, source)
    if issues:
        raise SpecError(issues)
    axe_path = settings.accessibility.axe_path
    if axe_path is not None and not (cwd / axe_path).is_file():  # checked once paths are resolved
        raise UsageError(f"accessibility.axe_path: no axe-core script at {axe_path}")
    return settings
