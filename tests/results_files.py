"""What a run wrote, read the way a user's tools would: results.json and its evidence file.

Tests that look for text in the results (a secret that must not be there, a
payload that must be) read both files: the raw evidence of every step is in
the gzip file beside results.json.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from cxaudit.results import evidence_name, read_results


def results_text(path: Path) -> str:
    """results.json's text, followed by its evidence file's (decompressed)."""
    text = path.read_text(encoding="utf-8")
    sidecar = path.parent / evidence_name(path)
    if sidecar.is_file():
        text += "\n" + gzip.decompress(sidecar.read_bytes()).decode("utf-8")
    return text


def results_data(path: Path) -> dict[str, Any]:
    """The results as plain JSON data, with the evidence put back in each snapshot."""
    return json.loads(read_results(path).to_json())
