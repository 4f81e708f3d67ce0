"""Reading PDFs as poppler and pikepdf see them: text, fonts, ligatures."""

import io
import re
import subprocess
import unicodedata
from pathlib import Path

import pikepdf


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of a PDF as pdftotext (poppler) reads it."""
    return run("pdftotext", "-enc", "UTF-8", str(write(pdf, tmp_path, "out.pdf")), "-")


STYLES = ("", "-Bold", "-Italic", "-Bold-Italic", "-BoldItalic", "-Regular")


BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                                       "\u2066\u2067\u2068\u2069"))  # fmt: skip


def write(body: bytes, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def run(*args) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def pdffonts(path: Path) -> list[dict]:
    """The rows of `pdffonts`, split at the columns its dashed rule marks out."""
    lines = run("pdffonts", str(path)).splitlines()
    assert lines[0].split()[:2] == ["name", "type"], lines[:2]
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    keys = ["name", "type", "encoding", "emb", "sub", "uni", "object"]
    rows = []
    for line in lines[2:]:
        cells = [line[a:b].strip() for a, b in spans[:-1]] + [line[spans[-1][0] :].strip()]
        rows.append(dict(zip(keys, cells, strict=True)))
    return rows


def family(font_name: str) -> str:
    """ "ABCDEF+Noto-Sans-CJK-SC-Bold" → "Noto-Sans-CJK-SC" (subset tag and style removed)."""
    base = font_name.split("+", 1)[-1]
    for style in sorted(STYLES, key=len, reverse=True):
        if style and base.endswith(style):
            return base.removesuffix(style)
    return base


def font_characters(body: bytes) -> dict[str, set[str]]:
    """Per embedded font (by family), the characters its ToUnicode map gives text for."""
    found: dict[str, set[str]] = {}
    with pikepdf.open(io.BytesIO(body)) as document:
        for page in document.pages:
            for font in page.Resources.get("/Font", {}).values():
                chars = found.setdefault(family(str(font.BaseFont).lstrip("/")), set())
                if "/ToUnicode" not in font:
                    continue
                cmap = font.ToUnicode.read_bytes().decode("latin-1")
                for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                    for target in re.findall(r"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", block):
                        chars.update(bytes.fromhex(target).decode("utf-16-be"))
                for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
                    for lo, hi, start in re.findall(
                        r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
                    ):
                        first = ord(bytes.fromhex(start).decode("utf-16-be")[0])
                        chars.update(chr(first + i) for i in range(int(hi, 16) - int(lo, 16) + 1))
    return found


def ligatures(body: bytes) -> set[str]:
    """The multi-character texts of the ToUnicode maps (what ligature glyphs stand for)."""
    texts = set()
    with pikepdf.open(io.BytesIO(body)) as document:
        for page in document.pages:
            for font in page.Resources.get("/Font", {}).values():
                if "/ToUnicode" in font:
                    cmap = font.ToUnicode.read_bytes().decode("latin-1")
                    for target in re.findall(r"<[0-9a-fA-F]{2,4}>\s*<([0-9a-fA-F]{8,})>", cmap):
                        texts.add(bytes.fromhex(target).decode("utf-16-be"))
    return texts


def squash(text: str) -> str:
    """Compatibility forms folded (NFKC), bidi marks and all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(BIDI_CONTROLS))
