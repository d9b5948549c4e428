"""Write an edited XML tree as its source bytes with only the changed parts replaced.

lxml re-serializes a whole document: quotes become ``"``, ``'`` in a value becomes ``&quot;``,
character references become characters, ``<x></x>`` becomes ``<x/>``. A Tesseract hOCR file
(single-quoted attributes) would then differ on every line although one word changed. So the
writers take an :class:`Original` of the fresh parse and :meth:`~Original.watch` each element
before changing it, and :func:`splice` copies the source bytes of every node, start tag, text and
tail that did not change, patches the changed attributes inside the original start tag (same quote
character), and writes new elements with the prefixes in scope (no repeated ``xmlns``) and the
quote most of the document uses (:func:`document_quote`). Node
positions come from one scan of the markup of the same bytes; the result is checked against the
edited tree (canonical XML, C14N) and ``None`` is returned whenever they differ or the bytes cannot
be followed: the caller then lets lxml write the root. (UTF-16/32 files are left to lxml by the
caller; GB18030, GBK and Big5 roots are spliced in UTF-8 and encoded back.)

>>> source = b"<a t='1'>\\n  <b k='x'>old</b>\\n  <c/>\\n</a>"
>>> root = etree.fromstring(source)
>>> original = Original(root)
>>> original.watch(root)
>>> root[0].text = "new"
>>> root[0].set("k", "y's")
>>> root[1].set("n", "2")
>>> splice(root, source, original)
b"<a t='1'>\\n  <b k='y&apos;s'>new</b>\\n  <c n='2'/>\\n</a>"
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field

from lxml import etree

from restore.errors import InputError
from restore.formats.safexml import parse_xml

log = logging.getLogger(__name__)
QUOTE = '"'  # around the attributes restore adds, unless the document mostly uses the other quote
# Encodings in which "<", ">" and quotes are never part of another character.
_SCANNABLE = frozenset({"utf-8", "iso8859-1", "ascii", "cp1252"})


@dataclass(frozen=True)
class _State:
    attributes: tuple[tuple[str, str], ...]
    text: str | None
    tail: str | None
    children: tuple[int, ...]


class Original:
    """A freshly parsed tree before a writer changes it: every node's number in document order, and
    the state of the elements the writer says it will change (:meth:`watch`)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.nodes = list(root.iter())
        self.index = {node: number for number, node in enumerate(self.nodes)}
        self.watched: list[tuple[etree._Element, bool]] = []
        self.states: dict[int, _State] = {}

    def watch(self, element: etree._Element, *, deep: bool = True) -> None:
        """Record ``element`` (and, if ``deep``, its descendants) before changing it. Changes
        elsewhere are not looked for; :func:`splice` then finds the output differs and gives up."""
        self.watched.append((element, deep))
        for node in element.iter() if deep else (element,):
            number = self.index[node]
            if number not in self.states:
                children = tuple(self.index[child] for child in node)
                self.states[number] = _State(tuple(node.attrib.items()), node.text, node.tail, children)


@dataclass
class _Span:
    start: int  # the "<" of the node
    start_end: int  # just after the start tag (comments, PIs: the node's end)
    end_start: int = -1  # the "<" of the end tag (self-closing: == start_end)
    end: int = -1  # just after the node
    children: list[int] = field(default_factory=list)
    position: int = 0  # among its parent's children


# Markup in a well-formed root element: "<" never occurs in text or attribute values, ">" may.
_MARKUP = re.compile(
    rb"""<(?:!--.*?-->|\?.*?\?>|!\[CDATA\[.*?\]\]>|/[^>]*>|(?:[^>"']+|"[^"]*"|'[^']*')*>)""", re.S
)


def _spans(source: bytes) -> list[_Span]:
    """Byte spans of the nodes of the root element ``source`` (elements, comments and processing
    instructions, in document order), each with its children."""
    spans: list[_Span] = []
    stack: list[int] = []
    for found in _MARKUP.finditer(source):
        start, end = found.span()
        kind = source[start + 1]
        if kind == 0x2F:  # </name>
            span = spans[stack.pop()]
            span.end_start, span.end = start, end
            continue
        if kind == 0x21 and source[start + 2] == 0x5B:
            continue  # <![CDATA[…]]> is text, not a node
        span = _Span(start, end)
        if stack:
            siblings = spans[stack[-1]].children
            span.position = len(siblings)
            siblings.append(len(spans))
        spans.append(span)
        if kind in (0x21, 0x3F) or source[end - 2] == 0x2F:  # comment, PI, <empty/>
            span.end_start = span.end = end
        else:
            stack.append(len(spans) - 1)
    if stack:
        raise ValueError("unclosed element")
    return spans


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attribute(value: str, quote: str) -> str:
    value = _escape_text(value).replace("\n", "&#10;").replace("\t", "&#9;")
    return value.replace('"', "&quot;") if quote == '"' else value.replace("'", "&apos;")


def _attribute(name: str, value: str, quote: str = QUOTE) -> str:
    """`` name="value"`` as restore writes a new attribute (``quote``: the document's own)."""
    return f" {name}={quote}{_escape_attribute(value, quote)}{quote}"


def document_quote(source: bytes) -> str:
    """The quote character most of the document's attribute values use (Tesseract's hOCR: ``'``,
    though its ``<html>`` and ``<meta>`` tags use ``"``), :data:`QUOTE` on a tie.

    >>> document_quote(b"<a t='1'><b k='2'/></a>"), document_quote(b'<a><b k="x"/></a>'), document_quote(b"<a/>")
    ("'", '"', '"')
    """
    single = len(re.findall(rb"=\s*'", source))
    double = len(re.findall(rb'=\s*"', source))
    return "'" if single > double else QUOTE


def _qualified(node: etree._Element, name: str, *, attribute: bool = False) -> str:
    """``name`` (``{ns}local`` or ``local``) as written with the prefixes in scope at ``node`` (an
    attribute in a namespace needs a prefix: the default namespace does not apply to attributes)."""
    if not name.startswith("{"):
        return name
    namespace, local = name[1:].split("}", 1)
    for prefix, uri in node.nsmap.items():
        if uri == namespace and (prefix or not attribute):
            return f"{prefix}:{local}" if prefix else local
    raise ValueError(f"no prefix in scope for {namespace}")


class _Writer:
    def __init__(self, source: bytes, original: Original, spans: list[_Span], encoding: str, newline: str) -> None:
        self.source, self.original, self.spans, self.encoding, self.newline = source, original, spans, encoding, newline
        self.parts: list[bytes] = []
        self.quote = document_quote(source)
        self.dirty: set[int] = set()  # original nodes whose subtree changed (their bytes cannot be copied whole)
        for element, deep in original.watched:
            for node in element.iter() if deep else (element, *element):
                number = original.index.get(node)
                state = original.states.get(number) if number is not None else None
                if state is None:  # new, moved in from elsewhere, or an unwatched child of a shallow watch
                    if number is None or node is element or deep:
                        self.mark(node.getparent() if number is None else node)
                    continue
                if (tuple(node.attrib.items()) != state.attributes or node.text != state.text
                        or tuple(original.index.get(child, -1) for child in node) != state.children):
                    self.mark(node)
                if node.tail != state.tail:
                    self.mark(node.getparent())

    def mark(self, node: etree._Element | None) -> None:
        while node is not None:
            number = self.original.index.get(node)
            if number in self.dirty:
                return  # its ancestors are marked already
            if number is not None:
                self.dirty.add(number)
            node = node.getparent()

    def raw(self, start: int, end: int) -> None:
        self.parts.append(self.source[start:end])

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(_escape_text(text).replace("\n", self.newline).encode(self.encoding, "xmlcharrefreplace"))

    def node(self, node: etree._Element) -> None:
        number = self.original.index.get(node)
        if number is None:
            self.new(node)
        elif number not in self.dirty:
            span = self.spans[number]
            self.raw(span.start, span.end)
        else:
            self.kept(node, number)

    def kept(self, node: etree._Element, number: int) -> None:
        """A changed original element: its start tag patched, its unchanged text and tails copied."""
        span, state = self.spans[number], self.original.states.get(number)
        if state is None or tuple(node.attrib.items()) == state.attributes:
            tag = self.source[span.start : span.start_end]
        else:
            tag = self.start_tag(node, span, state)
        self_closing = span.end_start == span.start_end
        if self_closing and not node.text and len(node) == 0:
            self.parts.append(tag)
            return
        if self_closing:
            tag = tag[:-2].rstrip() + b">"
        self.parts.append(tag)
        if (state is None or node.text == state.text) and not self_closing:
            first = self.spans[span.children[0]].start if span.children else span.end_start
            self.raw(span.start_end, first)
        else:
            self.text(node.text)
        for child in node:
            self.node(child)
            self.tail(child, span)
        if self_closing:
            self.parts.append(b"</" + _qualified(node, node.tag).encode(self.encoding) + b">")
        else:
            self.raw(span.end_start, span.end)

    def tail(self, child: etree._Element, parent: _Span) -> None:
        number = self.original.index.get(child)
        state = self.original.states.get(number) if number is not None else None
        if number is None or (state is not None and child.tail != state.tail) or not self.child_of(number, parent):
            self.text(child.tail)
            return
        following = self.spans[number].position + 1
        end = self.spans[parent.children[following]].start if following < len(parent.children) else parent.end_start
        self.raw(self.spans[number].end, end)

    def child_of(self, number: int, parent: _Span) -> bool:
        position = self.spans[number].position
        return position < len(parent.children) and parent.children[position] == number

    def start_tag(self, node: etree._Element, span: _Span, state: _State) -> bytes:
        """The original start tag with changed attributes patched in place and new ones appended."""
        tag = self.source[span.start : span.start_end].decode(self.encoding)
        before = dict(state.attributes)
        for name, value in node.attrib.items():
            if before.get(name) == value:
                continue
            written = _qualified(node, name, attribute=True)
            found = re.search(r"(\s)" + re.escape(written) + r"(\s*=\s*)(\"[^\"]*\"|'[^']*')", tag)
            if name in before and found:
                quote = found.group(3)[0]
                replacement = found.group(1) + written + found.group(2) + quote + _escape_attribute(value, quote) + quote
                tag = tag[: found.start()] + replacement + tag[found.end() :]
            elif name in before:
                raise ValueError(f"attribute {written} not found in {tag[:40]}")
            else:
                close = len(tag) - (2 if tag.endswith("/>") else 1)
                while tag[close - 1].isspace():
                    close -= 1
                tag = tag[:close] + _attribute(written, value, self.quote) + tag[close:]
        if any(name not in node.attrib for name in before):
            raise ValueError("an attribute was removed")
        return tag.encode(self.encoding, "xmlcharrefreplace")

    def new(self, node: etree._Element) -> None:
        """An element restore added: written with the prefixes in scope, children and text escaped."""
        if not isinstance(node.tag, str):
            self.parts.append(etree.tostring(node, encoding=self.encoding, with_tail=False))
            return
        name = _qualified(node, node.tag)
        attributes = "".join(_attribute(_qualified(node, k, attribute=True), v, self.quote) for k, v in node.attrib.items())
        if not node.text and len(node) == 0:
            self.parts.append(f"<{name}{attributes}/>".encode(self.encoding, "xmlcharrefreplace"))
            return
        self.parts.append(f"<{name}{attributes}>".encode(self.encoding, "xmlcharrefreplace"))
        self.text(node.text)
        for child in node:
            self.node(child)
            self.text(child.tail)
        self.parts.append(f"</{name}>".encode(self.encoding))


def splice(root: etree._Element, source: bytes, original: Original, *, span: tuple[int, int] | None = None,
           encoding: str = "UTF-8") -> bytes | None:
    """``source`` with the root element ``source[span]`` rewritten as ``root`` is now, only changed
    parts replaced; ``None`` when that cannot be done faithfully (see the module docstring)."""
    if span is None:
        span = (0, len(source))
    if original.root is not root:
        raise ValueError("original was taken of another tree")
    newline = "\r\n" if b"\r\n" in source and source.count(b"\n") == source.count(b"\r\n") else "\n"
    start, end = span
    try:
        # The markup scan needs "<", ">" and quotes never inside a multi-byte character: true of
        # UTF-8 and single-byte encodings; a GB18030/GBK/Big5 root is spliced in UTF-8 and encoded back
        # (unchanged characters give back their own bytes).
        native = codecs.lookup(encoding).name in _SCANNABLE
        work = source[start:end] if native else source[start:end].decode(encoding).encode("utf-8")
        work_encoding = encoding if native else "UTF-8"
        spans = _spans(work)
        if len(spans) != len(original.nodes):
            log.debug("splice: %d nodes in the source, %d parsed", len(spans), len(original.nodes))
            return None
        writer = _Writer(work, original, spans, work_encoding, newline)
        writer.node(root)
        body = b"".join(writer.parts)
        if not native:
            body = body.decode("utf-8").encode(encoding, "xmlcharrefreplace")
        output = source[:start] + body + source[end:]
        same = etree.tostring(parse_xml(output, "spliced"), method="c14n") == etree.tostring(root, method="c14n")
    except (ValueError, IndexError, LookupError, UnicodeError, InputError) as exc:
        log.debug("splice: %s", exc)
        return None
    if not same:
        log.debug("splice: the spliced document is not canonically the edited tree")
    return output if same else None
