"""The ``wait_for_email`` step: wait for a message, then make it the page of the next steps.

The HTML part is shown in the journey's own page, at an address of the
site's origin that the browser never asks the site for (the page's route
answers it), with a Content-Security-Policy that runs no script, loads no frame or
plug-in and posts no form, as a mail client does. (A CSP ``sandbox`` would
also stop the audit's own DevTools scripts, so it is not used.) So ``capture``, ``expect`` and the audit
use the same locators as on the web, and a ``click`` on a link of the email
opens it in the web channel's own context (its cookies, its session): the
tracking link or "view your order" leads back into the web journey.
"""

from __future__ import annotations

import html as html_module
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from cxaudit.mail import session
from cxaudit.mail.message import MailTimeout, Match, Message, html_lines
from cxaudit.mail.remote import remote_content
from cxaudit.mail.render import render_widths
from cxaudit.results import (
    EMAIL_REMOTE_KEPT,
    EMAIL_TEXT_CHARS,
    EMAIL_VIEW_PATH,
    EmailImage,
    EmailLink,
    EmailRecord,
    EmailRendering,
)
from cxaudit.run.actions.base import ActionContext, StepFailed, runs
from cxaudit.spec.actions import WaitForEmailArgs

#: Where the message is shown, under the site's origin.
EMAIL_PATH = EMAIL_VIEW_PATH
#: No script, no plug-in, no form posting, no frames, and nothing from the network: a mail
#: client that protects its reader shows inline styles and data: images only.
EMAIL_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "script-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; "
    "base-uri 'none'"
)
#: The same with remote images, styles and fonts allowed (``load_remote: true``).
EMAIL_CSP_REMOTE = (
    "default-src 'none'; img-src * data:; style-src * 'unsafe-inline'; font-src * data:; "
    "script-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; "
    "base-uri 'none'"
)
#: Links of one message fetched to see whether they answer (a newsletter may hold hundreds).
MAX_LINKS = 30
#: A message "before" the page load by less than this still counts as caused by it:
#: the mailbox's clock and the browser's may differ a little.
CLOCK_SLACK_S = 0.5
LINK_TIMEOUT_MS = 10_000


class _Parts(HTMLParser):
    """The links and images of an HTML part, read without a browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[list[str]] = []
        self.images: list[EmailImage] = []
        self._in_link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self._in_link = [found["href"] or "", ""]
            self.links.append(self._in_link)
        elif tag == "img":
            self.images.append(EmailImage(src=found.get("src") or "", alt=found.get("alt")))
            if self._in_link is not None and found.get("alt"):
                self._in_link[1] += found["alt"] or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_link = None

    def handle_data(self, data: str) -> None:
        if self._in_link is not None:
            self._in_link[1] += data


def email_parts(html: str) -> tuple[list[tuple[str, str]], list[EmailImage]]:
    """``(href, text)`` of each link and the images of an HTML part."""
    parser = _Parts()
    try:
        parser.feed(html)
        parser.close()
    except Exception:
        pass
    links = [(href.strip(), " ".join(text.split())[:200]) for href, text in parser.links]
    return links, parser.images


#: What a mail client drops before it shows a message: a refresh that navigates away
#: (no Content-Security-Policy stops it) and a base that re-points every relative link.
_DROPPED = re.compile(r"<(?:meta\b[^>]*http-equiv\s*=\s*[\"']?\s*refresh|base\b)[^>]*>", re.I)


def shown_html(message: Message) -> str:
    """The page the journey shows for ``message``: its HTML without what a mail client
    drops, else its text."""
    if message.html:
        return _DROPPED.sub("", message.html)
    # A text-only message is shown as its text: it is what a mail client shows.
    body = html_module.escape(message.text or "")
    title = html_module.escape(message.subject)
    return f"<!doctype html><title>{title}</title><pre style='white-space:pre-wrap'>{body}</pre>"


async def _check_links(ctx: ActionContext, links: list[tuple[str, str]]) -> list[EmailLink]:
    """Each web link's answer, asked with the web channel's cookies (as a click would)."""
    out: list[EmailLink] = []
    request = ctx.page.context.request
    seen: set[str] = set()
    for href, text in links:
        if urlsplit(href).scheme not in ("http", "https"):
            out.append(EmailLink(href=href, text=text))
            continue
        if href in seen or len(seen) >= MAX_LINKS:
            continue
        seen.add(href)
        try:
            answer = await request.get(href, timeout=LINK_TIMEOUT_MS, max_redirects=10)
            out.append(EmailLink(href=href, text=text, status=answer.status))
            await answer.dispose()
        except Exception as exc:
            out.append(EmailLink(href=href, text=text, error=str(exc).splitlines()[0][:200]))
    return out


async def _caused_at(ctx: ActionContext) -> tuple[float | None, str]:
    """When the page that led to the message began loading (its navigation start)."""
    try:
        origin = await ctx.page.evaluate("performance.timeOrigin")
        url = ctx.page.url
    except Exception:
        return None, ""
    if not isinstance(origin, int | float) or urlsplit(url).path.startswith(EMAIL_PATH):
        return None, ""
    return float(origin) / 1000, url


@runs("wait_for_email")
async def wait_for_email(ctx: ActionContext, args: WaitForEmailArgs) -> None:
    to = args.to or ctx.variables.get(session.ADDRESS_VAR)
    taken = ctx.variables.setdefault("mail._taken", "")
    match = Match(
        to=to,
        sender=args.sender,
        subject=args.subject,
        contains=args.contains,
        exclude=frozenset(filter(None, taken.split(" "))),
    )
    caused_at, caused_by = await _caused_at(ctx)
    box = session.mailbox()
    try:
        message = await box.wait_for(match, args.timeout)
    except MailTimeout as exc:
        raise StepFailed(f"{exc} (read from {box.name})") from None
    except Exception as exc:
        raise StepFailed(f"could not read {box.name}: {type(exc).__name__}: {exc}") from None
    ctx.variables["mail._taken"] = f"{taken} {message.id}".strip()
    links, images = email_parts(message.html or "")
    remote = remote_content(message.html or "")
    base = ctx.base_url or ctx.page.url
    origin = urlsplit(base)
    if origin.scheme not in ("http", "https"):
        raise StepFailed("cannot show the email: the journey has no base_url (http or https)")
    address = f"{origin.scheme}://{origin.netloc}{EMAIL_PATH}{message.id}"
    body = shown_html(message)

    csp = EMAIL_CSP_REMOTE if args.load_remote else EMAIL_CSP

    async def answer(route: Any) -> None:
        await route.fulfill(
            status=200,
            headers={"content-type": "text/html; charset=utf-8", "content-security-policy": csp},
            body=body,
        )

    await ctx.page.route(address, answer, times=1)
    await ctx.page.goto(address, wait_until="load")
    renderings, problems = (
        await _render(ctx, message, address, body, csp) if args.draw else ([], [])
    )
    delay = None
    if caused_at is not None and message.received_at >= caused_at - CLOCK_SLACK_S:
        delay = round(max(0.0, message.received_at - caused_at) * 1000, 1)
    else:
        # It was there before the page began loading: that page did not cause it
        # (a dispatch notice waited for after other steps); no delay to give.
        caused_by = ""
    ctx.email = email_record(
        message,
        mailbox=box.name,
        delay_ms=delay,
        caused_by=caused_by,
        links=await _check_links(ctx, [(urljoin(base, h), t) for h, t in links]),
        images=images,
        own_hosts=sorted({h for h in (origin.hostname, urlsplit(ctx.page.url).hostname) if h}),
        remote=remote[:EMAIL_REMOTE_KEPT],
        remote_count=len(remote),
        remote_loaded=args.load_remote,
        renderings=renderings,
    )
    if problems:
        ctx.email = ctx.email.model_copy(update={"defects": [*ctx.email.defects, *problems]})


async def _render(
    ctx: ActionContext, message: Message, address: str, body: str, csp: str
) -> tuple[list[EmailRendering], list[str]]:
    """The message at a phone and a desktop width, each in a context of its own."""
    shots, stem = None, ""
    if ctx.output_dir is not None:
        relative = Path(ctx.screenshot_stem)
        if ctx.is_secret(f"{message.subject}\n{message.text or ''}\n{message.html or ''}"):
            shots = None  # the message repeats a secret of the journey: no picture of it
        else:
            shots = ctx.output_dir / relative.parent
            shots.mkdir(parents=True, exist_ok=True)
            stem = relative.name
    try:
        browser = ctx.page.context.browser
    except Exception:
        browser = None
    renderings, problems = await render_widths(browser, address, body, csp, shots, stem)
    if shots is not None:
        parent = Path(ctx.screenshot_stem).parent
        renderings = [
            r.model_copy(update={"screenshot": (parent / r.screenshot).as_posix()})
            if r.screenshot
            else r
            for r in renderings
        ]
        ctx.artifacts.extend(r.screenshot for r in renderings if r.screenshot)
    return renderings, problems


def email_record(message: Message, **gathered: Any) -> EmailRecord:
    """What the step result keeps of ``message``; ``gathered`` adds what the step found out
    (the mailbox, each link's answer, the delay)."""
    lines, used = [], 0
    for line in html_lines(message.html or ""):
        if used + len(line) > EMAIL_TEXT_CHARS:
            if used < EMAIL_TEXT_CHARS:  # a line longer than all the room: its start
                lines.append(line[: EMAIL_TEXT_CHARS - used])
            break
        lines.append(line)
        used += len(line)
    text = (message.text or "")[:EMAIL_TEXT_CHARS]
    return EmailRecord(
        sender=message.sender,
        to=list(message.to),
        subject=message.subject,
        headers=dict(message.headers),
        has_html=bool(message.html),
        has_text=bool(text.strip()),
        text=text,
        html_lines=lines,
        size=message.size,
        defects=list(message.defects),
        **gathered,
    )
