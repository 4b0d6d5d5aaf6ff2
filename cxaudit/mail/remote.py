"""What an email's HTML asks for from the network, and which of it only tracks the reader.

Mail clients that protect their readers load no remote content until asked
(images, style sheets, fonts, backgrounds): an image is how a sender learns
that, when and where a message was opened, and a 1x1 or hidden one exists for
nothing else. cxaudit shows a message the same way (the journey sees it as
such a reader does, and the audit never counts as an open) and records what
was held back, read from the HTML without a browser so it is the same on
every run.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from cxaudit.results import EmailRemote

#: Addresses that need no network: inline data, a part of the message itself, nothing.
_LOCAL = re.compile(r"^\s*(?:data:|cid:|mid:|about:|javascript:|#|$)", re.I)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
#: A style that hides an element or makes it a dot.
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?<![-\w])(?:max-)?(?:width|height)\s*:\s*[01](?:px)?\s*(?:;|$)",
    re.I,
)
#: Tags whose ``src`` loads something, and what it is.
_SRC_KIND = {
    "img": "image",
    "input": "image",
    "video": "other",
    "audio": "other",
    "source": "other",
    "track": "other",
    "iframe": "other",
    "frame": "other",
    "embed": "other",
    "script": "other",
}


def _tiny(value: str | None) -> bool:
    return value is not None and value.strip().removesuffix("px").strip() in ("0", "1")


class _Remote(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[EmailRemote] = []
        self._in_style = False

    def _add(self, url: str | None, kind: str, tracker: bool = False) -> None:
        if url is None or _LOCAL.match(url):
            return
        self.found.append(EmailRemote(url=url.strip()[:2000], kind=kind, tracker=tracker))

    def _css(self, css: str) -> None:
        for found in _CSS_URL.finditer(css):
            if found.group(4):
                self._add(found.group(4), "stylesheet")
            else:
                url = found.group(2)
                kind = "font" if re.search(r"\.(woff2?|ttf|otf|eot)\b", url, re.I) else "background"
                self._add(url, kind)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        style = found.get("style") or ""
        if tag in _SRC_KIND and (tag != "input" or (found.get("type") or "").lower() == "image"):
            tracker = tag == "img" and (
                (_tiny(found.get("width")) and _tiny(found.get("height")))
                or bool(_HIDDEN_STYLE.search(style))
            )
            self._add(found.get("src"), _SRC_KIND[tag], tracker)
            for candidate in (found.get("srcset") or "").split(","):
                if candidate.strip():
                    self._add(candidate.split()[0], _SRC_KIND[tag])
        if tag == "object":
            self._add(found.get("data"), "other")
        if tag == "video":
            self._add(found.get("poster"), "image")
        if tag == "link" and found.get("href"):
            rel = (found.get("rel") or "").lower()
            self._add(found["href"], "stylesheet" if "stylesheet" in rel else "other")
        if found.get("background"):
            self._add(found["background"], "background")
        if style:
            self._css(style)
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)


def remote_content(html: str) -> list[EmailRemote]:
    """Everything ``html`` would fetch when shown, in document order (trackers marked)."""
    parser = _Remote()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # what was read before the parser gave up is kept
        pass
    return parser.found
