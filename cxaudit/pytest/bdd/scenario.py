"""One Gherkin scenario as a journey run: its channel, stage and page, step by step.

The phrases of :mod:`cxaudit.pytest.bdd.phrases` call into a :class:`Scenario`.
Action phrases become journey steps (validated by the journey loader, run by
the runner's own step code); check phrases read the same snapshots and ask
the same checks as a journey. At the end the scenario is one
:class:`~cxaudit.results.JourneyRun` in the session's report.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cxaudit.checks.values import normalise_text
from cxaudit.errors import CxauditError
from cxaudit.pytest.bdd.phrases import Phrase
from cxaudit.pytest.live import LiveJourney, analyse_one
from cxaudit.pytest.suite import JourneyFailed, Suite, failing_findings
from cxaudit.results import JourneyRun, StepResult
from cxaudit.run.actions import StepFailed, substitute
from cxaudit.spec.model import CANONICAL_STAGES, Step


@dataclass(frozen=True)
class GherkinStep:
    """Where the scenario is: the Gherkin step being run."""

    keyword: str
    text: str
    line: int


class Scenario:
    """The state of one scenario; see the module docstring."""

    def __init__(
        self,
        suite: Suite,
        *,
        name: str,
        file: str,
        line: int,
        tags: Sequence[str] = (),
        actions: Mapping[str, list[Any]],
    ) -> None:
        self.suite = suite
        self.name = name
        self.file = file
        self.line = line
        self.actions = actions
        self.channel_name: str | None = None
        self.base_url: str | None = None
        self.stage = next((t for t in tags if t in CANONICAL_STAGES), CANONICAL_STAGES[0])
        self.journey: LiveJourney | None = None
        self.step = GherkinStep("", "", line)
        self.failure = ""
        self.must_match: list[str] = []

    # -- where and when ---------------------------------------------------------

    def at(self, keyword: str, text: str, line: int) -> None:
        self.step = GherkinStep(keyword.strip(), text, line)

    def _where(self) -> str:
        return f"{self.file}:{self.step.line}"

    def fail(self, message: str, details: Sequence[str] = ()) -> None:
        """Fail the scenario at the current step, readably (no traceback)."""
        channel = self.journey.channel.name if self.journey else (self.channel_name or "")
        head = f"{self.step.keyword} {self.step.text}".strip()
        self.failure = f"{head}: {message}"
        lines = [f"{self._where()}: {head} [{channel}]", f"  {message}", *details]
        raise JourneyFailed("\n".join(lines))

    def use_channel(self, name: str) -> None:
        if self.journey is not None:
            self.fail("say the channel before the first step that opens a page")
        try:
            self.suite.channel(name)
        except CxauditError as exc:
            self.fail(str(exc))
        self.channel_name = name

    def use_base_url(self, url: str) -> None:
        if self.journey is not None:
            self.fail("say where the shop is before the first step that opens a page")
        self.base_url = url

    def use_stage(self, stage: str) -> None:
        self.stage = stage

    def _live(self) -> LiveJourney:
        if self.journey is None:
            channel = self.suite.channel(self.channel_name)
            self.journey = self.suite.open(
                self.name, self.file, self.line, channel, self.base_url or ""
            )
        return self.journey

    # -- doing ------------------------------------------------------------------

    def run_phrase(self, phrase: Phrase, params: Mapping[str, Any]) -> None:
        if phrase.check is not None:
            phrase.check(self, **params)
            return
        assert phrase.action is not None
        self.run_actions(phrase.action, params)

    def run_actions(self, key: str, params: Mapping[str, Any]) -> list[StepResult]:
        """Run the journey steps of ``actions[key]`` with ``params`` filled in."""
        if key not in self.actions:
            self.fail(f"no actions for {key!r}: add them to cx_phrase_actions")
        live = self._live()
        try:
            steps = substitute(
                self.actions[key], {**live.variables, **params}, dict(os.environ), live.secrets
            )
            journey = self.suite.steps_journey(
                steps, name=self.name, file=self.file, stage=self.stage
            )
        except (StepFailed, CxauditError) as exc:
            self.fail(f"the actions for {key!r} are not valid: {exc}")
        done = []
        head = f"{self.step.keyword} {self.step.text}".strip()
        for step in journey.steps:
            placed = _placed(
                step, self.step.line, head if len(journey.steps) == 1 else f"{head} ({step.name})"
            )
            result = live.do(placed, self.stage)
            done.append(result)
            if result.status in ("failed", "error"):
                shot = result.snapshot.screenshot if result.snapshot else None
                details = [f"  step: {step.name}"]
                if shot:
                    details.append(f"  screenshot: {self.suite.output_dir / shot}")
                self.fail(result.message, details)
        return done

    # -- checking ---------------------------------------------------------------

    def _checked(self) -> JourneyRun:
        live = self._live()
        return analyse_one(live.result(), live.channel, self.suite.analysis)

    def assert_accessible(self, severities: Sequence[str]) -> None:
        live = self._live()
        audited = live.audit_now()
        if audited is None:
            self.fail("no page yet: open one first")
        assert audited is not None
        run = self._checked()
        issues = [
            f
            for f in run.findings
            if f.category == "accessibility"
            and f.status == "fail"
            and f.severity in severities
            and (f.step == audited.index or audited.index in f.seen_on_steps)
        ]
        if issues:
            url = audited.snapshot.url if audited.snapshot else ""
            details = []
            for f in issues:
                details.append(f"  {f.code} {f.severity}: {f.title}")
                for ev in f.evidence[:3]:
                    if ev.selector:
                        details.append(f"      at {ev.selector}")
            self.fail(f"{len(issues)} serious accessibility issue(s) on {url}", details)

    def assert_price_matches(self) -> None:
        live = self._live()
        before = [c for s in live.steps for c in s.captures if c.name == "price"]
        if not before:
            self.fail("no product page price to compare with: open the product first")
        product = before[-1]
        if "price" not in self.must_match:
            self.must_match.append("price")
            messages = live.rules.messages.model_copy(update={"must_match": list(self.must_match)})
            live.rules = live.rules.model_copy(update={"messages": messages})
        done = self.run_actions("current_price", {})
        now = next(c for s in reversed(done) for c in s.captures if c.name == "price")
        same = (
            abs(now.number - product.number) < 0.005
            if now.number is not None and product.number is not None
            else normalise_text(now.text) == normalise_text(product.text)
        )
        if not same:
            url = done[-1].snapshot.url if done[-1].snapshot else ""
            self.fail(
                f"the price here is {now.text}, the product page said {product.text}",
                [f"  page: {url}"],
            )

    def assert_responds_within(self, ms: int) -> None:
        live = self._live()
        shown = next(
            (
                s
                for s in reversed(live.steps)
                if s.snapshot and s.snapshot.timing and s.snapshot.timing.navigated
            ),
            None,
        )
        timing = shown.snapshot.timing if shown and shown.snapshot else None
        if shown is None or timing is None or timing.ttfb_ms is None:
            self.fail("no page load measured yet: open a page first")
        assert shown is not None and timing is not None and timing.ttfb_ms is not None
        if timing.ttfb_ms > ms:
            url = shown.snapshot.url if shown.snapshot else ""
            self.fail(
                f"the page answered in {timing.ttfb_ms:.0f} ms (time to first byte), over {ms} ms",
                [f"  page: {url}"],
            )

    def assert_stage_score(self, stage: str, minimum: float) -> None:
        self._live().audit_now()
        run = self._checked()
        stages = run.scores.stages
        if stage not in stages:
            self.fail(
                f"no step of this scenario is in the {stage} stage (stages: {', '.join(stages)})"
            )
        score = stages[stage].overall
        if score is None or score < minimum:
            shown = "not measured" if score is None else f"{score:g}"
            categories = ", ".join(f"{k} {v:g}" for k, v in stages[stage].categories.items())
            details = [f"  categories: {categories}"] if categories else []
            details += [
                f"  {f.code} {f.severity}: {f.title}"
                for f in failing_findings(run)
                if f.stage == stage
            ]
            self.fail(f"the {stage} stage scores {shown}, under {minimum:g}", details)

    # -- the end ----------------------------------------------------------------

    def judge(self) -> None:
        """End a scenario whose steps all passed as a journey item ends: the thresholds
        (``--cx-fail-under``, ``--cx-fail-on``, ``accept:``...) on its run, by the
        suite's one gate; :class:`JourneyFailed` says why it fails."""
        run = self.finish()
        if run is not None:
            self.suite.check(run, where=f"{self.file}:{self.line}")

    def finish(self, failed: str = "") -> JourneyRun | None:
        """Close the page and keep the run for the report (``None`` when nothing ran)."""
        if self.journey is None:
            return None
        live, self.journey = self.journey, None
        return self.suite.keep(live, failed or self.failure)


def _placed(step: Step, line: int, name: str) -> Step:
    """A step of the phrase's actions, placed at the Gherkin step's line."""
    return replace(step, line=line, column=1, name=name[:120])


def feature_path(filename: str, rootdir: Path) -> str:
    """A feature file's path as reports show it: relative to the project when inside it."""
    try:
        return str(Path(filename).resolve().relative_to(rootdir.resolve()))
    except ValueError:
        return filename
