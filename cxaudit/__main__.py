"""``python -m cxaudit``: the same as the ``cxaudit`` command."""

from __future__ import annotations

from cxaudit.cli.main import main

main()
