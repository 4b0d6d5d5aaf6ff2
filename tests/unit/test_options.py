"""Options declared once: every surface offers what the declaration names, with one meaning.

The command line's options are parsed by click, pytest's by pytest's own
parser with the plugin's options added, the environment by the settings
loader; each surface's values then go through the same ``load_settings``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from _pytest.config.argparsing import Parser
from click.testing import CliRunner

from cxaudit.cli.main import main
from cxaudit.cli.options import options
from cxaudit.errors import UsageError
from cxaudit.project.config import Settings, load_settings
from cxaudit.project.options import (
    Option,
    Surface,
    Surfaced,
    all_options,
    options_on,
    overrides_from,
    setting_options,
)
from cxaudit.pytest import plugin

#: Addresses the settings accept (each says its scheme).
TEXT = {
    "base_url": "http://shop.example:8080",
    "connect": "ws://127.0.0.1:9/browser",
    "cdp": "http://127.0.0.1:9222",
    "executable_path": "/opt/chromium/chrome",
    "mail.mailpit.url": "http://127.0.0.1:8025",
    "report.title": "Quarterly audit",
    "report.client": "Northwind",
    "output_dir": "elsewhere",
}
#: The environment variables of earlier releases: CI files name them, so they stay.
EARLIER_VARIABLES = {
    "CXAUDIT_BASE_URL": "base_url",
    "CXAUDIT_CHROMIUM": "executable_path",
    "CXAUDIT_OUTPUT": "output_dir",
    "CXAUDIT_WORKERS": "workers",
    "CXAUDIT_TIMEOUT_MS": "timeout_ms",
    "CXAUDIT_PAGE_TIMEOUT_MS": "page_timeout_ms",
    "CXAUDIT_CHANNELS": "channels",
    "CXAUDIT_HEADLESS": "headless",
    "CXAUDIT_CONNECT": "connect",
    "CXAUDIT_CDP": "cdp",
    "CXAUDIT_FAIL_UNDER": "thresholds.fail_under",
    "CXAUDIT_SCREENSHOT_FORMAT": "screenshots.format",
    "CXAUDIT_REPORT_TITLE": "report.title",
    "CXAUDIT_REPORT_CLIENT": "report.client",
    "CXAUDIT_RETRIES": "retries",
    "CXAUDIT_BLOCK_THIRD_PARTY": "third_party.block",
    "CXAUDIT_MAILPIT": "mail.mailpit.url",
}


def sample(spec: Surfaced) -> Any:
    """A value of the setting that is not its default and that its field accepts."""
    if spec.is_flag:
        return spec.flag_value
    if spec.multiple:
        return ["tablet", "desktop"]
    if spec.choices:
        return next(c for c in reversed(spec.choices) if c != spec.default)
    if spec.kind in (int, float):
        low = spec.minimum or 0
        value = low + 1 if spec.default != low + 1 else low + 2
        return spec.kind(value)
    return TEXT[spec.key or ""]


def as_text(spec: Surfaced, value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",".join(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def as_args(spec: Surfaced, value: Any, flag: str) -> list[str]:
    if spec.is_flag:
        return [flag]
    if isinstance(value, list):
        return [a for v in value for a in (flag, v)]
    return [flag, as_text(spec, value)]


def value_at(settings: Settings, key: str) -> Any:
    value: Any = settings
    for part in key.split("."):
        value = getattr(value, part, None)  # an optional section not set: None
    return value


def cli_values(args: list[str]) -> dict[str, Any]:
    """What click makes of ``args`` with every option of ``cxaudit run``."""
    seen: dict[str, Any] = {}

    @click.command()
    @options("site", "run", "gate")
    def probe(**values: Any) -> None:
        seen.update(values)

    outcome = CliRunner().invoke(probe, args, catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    return seen


def pytest_values(args: list[str]) -> dict[str, Any]:
    """What pytest's parser makes of ``args`` with the plugin's options (shared ones too)."""
    parser = Parser(_ispytest=True)
    plugin.pytest_addoption(parser)
    group = parser.getgroup("cxaudit")
    for spec in options_on("pytest"):
        if spec.option.shared:
            plugin._add(group, spec)
    namespace = parser.parse(args)
    return {spec.dest: getattr(namespace, spec.pytest_dest) for spec in options_on("pytest")}


def on(surface: Surface) -> list[Surfaced]:
    return [s for s in setting_options() if s.on(surface)]


def test_every_marked_field_is_found() -> None:
    """The derivation walks the sections: each Option in the model's metadata is a setting option."""

    def markers(model: type[Any], prefix: str) -> set[str]:
        found = set()
        for name, info in model.model_fields.items():
            for item in info.metadata:
                if isinstance(item, Option):
                    found.add(".".join(filter(None, (prefix, name, *item.at))))
            inner = info.annotation
            if isinstance(inner, type) and hasattr(inner, "model_fields"):
                found |= markers(inner, f"{prefix}.{name}" if prefix else name)
        return found

    assert {s.key for s in setting_options()} == markers(Settings, "")
    assert set(EARLIER_VARIABLES.values()) <= {s.key for s in setting_options()}


def test_names_are_unique_on_every_surface() -> None:
    specs = all_options()
    for surface in ("cli", "pytest", "env"):
        names = [s.name(surface) for s in specs if s.on(surface)]
        assert len(names) == len(set(names)), surface
    assert len({s.dest for s in specs}) == len(specs)


def test_the_variables_of_earlier_releases_still_fill_their_settings() -> None:
    assert {s.env_name: s.key for s in on("env")}.items() >= EARLIER_VARIABLES.items()


def test_every_command_line_option_is_on_its_commands() -> None:
    commands = main.commands
    for spec in options_on("cli"):
        group = spec.option.group
        names = ["run"] + (["demo"] if group != "site" else [])
        names += ["report", "merge"] if group == "gate" else []
        for name in names:
            flags = {o for p in commands[name].params for o in getattr(p, "opts", ())}
            assert spec.cli_flag in flags, (name, spec.cli_flag)


def test_every_pytest_option_is_added() -> None:
    parser = Parser(_ispytest=True)
    plugin.pytest_addoption(parser)
    added = {name for o in parser.getgroup("cxaudit").options for name in o.names()}
    for spec in options_on("pytest"):
        # pytest-playwright's names are added later, only when it is not installed.
        assert (spec.pytest_flag in added) is not spec.option.shared, spec.pytest_flag


@pytest.mark.parametrize("spec", on("env"), ids=lambda s: s.env_name)
def test_a_variable_fills_its_setting(spec: Surfaced, tmp_path: Path) -> None:
    value = sample(spec)
    expected = value if not spec.is_flag else spec.flag_value
    settings = load_settings(cwd=tmp_path, environ={spec.env_name: as_text(spec, value)})
    assert value_at(settings, spec.key or "") == expected
    assert value_at(Settings(), spec.key or "") != expected


@pytest.mark.parametrize("surface", ["cli", "pytest"])
def test_options_and_the_environment_give_the_same_settings(
    surface: Surface, tmp_path: Path
) -> None:
    specs = [s for s in on(surface) if s.on("env")]
    assert len(specs) >= 10
    environ = {s.env_name: as_text(s, sample(s)) for s in specs}
    args = [a for s in specs for a in as_args(s, sample(s), s.name(surface))]
    values = cli_values(args) if surface == "cli" else pytest_values(args)
    from_options = load_settings(
        overrides_from(values, surface), surface=surface, cwd=tmp_path, environ={}
    )
    from_env = load_settings(cwd=tmp_path, environ=environ)
    assert from_options == from_env
    assert from_options != Settings()


def test_pytest_and_the_command_line_give_the_same_settings(tmp_path: Path) -> None:
    specs = [s for s in on("cli") if s.on("pytest")]
    cli = cli_values([a for s in specs for a in as_args(s, sample(s), s.cli_flag)])
    pt = pytest_values([a for s in specs for a in as_args(s, sample(s), s.pytest_flag)])
    assert overrides_from(cli, "cli") == overrides_from(pt, "pytest") != {}


def test_options_not_given_override_nothing() -> None:
    assert overrides_from(cli_values([]), "cli") == {}
    assert overrides_from(pytest_values([]), "pytest") == {}


def test_precedence_defaults_file_environment_options(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text(
        "timeout_ms: 2000\nretries: 2\nthresholds: {fail_under: 50, fail_on: minor}\n"
        "third_party: {block: true}\n",
        encoding="utf-8",
    )
    env = {"CXAUDIT_TIMEOUT_MS": "3000", "CXAUDIT_FAIL_UNDER": "60"}

    def layers(args: list[str], environ: dict[str, str]) -> Settings:
        values = cli_values(args)
        return load_settings(overrides_from(values, "cli"), cwd=tmp_path, environ=environ)

    assert Settings().timeout_ms == 10_000
    from_file = layers([], {})
    assert (from_file.timeout_ms, from_file.retries, from_file.thresholds.fail_under) == (
        2000,
        2,
        50,
    )
    from_env = layers([], env)
    assert (from_env.timeout_ms, from_env.retries, from_env.thresholds.fail_under) == (
        3000,
        2,
        60,
    )
    assert from_env.thresholds.fail_on == "minor"  # sections merge key by key
    given = layers(["--timeout", "4000", "--fail-under", "70", "--retries", "0"], env)
    assert (given.timeout_ms, given.retries, given.thresholds.fail_under) == (4000, 0, 70)
    assert given.third_party.block  # a flag not given leaves the file's true
    pytest_given = load_settings(
        overrides_from(pytest_values(["--cx-timeout=5000"]), "pytest"),
        surface="pytest",
        cwd=tmp_path,
        environ=env,
    )
    assert pytest_given.timeout_ms == 5000 and pytest_given.thresholds.fail_under == 60


@pytest.mark.parametrize(
    ("surface", "overrides", "environ", "named"),
    [
        ("pytest", {"thresholds": {"fail_under": 150}}, {}, "--cx-fail-under: "),
        ("cli", {"thresholds": {"fail_under": -1}}, {}, "--fail-under: "),
        ("cli", {}, {"CXAUDIT_FAIL_UNDER": "101"}, "CXAUDIT_FAIL_UNDER: "),
        ("pytest", {"timeout_ms": 50}, {}, "--cx-timeout: "),
        ("cli", {}, {"CXAUDIT_TIMEOUT_MS": "0"}, "CXAUDIT_TIMEOUT_MS: "),
        ("pytest", {"retries": 11}, {}, "--cx-retries: "),
    ],
)
def test_a_value_out_of_range_is_named_as_its_surface_spells_it(
    surface: Surface,
    overrides: dict[str, Any],
    environ: dict[str, str],
    named: str,
    tmp_path: Path,
) -> None:
    with pytest.raises(UsageError, match=f"^{named}"):
        load_settings(overrides, surface=surface, cwd=tmp_path, environ=environ)


def test_the_command_line_checks_the_fields_range() -> None:
    for args in (["--fail-under", "101"], ["--timeout", "99"], ["--retries", "11"]):

        @click.command()
        @options("run", "gate")
        def probe(**values: Any) -> None:
            raise AssertionError("not reached")

        outcome = CliRunner().invoke(probe, args)
        assert outcome.exit_code == 2 and f"Invalid value for '{args[0]}'" in outcome.output


def test_a_config_timeout_under_the_minimum_is_refused(tmp_path: Path) -> None:
    from cxaudit.errors import SpecError

    (tmp_path / "cxaudit.yaml").write_text("timeout_ms: 20\n", encoding="utf-8")
    with pytest.raises(SpecError, match="timeout_ms: must be at least 100, got 20"):
        load_settings(cwd=tmp_path, environ={})
