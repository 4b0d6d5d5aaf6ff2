"""results.sarif: findings as SARIF 2.1.0, for code-scanning dashboards.

One rule per check (and per rule of a check family such as axe-core's),
one result per finding. A finding is located at the journey step where it
was found: the journey file and the step's line are what a team can open
and change, and the page URL is in the message and the properties. The
fingerprint goes to ``partialFingerprints`` so dashboards track a finding
across runs as cxaudit does.
"""

from __future__ import annotations

import json
from typing import Any

from cxaudit import __version__
from cxaudit.results import Finding, JourneyRun, RunResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"

LEVELS = {"critical": "error", "serious": "error", "moderate": "warning", "minor": "note"}
#: SARIF ``rank`` (0-100): how much a result matters, for sorting in dashboards.
RANK = {"critical": 90.0, "serious": 70.0, "moderate": 40.0, "minor": 10.0, "info": 1.0}


def _rule_id(f: Finding) -> str:
    rule = f.key.split(" ", 1)[0] if f.key else f.code
    return rule


def _rule(f: Finding) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": _rule_id(f),
        "name": f.slug,
        "shortDescription": {"text": f.title},
        "fullDescription": {"text": f.advice or f.title},
        "defaultConfiguration": {"level": LEVELS.get(f.severity, "note")},
        "properties": {"category": f.category, "tags": ["cx", f.category]},
    }
    if f.help_url.startswith(("https://", "http://")):
        rule["helpUri"] = f.help_url
    return rule


def _location(f: Finding, run: JourneyRun | None) -> dict[str, Any] | None:
    if run is None or not run.file:
        return None
    line = run.line
    if f.step is not None and f.step < len(run.steps) and run.steps[f.step].line:
        line = run.steps[f.step].line
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": run.file.replace("\\", "/"), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(1, line)},
        },
        "logicalLocations": [
            {"name": f"{f.journey} [{f.channel}]", "kind": "function"},
        ],
    }


def _url(f: Finding, run: JourneyRun | None) -> str:
    if run is None or f.step is None or f.step >= len(run.steps):
        return ""
    snapshot = run.steps[f.step].snapshot
    return snapshot.url if snapshot else ""


def render_sarif(result: RunResult) -> str:
    """The SARIF log of a run's failing findings (accepted ones as suppressed)."""
    runs = {(r.journey, r.channel): r for r in result.runs}
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for f in result.all_findings():
        if f.status != "fail":
            continue
        rule_id = _rule_id(f)
        if rule_id not in rules:
            rules[rule_id] = _rule(f)
        run = runs.get((f.journey, f.channel))
        url = _url(f, run)
        item: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": list(rules).index(rule_id),
            "level": LEVELS.get(f.severity, "note"),
            "rank": RANK.get(f.severity, 1.0),
            "message": {
                "text": f"{f.title}: {f.message}"
                + (
                    f" ({f.channel or 'all channels'}, {url})"
                    if url
                    else f" ({f.channel or 'all channels'})"
                )
            },
            "partialFingerprints": {"cxaudit/v1": f.fingerprint},
            "properties": {
                "severity": f.severity,
                "channel": f.channel,
                "journey": f.journey,
                "stage": f.stage,
                "step": None if f.step is None else f.step + 1,
                "url": url,
                "points": f.points.get("overall", 0.0),
            },
        }
        location = _location(f, run)
        if location:
            item["locations"] = [location]
        if f.accepted:
            item["suppressions"] = [
                {
                    "kind": "external",
                    "justification": f"{f.accepted['reason']} (until {f.accepted['expires']})",
                }
            ]
        results.append(item)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cxaudit",
                        "version": result.tool_version or __version__,
                        "rules": list(rules.values()),
                    }
                },
                "automationDetails": {"id": f"cxaudit/{result.run_id}"},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=1, ensure_ascii=False) + "\n"
