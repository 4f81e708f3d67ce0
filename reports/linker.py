"""Joining tagged PDF parts into one PDF, written as it goes (issue 21).

pikepdf's merge held every object of every part at once (1.1 GiB at 193 chapters); this one
holds one part at a time and writes to a file. Each part is first made *linkable* (`prepare`,
once per part, when it is drawn): its objects written out in PDF syntax with local numbers
1…n, every reference to an object and every structure key written with a fixed width, their
places noted. Linking a part at `base` is then adding `base` to the numbers at those places and
copying the bytes out, its small objects packed into compressed object streams, its pages
written at once (each with its page number laid over as an artifact, from a cached folio sheet
added first) and its parent-tree entries as one leaf of the dossier's parent tree (its keys
moved after the keys of the parts before it). What the parts share is written by the join at
the end: the page tree, the structure tree root and its Document element (each part's Document
becomes one of its Parts), the outline, the catalog, and a compressed cross-reference stream.
Between parts the join keeps a few bytes an object or a page, never the parts themselves.

The output keeps the parts' tags (PDF/UA structure), their fonts and images as they were drawn.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import json
import struct
import zlib
from array import array
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf
from pikepdf import Name

VERSION = 2  # of the linkable form: kept parts of another version are prepared again
WIDTH = 10  # digits of every object number and structure key a linkable part writes
DOCUMENT = 0  # the local number standing for the dossier's Document element
PER_STREAM = 1000  # small objects per object stream
ROW = 7  # bytes of a cross-reference row: /W [1 4 2]
_DROP_TYPES = {"/Catalog", "/Pages", "/Page", "/StructTreeRoot", "/Outlines", "/Metadata"}


# --- Making a part linkable ----------------------------------------------------------------


@dataclass
class Piece:
    """PDF syntax with the places of the numbers to move: references and structure keys."""

    text: bytes
    refs: list[int] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)


@dataclass
class PageTemplate:
    number: int  # local
    rest: Piece  # the page dictionary's entries but those the join writes
    contents: list[int]  # local numbers of its content streams
    resources: Piece  # the entries of its resources but /XObject
    xobjects: Piece  # the entries of its /XObject resources
    struct_parents: int | None


@dataclass
class Linkable:
    count: int  # local numbers 1…count
    body: Piece  # the small objects, one after the other
    objects: list[tuple[int, int]]  # (local number, offset in body) of each small object
    streams: list[tuple[int, Piece, bytes]]  # (local number, dictionary, raw data)
    pages: list[PageTemplate]
    tops: list[int]  # local numbers of the elements under the part's structure tree root
    parent_tree: list[tuple[int, Piece]]  # (local key, value)
    keys: int  # structure keys used: 0…keys-1
    role_map: dict[str, str]
    forms: list[int]  # a folio sheet's: local numbers of its pages as form XObjects


class _Writer:
    """Writes objects of one part in PDF syntax, references as fixed-width local numbers."""

    def __init__(self, numbers: dict[tuple[int, int], int], document: set[tuple[int, int]]):
        self.numbers = numbers
        self.document = document  # what references to become the Document element

    def piece(self, obj, *, skip=()) -> Piece:
        out = Piece(b"")
        buffer = bytearray()
        self._value(obj, buffer, out, top=True, skip=skip)
        out.text = bytes(buffer)
        return out

    def _ref(self, objgen, buffer: bytearray, out: Piece) -> None:
        if objgen in self.document:
            number = DOCUMENT
        elif objgen in self.numbers:
            number = self.numbers[objgen]
        else:
            buffer += b"null"  # an object the join does not keep (the part's catalog…)
            return
        out.refs.append(len(buffer))
        buffer += b"%010d 0 R" % number

    def _value(self, obj, buffer: bytearray, out: Piece, *, top=False, skip=(), key=None) -> None:
        if isinstance(obj, bool):
            buffer += b"true" if obj else b"false"
        elif isinstance(obj, int):
            if key in ("/StructParent", "/StructParents"):
                out.keys.append(len(buffer))
                buffer += b"%010d" % obj
            else:
                buffer += b"%d" % obj
        elif isinstance(obj, Decimal | float):
            buffer += _real(obj)
        elif obj is None:
            buffer += b"null"
        elif not top and obj.is_indirect:
            self._ref(obj.objgen, buffer, out)
        elif isinstance(obj, pikepdf.Dictionary) or isinstance(obj, pikepdf.Stream):
            items = obj.stream_dict.items() if isinstance(obj, pikepdf.Stream) else obj.items()
            buffer += b"<<"
            for name, value in items:
                if name in skip:
                    continue
                buffer += name.encode() if isinstance(name, str) else bytes(name)
                buffer += b" "
                self._value(value, buffer, out, key=name)
            buffer += b">>"
        elif isinstance(obj, pikepdf.Array):
            buffer += b"["
            for n, value in enumerate(obj):
                if n:
                    buffer += b" "
                self._value(value, buffer, out)
            buffer += b"]"
        else:
            buffer += obj.unparse()


def _real(value) -> bytes:
    text = format(Decimal(value).normalize(), "f")
    return text.encode()


def prepare(body: bytes, *, forms: bool = False) -> Linkable:
    """`body` (a tagged PDF part) as a linkable part; with `forms` (a folio sheet), its pages
    as form XObjects and nothing else."""
    pdf = pikepdf.open(io.BytesIO(body))
    root = pdf.Root
    page_objs = [page.obj for page in pdf.pages]
    form_objs = []
    if forms:
        form_objs = [pdf.make_indirect(page.as_form_xobject()) for page in pdf.pages]
    dropped = _dropped(pdf)
    tree = root.get("/StructTreeRoot")
    document = {tree.objgen} if tree is not None else set()
    numbers: dict[tuple[int, int], int] = {}
    keep = []
    for obj in pdf.objects:
        if not obj.is_indirect or obj.objgen in dropped or obj.objgen in numbers:
            continue  # (objects made indirect here are listed twice)
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and str(obj.get("/Type", "")) in (
            "/ObjStm",
            "/XRef",
        ):
            continue  # the part's own cross-reference and object streams
        if forms and obj.objgen in {p.objgen for p in page_objs}:
            continue
        numbers[obj.objgen] = len(numbers) + 1
        if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == Name.Page):
            keep.append(obj)
    if not forms:
        for page in page_objs:
            if page.objgen not in numbers:
                numbers[page.objgen] = len(numbers) + 1
    writer = _Writer(numbers, document)
    top_objgens = {k.objgen for k in _kids(tree) if k.is_indirect}
    body_piece = Piece(b"")
    buffer = bytearray()
    objects, streams = [], []
    for obj in keep:
        if isinstance(obj, pikepdf.Stream):
            streams.append((numbers[obj.objgen], writer.piece(obj, skip={"/Length"}),
                            obj.read_raw_bytes()))  # fmt: skip
            continue
        piece = writer.piece(obj)
        if obj.objgen in top_objgens:  # the part's Document: a Part of the dossier's (same length)
            piece.text = piece.text.replace(b"/S /Document", b"/S /Part    ", 1)
        objects.append((numbers[obj.objgen], len(buffer)))
        _append(buffer, body_piece, piece)
        buffer += b"\n"
    body_piece.text = bytes(buffer)
    pages = [] if forms else [_page(writer, page, numbers) for page in page_objs]
    tops, entries, keys, role_map = [], [], 0, {}
    if tree is not None:
        tops = [numbers[k.objgen] for k in _kids(tree) if k.is_indirect and k.objgen in numbers]
        for key, value in _number_tree(tree.get("/ParentTree")):
            entries.append(
                (key, writer.piece(value) if not value.is_indirect else _ref(writer, value))
            )
            keys = max(keys, key + 1)
        keys = max(keys, int(tree.get("/ParentTreeNextKey", 0)))
        role_map = {str(k): str(v) for k, v in tree.get("/RoleMap", {}).items()}
    pdf.close()
    return Linkable(
        count=len(numbers), body=body_piece, objects=objects, streams=streams, pages=pages,
        tops=tops, parent_tree=entries, keys=keys, role_map=role_map,
        forms=[numbers[f.objgen] for f in form_objs],
    )  # fmt: skip


def _kids(tree) -> list:
    """The elements right under a structure tree root (none without a tree)."""
    kids = tree.get("/K") if tree is not None else None
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _ref(writer: _Writer, obj) -> Piece:
    piece = Piece(b"")
    buffer = bytearray()
    writer._ref(obj.objgen, buffer, piece)
    piece.text = bytes(buffer)
    return piece


def _append(buffer: bytearray, into: Piece, piece: Piece) -> None:
    start = len(buffer)
    into.refs.extend(start + r for r in piece.refs)
    into.keys.extend(start + k for k in piece.keys)
    buffer += piece.text


def _dropped(pdf: pikepdf.Pdf) -> set:
    """What the join writes itself or leaves out: the part's catalog, page tree, structure
    tree root and parent tree, outline, names, metadata and information dictionary."""
    root = pdf.Root
    found = {root.objgen}
    stack = [root.get("/Pages"), root.get("/Outlines"), root.get("/Names"), root.get("/Metadata")]
    tree = root.get("/StructTreeRoot")
    if tree is not None:
        found.add(tree.objgen)
        stack.append(tree.get("/ParentTree"))
    info = pdf.trailer.get("/Info")
    if info is not None and info.is_indirect:
        found.add(info.objgen)
    while stack:
        obj = stack.pop()
        if obj is None or not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        if obj.is_indirect:
            if obj.objgen in found:
                continue
            found.add(obj.objgen)
        kind = str(obj.get("/Type", ""))
        if kind == "/Page":
            found.discard(obj.objgen)  # pages keep their numbers (the join writes them)
            continue
        for name in ("/Kids", "/First", "/Next", "/Dests", "/Nums"):
            value = obj.get(name)
            if isinstance(value, pikepdf.Array):
                if name == "/Kids":
                    stack.extend(value)
                # name and number trees: their values stay (they point at kept objects)
            elif value is not None:
                stack.append(value)
    return found


def _number_tree(node):
    if node is None:
        return
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from _number_tree(kid)


def _page(writer: _Writer, page, numbers) -> PageTemplate:
    handled = {"/Type", "/Parent", "/Contents", "/Resources", "/StructParents"}
    rest = writer.piece(page, skip=handled)
    rest.text = rest.text[2:-2]  # the entries, without << >>
    rest.refs = [r - 2 for r in rest.refs]
    rest.keys = [k - 2 for k in rest.keys]
    contents = page.get("/Contents")
    streams = contents if isinstance(contents, pikepdf.Array) else [contents] if contents else []
    resources = page.get("/Resources", pikepdf.Dictionary())
    xobjects = resources.get("/XObject", pikepdf.Dictionary())
    inner = writer.piece(resources, skip={"/XObject"})
    inner.text, inner.refs = inner.text[2:-2], [r - 2 for r in inner.refs]
    xobject_piece = writer.piece(xobjects)
    xobject_piece.text, xobject_piece.refs = (
        xobject_piece.text[2:-2],
        [r - 2 for r in xobject_piece.refs],
    )
    parents = page.get("/StructParents")
    return PageTemplate(
        number=numbers[page.objgen], rest=rest,
        contents=[numbers[s.objgen] for s in streams if s.objgen in numbers],
        resources=inner, xobjects=xobject_piece,
        struct_parents=int(parents) if parents is not None else None,
    )  # fmt: skip


# --- Linking the parts into one file --------------------------------------------------------


def _moved(piece: Piece, base: int, keybase: int, document: int) -> bytes:
    """`piece`'s text with each reference moved by `base` (the Document's to `document`) and
    each structure key by `keybase`, written without the padding (the output is final)."""
    if not piece.refs and not piece.keys:
        return piece.text
    text = piece.text
    places = sorted([(at, True) for at in piece.refs] + [(at, False) for at in piece.keys])
    out, previous = [], 0
    for at, is_ref in places:
        out.append(text[previous:at])
        number = int(text[at : at + WIDTH])
        if is_ref:
            number = document if number == DOCUMENT else number + base
        else:
            number += keybase
        out.append(b"%d" % number)
        previous = at + WIDTH
    out.append(text[previous:])
    return b"".join(out)


def _split(part: Linkable):
    """(local number, piece) of each small object of the part's body."""
    text, refs, keys = part.body.text, part.body.refs, part.body.keys
    ends = [offset for _n, offset in part.objects[1:]] + [len(text)]
    for (number, start), end in zip(part.objects, ends, strict=True):
        r0, r1 = bisect.bisect_left(refs, start), bisect.bisect_left(refs, end)
        k0, k1 = bisect.bisect_left(keys, start), bisect.bisect_left(keys, end)
        yield number, Piece(text[start:end].rstrip(b"\n"), [r - start for r in refs[r0:r1]],
                            [k - start for k in keys[k0:k1]])  # fmt: skip


# The join's own objects that parts point at or that come first: fixed numbers.
DOCUMENT_ELEMENT, STRUCT_ROOT, CATALOG, PAGE_TREE, PARENT_TREE, INFO = 1, 2, 3, 4, 5, 6
OUTLINE_ROOT, METADATA, FOLIO_BEFORE, FOLIO_AFTER = 7, 8, 9, 10
RESERVED = 16


class Linker:
    """Writes one PDF as it goes: `add_folios` for the page numbers, `add` each part in order
    (its objects and its pages written at once), then `finish`. What it keeps between parts
    grows by a few bytes an object or a page: the cross-reference rows, each page's object
    number and page number, the structure keys' leaves."""

    def __init__(self, out):
        self.out = out
        self.rows = bytearray(ROW)  # cross-reference rows by object number, 0 free
        self.next = RESERVED + 1
        self.keys = 0
        self.folios = array("I")  # the form XObject laying the number over page i (0: none)
        self.pages = array("I")  # the object number of each page written
        self.tops = array("I")
        self.leaves: list[tuple[int, int, int]] = []  # parent tree leaves: (number, low, high)
        self.role_map: dict[str, str] = {}
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _entry(self, number: int, kind: int, second: int, third: int) -> None:
        end = (number + 1) * ROW
        if len(self.rows) < end:
            self.rows += bytes(end - len(self.rows))
        self.rows[end - ROW : end] = struct.pack(">BIH", kind, second, third)

    def _object(self, number: int, text: bytes) -> None:
        self._entry(number, 1, self.out.tell(), 0)
        self.out.write(b"%d 0 obj\n" % number + text + b"\nendobj\n")

    def _stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """A stream object: `dictionary` the entries between << >> but /Length."""
        self._entry(number, 1, self.out.tell(), 0)
        self.out.write(b"%d 0 obj\n<<%s /Length %d>>\nstream\n" % (number, dictionary, len(data)))
        self.out.write(data)
        self.out.write(b"\nendstream\nendobj\n")

    def _packed(self, objects: list[tuple[int, bytes]]) -> None:
        """Small objects in compressed object streams (each stream numbered after them)."""
        for start in range(0, len(objects), PER_STREAM):
            chunk = objects[start : start + PER_STREAM]
            number = self._take()
            header, body, offset = [], [], 0
            for index, (num, text) in enumerate(chunk):
                header.append(b"%d %d" % (num, offset))
                body.append(text)
                offset += len(text) + 1
                self._entry(num, 2, number, index)
            head = b" ".join(header) + b"\n"
            data = zlib.compress(head + b"\n".join(body), 6)
            self._stream(number, b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode"
                         % (len(chunk), len(head)), data)  # fmt: skip

    def add_folios(self, sheet: Linkable) -> None:
        """A folio sheet (prepared with `forms`): its forms number the pages added after it."""
        base, _keybase = self.add(sheet)
        self.folios.extend(base + form for form in sheet.forms)

    def add(self, part: Linkable) -> tuple[int, int]:
        """Write a part's objects and its pages. (base, keybase)."""
        base, keybase = self.next - 1, self.keys
        self.next += part.count
        self.keys += part.keys
        small = [(base + number, _moved(piece, base, keybase, DOCUMENT_ELEMENT))
                 for number, piece in _split(part)]  # fmt: skip
        for number, dictionary, data in part.streams:
            moved = _moved(dictionary, base, keybase, DOCUMENT_ELEMENT)
            self._stream(base + number, moved[2:-2], data)
        small += [self._page(page, base, keybase) for page in part.pages]
        self.tops.extend(base + n for n in part.tops)
        if part.parent_tree:
            entries = sorted(part.parent_tree, key=lambda entry: entry[0])
            low, high = keybase + entries[0][0], keybase + entries[-1][0]
            nums = b" ".join(b"%d %s" % (keybase + key, _moved(value, base, keybase,
                             DOCUMENT_ELEMENT)) for key, value in entries)  # fmt: skip
            leaf = self._take()
            small.append((leaf, b"<</Limits [%d %d] /Nums [%s]>>" % (low, high, nums)))
            self.leaves.append((leaf, low, high))
        self.role_map |= part.role_map
        self._packed(small)
        return base, keybase

    def _page(self, page: PageTemplate, base: int, keybase: int) -> tuple[int, bytes]:
        """The page's dictionary, its page number laid over as an artifact."""
        number = base + page.number
        index = len(self.pages)
        self.pages.append(number)
        contents = [base + c for c in page.contents]
        xobjects = _moved(page.xobjects, base, keybase, DOCUMENT_ELEMENT)
        folio = self.folios[index] if index < len(self.folios) else 0
        if folio:
            contents = [FOLIO_BEFORE, *contents, FOLIO_AFTER]
            xobjects += b" /Folio0 %d 0 R" % folio
        text = b"<</Type /Page /Parent %d 0 R /Contents [%s] /Resources <<%s /XObject <<%s>>>>" % (
            PAGE_TREE, b" ".join(b"%d 0 R" % c for c in contents),
            _moved(page.resources, base, keybase, DOCUMENT_ELEMENT), xobjects,
        )  # fmt: skip
        if page.struct_parents is not None:
            text += b" /StructParents %d" % (keybase + page.struct_parents)
        return number, text + b" " + _moved(page.rest, base, keybase, DOCUMENT_ELEMENT) + b">>"

    def finish(self, *, outline: list[tuple[str, int, list]], language: str, title: str) -> int:
        """Write the page tree, the structure tree, the outline, the catalog and the
        cross-reference stream. `outline`: (title, page index, children). The number of
        pages."""
        self._stream(FOLIO_BEFORE, b"", b"q")
        self._stream(FOLIO_AFTER, b"", b"Q /Artifact BMC q /Folio0 Do Q EMC")
        small = [(PAGE_TREE, b"<</Type /Pages /Count %d /Kids [%s]>>" % (
            len(self.pages), b" ".join(b"%d 0 R" % n for n in self.pages)))]  # fmt: skip
        small.append((DOCUMENT_ELEMENT, b"<</Type /StructElem /S /Document /P %d 0 R /K [%s]>>" % (
            STRUCT_ROOT, b" ".join(b"%d 0 R" % n for n in self.tops))))  # fmt: skip
        role_map = b"".join(_name(k) + b" " + _name(v) for k, v in sorted(self.role_map.items()))
        small.append((STRUCT_ROOT, b"<</Type /StructTreeRoot /K [%d 0 R] /ParentTree %d 0 R"
                      b" /ParentTreeNextKey %d%s>>" % (
            DOCUMENT_ELEMENT, PARENT_TREE, self.keys,
            b" /RoleMap <<" + role_map + b">>" if role_map else b"")))  # fmt: skip
        kids = b" ".join(b"%d 0 R" % leaf for leaf, _low, _high in self.leaves)
        small.append((PARENT_TREE, b"<</Kids [%s]>>" % kids if kids else b"<</Nums []>>"))
        small += self._outline(outline, self.pages)
        small.append((INFO, b"<</Title %s /Author %s /Producer %s>>" % (
            _text(title), _text("UN-Habitat"),
            _text(f"Safer Cities Review Portal, WeasyPrint, pikepdf {pikepdf.__version__}"))))  # fmt: skip
        self._stream(METADATA, b"/Type /Metadata /Subtype /XML", _xmp(title, language))
        small.append((CATALOG, b"<</Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R"
                      b" /MarkInfo <</Marked true>> /Lang %s /Metadata %d 0 R"
                      b" /ViewerPreferences <</DisplayDocTitle true>>%s>>" % (
            PAGE_TREE, STRUCT_ROOT, _text(language), METADATA,
            b" /Outlines %d 0 R" % OUTLINE_ROOT if outline else b"")))  # fmt: skip
        self._packed(small)
        self._xref(title)
        return len(self.pages)

    def _outline(self, items, pages) -> list[tuple[int, bytes]]:
        """The outline's items: (number, text)."""
        made: list[tuple[int, bytes]] = []

        def level(entries, parent: int) -> tuple[int, int, int]:
            numbers = [self._take() for _ in entries]
            visible = 0
            for i, (title, page, children) in enumerate(entries):
                first = last = count = 0
                if children:
                    first, last, count = level(children, numbers[i])
                text = b"<</Title %s /Parent %d 0 R /Dest [%d 0 R /Fit]" % (
                    _text(title),
                    parent,
                    pages[min(page, len(pages) - 1)],
                )
                if i:
                    text += b" /Prev %d 0 R" % numbers[i - 1]
                if i < len(entries) - 1:
                    text += b" /Next %d 0 R" % numbers[i + 1]
                if children:
                    text += b" /First %d 0 R /Last %d 0 R /Count -%d" % (first, last, count)
                made.append((numbers[i], text + b">>"))
                visible += 1
            return (numbers[0], numbers[-1], visible) if numbers else (0, 0, 0)

        if items:
            first, last, count = level(items, OUTLINE_ROOT)
            made.append((OUTLINE_ROOT, b"<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>"
                         % (first, last, count)))  # fmt: skip
        return made

    def _take(self) -> int:
        number = self.next
        self.next += 1
        return number

    def _xref(self, title: str) -> None:
        """The cross-reference stream: a row for every number below its own (free ones 0),
        compressed a block of rows at a time with PNG's "Up" predictor."""
        number = self._take()
        self._entry(number, 1, self.out.tell(), 0)
        self.rows[0:ROW] = struct.pack(">BIH", 0, 0, 65535)
        size = len(self.rows) // ROW
        packer, blocks, above = zlib.compressobj(9), [], bytes(ROW)
        step = ROW * 4096
        for start in range(0, len(self.rows), step):
            block = bytes(self.rows[start : start + step])
            blocks.append(packer.compress(_png_up(block, above)))
            above = block[-ROW:]
        data = b"".join(blocks) + packer.flush()
        identifier = hashlib.md5(
            title.encode() + bytes(self.rows[:4096]), usedforsecurity=False
        ).hexdigest()
        dictionary = (b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Info %d 0 R"
                      b" /ID [<%s> <%s>] /Filter /FlateDecode /DecodeParms <</Predictor 12"
                      b" /Columns %d>>" % (size, CATALOG, INFO, identifier.encode(),
                                           identifier.encode(), ROW))  # fmt: skip
        start = self.out.tell()
        self.out.write(b"%d 0 obj\n<<%s /Length %d>>\nstream\n" % (number, dictionary, len(data)))
        self.out.write(data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)


def _png_up(rows: bytes, above: bytes) -> bytes:
    """Rows of `len(above)` bytes with PNG's "Up" predictor, as /Predictor 12 reads them;
    `above` the row before the first."""
    width = len(above)
    previous = above + rows[:-width]
    diff = bytes((a - b) & 0xFF for a, b in zip(rows, previous, strict=True))
    return b"".join(b"\x02" + diff[i : i + width] for i in range(0, len(diff), width))


def _name(value: str) -> bytes:
    return bytes(pikepdf.Name(value).unparse())


def _text(value: str) -> bytes:
    """A PDF text string (UTF-16 with its byte-order mark, in hexadecimal)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


def _xmp(title: str, language: str) -> bytes:
    from xml.sax.saxutils import escape

    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt>'
        f"</dc:title><dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag>"
        "</dc:language><pdfuaid:part>1</pdfuaid:part></rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


# --- Keeping a linkable part (beside the part, in the file store) ----------------------------

_MAGIC = b"PDFLINK1"


def dumps(part: Linkable) -> bytes:
    """The linkable part as bytes: a JSON header, then its texts and stream data."""
    blobs: list[bytes] = []

    def blob(data: bytes) -> int:
        blobs.append(data)
        return len(blobs) - 1

    def piece(p: Piece) -> list:
        return [blob(p.text), p.refs, p.keys]

    header = {
        "count": part.count, "body": piece(part.body), "objects": part.objects,
        "streams": [[n, piece(d), blob(data)] for n, d, data in part.streams],
        "pages": [[p.number, piece(p.rest), p.contents, piece(p.resources), piece(p.xobjects),
                   p.struct_parents] for p in part.pages],
        "tops": part.tops, "parent_tree": [[k, piece(v)] for k, v in part.parent_tree],
        "keys": part.keys, "role_map": part.role_map, "forms": part.forms,
        "sizes": [len(b) for b in blobs],
    }  # fmt: skip
    head = json.dumps(header, separators=(",", ":")).encode()
    return _MAGIC + struct.pack(">I", len(head)) + head + b"".join(blobs)


def loads(data: bytes) -> Linkable:
    if not data.startswith(_MAGIC) or len(data) < 12:
        raise ValueError("not a linkable part")
    (length,) = struct.unpack(">I", data[8:12])
    header = json.loads(data[12 : 12 + length])
    if len(data) != 12 + length + sum(header["sizes"]):
        raise ValueError("a linkable part cut short")
    blobs, at = [], 12 + length
    for size in header["sizes"]:
        blobs.append(data[at : at + size])
        at += size

    def piece(p: list) -> Piece:
        return Piece(blobs[p[0]], p[1], p[2])

    return Linkable(
        count=header["count"], body=piece(header["body"]),
        objects=[tuple(o) for o in header["objects"]],
        streams=[(n, piece(d), blobs[b]) for n, d, b in header["streams"]],
        pages=[PageTemplate(n, piece(r), c, piece(res), piece(x), s)
               for n, r, c, res, x, s in header["pages"]],
        tops=header["tops"], parent_tree=[(k, piece(v)) for k, v in header["parent_tree"]],
        keys=header["keys"], role_map=header["role_map"], forms=header["forms"],
    )  # fmt: skip
