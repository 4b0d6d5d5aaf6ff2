"""axe-core on the page and its same-origin frames.

axe-core is bundled with axe-playwright-python; cxaudit injects it itself so
the same script serves the async runner and a synchronous pytest page. The
raw result is kept, trimmed: violations and incomplete (needs review) with
their nodes, passes with their rule's impact (for weights; their tags are the
same on every page and left out), inapplicable as ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.async_api import Page

MAX_NODES_PER_RULE = 25
MAX_HTML = 600
#: axe-core's time grows faster than the page: past this many elements it
#: takes minutes and holds the page's only thread, so it is not run. A page
#: this large is itself a problem (Lighthouse flags 1,400 elements).
MAX_AXE_ELEMENTS = 15_000
COUNT_JS = "() => document.getElementsByTagName('*').length"


class PageTooLarge(Exception):
    """The page has more elements than axe-core can audit in reasonable time."""


#: axe-core tags of each standard a profile can name; each includes the levels below it.
STANDARD_TAGS: dict[str, tuple[str, ...]] = {
    "wcag2a": ("wcag2a",),
    "wcag2aa": ("wcag2a", "wcag2aa"),
    "wcag21a": ("wcag2a", "wcag21a"),
    "wcag21aa": ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"),
    "wcag22a": ("wcag2a", "wcag21a", "wcag22a"),
    "wcag22aa": ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"),
}
DEFAULT_STANDARD = "wcag22aa"


@dataclass(frozen=True)
class AxeProfile:
    """Which axe-core rules run, and on what: the standards profile.

    ``standard`` is a key of :data:`STANDARD_TAGS` (or ``"all"`` for every
    rule axe enables by default); ``best_practices`` adds axe's
    best-practice rules; ``disabled_rules`` are not run; elements matching
    ``exclude`` (CSS selectors) are left out of the audit.
    """

    standard: str = DEFAULT_STANDARD
    best_practices: bool = True
    disabled_rules: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def run_options(self) -> dict[str, Any]:
        """axe.run options: ``runOnly`` tags and disabled rules."""
        options: dict[str, Any] = {}
        if self.standard != "all":
            tags = list(STANDARD_TAGS[self.standard])
            if self.best_practices:
                tags.append("best-practice")
            options["runOnly"] = {"type": "tag", "values": tags}
        if self.disabled_rules:
            options["rules"] = {rule: {"enabled": False} for rule in self.disabled_rules}
        return options

    def context(self) -> dict[str, Any] | None:
        """axe.run context: the whole document minus the excluded elements."""
        if not self.exclude:
            return None
        return {"exclude": [[selector] for selector in self.exclude]}


RUN_JS = """
async ([context, options]) => {
  const r = await axe.run(context || document, options);
  // A rule's own impact (the worst of its checks) weighs its passes as well.
  const impacts = {};
  try { for (const rule of axe._audit.rules) impacts[rule.id] = rule.impact || null; } catch (e) {}
  const keep = (n) => ({
    target: n.target, html: n.html, impact: n.impact,
    failureSummary: n.failureSummary,
    any: (n.any || []).map(c => ({id: c.id, message: c.message, data: c.data})),
    all: (n.all || []).map(c => ({id: c.id, message: c.message})),
    none: (n.none || []).map(c => ({id: c.id, message: c.message})),
  });
  const rule = (x) => ({id: x.id, impact: x.impact, tags: x.tags, help: x.help,
                        description: x.description, helpUrl: x.helpUrl,
                        nodes: x.nodes.map(keep)});
  return {
    version: r.testEngine && r.testEngine.version,
    url: r.url,
    violations: r.violations.map(rule),
    incomplete: r.incomplete.map(rule),
    passes: r.passes.map(x => ({id: x.id, impact: impacts[x.id] || null})),
    inapplicable: r.inapplicable.map(x => x.id),
  };
}
"""

BOX_JS = """
(selectors) => selectors.map((sel) => {
  try {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height};
  } catch (e) { return null; }
})
"""


@lru_cache(maxsize=1)
def axe_script() -> str:
    """The axe-core source shipped with axe-playwright-python."""
    return (
        resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    )


async def run_axe(
    page: Page, options: dict[str, Any] | None = None, profile: AxeProfile | None = None
) -> dict[str, Any]:
    """Run axe-core as ``profile`` says and return its trimmed result, with element boxes.

    ``options`` are raw axe.run options laid over the profile's. A page with
    more than :data:`MAX_AXE_ELEMENTS` elements is not audited (PageTooLarge).
    """
    profile = profile or AxeProfile()
    elements = await page.evaluate(COUNT_JS)
    if elements > MAX_AXE_ELEMENTS:
        raise PageTooLarge(
            f"not audited: the page has {elements:,} elements, more than the "
            f"{MAX_AXE_ELEMENTS:,} axe-core can check in reasonable time"
        )
    script = axe_script()
    origin = urlsplit(page.url)[:2]
    for frame in page.frames:
        if frame is page.main_frame or urlsplit(frame.url)[:2] == origin:
            try:
                await frame.evaluate(script)
            except Exception:
                continue  # a frame that went away or refuses scripts is skipped
    run_options: dict[str, Any] = {"resultTypes": ["violations", "incomplete"]}
    run_options.update(profile.run_options())
    run_options.update(options or {})
    result = await page.evaluate(RUN_JS, [profile.context(), run_options])
    selectors: list[str] = []
    for group in ("violations", "incomplete"):
        for rule in result.get(group, []):
            rule["nodes"] = rule["nodes"][:MAX_NODES_PER_RULE]
            for node in rule["nodes"]:
                html = node.get("html") or ""
                node["html"] = html if len(html) <= MAX_HTML else html[:MAX_HTML] + "…"
                target = node.get("target") or []
                selectors.append(
                    target[0] if len(target) == 1 and isinstance(target[0], str) else ""
                )
    if selectors:
        boxes = await page.evaluate(BOX_JS, selectors)
        it = iter(boxes)
        for group in ("violations", "incomplete"):
            for rule in result.get(group, []):
                for node in rule["nodes"]:
                    node["box"] = next(it, None)
    return result
