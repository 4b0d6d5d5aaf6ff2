"""Record received emails as the wait_for_email step draws and audits them
(tests/data/emails/renderings/*.json), for the email checks' unit tests.

Run it again after the drawing, axe-core or the layout gatherer changes what
they record:

    .venv/bin/python tests/data/record_email_renderings.py

Each message of tests/data/emails is drawn at the phone and the desktop width
by the code the step uses (:func:`cxaudit.mail.render.render_widths`), in
real Chromium, with scripts and remote content off, and audited with the
default axe-core profile; the drawings are written as the step result keeps
them (without screenshots).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cxaudit.gather.axe import AxeProfile  # noqa: E402
from cxaudit.mail.action import EMAIL_CSP, shown_html  # noqa: E402
from cxaudit.mail.message import parse_message  # noqa: E402
from cxaudit.mail.render import render_widths  # noqa: E402
from cxaudit.run.browser import BrowserOptions, browser_session  # noqa: E402

EMAILS = ROOT / "tests" / "data" / "emails"
OUT = EMAILS / "renderings"
#: Where the step shows a message (any address of the site's origin would do).
ADDRESS = "http://shop.test/__cxaudit/email/smtp-1"


async def record(names: list[str]) -> None:
    OUT.mkdir(exist_ok=True)
    async with browser_session(BrowserOptions()) as (_, browser):
        for path in sorted(EMAILS.glob("*.eml")):
            if names and path.stem not in names:
                continue
            raw = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            message = parse_message(raw, id="smtp-1", received_at=0.0)
            drawn, problems = await render_widths(
                browser, ADDRESS, shown_html(message), EMAIL_CSP, None, "", AxeProfile()
            )
            if problems:
                raise SystemExit(f"{path.name}: {'; '.join(problems)}")
            data = [d.model_dump(mode="json") for d in drawn]
            (OUT / f"{path.stem}.json").write_text(
                json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
            print(f"{path.stem}: {', '.join(f'{d.name} {d.width} px' for d in drawn)}")


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1:]))
