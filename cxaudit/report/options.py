"""What a report is rendered with besides the results: branding and thresholds."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from cxaudit.ci.thresholds import Thresholds
from cxaudit.errors import UsageError

LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
MAX_LOGO_BYTES = 512 * 1024


@dataclass(frozen=True)
class ReportOptions:
    """Title, client and logo of the report (config ``report:``), and the thresholds
    whose verdict the JUnit file and the summary carry."""

    title: str = "Customer experience audit"
    client: str | None = None
    logo: Path | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)

    def logo_data_uri(self) -> str | None:
        """The logo inlined as a data: URI, so the report stays one folder."""
        if self.logo is None:
            return None
        mime = LOGO_TYPES.get(self.logo.suffix.lower())
        if mime is None:
            raise UsageError(
                f"report.logo: {self.logo}: use a {', '.join(sorted(LOGO_TYPES))} image"
            )
        try:
            data = self.logo.read_bytes()
        except OSError as exc:
            raise UsageError(f"report.logo: cannot read {self.logo}: {exc.strerror}") from None
        if len(data) > MAX_LOGO_BYTES:
            raise UsageError(
                f"report.logo: {self.logo} is {len(data) // 1024} KiB; "
                f"use an image under {MAX_LOGO_BYTES // 1024} KiB"
            )
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
