"""axe-core on the page and the frames that are the page's own, where the page cannot reach it.

cxaudit ships its own axe-core (``vendor/axe-core``, refreshed with
``python -m cxaudit.gather.vendor_axe``), or runs the file a project points
to (``accessibility.axe_path``). It is never put in the page's JavaScript
world: a page there can define its own ``window.axe``, or replace
``Array.prototype``, ``Promise`` or ``JSON``, and choose the results. Each
audited frame gets an isolated world of its own (CDP
``Page.createIsolatedWorld``: same DOM, separate globals), axe runs there
with ``runPartial`` frame by frame, and ``finishRun`` merges the parts in
the main frame's isolated world; results come back by value. The audited
frames are the page's origin and the inline frames it writes (``srcdoc``,
``about:blank``), which inherit that origin; other origins' frames (a
third-party widget) are not the site's to answer for.

The raw result is kept, trimmed: violations and incomplete (needs review)
with their nodes, passes with their rule's impact (for weights; their tags
are the same on every page and left out), inapplicable as ids.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxaudit.gather.deadline import page_call
from cxaudit.gather.vendor_axe import VENDOR_DIR, script_version

if TYPE_CHECKING:
    from playwright.async_api import Page

MAX_NODES_PER_RULE = 25
MAX_HTML = 600
#: axe-core's time grows faster than the page: past this many elements it
#: takes minutes and holds the page's only thread, so it is not run. A page
#: this large is itself a problem (Lighthouse flags 1,400 elements).
MAX_AXE_ELEMENTS = 15_000
#: Seconds to let go of axe's DevTools session; a page that stopped answering may never let go.
DETACH_TIMEOUT_S = 2
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
    "wcag22aaa": (
        "wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag21aaa", "wcag22aa", "wcag22aaa"
    ),
    "aaa": (
        "wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag21aaa", "wcag22aa", "wcag22aaa"
    ),
}  # fmt: skip
DEFAULT_STANDARD = "wcag22aa"


VENDORED_SCRIPT = VENDOR_DIR / "axe.min.js"


@dataclass(frozen=True)
class AxeEngine:
    """The axe-core script a run injects, and the version it announces."""

    source: str
    version: str
    path: str


@lru_cache(maxsize=8)
def axe_engine(path: str | None = None) -> AxeEngine:
    """The vendored axe-core, or the file at ``path`` (``accessibility.axe_path``)."""
    file = Path(path) if path else VENDORED_SCRIPT
    source = file.read_text(encoding="utf-8")
    return AxeEngine(source=source, version=script_version(source) or "unknown", path=str(file))


@dataclass(frozen=True)
class AxeProfile:
    """Which axe-core rules run, and on what: the standards profile.

    ``standard`` is a key of :data:`STANDARD_TAGS` (or ``"all"`` for every
    rule axe has but the deprecated ones). A rule runs when its tags name
    the standard's criteria, or it is a best-practice rule and
    ``best_practices`` is on. axe marks some rules experimental; those that
    name a criterion of the standard run too (``label-content-name-mismatch``
    is WCAG 2.5.3, level A, whatever axe's confidence), the others only
    with ``experimental``. ``include_rules`` run whatever their tags,
    ``disabled_rules`` never; elements matching ``exclude`` (CSS selectors)
    are left out of the audit. ``axe_path`` is an axe-core script to run
    instead of the vendored one.
    """

    standard: str = DEFAULT_STANDARD
    best_practices: bool = True
    disabled_rules: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_rules: tuple[str, ...] = ()
    experimental: bool = False
    axe_path: str | None = None

    @property
    def engine(self) -> AxeEngine:
        return axe_engine(self.axe_path)

    def selection(self) -> dict[str, Any]:
        """What picks the rules, in the page's isolated world, from the engine's own list."""
        return {
            "tags": None if self.standard == "all" else list(STANDARD_TAGS[self.standard]),
            "bestPractices": self.best_practices,
            "experimental": self.experimental,
            "include": list(self.include_rules),
            "disabled": list(self.disabled_rules),
        }

    def context(self) -> dict[str, Any] | None:
        """axe context: the whole document minus the excluded elements."""
        if not self.exclude:
            return None
        return {"exclude": [[selector] for selector in self.exclude]}


#: The rule ids ``selection`` picks from the engine's rules (axe.getRules cannot say
#: which are deprecated, so its audit's tags are read).
SELECT_JS = """
(sel) => axe._audit.rules.filter((rule) => {
  const tags = rule.tags || [];
  if (sel.disabled.includes(rule.id)) return false;
  if (sel.include.includes(rule.id)) return true;
  if (tags.includes('deprecated')) return false;
  if (sel.tags === null) return true;
  const named = tags.some((t) => sel.tags.includes(t));
  if (tags.includes('experimental')) return named || sel.experimental;
  return named || (sel.bestPractices && tags.includes('best-practice'));
}).map((rule) => rule.id)
"""

PARTIAL_JS = """
async ([context, options]) => ({
  partial: await axe.runPartial(context || document, options),
  frames: axe.utils.getFrameContexts(context || document, options),
})
"""

FRAME_JS = "(selector) => axe.utils.shadowSelect(selector)"

FINISH_JS = """
async ([partials, options]) => {
  const r = await axe.finishRun(partials, options);
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
    version: axe.version,
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

WORLD_NAME = "cxaudit-axe"


class AxeWorldError(Exception):
    """A script in the isolated world threw, or the world could not be made."""


class _World:
    """One frame's isolated world: the page's DOM, none of the page's globals."""

    def __init__(self, session: Any, context_id: int) -> None:
        self.session = session
        self.context_id = context_id

    @classmethod
    async def create(cls, session: Any, frame_id: str) -> _World:
        """The frame's world of :data:`WORLD_NAME`: Chromium keeps one per document, so
        the steps of a single-page app reuse it (axe is injected afresh each time)."""
        reply = await session.send(
            "Page.createIsolatedWorld", {"frameId": frame_id, "worldName": WORLD_NAME}
        )
        return cls(session, reply["executionContextId"])

    async def _evaluate(self, expression: str, by_value: bool) -> dict[str, Any]:
        reply = await self.session.send(
            "Runtime.evaluate",
            {
                "expression": expression,
                "contextId": self.context_id,
                "returnByValue": by_value,
                "awaitPromise": True,
            },
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = (details.get("exception") or {}).get("description") or details.get("text")
            raise AxeWorldError(str(text)[:300])
        return dict(reply["result"])

    async def call(self, function: str, argument: Any = None, by_value: bool = True) -> Any:
        """``function(argument)`` in this world; the result by value (or as a remote object)."""
        result = await self._evaluate(f"({function})({json.dumps(argument)})", by_value)
        return result.get("value") if by_value else result

    async def inject(self, source: str) -> None:
        await self._evaluate(source + "\n;undefined", True)


def _frames(tree: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every frame of a ``Page.getFrameTree`` answer, by id."""
    found = {tree["frame"]["id"]: tree["frame"]}
    for child in tree.get("childFrames") or []:
        found.update(_frames(child))
    return found


def _own_frame(frame: dict[str, Any], origin: str) -> bool:
    """A frame of the page's origin, or inline content (srcdoc, about:blank) it inherits."""
    url = str(frame.get("url") or "")
    return url.startswith("about:") or frame.get("securityOrigin") == origin


async def _run_partial(
    session: Any,
    frame_id: str,
    frames: dict[str, dict[str, Any]],
    origin: str,
    source: str,
    context: Any,
    options: dict[str, Any],
) -> list[Any]:
    """runPartial in ``frame_id`` and, depth first, its own frames: axe's order for finishRun."""
    world = await _World.create(session, frame_id)
    await world.inject(source)
    answer = await world.call(PARTIAL_JS, [context, options])
    partials: list[Any] = [answer["partial"]]
    for child in answer["frames"]:
        try:
            handle = await world.call(FRAME_JS, child["frameSelector"], by_value=False)
            node = await session.send("DOM.describeNode", {"objectId": handle["objectId"]})
            child_id = node["node"].get("frameId")
            frame = frames.get(child_id or "")
            if frame is None or not _own_frame(frame, origin):
                partials.append(None)  # another origin's frame: not the site's to answer for
                continue
            partials.extend(
                await _run_partial(
                    session, child_id, frames, origin, source, child["frameContext"], options
                )
            )
        except Exception:
            partials.append(None)  # a frame that went away or refuses scripts is skipped
    return partials


async def run_axe(
    page: Page, options: dict[str, Any] | None = None, profile: AxeProfile | None = None
) -> dict[str, Any]:
    """Run axe-core as ``profile`` says and return its trimmed result, with element boxes.

    ``options`` are raw axe.run options laid over the profile's. A page with
    more than :data:`MAX_AXE_ELEMENTS` elements is not audited (PageTooLarge).
    """
    profile = profile or AxeProfile()
    engine = profile.engine
    session = await page.context.new_cdp_session(page)
    try:
        tree = (await session.send("Page.getFrameTree"))["frameTree"]
        frames = _frames(tree)
        top = await _World.create(session, tree["frame"]["id"])
        elements = await top.call(COUNT_JS)
        if elements > MAX_AXE_ELEMENTS:
            raise PageTooLarge(
                f"not audited: the page has {elements:,} elements, more than the "
                f"{MAX_AXE_ELEMENTS:,} axe-core can check in reasonable time"
            )
        await top.inject(engine.source)
        run_options: dict[str, Any] = {"resultTypes": ["violations", "incomplete"]}
        rules = await top.call(SELECT_JS, profile.selection())
        run_options["runOnly"] = {"type": "rule", "values": rules}
        run_options.update(options or {})
        origin = str(tree["frame"].get("securityOrigin") or "")
        partials = await _run_partial(
            session,
            tree["frame"]["id"],
            frames,
            origin,
            engine.source,
            profile.context(),
            run_options,
        )
        result: dict[str, Any] = await top.call(FINISH_JS, [partials, run_options])
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
            boxes = await top.call(BOX_JS, selectors)
            it = iter(boxes)
            for group in ("violations", "incomplete"):
                for rule in result.get(group, []):
                    for node in rule["nodes"]:
                        node["box"] = next(it, None)
        return result
    finally:
        # Bounded: after a timeout the page may answer nothing, this included.
        with contextlib.suppress(Exception):
            await page_call(session.detach(), DETACH_TIMEOUT_S)


def axe_script() -> str:
    """The vendored axe-core source (bench/bare_playwright.py injects it as it is)."""
    return axe_engine().source
