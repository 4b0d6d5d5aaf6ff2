"""Small builders of recorded-looking data for check tests: pages, steps, runs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cxaudit.analysis.analyse import analyse
from cxaudit.checks.base import REGISTRY, JourneySubject, Result, StepSubject, all_checks
from cxaudit.checks.values import parse_number
from cxaudit.results import (
    Capture,
    ChannelInfo,
    FormInfo,
    Heading,
    JourneyRun,
    LinkMention,
    PageContent,
    PriceMention,
    RunResult,
    Snapshot,
    StepResult,
    Timing,
)

RESULTS = Path(__file__).resolve().parents[2] / "data" / "results"
DESKTOP = ChannelInfo(name="desktop", viewport={"width": 1366, "height": 768})
MOBILE = ChannelInfo(
    name="mobile",
    is_mobile=True,
    network={"latency_ms": 150, "download_kbps": 1600, "upload_kbps": 750},
    cpu_slowdown=4,
)


def recorded(name: str) -> RunResult:
    """A raw run recorded by tests/data/results/record.py."""
    return RunResult.model_validate(json.loads((RESULTS / name).read_text(encoding="utf-8")))


def analysed(name: str) -> RunResult:
    return analyse(recorded(name))


def price(label: str, text: str, row: int | None = None, struck: bool = False) -> PriceMention:
    return PriceMention(text=text, value=parse_number(text), label=label, row=row, struck=struck)


def page(
    path: str = "/",
    *,
    text: str = "",
    prices: Iterable[PriceMention] = (),
    links: Iterable[tuple[str, str, str]] = (),
    forms: Iterable[FormInfo] = (),
    headings: Iterable[str] = (),
    ctas: Iterable[str] = (),
    insecure: Iterable[str] = (),
    lang: str = "en",
    origin: str = "http://127.0.0.1:8765",
    title: str = "",
    main_text: str | None = None,
    timing: Timing | None = None,
) -> Snapshot:
    """An audited snapshot; ``links`` are (kind, text, href)."""
    return Snapshot(
        url=origin + path,
        title=title,
        visible_text=text,
        audited=True,
        timing=timing,
        content=PageContent(
            lang=lang,
            headings=[Heading(level=1, text=h) for h in headings],
            ctas=list(ctas),
            prices=list(prices),
            links=[LinkMention(kind=k, text=t, href=h) for k, t, h in links],
            forms=list(forms),
            main_text=text if main_text is None else main_text,
            insecure=list(insecure),
        ),
    )


def step(
    index: int,
    snapshot: Snapshot | None = None,
    *,
    stage: str = "purchase",
    action: str = "click",
    name: str | None = None,
    captures: Sequence[tuple[str, str]] = (),
    duration_ms: float = 100.0,
    status: str = "passed",
    overrides: dict[str, Any] | None = None,
) -> StepResult:
    return StepResult(
        index=index,
        stage=stage,
        action=action,
        name=name or f"{action} {index + 1}",
        status=status,  # type: ignore[arg-type]
        duration_ms=duration_ms,
        snapshot=snapshot,
        captures=[Capture(name=n, text=t, number=parse_number(t)) for n, t in captures],
        overrides=overrides or {},
    )


def run(
    steps: Sequence[StepResult],
    *,
    channel: str = "desktop",
    journey: str = "Journey",
    rules: dict[str, Any] | None = None,
    **extra: Any,
) -> JourneyRun:
    stages = list(dict.fromkeys(s.stage for s in steps))
    return JourneyRun(
        journey=journey,
        file="journeys/j.yaml",
        channel=channel,
        status="passed",
        stages=stages,
        rules=rules or {},
        steps=list(steps),
        **extra,
    )


def result_of(*runs: JourneyRun) -> RunResult:
    return RunResult(
        run_id="test",
        started_at="2026-01-01T00:00:00+00:00",
        channels=[DESKTOP, MOBILE],
        runs=list(runs),
    )


def check(code: str) -> Any:
    all_checks()
    return REGISTRY[code]


def evaluate(code: str, subject: Any, **options: Any) -> list[Result]:
    """Run one check on a subject: a RunResult (run scope), a JourneyRun, or (run, step index)."""
    chk = check(code)
    opts = chk.Options.model_validate(options)
    if chk.scope == "run":
        return list(chk.evaluate(subject, opts))
    if chk.scope == "journey":
        channel = MOBILE if subject.channel == "mobile" else DESKTOP
        return list(chk.evaluate(JourneySubject(run=subject, channel=channel), opts))
    journey_run, index = subject
    channel = MOBILE if journey_run.channel == "mobile" else DESKTOP
    return list(
        chk.evaluate(
            StepSubject(run=journey_run, step=journey_run.steps[index], channel=channel), opts
        )
    )


def statuses(results: Iterable[Result]) -> list[str]:
    return [r.status.value for r in results]
