"""The command line's options, made from their one declaration (:mod:`cxaudit.project.options`).

``@options("run", "gate")`` puts on a command every option of those groups
that the command line offers: the settings' (``--timeout``, ``--fail-under``...,
with the ranges of their fields) and the commands' own (``--output``,
``--baseline``...). A setting's option has no default here, so a value not
given leaves the config file's and the environment's; a command reads the
settings with :func:`settings_from`, and the verdict with :func:`gate_from`,
which prints what the user should know about it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cxaudit.project.options import Group, Surfaced, options_on, overrides_from

if TYPE_CHECKING:
    from cxaudit.project.config import Settings
    from cxaudit.results import RunResult
    from cxaudit.run.pipeline import Gate


def _click_type(spec: Surfaced) -> Any:
    if spec.choices:
        return click.Choice(spec.choices)
    bounds = {
        "min": spec.minimum,
        "max": spec.maximum,
        "min_open": spec.min_open,
        "max_open": spec.max_open,
    }
    if spec.kind is int:
        return (
            click.IntRange(**bounds)
            if spec.minimum is not None or spec.maximum is not None
            else int
        )
    if spec.kind is float:
        return click.FloatRange(**bounds)
    return None


def click_option(spec: Surfaced) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """One declared option as a click option."""
    names = [spec.cli_flag, *([spec.option.short] if spec.option.short else []), spec.dest]
    env = f" (or {spec.env_name})" if spec.on("env") else ""
    kwargs: dict[str, Any] = {"help": spec.help_text + env}
    if spec.is_flag:
        kwargs["is_flag"] = True
    else:
        kwargs["type"] = _click_type(spec)
        kwargs["multiple"] = spec.multiple
        if spec.option.metavar and not spec.choices:
            kwargs["metavar"] = spec.option.metavar
        if spec.key is None and spec.default is not None:
            kwargs["default"] = spec.default  # a setting's default is the settings' to give
    return click.option(*names, **kwargs)


def options(*groups: Group) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Every command-line option of ``groups``, in declaration order."""
    chosen = options_on("cli", *groups)

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        for spec in reversed(chosen):
            fn = click_option(spec)(fn)
        return fn

    return wrap


def config_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--config FILE`` of a command that reads the settings for its own ends."""
    return click.option(
        "--config", "-c", metavar="FILE", type=click.Path(dir_okay=False), help=help
    )


def settings_from(values: Mapping[str, Any], config: str | None = None) -> Settings:
    """The settings: defaults < config file < CXAUDIT_* < the options in ``values``."""
    from cxaudit.project.config import load_settings

    return load_settings(
        overrides_from(values, "cli"),
        surface="cli",
        config_path=Path(config) if config else None,
    )


def gate_from(settings: Settings, values: Mapping[str, Any]) -> Gate:
    """The verdict's inputs (see :func:`cxaudit.run.pipeline.gate_from`), warning about
    accept entries that expired."""
    from cxaudit.run import pipeline

    gate = pipeline.gate_from(
        settings,
        cwd=Path.cwd(),
        baseline=values.get("baseline"),
        fail_on_new=bool(values.get("fail_on_new")),
    )
    for line in gate.warnings():
        click.echo(f"cxaudit: warning: {line}", err=True)
    return gate


def verdict(result: RunResult, gate: Gate) -> int:
    """Print why the thresholds failed, if they did, and return the exit code."""
    from cxaudit.ci.thresholds import exit_code

    judged = gate.verdict(result)
    for line in judged.failures:
        click.echo(f"threshold not met: {line}", err=True)
    return exit_code(result, judged)
