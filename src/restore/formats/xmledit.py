"""Editing a parsed OCR file so that only what changed changes: layout-keeping inserts, removals, output.

The writers change a few elements of a large file that people diff, version and re-validate, so:

- :func:`serialize` writes only the nodes that changed (:mod:`restore.formats.splice`: every other
  byte is copied from the source, quotes and character references included) or, when that cannot
  be done faithfully, the root element again, and keeps every byte outside it as it was: the
  XML declaration (version, encoding spelling, quotes, ``standalone``), the DOCTYPE, comments and
  processing instructions before and after the root and the line breaks between them (libxml2
  would rewrite the declaration and drop the break after a leading comment). The root is written
  in the encoding the file declares, with the file's CRLF line ends when it used them throughout.
- :func:`insert_child` and :func:`remove_child` keep the indentation of the siblings, so a new
  element sits on its own line at their depth (with its own children indented one step deeper)
  and a removed one leaves no stray blank line or misplaced closing tag.

>>> root = etree.fromstring(b"<a>\\n  <b/>\\n</a>")
>>> insert_child(root, 1, etree.fromstring(b"<c><d/></c>"))
>>> print(etree.tostring(root).decode())
<a>
  <b/>
  <c>
    <d/>
  </c>
</a>
>>> serialize(root, b"<?xml version='1.0' standalone='yes'?>\\n<!-- kept -->\\n<a/>\\n")
b"<?xml version='1.0' standalone='yes'?>\\n<!-- kept -->\\n<a>\\n  <b/>\\n  <c>\\n    <d/>\\n  </c>\\n</a>\\n"
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from restore.formats.splice import Original, splice

_SPACE = b" \t\r\n"
_NAME_START = re.compile(rb"<[A-Za-z_:]")


def _blank(text: str | None) -> bool:
    return text is not None and text != "" and not text.strip()


def _skip_doctype(source: bytes, position: int) -> int:
    """The offset just after the ``<!DOCTYPE …>`` starting at ``position`` (quotes and ``[…]`` skipped)."""
    depth, quote = 0, b""
    for index in range(position + 2, len(source)):
        char = source[index : index + 1]
        if quote:
            if char == quote:
                quote = b""
        elif char in (b'"', b"'"):
            quote = char
        elif char == b"[":
            depth += 1
        elif char == b"]":
            depth -= 1
        elif char == b">" and depth == 0:
            return index + 1
    return -1


def root_span(source: bytes) -> tuple[int, int] | None:
    """``(start, end)`` byte offsets of the root element in ``source``, or None when they cannot be
    told for sure (then the caller writes the whole document).

    >>> root_span(b'<?xml version="1.0"?>\\n<!-- a -->\\n<r><x/></r>\\n<?pi b?>\\n')
    (33, 44)
    """
    position = 3 if source.startswith(codecs.BOM_UTF8) else 0
    while position < len(source):
        if source[position : position + 1] in (b" ", b"\t", b"\r", b"\n"):
            position += 1
        elif source.startswith(b"<?", position):
            found = source.find(b"?>", position)
            position = found + 2 if found >= 0 else -1
        elif source.startswith(b"<!--", position):
            found = source.find(b"-->", position)
            position = found + 3 if found >= 0 else -1
        elif source.startswith(b"<!DOCTYPE", position):
            position = _skip_doctype(source, position)
        else:
            break
        if position < 0:
            return None
    if not _NAME_START.match(source, position):
        return None
    end = len(source)
    while True:
        while end > position and source[end - 1] in _SPACE:
            end -= 1
        if source.endswith(b"-->", 0, end):
            end = source.rfind(b"<!--", position, end)
        elif source.endswith(b"?>", 0, end):
            end = source.rfind(b"<?", position, end)
        else:
            break
        if end < 0:
            return None
    return (position, end) if source[end - 1 : end] == b">" else None


def _ascii_compatible(encoding: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return not name.startswith(("utf-16", "utf-32"))


def serialize_spliced(root: etree._Element, source: bytes, original: Original) -> bytes | None:
    """``source`` with only what changed in ``root`` since ``original`` was taken rewritten
    (:func:`restore.formats.splice.splice`), or None when that cannot be done faithfully."""
    encoding = root.getroottree().docinfo.encoding or "UTF-8"
    span = root_span(source) if _ascii_compatible(encoding) else None
    return None if span is None else splice(root, source, original, span=span, encoding=encoding)


def serialize(root: etree._Element, source: bytes, original: Original | None = None, *,
              encoding: str | None = None) -> bytes:
    """``source`` with its root element replaced by ``root`` (see the module docstring), written in
    ``encoding`` (default: the one ``root``'s document declares). Given the ``original`` state of the
    tree, only the changed nodes are rewritten when that can be done faithfully."""
    if original is not None:
        spliced = serialize_spliced(root, source, original)
        if spliced is not None:
            return spliced
    tree = root.getroottree()
    encoding = encoding or tree.docinfo.encoding or "UTF-8"
    span = root_span(source) if _ascii_compatible(encoding) else None
    if span is None:  # UTF-16/32 or a prolog we cannot read: libxml2 writes the whole document
        standalone = "standalone=" in source[:400].decode(encoding, "ignore")
        whole = etree.tostring(tree, xml_declaration=True, encoding=encoding,
                               standalone=tree.docinfo.standalone if standalone else None)
        return whole + (b"\n" if _ascii_compatible(encoding) else b"")
    start, end = span
    body = etree.tostring(root, encoding=encoding, xml_declaration=False, with_tail=False)
    if b"\r\n" in source and source.count(b"\n") == source.count(b"\r\n"):
        body = body.replace(b"\n", b"\r\n")
    return source[:start] + body + source[end:]


def _indent_before(parent: etree._Element, index: int) -> str | None:
    return parent.text if index == 0 else parent[index - 1].tail


def insert_child(parent: etree._Element, index: int, child: etree._Element) -> None:
    """Insert ``child`` at ``index`` of ``parent`` indented like its siblings (when they are indented)."""
    count = len(parent)
    if count == 0:
        parent.insert(index, child)
        return
    inner = parent.text  # the whitespace before the first child: the children's indentation
    if index < count:
        before = _indent_before(parent, index)
        parent.insert(index, child)
        if _blank(before):
            child.tail = before
    else:
        last = parent[count - 1]
        closing = last.tail
        parent.insert(index, child)
        if _blank(inner) and _blank(closing):
            last.tail, child.tail = inner, closing
    _indent_children(child, inner, parent[-1].tail if index < count else child.tail)


def _indent_children(child: etree._Element, inner: str | None, closing: str | None) -> None:
    """Indent a new element's own children one step deeper than it (the step read off its parent)."""
    if len(child) == 0 or not (_blank(inner) and _blank(closing)):
        return
    assert inner is not None and closing is not None
    if not inner.startswith(closing) or len(inner) == len(closing):
        return
    step = inner[len(closing) :]
    if inner.count("\n") != 1 or not inner.startswith("\n"):
        return
    depth, remainder = divmod(len(inner) - 1, len(step))
    if remainder or inner[1:] != step * depth:
        return
    tail = child.tail
    etree.indent(child, space=step, level=depth)
    child.tail = tail


def remove_child(child: etree._Element) -> None:
    """Remove ``child`` (an element with a parent), leaving its siblings' layout as it was."""
    parent = child.getparent()
    assert parent is not None
    previous = child.getprevious()
    if child.getnext() is None and _blank(child.tail):
        if previous is not None:
            previous.tail = child.tail
        else:
            parent.text = None
    parent.remove(child)
