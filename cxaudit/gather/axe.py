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

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxaudit.checks.standards import DEFAULT_STANDARD, STANDARD_TAGS
from cxaudit.gather.session import forget_session, page_session
from cxaudit.gather.vendor_axe import VENDOR_DIR, script_version

if TYPE_CHECKING:
    from playwright.async_api import Page

MAX_NODES_PER_RULE = 25
MAX_HTML = 600
#: axe-core's time grows faster than the page: past this many elements it
#: takes minutes and holds the page's only thread, so it is not run. A page
#: this large is itself a problem (Lighthouse flags 1,400 elements).
MAX_AXE_ELEMENTS = 15_000
#: The page's size, and whether this world already holds the engine ``key`` names.
READY_JS = """
(key) => ({
  elements: document.getElementsByTagName('*').length,
  ready: globalThis.__cxauditAxeKey === key && typeof axe !== 'undefined',
})
"""


class PageTooLarge(Exception):
    """The page has more elements than axe-core can audit in reasonable time."""


VENDORED_SCRIPT = VENDOR_DIR / "axe.min.js"


@dataclass(frozen=True)
class AxeEngine:
    """The axe-core script a run injects, and the version it announces.

    ``key`` names this very script (a digest of its text): a frame's
    isolated world that already holds it is not sent it again.
    """

    source: str
    version: str
    path: str
    key: str = ""


@lru_cache(maxsize=8)
def axe_engine(path: str | None = None) -> AxeEngine:
    """The vendored axe-core, or the file at ``path`` (``accessibility.axe_path``)."""
    file = Path(path) if path else VENDORED_SCRIPT
    source = file.read_text(encoding="utf-8")
    return AxeEngine(
        source=source,
        version=script_version(source) or "unknown",
        path=str(file),
        key=hashlib.sha256(source.encode("utf-8")).hexdigest()[:20],
    )


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

#: The end of FINISH_JS and TOP_JS (``r`` is finishRun's answer): the result as it is
#: kept, at most ``maxNodes`` nodes a rule, each with its box (page coordinates, CSS
#: pixels) when its target is one selector.
RESULT_JS = """
  // A rule's own impact (the worst of its checks) weighs its passes as well.
  const impacts = {};
  try { for (const rule of axe._audit.rules) impacts[rule.id] = rule.impact || null; } catch (e) {}
  const boxOf = (target) => {
    if (!target || target.length !== 1 || typeof target[0] !== 'string') return null;
    try {
      const el = document.querySelector(target[0]);
      if (!el) return null;
      const b = el.getBoundingClientRect();
      return {x: b.x + scrollX, y: b.y + scrollY, width: b.width, height: b.height};
    } catch (e) { return null; }
  };
  const keep = (n) => ({
    target: n.target, html: n.html, impact: n.impact,
    failureSummary: n.failureSummary,
    any: (n.any || []).map(c => ({id: c.id, message: c.message, data: c.data})),
    all: (n.all || []).map(c => ({id: c.id, message: c.message})),
    none: (n.none || []).map(c => ({id: c.id, message: c.message})),
    box: boxOf(n.target),
  });
  const rule = (x) => ({id: x.id, impact: x.impact, tags: x.tags, help: x.help,
                        description: x.description, helpUrl: x.helpUrl,
                        nodes: x.nodes.slice(0, maxNodes).map(keep)});
  return {
    version: axe.version,
    url: r.url,
    violations: r.violations.map(rule),
    incomplete: r.incomplete.map(rule),
    passes: r.passes.map(x => ({id: x.id, impact: impacts[x.id] || null})),
    inapplicable: r.inapplicable.map(x => x.id),
  };
"""

FINISH_JS = (
    """
async ([partials, options, maxNodes]) => {
  const r = await axe.finishRun(partials, options);
"""
    + RESULT_JS
    + "}"
)

#: The top frame's part; when the page has no frames of its own, the whole run in
#: the same call (finishRun of that one part, as FINISH_JS would), as ``{result}``.
TOP_JS = (
    """
async ([context, options, maxNodes]) => {
  const partial = await axe.runPartial(context || document, options);
  const frames = axe.utils.getFrameContexts(context || document, options);
  if (frames.length) return {partial, frames};
  const r = await axe.finishRun([partial], options);
  const finish = () => {
"""
    + RESULT_JS
    + """  };
  return {result: finish()};
}
"""
)

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

    async def inject(self, engine: AxeEngine) -> None:
        """Put ``engine`` in this world, marked with its key (see :data:`READY_JS`)."""
        mark = f"\n;globalThis.__cxauditAxeKey = {json.dumps(engine.key)};undefined"
        await self._evaluate(engine.source + mark, True)

    async def ensure(self, engine: AxeEngine) -> int:
        """``engine`` in this world, sent only if the world does not hold it yet.

        Chromium keeps a frame's named world for the document's life, so on a
        single-page app's later steps the engine is already there. Returns the
        document's element count.
        """
        state = await self.call(READY_JS, engine.key)
        if not state["ready"]:
            await self.inject(engine)
        return int(state["elements"])


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
    engine: AxeEngine,
    context: Any,
    options: dict[str, Any],
    answer: dict[str, Any] | None = None,
    world: _World | None = None,
) -> list[Any]:
    """runPartial in ``frame_id`` and, depth first, its own frames: axe's order for finishRun.

    ``answer`` is the frame's own PARTIAL_JS answer when it was already asked
    (the top frame's, from TOP_JS), in ``world``.
    """
    if answer is None or world is None:
        world = await _World.create(session, frame_id)
        await world.ensure(engine)
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
                    session, child_id, frames, origin, engine, child["frameContext"], options
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
    try:
        session = await page_session(page)
        tree = (await session.send("Page.getFrameTree"))["frameTree"]
    except Exception:
        forget_session(page)  # one that went with its renderer: open a new one, once
        session = await page_session(page)
        tree = (await session.send("Page.getFrameTree"))["frameTree"]
    frames = _frames(tree)
    top = await _World.create(session, tree["frame"]["id"])
    elements = await top.ensure(engine)
    if elements > MAX_AXE_ELEMENTS:
        raise PageTooLarge(
            f"not audited: the page has {elements:,} elements, more than the "
            f"{MAX_AXE_ELEMENTS:,} axe-core can check in reasonable time"
        )
    run_options: dict[str, Any] = {"resultTypes": ["violations", "incomplete"]}
    run_options["runOnly"] = {"type": "rule", "values": await _rules(top, engine, profile)}
    run_options.update(options or {})
    context = profile.context()
    answer = await top.call(TOP_JS, [context, run_options, MAX_NODES_PER_RULE])
    result: dict[str, Any]
    if "result" in answer:
        result = answer["result"]
    else:
        origin = str(tree["frame"].get("securityOrigin") or "")
        partials = await _run_partial(
            session,
            tree["frame"]["id"],
            frames,
            origin,
            engine,
            context,
            run_options,
            answer,
            top,
        )
        result = await top.call(FINISH_JS, [partials, run_options, MAX_NODES_PER_RULE])
    for group in ("violations", "incomplete"):
        for rule in result.get(group, []):
            for node in rule["nodes"]:
                html = node.get("html") or ""
                node["html"] = html if len(html) <= MAX_HTML else html[:MAX_HTML] + "…"
    return result


#: The rules a profile picks from an engine: the same on every page, asked once.
_RULES: dict[tuple[str, str], list[str]] = {}


async def _rules(world: _World, engine: AxeEngine, profile: AxeProfile) -> list[str]:
    key = (engine.key, json.dumps(profile.selection(), sort_keys=True))
    if key not in _RULES:
        _RULES[key] = list(await world.call(SELECT_JS, profile.selection()))
    return list(_RULES[key])


def axe_script() -> str:
    """The vendored axe-core source (bench/bare_playwright.py injects it as it is)."""
    return axe_engine().source
