"""URL, title, visible text and document timings, read in one round trip."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import Page

MAX_VISIBLE_TEXT = 60_000

# Largest Contentful Paint and layout shifts are only delivered to observers;
# buffered observers hand over what happened before they were created.
PAGE_INFO_JS = """
async (maxText) => {
  const observed = (type) => new Promise((resolve) => {
    const entries = [];
    try {
      const po = new PerformanceObserver((list) => entries.push(...list.getEntries()));
      po.observe({type, buffered: true});
      setTimeout(() => { po.disconnect(); resolve(entries); }, 0);
    } catch (e) { resolve(entries); }
  });
  const [lcpEntries, shifts] = await Promise.all([
    observed('largest-contentful-paint'), observed('layout-shift')]);
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const resources = performance.getEntriesByType('resource');
  let bytes = nav ? (nav.transferSize || 0) : 0;
  for (const r of resources) bytes += r.transferSize || 0;
  let cls = 0, windowValue = 0, windowStart = 0, last = 0;
  for (const s of shifts) {
    if (s.hadRecentInput) continue;
    if (s.startTime - last > 1000 || s.startTime - windowStart > 5000) {
      windowValue = 0; windowStart = s.startTime;
    }
    windowValue += s.value; last = s.startTime;
    cls = Math.max(cls, windowValue);
  }
  const body = document.body;
  const text = body ? (body.innerText || '') : '';
  return {
    url: location.href,
    title: document.title,
    timeOrigin: performance.timeOrigin,
    requestStart: nav ? nav.requestStart : null,
    viewport: {width: window.innerWidth, height: window.innerHeight},
    text: text.length > maxText ? text.slice(0, maxText) : text,
    timing: nav ? {
      ttfb_ms: nav.responseStart,
      dom_content_loaded_ms: nav.domContentLoadedEventEnd || null,
      load_ms: nav.loadEventEnd || null,
      fcp_ms: fcp ? fcp.startTime : null,
      lcp_ms: lcpEntries.length ? lcpEntries[lcpEntries.length - 1].startTime : null,
      cls: cls,
      requests: resources.length + 1,
      transfer_bytes: bytes,
    } : null,
  };
}
"""


async def read_page_info(page: Page) -> dict[str, Any]:
    return await page.evaluate(PAGE_INFO_JS, MAX_VISIBLE_TEXT)
