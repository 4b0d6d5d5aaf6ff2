"""cxaudit: headless customer-experience audits and journey tests."""

from __future__ import annotations

from cxaudit import startup

# First thing, before the slow imports: a Ctrl-C while cxaudit starts is one line, exit 130.
startup.install()

__version__ = "0.1.0"
