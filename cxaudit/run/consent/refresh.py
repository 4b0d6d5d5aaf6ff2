"""Refresh the vendored copy of DuckDuckGo's autoconsent (bundle, rules, licence).

cxaudit ships autoconsent the way it ships axe-core: as data inside the
package, so an audit never downloads anything at run time and every run of
one cxaudit version meets banners with the same rules. Run this to move to a
newer release (it needs ``npm`` on PATH and the npm registry)::

    python -m cxaudit.run.consent.refresh            # newest 16.x
    python -m cxaudit.run.consent.refresh 16.23.0    # a given version

It copies ``dist/autoconsent.playwright.js`` (the content script made for a
Playwright-driven page), ``rules/rules.json`` (every declarative rule, with
the opt-in steps that the compact rules leave out) and ``LICENSE`` (MPL-2.0)
into ``cxaudit/run/consent/vendor/`` and writes the version to ``VERSION``.
Review the diff and run the consent tests before committing it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@duckduckgo/autoconsent"
VENDOR = Path(__file__).with_name("vendor")
#: Files taken from the npm tarball (under ``package/``) and their names here.
FILES = {
    "dist/autoconsent.playwright.js": "autoconsent.playwright.js",
    "rules/rules.json": "rules.json",
    "LICENSE": "LICENSE",
}


def refresh(version: str = "16") -> str:
    """Fetch ``PACKAGE@version`` with npm and copy its files into ``VENDOR``."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed: apt-get install -y nodejs npm")
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [npm, "pack", "--silent", f"{PACKAGE}@{version}"],
            cwd=tmp,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        tarball = Path(tmp) / out[-1]
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        root = Path(tmp) / "package"
        exact = json.loads((root / "package.json").read_text())["version"]
        VENDOR.mkdir(exist_ok=True)
        for source, name in FILES.items():
            shutil.copyfile(root / source, VENDOR / name)
        (VENDOR / "VERSION").write_text(exact + "\n")
    return exact


if __name__ == "__main__":
    print(f"{PACKAGE} {refresh(*sys.argv[1:2])} vendored in {VENDOR}")
