"""Refresh the vendored axe-core: ``python -m cxaudit.gather.vendor_axe [VERSION]``.

cxaudit ships axe-core itself (``cxaudit/gather/vendor/axe-core/``) rather
than depend on a Python package that bundles a copy (those lag behind): the
version that runs is then the one this repository chose and tested, and a
newer one is one command away. The script fetches the npm package's tarball from the
registry, checks it against the registry's sha512 integrity, and keeps
``axe.min.js`` and its licence files (MPL-2.0). Commit the result; the
version is read back from the script's own header (:func:`script_version`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

#: The axe-core version vendored by default.
VERSION = "4.14.1"
REGISTRY = "https://registry.npmjs.org/axe-core/"
VENDOR_DIR = Path(__file__).parent / "vendor" / "axe-core"
#: What is kept of the npm package, by its path in the tarball.
KEEP = ("axe.min.js", "LICENSE", "LICENSE-3RD-PARTY.txt")
_HEADER = re.compile(r"/\*!\s*axe v(\d+\.\d+\.\d+[\w.-]*)")


def script_version(source: str) -> str:
    """The version an axe-core script announces in its header comment, or ''."""
    match = _HEADER.search(source[:200])
    return match.group(1) if match else ""


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return bytes(response.read())


def vendor(version: str = VERSION, target: Path = VENDOR_DIR) -> Path:
    """Download axe-core ``version`` from npm, verify it and write its files to ``target``."""
    meta = json.loads(_get(REGISTRY + version))
    tarball = _get(meta["dist"]["tarball"])
    algorithm, _, expected = meta["dist"]["integrity"].partition("-")
    if (
        algorithm != "sha512"
        or base64.b64encode(hashlib.sha512(tarball).digest()).decode() != expected
    ):
        raise SystemExit(f"axe-core {version}: the tarball does not match the registry's integrity")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for name in KEEP:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise SystemExit(f"axe-core {version}: {name} is missing from the package")
            (target / name).write_bytes(member.read())
    found = script_version((target / "axe.min.js").read_text(encoding="utf-8"))
    if found != version:
        raise SystemExit(f"axe-core {version}: the script says it is {found or 'unversioned'}")
    return target


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    version = args[0] if args else VERSION
    path = vendor(version)
    print(f"axe-core {version} written to {path}")


if __name__ == "__main__":
    main()
