"""The checks reference (docs/checks.md), written from the registry.

A check is documented once, on its class: code, slug, titles, weight,
scope, inputs, options and docstring. This module renders that as Markdown
(``cxaudit list-checks --format markdown``) and as plain data (``--format
json``); a test keeps the committed docs/checks.md equal to the rendering.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from cxaudit.checks.base import CATEGORIES, Check

REGENERATE = "cxaudit list-checks --format markdown > docs/checks.md"
ACT_RULE_URL = "https://www.w3.org/WAI/standards-guidelines/act/rules/{rule}/"

INTRO = """\
Every check cxaudit runs, generated from the check registry: do not edit by
hand, run `{regenerate}` instead.

A check gives each subject it looks at (a step, a journey run, or the whole
run) a status: **pass**, **fail**, **not applicable**, **informative** or
**error** (not measured: its input is missing). Pass and fail results count
in the scores with the check's weight (a result may carry its own, such as an
axe rule's impact); the others weigh nothing. Codes are permanent: a code is
never reused for another check.

Set a check's options in `cxaudit.yaml` under `checks`, by code or slug,
switch checks off with `disable_checks`, and switch a check or one of its
rules off for one journey step with `audit: {{disable: [...]}}`:

```yaml
checks:
  tap-target-size: {{touch_min_px: 48}}
disable_checks: [CX-USE-013]
accessibility:
  standard: wcag22aa        # {standards}, or all
  best_practices: true
  disabled_rules: [region]
  exclude: ["#chat-widget"]
```
"""


def _anchor(check: Check) -> str:
    return check.code.lower()


def _default(value: Any) -> str:
    return f"`{json.dumps(value)}`"


def check_data(check: Check) -> dict[str, Any]:
    """One check as plain data (``list-checks --format json``)."""
    options = []
    for name, info in check.Options.model_fields.items():
        options.append(
            {
                "name": name,
                "default": check.option_defaults().get(name),
                "description": info.description or "",
            }
        )
    return {
        "code": check.code,
        "slug": check.slug,
        "title": check.title,
        "failure_title": check.failure_title,
        "category": check.category,
        "weight": check.weight,
        "severity": check.severity,
        "scope": check.scope,
        "requires": list(check.requires),
        "options": options,
        "help_url": check.help_url,
        "advice": check.advice,
        "doc": check.doc(),
        "act_rules": list(check.act_rules),
    }


def check_markdown(check: Check) -> str:
    """The reference section of one check."""
    data = check_data(check)
    lines = [
        f'<a id="{_anchor(check)}"></a>',
        "",
        f"### {check.code} `{check.slug}`: {check.title}",
        "",
        f"When it fails: *{check.failure_title}*",
        "",
        f"- category **{check.category}**, weight **{check.weight:g}**, "
        f"severity **{check.severity}**, looks at one **{check.scope}**",
    ]
    if check.requires:
        needs = ", ".join(f"`{r}`" for r in check.requires)
        lines.append(f"- reads the snapshot's {needs}")
    if check.help_url:
        lines.append(f"- more: <{check.help_url}>")
    if check.act_rules:
        rules = ", ".join(f"[{rule}]({ACT_RULE_URL.format(rule=rule)})" for rule in check.act_rules)
        lines.append(f"- implements the W3C ACT rules {rules} (scored by `bench/act.py`)")
    lines += ["", check.doc(), ""]
    if check.advice:
        lines += [f"**How to fix:** {check.advice}", ""]
    if data["options"]:
        lines += ["| option | default | what it does |", "|---|---|---|"]
        for option in data["options"]:
            lines.append(
                f"| `{option['name']}` | {_default(option['default'])} | {option['description']} |"
            )
        lines.append("")
    return "\n".join(lines)


def render_markdown(checks: Iterable[Check]) -> str:
    """docs/checks.md: an index table, then every check by category."""
    from cxaudit.checks.standards import STANDARD_TAGS

    checks = list(checks)
    out = [
        "# Checks reference",
        "",
        INTRO.format(regenerate=REGENERATE, standards=", ".join(STANDARD_TAGS)),
        "| code | check | category | weight | passes when |",
        "|---|---|---|---|---|",
    ]
    for check in checks:
        out.append(
            f"| [{check.code}](#{_anchor(check)}) | `{check.slug}` | {check.category} "
            f"| {check.weight:g} | {check.title} |"
        )
    out.append("")
    for category in CATEGORIES:
        members = [c for c in checks if c.category == category]
        if not members:
            continue
        out += [f"## {category.capitalize()}", ""]
        out += [check_markdown(c) for c in members]
    return "\n".join(out).rstrip() + "\n"


def render_json(checks: Iterable[Check]) -> str:
    return json.dumps([check_data(c) for c in checks], indent=1)


def render_text(checks: Iterable[Check]) -> str:
    """One line per check, for the terminal."""
    return "\n".join(
        f"{c.code:<12} {c.category:<14} {c.slug:<22} w={c.weight:<4g} {c.scope:<8} {c.title}"
        for c in checks
    )


def render_one(check: Check) -> str:
    """Everything about one check, for ``cxaudit list-checks CODE``."""
    return check_markdown(check).split("\n", 2)[2].rstrip()
