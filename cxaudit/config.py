"""Project settings: command line > environment (CXAUDIT_*) > config file > defaults.

The config file is ``cxaudit.yaml`` (or ``.yml``) in the project directory,
or the ``[tool.cxaudit]`` table of ``pyproject.toml``. It is read with the
same positional YAML loader as journeys, so a mistake in it is reported with
file, line and column too.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cxaudit.baseline import AcceptEntry
from cxaudit.browser import BUILTIN_CHANNELS, Channel, NetworkProfile
from cxaudit.errors import SpecError, SpecIssue
from cxaudit.spec.yamlpos import Document, load_document

CONFIG_FILES = ("cxaudit.yaml", "cxaudit.yml")
ENV_PREFIX = "CXAUDIT_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NetworkConfig(_Section):
    latency_ms: float = Field(ge=0, description="Added round-trip time.")
    download_kbps: float = Field(gt=0, description="Download throughput, kilobits per second.")
    upload_kbps: float = Field(gt=0, description="Upload throughput, kilobits per second.")


class ChannelConfig(_Section):
    """A user-defined channel: a built-in one with some values changed."""

    extends: str = Field(default="desktop", description="Built-in channel to start from.")
    description: str | None = None
    viewport: dict[str, int] | None = None
    device_scale_factor: float | None = None
    is_mobile: bool | None = None
    has_touch: bool | None = None
    user_agent: str | None = None
    locale: str | None = None
    color_scheme: str | None = None
    network: NetworkConfig | bool | None = Field(
        default=None, description="Network profile, or false for none."
    )
    cpu_slowdown: float | None = Field(default=None, ge=1)

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
    title: str = "Customer experience audit"
    client: str | None = None
    logo: str | None = Field(
        default=None, description="Path of an image shown in the report header."
    )


class ThresholdConfig(_Section):
    fail_under: float | None = Field(
        default=None, ge=0, le=100, description="Minimum overall score."
    )
    categories: dict[str, float] = Field(
        default_factory=dict, description="Minimum score per category."
    )
    fail_on: Literal["critical", "serious", "moderate", "minor"] | None = Field(
        default=None, description="Fail on any finding at or above this severity."
    )
    not_measured_fails: bool = Field(
        default=True, description="A check that could not measure fails a threshold."
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


class Settings(_Section):
    """Everything a run can be told; every field has a working default."""

    base_url: str | None = None
    channels: list[str] = Field(
        default_factory=lambda: ["desktop", "mobile"], description="Channels to run by default."
    )
    channel_profiles: dict[str, ChannelConfig] = Field(
        default_factory=dict, description="User-defined channels."
    )
    journeys: list[str] = Field(
        default_factory=lambda: ["journeys"], description="Where journeys are."
    )
    output_dir: str = "reports"
    workers: int = Field(default=2, ge=1, le=64)
    timeout_ms: float = Field(default=10_000, gt=0)
    executable_path: str | None = None
    headless: bool = True
    budgets: dict[str, Any] = Field(
        default_factory=dict, description="Default performance budgets."
    )
    checks: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Options per check code or slug."
    )
    disable_checks: list[str] = Field(default_factory=list)
    weights: dict[str, float] = Field(
        default_factory=dict, description="Category weights for scores."
    )
    thresholds: ThresholdConfig = Field(default_factory=ThresholdConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    accept: list[AcceptConfig] = Field(
        default_factory=list, description="Known findings muted until an expiry date."
    )

    def channel(self, name: str) -> Channel:
        if name in self.channel_profiles:
            return self.channel_profiles[name].build(name)
        if name in BUILTIN_CHANNELS:
            return BUILTIN_CHANNELS[name]
        from cxaudit.errors import UsageError

        raise UsageError(
            f"unknown channel '{name}'; known channels: {', '.join(self.known_channels())}"
        )

    def known_channels(self) -> list[str]:
        return [*BUILTIN_CHANNELS, *(n for n in self.channel_profiles if n not in BUILTIN_CHANNELS)]


#: Environment variables read, and the setting each fills.
ENV_SETTINGS = {
    "BASE_URL": "base_url",
    "CHROMIUM": "executable_path",
    "OUTPUT": "output_dir",
    "WORKERS": "workers",
    "TIMEOUT_MS": "timeout_ms",
    "CHANNELS": "channels",
}


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
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SpecError(
                [SpecIssue(str(path), 1, 1, "tool.cxaudit", f"cannot read: {exc}")]
            ) from None
        return dict(data.get("tool", {}).get("cxaudit", {})), None
    doc, issues = load_document(path.read_bytes(), str(path))
    if issues:
        raise SpecError(issues)
    data = doc.data if doc is not None else None
    if data is None:
        return {}, doc
    if not isinstance(data, dict):
        raise SpecError(
            [SpecIssue(str(path), 1, 1, "", "the config file is a mapping of settings")]
        )
    return data, doc


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for suffix, key in ENV_SETTINGS.items():
        value = environ.get(ENV_PREFIX + suffix)
        if value:
            out[key] = (
                [v.strip() for v in value.split(",") if v.strip()] if key == "channels" else value
            )
    return out


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    config_path: Path | None = None,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge the layers into one validated :class:`Settings`.

    ``overrides`` are the command line's values; ``None`` values mean "not
    given" and do not override.
    """
    cwd = cwd or Path.cwd()
    environ = os.environ if environ is None else environ
    path = config_path or find_config(cwd)
    data: dict[str, Any] = {}
    doc = None
    if path is not None:
        if not path.is_file():
            raise SpecError([SpecIssue(str(path), 1, 1, "", "no such config file")])
        data, doc = _read_file(path)
    merged = {
        **data,
        **_from_env(environ),
        **{k: v for k, v in (overrides or {}).items() if v is not None},
    }
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        from cxaudit.spec.loader import pydantic_issues

        if doc is None:
            doc = Document(file=str(path) if path else "settings", data=merged)
        raise SpecError(pydantic_issues(doc, (), exc, Settings)) from None
