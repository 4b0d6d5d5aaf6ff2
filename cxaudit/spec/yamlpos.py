"""YAML loading that keeps the position of every value.

Journey authors need errors that point at a line and column, so the loader
works on PyYAML's node graph (which carries marks) instead of its plain
Python output. It also refuses what plain ``yaml.safe_load`` accepts but a
journey file never needs: duplicate keys, alias bombs, non-UTF-8 bytes.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxaudit.errors import SpecIssue

PathKey = tuple[str | int, ...]

#: Upper bound on the values a document may hold or expand to, aliases
#: included. A hand-written journey has a few hundred, one with a thousand
#: data rows some ten thousand; a "billion laughs" has billions. Checked while
#: parsing, so a huge flat file is stopped after this many values, not after
#: it has all been read into memory (a node costs about half a kilobyte).
MAX_NODES = 50_000
#: Deepest nesting of lists and mappings. Journeys nest about eight deep;
#: parsing recurses per level, so this also keeps far from Python's limit.
MAX_DEPTH = 50
#: Files larger than this are not journeys.
MAX_BYTES = 5 * 1024 * 1024


class NotRegularFile(OSError):
    """A device, pipe or socket where a file was expected: reading it might never end."""


def _refuse_irregular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not stat.S_ISREG(mode):
        kind = (
            "a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        )
        raise NotRegularFile(f"{path} is not a regular file ({kind}?)")


def read_limited(path: Path, limit: int | None = MAX_BYTES + 1) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them (``None``: all of them).

    Journeys read ``MAX_BYTES + 1`` (the excess is an error later); every
    other file cxaudit reads (results, baselines, config) comes through here
    too. A pipe, device or socket is refused before it is opened: reading
    ``/dev/zero`` or a FIFO would never end, and opening a FIFO waits for a
    writer. The open is non-blocking and checked again, so one swapped in
    after the first check cannot block either.
    """
    _refuse_irregular(path, os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        _refuse_irregular(path, os.fstat(fd).st_mode)
        return fh.read(-1 if limit is None else limit)


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


def mark_position(mark: Any) -> Position:
    """Where a YAML mark is, as an editor numbers it: lines end at a newline only.

    YAML also breaks lines at U+0085, U+2028 and U+2029; an editor does not,
    so a file holding them would be pointed at lines past its end.
    """
    text = getattr(mark, "buffer", None)
    index = getattr(mark, "index", None)
    if isinstance(text, str) and isinstance(index, int) and 0 <= index <= len(text):
        start = text.rfind("\n", 0, index) + 1
        return Position(text.count("\n", 0, index) + 1, index - start + 1)
    return Position(mark.line + 1, mark.column + 1)


@dataclass
class Document:
    """A parsed YAML document: its plain data and where each value stood."""

    file: str
    data: Any
    positions: dict[PathKey, Position] = field(default_factory=dict)
    key_positions: dict[PathKey, Position] = field(default_factory=dict)

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        """The position of ``path``, or of its nearest ancestor that has one.

        ``key=True`` prefers the position of the mapping key over its value,
        which is where an "unknown key" error should point.
        """
        probe = tuple(path)
        while True:
            if key and probe in self.key_positions:
                return self.key_positions[probe]
            if probe in self.positions:
                return self.positions[probe]
            if not probe:
                return Position(1, 1)
            probe = probe[:-1]

    def issue(
        self, path: PathKey, message: str, *, key: bool = False, severity: str = "error"
    ) -> SpecIssue:
        """A :class:`SpecIssue` located at ``path`` in this document."""
        pos = self.position(path, key=key)
        return SpecIssue(self.file, pos.line, pos.column, format_path(path), message, severity)


def format_path(path: PathKey) -> str:
    """``("stages", "purchase", 2)`` -> ``stages.purchase[2]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, doc: Document) -> None:
        self.loader = loader
        self.doc = doc
        self.count = 0
        self.issues: list[SpecIssue] = []

    def _pos(self, node: yaml.Node) -> Position:
        return mark_position(node.start_mark)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(self._pos(node))
        self.doc.positions.setdefault(path, self._pos(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._issue(
                        key_node, path, "a mapping key must be a plain value, not a list or mapping"
                    )
                    continue
                key = self._scalar(key_node, path)
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    key = str(key)
                if isinstance(key, bool) or key is None:
                    # ``yes:``/``on:``/``null:`` keys are YAML 1.1 surprises; keep the text.
                    key = key_node.value
                child_path = (*path, key)
                if key in out:
                    first = self.doc.key_positions.get(child_path)
                    where = f" (first defined on line {first.line})" if first else ""
                    self._issue(
                        key_node, child_path, f"duplicate key '{key}'{where}: remove one of them"
                    )
                    continue
                self.doc.key_positions[child_path] = self._pos(key_node)
                out[key] = self.build(value_node, child_path)
            return out
        return None  # pragma: no cover - PyYAML has no other node kinds

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        """A scalar's value; one PyYAML cannot build (``!!timestamp x``) is an issue."""
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, KeyError, AttributeError, TypeError, OverflowError):
            tag = node.tag.rsplit(":", 1)[-1]
            self._issue(
                node,
                path,
                f"{node.value[:40]!r} is not a valid !!{tag} value: "
                "remove the tag, or quote the value to keep it as text",
            )
            return node.value

    def _issue(self, node: yaml.Node, path: PathKey, message: str) -> None:
        """Record what is wrong at ``node`` (its line and column as an editor counts them)."""
        pos = self._pos(node)
        self.issues.append(
            SpecIssue(self.doc.file, pos.line, pos.column, format_path(path), message)
        )


class _TooLarge(Exception):
    def __init__(self, pos: Position) -> None:
        self.pos = pos

    @property
    def message(self) -> str:
        return (
            f"the document holds or expands to more than {MAX_NODES} values "
            "(a huge file, or nested aliases?); split it, or drop the aliases"
        )


class _TooDeep(_TooLarge):
    @property
    def message(self) -> str:
        return (
            f"lists and mappings nest more than {MAX_DEPTH} levels deep here; "
            "journey files never need that"
        )


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that stops composing at :data:`MAX_NODES` nodes or :data:`MAX_DEPTH` levels.

    PyYAML composes the whole node graph before anything can look at it, and
    composes recursively: without these bounds a large flat file costs
    gigabytes, and a deeply nested one ends in RecursionError.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.cx_nodes = 0
        self.cx_depth = 0

    def _here(self) -> Position:
        return mark_position(self.peek_event().start_mark)

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.cx_nodes += 1
        if self.cx_nodes > MAX_NODES:
            raise _TooLarge(self._here())
        self.cx_depth += 1
        try:
            if self.cx_depth > MAX_DEPTH:
                raise _TooDeep(self._here())
            return super().compose_node(parent, index)
        finally:
            self.cx_depth -= 1


def load_document(text: str | bytes, file: str) -> tuple[Document | None, list[SpecIssue]]:
    """Parse one YAML document, returning it with every problem found.

    Never raises for bad input: YAML syntax errors, bad encodings, duplicate
    keys and oversized documents come back as issues with a position.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            return None, [
                SpecIssue(
                    file,
                    1,
                    1,
                    "",
                    f"the file is over {MAX_BYTES} bytes; a journey file must be smaller",
                )
            ]
        if b"\x00" in text[:8192]:
            return None, [SpecIssue(file, 1, 1, "", "this is a binary file, not YAML")]
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = text[: exc.start].count(b"\n") + 1
            col = exc.start - (text.rfind(b"\n", 0, exc.start) + 1) + 1
            return None, [
                SpecIssue(file, line, col, "", "the file is not valid UTF-8: save it as UTF-8")
            ]
    elif len(text) > MAX_BYTES:
        return None, [
            SpecIssue(
                file, 1, 1, "", f"file is too large; a journey file must be under {MAX_BYTES} bytes"
            )
        ]
    doc = Document(file=file, data=None)
    try:
        loader = _BoundedLoader(text)  # checks for unprintable characters first
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        return None, [
            SpecIssue(
                file,
                line,
                col,
                "",
                f"the file contains the control character U+{exc.character:04X}, "
                "which YAML does not allow: remove it",
            )
        ]
    try:
        node = loader.get_single_node()
        if node is None:
            return doc, []
        builder = _Builder(loader, doc)
        doc.data = builder.build(node, ())
        return doc, builder.issues
    except _TooLarge as exc:  # and _TooDeep
        return None, [SpecIssue(file, exc.pos.line, exc.pos.column, "", exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        hint = ""
        if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
            # The end of the file is not where the mistake is: the open quote is.
            mark = exc.context_mark
            problem = "this quoted value is never closed"
            hint = ": add the closing quote"
        where = mark_position(mark) if mark else Position(1, 1)
        line, col = where.line, where.column
        if "found character '\\t'" in problem:
            hint = ": indent with spaces, not tabs"
        elif "expected <block end>" in problem or "mapping values are not allowed" in problem:
            hint = ": check the indentation and that values containing ': ' are quoted"
        return None, [SpecIssue(file, line, col, "", f"YAML syntax error: {problem}{hint}")]
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return None, [SpecIssue(file, 1, 1, "", f"YAML error: {exc}")]
    finally:
        loader.dispose()
