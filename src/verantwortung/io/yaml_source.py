"""Safe YAML reading that remembers where every value came from.

We compose the document ourselves from libyaml's event stream instead of using a
PyYAML constructor, for four reasons:

* positions: every mapping key and value keeps its line and column, so a pydantic
  error location such as ``("phases", "kickoff", "label")`` becomes ``file:line:col``;
* safety: no tag can build an object (only the core-schema tags are accepted), and
  the walk is iterative, so 10,000 nested brackets cannot overflow a stack;
* honesty: PyYAML silently keeps the last of two duplicate keys; we report both;
* ids: YAML 1.1 turns ``on``/``off``/``yes``/``no`` into booleans, which silently
  mangles ids like a phase called ``on``. Plain scalars follow the YAML 1.2 core
  schema instead, and mapping keys are always strings.

Limits on file size, nesting depth and alias expansion turn hostile input into
diagnostics, never into a crash or an unbounded allocation.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..exceptions import Diagnostic
from .files import Roots, excerpt, read_file
from .syntax_hint import syntax_hint

try:  # libyaml makes parsing ~10x faster; the pure-Python parser is the fallback
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

__all__ = ["LINE_BREAK", "Limits", "Pos", "SourceDoc", "load_yaml_bytes", "load_yaml_file"]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Pos:
    """A 1-based line and column in a source file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep hostile input from exhausting time or memory."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 200_000


@dataclass(slots=True)
class SourceDoc:
    """A YAML document as plain data, with the source position of every value and key."""

    path: str
    data: Any = None
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when reading produced no error."""
        return not any(d.severity == "error" for d in self.diagnostics)

    def error(self, pos: Pos, code: str, message: str) -> None:
        """Record an error at ``pos``."""
        self.diagnostics.append(Diagnostic(self.path, pos.line, pos.column, code, message))

    def locate(self, loc: Path_, *, key: bool = False) -> Pos:
        """Position of the deepest known prefix of ``loc`` (its key when ``key``)."""
        for n in range(len(loc), -1, -1):
            prefix = loc[:n]
            if key and n == len(loc) and prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return Pos(1, 1)


_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")


_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")


#: the longest number literal read: Python refuses to convert ints of 4,300 digits,
#: and no template needs more than a few
_MAX_DIGITS = 40


def _plain_scalar(text: str) -> Any:
    """Resolve an untagged plain scalar by the YAML 1.2 core schema.

    Raises ValueError for a number literal longer than :data:`_MAX_DIGITS`.
    """
    if text and text[0] not in _MAYBE_NOT_TEXT:
        return text  # fast path: most scalars in a template are words
    if len(text) > _MAX_DIGITS and (_INT.match(text) or _INT_OCT.match(text)
                                    or _INT_HEX.match(text) or _FLOAT.match(text)):
        raise ValueError(f"the number {text[:20]}... has {len(text):,} characters; "
                         f"numbers have at most {_MAX_DIGITS}")
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _INT_OCT.match(text):
        return int(text[2:], 8)
    if _INT_HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text) or _INF.match(text) or _NAN.match(text):
        return float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf")
                     .replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
    return text


def _is_null_key(text: str) -> bool:
    """True for a mapping key that YAML reads as null (``~``, empty); keys are texts else."""
    return text in _NULL


def _tagged_scalar(text: str, tag: str) -> Any:
    """Resolve a scalar with an explicit core tag; raise ValueError when it does not fit."""
    kind = tag.rsplit(":", 1)[-1]
    if tag == "!" or kind == "str":
        return text
    value = _plain_scalar(text)
    expected: Any = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}.get(kind)
    if expected is None or not isinstance(value, expected) or (
        kind in ("int", "float") and isinstance(value, bool)
    ):
        raise ValueError(f"{text!r} is not a valid !!{kind}")
    return float(value) if kind == "float" else value


def _pos(mark: Any) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


def _count_nodes(value: Any) -> int:
    stack, n = [value], 0
    while stack:
        item = stack.pop()
        n += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return n


class _AbortError(Exception):
    """Stop composing: a limit was hit and reported."""


@dataclass(slots=True)
class _Frame:
    container: Any
    path: Path_
    key: str | None = None  # pending mapping key, once read
    key_pos: Pos | None = None
    expecting_key: bool = True
    anchor: str | None = None
    seen_keys: dict[str, Pos] = field(default_factory=dict)


class _Composer:
    """Builds plain data from libyaml events, iteratively, with positions and limits."""

    def __init__(self, doc: SourceDoc, limits: Limits) -> None:
        self.doc = doc
        self.limits = limits
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0

    def run(self, events: Iterator[Any]) -> None:
        documents = 0
        stack: list[_Frame] = []
        root: list[Any] = []
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.doc.error(_pos(event.start_mark), "E011",
                                   "a template file holds exactly one YAML document")
                    raise _AbortError
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self._check_tag(event, "map" if isinstance(event, yaml.MappingStartEvent)
                                else "seq")
                path = self._child_path(stack, event)
                if len(stack) >= self.limits.max_depth:
                    self.doc.error(_pos(event.start_mark), "E008",
                                   f"nesting deeper than {self.limits.max_depth} levels")
                    raise _AbortError
                self.doc.values[path] = _pos(event.start_mark)
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                stack.append(_Frame(container, path, anchor=event.anchor))
                self._count(1, event)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frame = stack.pop()
                if frame.anchor:
                    self.anchors[frame.anchor] = (frame.container, _count_nodes(frame.container))
                self._place(stack, root, frame.container, frame.path)
            elif isinstance(event, yaml.ScalarEvent):
                self._scalar(stack, root, event)
            elif isinstance(event, yaml.AliasEvent):
                self._alias(stack, root, event)
        self.doc.data = root[0] if root else None

    def _count(self, n: int, event: Any) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            self.doc.error(_pos(event.start_mark), "E009",
                           f"the document expands to more than {self.limits.max_nodes} values "
                           "(aliases repeated too often)")
            raise _AbortError

    def _check_tag(self, event: Any, kind: str) -> None:
        tag = event.tag
        if tag is None or tag == "!" or tag == f"tag:yaml.org,2002:{kind}":
            return
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        self.doc.error(_pos(event.start_mark), "E007",
                       f"tag {shown} is not allowed; templates are plain data "
                       "(only core tags like !!str and !!int)")
        raise _AbortError

    def _child_path(self, stack: list[_Frame], event: Any) -> Path_:
        """The path of a value about to start (a refused key's value is composed, then dropped)."""
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.expecting_key:
            self.doc.error(_pos(event.start_mark), "E012",
                           "a mapping key must be a plain word, not a mapping or list")
            raise _AbortError
        return (*top.path, top.key if top.key is not None else "\x00refused")

    def _place(self, stack: list[_Frame], root: list[Any], value: Any, path: Path_) -> None:
        if not stack:
            root.append(value)
            return
        top = stack[-1]
        if isinstance(top.container, list):
            top.container.append(value)
        elif not top.expecting_key:
            if top.key is not None:
                top.container[top.key] = value
            top.key = None
            top.expecting_key = True

    def _scalar(self, stack: list[_Frame], root: list[Any], event: Any) -> None:
        self._count(1, event)
        pos = _pos(event.start_mark)
        top = stack[-1] if stack else None
        if top is not None and isinstance(top.container, dict) and top.expecting_key:
            key = event.value
            if key == "<<" and event.implicit[0]:
                self.doc.error(pos, "E012", "merge keys (<<) are not supported; "
                               "use anchors on whole values or 'extends:'")
                top.key, top.expecting_key = None, False
                return
            if event.tag not in (None, "!", "tag:yaml.org,2002:str") or (
                event.implicit[0] and _is_null_key(key)
            ):
                self.doc.error(pos, "E012", f"mapping key {excerpt(key)} must be a non-empty word")
                top.key, top.expecting_key = None, False
                return
            if key in top.seen_keys:
                first = top.seen_keys[key]
                self.doc.error(pos, "E006", f"duplicate key {excerpt(key)} "
                               f"(first defined at line {first.line}, column {first.column})")
                top.key, top.expecting_key = None, False
                return
            top.seen_keys[key] = pos
            top.key, top.key_pos, top.expecting_key = key, pos, False
            self.doc.keys[(*top.path, key)] = pos
            return
        path = self._child_path(stack, event)
        if event.tag is not None and event.tag not in _CORE_TAGS:
            shown = event.tag.replace("tag:yaml.org,2002:", "!!")
            self.doc.error(pos, "E007", f"tag {shown} is not allowed; templates are plain "
                           "data (only core tags like !!str and !!int)")
            raise _AbortError
        try:
            if event.tag is not None:
                value = _tagged_scalar(event.value, event.tag)
            elif event.implicit[0]:
                value = _plain_scalar(event.value)
            else:
                value = event.value
        except ValueError as exc:
            self.doc.error(pos, "E007", str(exc))
            value = event.value
        self.doc.values[path] = pos
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self._place(stack, root, value, path)

    def _alias(self, stack: list[_Frame], root: list[Any], event: Any) -> None:
        pos = _pos(event.start_mark)
        if event.anchor not in self.anchors:
            self.doc.error(pos, "E005", f"unknown alias *{event.anchor}")
            raise _AbortError
        value, size = self.anchors[event.anchor]
        self._count(size, event)
        top = stack[-1] if stack else None
        if top is not None and isinstance(top.container, dict) and top.expecting_key:
            self.doc.error(pos, "E012", "an alias cannot be a mapping key")
            raise _AbortError
        path = self._child_path(stack, event)
        self.doc.values[path] = pos
        self._place(stack, root, copy.deepcopy(value), path)


def _utf8_error(raw: bytes, exc: UnicodeDecodeError) -> Pos:
    before = raw[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return Pos(line, column)


#: what YAML counts as a line break (and so its line numbers, and most editors')
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _offset_pos(text: str, offset: int) -> Pos:
    """The line and column of the character at ``offset`` of ``text``."""
    lines = LINE_BREAK.split(text[: max(0, offset)])
    return Pos(len(lines), len(lines[-1]) + 1)


def _keep_inside(doc: SourceDoc, text: str) -> None:
    """Move any diagnostic past the end of a line or of the file to the last place in it.

    The parser reports some errors at the position after the last character (a flow
    mapping left open); an editor cannot jump there, so the end of the file is named.
    """
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()  # a final newline ends the last line; it does not start another
    for i, d in enumerate(doc.diagnostics):
        line = min(max(d.line, 1), len(lines))
        column = min(max(d.column, 1), len(lines[line - 1]) + 1)
        if (line, column) != (d.line, d.column):
            doc.diagnostics[i] = Diagnostic(d.path, line, column, d.code, d.message,
                                            d.severity)


def _text_of(raw: bytes, doc: SourceDoc, limits: Limits) -> str | None:
    """The text of a file that is small enough, UTF-8 and not empty; else None (reported)."""
    if len(raw) > limits.max_bytes:
        doc.error(Pos(1, 1), "E002", f"file is {len(raw):,} bytes; templates may have at most "
                  f"{limits.max_bytes:,} bytes")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        doc.error(_utf8_error(raw, exc), "E003",
                  f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)")
        return None
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        doc.error(Pos(1, 1), "E004", "file is empty; a template is a YAML mapping")
        return None
    return text


def _syntax_error(doc: SourceDoc, text: str, exc: yaml.MarkedYAMLError) -> None:
    """Report a parser error at the place a reader can fix it, in words that name the slip."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and mark is not None and (
        "end of stream" in (exc.problem or "") or mark.line >= text.count("\n")
    ):
        mark = exc.context_mark  # the end of the file says nothing; the opening does
    pos = _pos(mark) if mark is not None else Pos(1, 1)
    problem = exc.problem or "invalid YAML"
    if "nesting depth" in problem:  # libyaml's own limit, reached before ours in flow style
        doc.error(pos, "E008", f"nesting deeper than libyaml allows ({problem})")
        return
    context = f" ({exc.context})" if exc.context else ""
    hint = syntax_hint(text, pos.line, pos.column)
    if hint is not None:  # libyaml's words name the parser's state, not the slip
        doc.error(Pos(hint.line, hint.column), "E005", f"YAML syntax error: "
                  f"{hint.message} (the parser says: {problem}{context})")
        return
    doc.error(pos, "E005", f"YAML syntax error: {problem}{context}")


def _compose(doc: SourceDoc, text: str, limits: Limits) -> bool:
    """Compose ``text`` into ``doc``; False when it stopped at a problem (reported)."""
    parser = _Parser(text)

    def events() -> Iterator[Any]:
        while parser.check_event():
            yield parser.get_event()

    try:
        _Composer(doc, limits).run(events())
    except _AbortError:
        return False
    except yaml.MarkedYAMLError as exc:
        _syntax_error(doc, text, exc)
        return False
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        where = _offset_pos(text, exc.position)
        what = (f"character U+{exc.character:04X} is not allowed in YAML (no control "
                "characters or non-characters)" if isinstance(exc.character, int)
                else exc.reason)
        doc.error(where, "E005", f"YAML syntax error: {what}")
        return False
    except yaml.YAMLError as exc:
        doc.error(Pos(1, 1), "E005", f"YAML error: {str(exc).splitlines()[0][:200]}")
        return False
    finally:
        parser.dispose()
        _keep_inside(doc, text)
    return True


def _check_top_level(doc: SourceDoc) -> None:
    """A document that composed must be a mapping (E004 empty, E010 anything else)."""
    if doc.data is None and doc.ok:
        doc.error(Pos(1, 1), "E004", "file is empty; a template is a YAML mapping")
    elif not isinstance(doc.data, dict) and doc.ok:
        kind = "a list" if isinstance(doc.data, list) else (
            "a text" if isinstance(doc.data, str) else f"the value {doc.data!r}")
        doc.error(doc.locate(()), "E010", f"the top level is {kind}; the file must be a "
                  "mapping of keys (a template: id, version, phases, ...; a scenario: "
                  "template, steps, ...)")


def load_yaml_bytes(raw: bytes, path: str, limits: Limits | None = None) -> SourceDoc:
    """Read one YAML document from bytes; problems land in ``.diagnostics``, never raise."""
    limits = limits or Limits()
    doc = SourceDoc(path)
    text = _text_of(raw, doc, limits)
    if text is not None and _compose(doc, text, limits):
        _check_top_level(doc)
    return doc


def load_yaml_file(path: str | Path, limits: Limits | None = None, *, roots: Roots = None,
                   always: tuple[Path, ...] = ()) -> SourceDoc:
    """Read a YAML file without ever reading more than the size limit allows.

    Only a regular ``*.yaml``/``*.yml`` file inside ``roots`` (or ``always``) is read;
    see :mod:`verantwortung.io.files`.
    """
    limits = limits or Limits()
    shown = str(path)
    opened = read_file(Path(path), limits.max_bytes, roots, always)
    if opened.raw is None:
        doc = SourceDoc(shown)
        message = opened.problem if opened.code == "E001" else (
            f"file is {opened.size:,} bytes; templates may have at most {limits.max_bytes:,} bytes")
        doc.error(Pos(1, 1), opened.code, message)
        return doc
    return load_yaml_bytes(opened.raw, shown, limits)
