"""pytest plugin: journeys as test items, options, fixtures, one report per session.

Registered with the ``pytest11`` entry point as ``cxaudit`` (turn it off with
``-p no:cxaudit``). Thin: collection, options and fixtures here; running,
checking, verdicts and reports in :mod:`cxaudit.pytest.suite`. The options
are not written here: each is declared once with its setting
(:mod:`cxaudit.project.options`), so ``--cx-timeout`` takes what
``cxaudit run --timeout`` and ``CXAUDIT_TIMEOUT_MS`` take, in the same layers.

What is collected: a ``.yaml``/``.yml`` file with a top-level ``journey:``
key that lies under a journey directory (``--cx-journeys PATH``, else the
``journeys`` setting of ``cxaudit.yaml`` / ``[tool.cxaudit]``, by default
``journeys/``), or that is named on the command line. Every other YAML file
is ignored, so config files and test data are never collected and never error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from cxaudit.project.options import Surfaced
    from cxaudit.pytest.suite import Suite
    from cxaudit.results import JourneyRun
    from cxaudit.spec.channels import Channel
    from cxaudit.spec.model import Journey

SUITE = pytest.StashKey["Suite"]()
SUITE_ERROR = pytest.StashKey[Exception]()
SESSION = pytest.StashKey[dict[str, str]]()
REPORT = pytest.StashKey[str]()
VERDICT = pytest.StashKey[tuple[str, ...]]()


def _argparse_kwargs(spec: Surfaced) -> dict[str, Any]:
    """How pytest's parser takes a declared option (:mod:`cxaudit.project.options`).

    Ranges are checked when the settings are read, with this option's name
    in the message, as for the command line and the environment.
    """
    env = f" (or {spec.env_name})" if spec.on("env") else ""
    kwargs: dict[str, Any] = {"help": spec.help_text + env, "dest": spec.pytest_dest}
    if spec.is_flag:
        kwargs.update(action="store_true", default=False)
        return kwargs
    if spec.multiple:
        kwargs.update(action="append", default=[])
    else:
        kwargs["default"] = spec.default if spec.key is None else None
    if spec.choices:
        kwargs["choices"] = list(spec.choices)
    elif spec.kind in (int, float):
        kwargs["type"] = spec.kind
    if spec.option.metavar and not spec.choices:
        kwargs["metavar"] = spec.option.metavar
    return kwargs


def _add(group: Any, spec: Surfaced) -> None:
    group.addoption(spec.pytest_flag, **_argparse_kwargs(spec))


def pytest_addoption(parser: pytest.Parser) -> None:
    from cxaudit.project.options import options_on

    group = parser.getgroup("cxaudit", "cxaudit: customer-experience journeys")
    for spec in options_on("pytest"):
        if not spec.option.shared:  # pytest-playwright's names: added once it is known absent
            _add(group, spec)


def _playwright_plugin_in_use(pluginmanager: pytest.PytestPluginManager) -> bool:
    if pluginmanager.has_plugin("playwright"):
        return True
    module = sys.modules.get("pytest_playwright.pytest_playwright")
    return module is not None and pluginmanager.is_registered(module)


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser
) -> Generator[None, None, None]:
    result = yield
    # Every plugin is registered by now (entry points, -p, initial conftests),
    # and the command line is parsed afterwards: the place to know whether
    # pytest-playwright brings --headed, --browser-channel and --tracing.
    if not _playwright_plugin_in_use(early_config.pluginmanager):
        from cxaudit.project.options import options_on

        group = parser.getgroup("cxaudit")
        for spec in options_on("pytest"):
            if spec.option.shared:
                try:
                    _add(group, spec)
                except ValueError:  # another plugin has it, with the same meaning
                    pass
    return result


def chromium_for_playwright(explicit: str | None = None) -> str | None:
    """The Chromium pytest-playwright should launch, or None to leave it to Playwright.

    The one ``cxaudit doctor`` finds: an explicit path (``executable_path``,
    ``CXAUDIT_CHROMIUM``) always; else nothing when Playwright's own Chromium
    is installed (Playwright finds it); else a system Chromium or Chrome.
    """
    from cxaudit.run.browser import browser_candidates

    candidates = browser_candidates(explicit)
    first = candidates[0]
    if first.source.startswith("--executable"):
        return first.path if first.ok else None
    if first.ok:  # Playwright's own
        return None
    return next((c.path for c in candidates if c.ok), None)


class PlaywrightLaunch:
    """Registered when pytest-playwright is in use: its ``page`` gets cxaudit's Chromium.

    Wraps pytest-playwright's session fixture ``browser_type_launch_args``
    (registered after it, so this definition wins and receives the original).
    A conftest's own ``browser_type_launch_args`` still wins over this one.
    """

    @pytest.fixture(scope="session")
    def browser_type_launch_args(
        self, browser_type_launch_args: dict[str, Any], pytestconfig: pytest.Config
    ) -> dict[str, Any]:
        args = dict(browser_type_launch_args)
        browsers = set(pytestconfig.getoption("browser", None) or ["chromium"])
        if "executable_path" in args or args.get("channel") or browsers != {"chromium"}:
            return args
        try:
            explicit = get_suite(pytestconfig).settings.executable_path
        except Exception:  # a broken config shows up at collection; not here
            explicit = None
        path = chromium_for_playwright(explicit)
        if path:
            args["executable_path"] = path
        return args


def pytest_configure(config: pytest.Config) -> None:
    if _playwright_plugin_in_use(config.pluginmanager) and not config.pluginmanager.has_plugin(
        "cxaudit-playwright-launch"
    ):
        config.pluginmanager.register(PlaywrightLaunch(), "cxaudit-playwright-launch")
    config.addinivalue_line(
        "markers",
        "cxaudit: a cxaudit journey run (marks: channel_<name>, stage_<name>, tag_<name>)",
    )
    from cxaudit.pytest.suite import new_token
    from cxaudit.run.runner import new_run_id

    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "cxaudit_run_id" in workerinput:
        session = {"run_id": workerinput["cxaudit_run_id"], "token": workerinput["cxaudit_token"]}
    else:
        session = {"run_id": new_run_id(), "token": new_token()}
    config.stash[SESSION] = session


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker writes into the controller's report, as one run."""
    session = node.config.stash[SESSION]
    node.workerinput["cxaudit_run_id"] = session["run_id"]
    node.workerinput["cxaudit_token"] = session["token"]


def option_values(config: pytest.Config) -> dict[str, Any]:
    """The declared options as this session's command line gives them, by ``dest``.

    A shared option pytest-playwright owns is read under its name too
    (``--headed``, ``--tracing``, ``--browser-channel``).
    """
    from cxaudit.project.options import options_on

    return {spec.dest: config.getoption(spec.pytest_dest, None) for spec in options_on("pytest")}


def get_suite(config: pytest.Config) -> Suite:
    """The session's :class:`Suite`, made on first use (a broken config raises here)."""
    if SUITE in config.stash:
        return config.stash[SUITE]
    if SUITE_ERROR in config.stash:
        raise config.stash[SUITE_ERROR]
    from cxaudit.errors import CxauditError
    from cxaudit.pytest.suite import Suite, SuiteOptions

    session = config.stash[SESSION]
    options = SuiteOptions.from_values(
        config.invocation_params.dir,
        option_values(config),
        run_id=session["run_id"],
        token=session["token"],
    )
    try:
        suite = Suite.from_options(options)
    except CxauditError as exc:
        config.stash[SUITE_ERROR] = exc
        raise
    config.stash[SUITE] = suite
    return suite


# ---------------------------------------------------------------------------
# Collection


def _named_paths(config: pytest.Config) -> list[Path]:
    """Files named on the command line (``path::id`` parts dropped)."""
    base = config.invocation_params.dir
    named = []
    for arg in config.args:
        path = Path(arg.split("::")[0])
        named.append((path if path.is_absolute() else base / path).resolve())
    return named


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from cxaudit.pytest.suite import collects, is_journey_file, journey_roots

    if not is_journey_file(file_path):
        return None
    config = parent.config
    try:
        roots = get_suite(config).journey_roots()
    except Exception:
        # The config is broken: still collect the journeys where they would be,
        # so the error shows up as their collection error.
        from cxaudit.pytest.suite import SuiteOptions

        options = SuiteOptions.from_values(config.invocation_params.dir, option_values(config))
        roots = journey_roots(options, ["journeys"], None)
    if not collects(file_path, roots, _named_paths(config)):
        return None
    return JourneyFile.from_parent(parent, path=file_path)


class JourneyFile(pytest.File):
    """A journey file: one item per channel it runs on."""

    def collect(self) -> Iterator[pytest.Item]:
        from cxaudit.errors import CxauditError

        try:
            suite = get_suite(self.config)
            journeys = suite.load_file(self.path)
        except CxauditError as exc:
            # The same text as `cxaudit validate`: file:line:col: path: message.
            raise self.CollectError(str(exc)) from None
        for journey in journeys:
            yield from self._items(suite, journey)

    def _items(self, suite: Suite, journey: Journey) -> Iterator[pytest.Item]:
        stages = [stage.name for stage in journey.stages]
        for _, channel in suite.pairs(journey):
            item = JourneyItem.from_parent(
                self, name=f"{journey.name}[{channel.name}]", journey=journey, channel=channel
            )
            marks = [
                "cxaudit",
                f"channel_{channel.name}",
                *(f"stage_{s}" for s in stages),
                *(f"tag_{t}" for t in journey.tags),
            ]
            for mark in marks:
                _register_marker(self.config, mark)
                item.add_marker(mark)
            yield item


def _register_marker(config: pytest.Config, name: str) -> None:
    known = {line.split(":")[0].split("(")[0].strip() for line in config.getini("markers")}
    if name not in known:
        config.addinivalue_line("markers", f"{name}: added by cxaudit")


class JourneyItem(pytest.Item):
    """One journey on one channel; fails when the journey fails or scores too low."""

    def __init__(self, *, journey: Journey, channel: Channel, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.journey = journey
        self.channel = channel
        self.cx_run: JourneyRun | None = None

    def runtest(self) -> None:
        suite = get_suite(self.config)
        self.cx_run = suite.run(self.journey, self.channel)
        suite.check(self.cx_run, where=f"{self.journey.file}:{self.journey.line}")

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        from cxaudit.errors import CxauditError
        from cxaudit.pytest.suite import JourneyFailed

        if isinstance(excinfo.value, JourneyFailed):
            return excinfo.value.text
        if isinstance(excinfo.value, CxauditError):  # no browser, a site that never answered
            return f"cxaudit: {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        # pytest counts lines from 0 here.
        return (
            self.path,
            max(self.journey.line - 1, 0),
            f"{self.journey.name} [{self.channel.name}]",
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tags = option_values(config)["tags"] or []
    if not tags:
        return
    wanted = {f"tag_{t}" for t in tags} | set(tags)  # YAML tags and Gherkin tags alike
    kept, dropped = [], []
    for item in items:
        names = {mark.name for mark in item.iter_markers()}
        cx_item = isinstance(item, JourneyItem) or _is_cx_scenario(item)
        (kept if not cx_item or names & wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _is_cx_scenario(item: pytest.Item) -> bool:
    """A pytest-bdd scenario (its Gherkin tags are its markers)."""
    return "_pytest_bdd_example" in getattr(item, "fixturenames", ())


# ---------------------------------------------------------------------------
# Readable failures everywhere: items, fixtures, BDD steps


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    from cxaudit.pytest.suite import JourneyFailed

    if call.excinfo is not None and isinstance(call.excinfo.value, JourneyFailed):
        report.longrepr = call.excinfo.value.text
    return report


# ---------------------------------------------------------------------------
# The end of the session


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    suite = config.stash.get(SUITE, None)
    workerinput = getattr(config, "workerinput", None)
    try:
        if workerinput is not None:
            if suite is not None:
                suite.write_part(workerinput.get("workerid", "worker"))
            return
        if suite is None:
            # Nothing ran here; but an xdist controller's workers may have run journeys.
            if not config.pluginmanager.has_plugin("dsession"):
                return
            suite = get_suite(config)
        result = suite.write_report()
        if result is None:
            return
        config.stash[REPORT] = str(suite.output_dir / "index.html")
        # The verdict of `cxaudit run` on the whole session: run-wide findings,
        # fail_on, fail_on_new and not-measured results count here too.
        failures = suite.session_verdict(result).failures
        config.stash[VERDICT] = failures
        if failures and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    finally:
        if suite is not None:
            suite.close()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    index = config.stash.get(REPORT, None)
    if index is None:
        return
    suite = config.stash.get(SUITE, None)
    terminalreporter.write_sep("-", "cxaudit")
    for line in suite.gate.warnings() if suite is not None else ():
        terminalreporter.write_line(f"cxaudit: warning: {line}", yellow=True)
    if suite is not None and suite.runs.runs:
        terminalreporter.write_line(f"{len(suite.runs.runs)} journey run(s) in this process")
    terminalreporter.write_line(f"report: {index}")
    for line in config.stash.get(VERDICT, ()):
        terminalreporter.write_line(f"cxaudit: threshold not met: {line}", red=True, bold=True)


# ---------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def cx_suite(pytestconfig: pytest.Config) -> Suite:
    """The session's audit: settings, the one browser, the runs for the report."""
    return get_suite(pytestconfig)


@pytest.fixture()
def cx_journey(cx_suite: Suite, request: pytest.FixtureRequest) -> Callable[..., JourneyRun]:
    """Run a journey file: ``cx_journey("journeys/checkout.yaml", channel="mobile")``.

    Returns the checked and scored run (``.status``, ``.findings``,
    ``.scores``); it goes into the session's report too. Pass
    ``check=True`` to fail the test as a journey item would.
    """

    def run(
        path: str | os.PathLike[str], channel: str | None = None, check: bool = False
    ) -> JourneyRun:
        file = Path(path)
        if not file.is_absolute():
            file = request.config.invocation_params.dir / file
        journey = cx_suite.load(file)
        pairs = cx_suite.pairs(journey)
        chosen = (
            cx_suite.channel(channel)
            if channel
            else (pairs[0][1] if pairs else cx_suite.channel(None))
        )
        result = cx_suite.run(journey, chosen)
        if check:
            cx_suite.check(result, where=f"{journey.file}:{journey.line}")
        return result

    return run


@pytest.fixture()
def cx_steps(cx_suite: Suite, request: pytest.FixtureRequest) -> Callable[..., JourneyRun]:
    """Run steps written in the journey language, as Python data::

    run = cx_steps([{"goto": "/"}, {"click": {"role": "link", "name": "Shoes"}}],
                   base_url=shop_url, channel="mobile")
    """

    calls: list[str] = []

    def run(
        steps: Sequence[Mapping[str, Any]],
        *,
        channel: str | None = None,
        base_url: str | None = None,
        stage: str = "pre-purchase",
        name: str | None = None,
        check: bool = False,
    ) -> JourneyRun:
        calls.append(stage)
        default = request.node.name + (f" #{len(calls)}" if len(calls) > 1 else "")
        journey = cx_suite.steps_journey(
            steps, name=name or default, file=str(request.node.path), stage=stage, base_url=base_url
        )
        result = cx_suite.run(journey, cx_suite.channel(channel))
        if check:
            cx_suite.check(result, where=request.node.nodeid)
        return result

    return run


@pytest.fixture()
def cx_audit_page(
    cx_suite: Suite, request: pytest.FixtureRequest
) -> Iterator[Callable[..., JourneyRun]]:
    """Audit the current page of a pytest-playwright ``page`` (or any sync Playwright page).

    ``cx_audit_page(page)`` runs the same gatherers and checks as a journey
    step and returns the test's run so far, checked and scored (``.findings``,
    ``.scores``); each call adds a step. Console errors and failed requests
    are those seen from the first call on. The run goes into the report.
    """
    from cxaudit.pytest.suite import PageAuditor

    auditor = PageAuditor(cx_suite, name=request.node.name, file=str(request.node.path))
    yield auditor.audit
    auditor.keep()
