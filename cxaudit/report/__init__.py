"""Outputs rendered from a :class:`~cxaudit.results.RunResult` and nothing else."""

from __future__ import annotations

from cxaudit.report.html import channel_file_name, render_html, write_html
from cxaudit.report.summary import console_summary

__all__ = ["channel_file_name", "console_summary", "render_html", "write_html"]
