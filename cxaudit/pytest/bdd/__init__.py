"""cxaudit's pytest-bdd step library, in plain customer-experience language.

Load it in your root ``conftest.py`` (or a test module)::

    pytest_plugins = ["cxaudit.pytest.bdd"]

and write scenarios such as ``When they search for "trail"`` and
``Then the page has no serious accessibility issues``. Every phrase is listed
in docs/bdd.md, generated from :data:`cxaudit.pytest.bdd.phrases.PHRASES`. A
scenario runs in the session's one browser as one journey run, and lands in
the same report as the YAML journeys.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_bdd import parsers, step

from cxaudit.pytest.bdd.phrases import PHRASES, Phrase, phrase_actions
from cxaudit.pytest.bdd.scenario import Scenario, feature_path
from cxaudit.pytest.suite import Suite
from cxaudit.spec.model import CANONICAL_STAGES

_SCENARIO = pytest.StashKey[dict[str, Any]]()
_CURRENT = pytest.StashKey[Scenario]()


@pytest.fixture()
def cx_phrase_actions() -> dict[str, list[Any]]:
    """The journey steps behind each action phrase (``actions.yaml``).

    Override it in your conftest.py for a site whose controls are named
    differently::

        @pytest.fixture
        def cx_phrase_actions(cx_phrase_actions):
            return {**cx_phrase_actions,
                    "search": [{"fill": {"placeholder": "Find", "value": "${text}"}},
                               {"press": "Enter"}]}
    """
    return phrase_actions()


@pytest.fixture()
def cx(
    cx_suite: Suite, cx_phrase_actions: dict[str, list[Any]], request: pytest.FixtureRequest
) -> Iterator[Scenario]:
    """The running scenario: channel, stage, page; one journey run in the report."""
    info = request.node.stash.get(_SCENARIO, None) or {
        "name": request.node.name,
        "file": str(request.node.path),
        "line": 1,
        "tags": (),
        "step": ("", "", 1),
    }
    scenario = Scenario(
        cx_suite,
        name=info["name"],
        file=info["file"],
        line=info["line"],
        tags=info["tags"],
        actions=cx_phrase_actions,
    )
    scenario.at(*info["step"])
    request.node.stash[_CURRENT] = scenario
    failed = ""
    try:
        yield scenario
    finally:
        report = request.node.stash.get(_FAILED, "")
        failed = scenario.failure or report
        scenario.finish(failed)


_FAILED = pytest.StashKey[str]()


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    tags = tuple(sorted(set(scenario.tags) | set(feature.tags)))
    request.node.stash[_SCENARIO] = {
        "name": scenario.name,
        "file": feature_path(feature.filename, request.config.rootpath),
        "line": scenario.line_number,
        "tags": tags,
        "step": ("", "", scenario.line_number),
    }


def pytest_bdd_before_step(request: pytest.FixtureRequest, step: Any) -> None:
    where = (step.keyword, step.name, step.line_number)
    info = request.node.stash.get(_SCENARIO, None)
    if info is not None:
        info["step"] = where
    current = request.node.stash.get(_CURRENT, None)
    if current is not None:
        current.at(*where)


def pytest_bdd_step_error(request: pytest.FixtureRequest, step: Any, exception: Exception) -> None:
    text = (
        str(exception).strip().splitlines()[0]
        if str(exception).strip()
        else type(exception).__name__
    )
    request.node.stash[_FAILED] = f"{step.keyword} {step.name}: {text}"


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    """A scenario whose steps passed is judged as a journey item is (the same gate)."""
    if sys.exc_info()[1] is not None or request.node.stash.get(_FAILED, ""):
        return  # a step failed: that is the scenario's failure (the run is kept at teardown)
    current = request.node.stash.get(_CURRENT, None)
    if current is not None and not current.failure:
        current.judge()


def _step_function(phrase: Phrase) -> Callable[..., None]:
    """A pytest-bdd step function taking ``cx`` and the phrase's parameters."""

    def run(cx: Scenario, **params: Any) -> None:
        __tracebackhide__ = True
        cx.run_phrase(phrase, params)

    names = ["cx", *phrase.params]
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
    )
    run.__doc__ = phrase.doc
    return run


# The step definitions are fixtures of this module (pytest-bdd's way), made
# from the registry so the steps, the docs and the data never disagree.
for _phrase in PHRASES:
    _fn = _step_function(_phrase)
    for _kind in _phrase.kinds:
        step(parsers.parse(_phrase.text), _kind)(_fn)  # type: ignore[arg-type]
del _phrase, _fn, _kind


def pytest_configure(config: pytest.Config) -> None:
    # The canonical stages are also the tags that set a scenario's first stage.
    for stage in CANONICAL_STAGES:
        config.addinivalue_line("markers", f"{stage}: scenarios of the {stage} stage (cxaudit)")
