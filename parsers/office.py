"""Word documents: .docx with python-docx; legacy .doc (Word 97) converted to .docx by LibreOffice headless
and read by the same .docx reader, with antiword as the fallback.

Official documents typed in Word put the two-column header and the Nơi nhận / signature area in borderless
tables; each table is emitted column by column (left block, then right block), like the PDF layout.  Text in
legacy fonts (.VnTime -> TCVN3, VNI-Times -> VNI) is decoded per run (docx) or by signature (doc) before any
cleanup.

Why LibreOffice first: on the real corpus' Word 97 files antiword flattens the header and signature tables
into single lines (issuer and motto on one line, number and place-and-date on one line) and interleaves
'Nơi nhận:' with the signature; the converted .docx keeps every table cell and the run fonts (so TCVN3/VNI
runs are decoded per run).  antiword stays when LibreOffice is missing or fails (a warning names the
converter that ran).  antiword was picked over catdoc: it keeps table rows as '|cell|cell|' lines, while
catdoc flattens a row into one line with tabs and wraps paragraphs at 72 columns."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from parsers.errors import CorruptFile, EncryptedFile, ExtractionError, UnsupportedFormat
from parsers.legacy import (
    UNICODE_VIETNAMESE,
    decode_tcvn3,
    decode_vni,
    detect_legacy_encoding,
    is_h_font,
    legacy_encoding_for_font,
)
from parsers.limits import Extraction, Limits, single_page
from parsers.office_numbering import Numbering
from parsers.pdf import normalize_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --- .docx ------------------------------------------------------------------------------------------------


class StyleFonts:
    """The font a run gets from the styles when it names none itself: its character style, its paragraph's
    style (or the default paragraph style), through the basedOn chains, then the document defaults."""

    def __init__(self, styles_xml) -> None:
        self._styles: dict[str, object] = {}
        self._default_para: str | None = None
        self._defaults: str | None = None
        if styles_xml is None:
            return
        for style in styles_xml.iter(_W + "style"):
            sid = style.get(_W + "styleId")
            self._styles[sid] = style
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true"):
                self._default_para = sid
        defaults = styles_xml.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        self._defaults = _fonts_of(defaults)
        self.has_legacy = any(
            legacy_encoding_for_font(_fonts_of(s.find(_W + "rPr"))) for s in self._styles.values()
        ) or bool(legacy_encoding_for_font(self._defaults))

    has_legacy = False

    def inherited_font(self, run, p) -> str | None:
        rpr = run.find(_W + "rPr")
        rstyle = rpr.find(_W + "rStyle") if rpr is not None else None
        if rstyle is not None:
            font = self._style_font(rstyle.get(_W + "val"))
            if font:
                return font
        ppr = p.find(_W + "pPr") if p is not None else None
        pstyle = ppr.find(_W + "pStyle") if ppr is not None else None
        font = self._style_font(pstyle.get(_W + "val") if pstyle is not None else self._default_para)
        return font or self._defaults

    def _style_font(self, style_id: str | None) -> str | None:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                return None
            font = _fonts_of(style.find(_W + "rPr"))
            if font:
                return font
            based = style.find(_W + "basedOn")
            style_id = based.get(_W + "val") if based is not None else None
        return None


def _fonts_of(rpr) -> str | None:
    fonts = rpr.find(_W + "rFonts") if rpr is not None else None
    if fonts is None:
        return None
    return fonts.get(_W + "ascii") or fonts.get(_W + "hAnsi")


@dataclass
class DocContext:
    """What a paragraph's text depends on beyond its own XML: list numbering and the styles' fonts."""

    numbering: Numbering | None
    fonts: StyleFonts

    @classmethod
    def of(cls, document) -> DocContext:
        return cls(Numbering.of(document), StyleFonts(document.styles.element))


def extract_docx(data: bytes, limits: Limits | None = None) -> Extraction:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorruptFile(f"not a readable .docx: {exc}") from exc
    blocks: list[str] = []
    converted = _body_blocks(document.element.body, blocks, DocContext.of(document))
    return _finish("\n\n".join(blocks), "docx", converted)


def _body_blocks(container, blocks: list[str], ctx: DocContext | None = None) -> bool:
    """Paragraphs and tables of the body in order; content controls (w:sdt) are opened, not skipped."""
    converted = False
    for child in container.iterchildren():
        if child.tag == _W + "p":
            text, conv = _paragraph_text(child, ctx)
            converted |= conv
            if text.strip():
                blocks.append(text)
        elif child.tag == _W + "tbl":
            table_blocks, conv = _table_blocks(child, ctx)
            converted |= conv
            blocks.extend(table_blocks)
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                converted |= _body_blocks(content, blocks, ctx)
    return converted


def _run_font(run) -> str | None:
    rpr = run.find(_W + "rPr")
    if rpr is None:
        return None
    fonts = rpr.find(_W + "rFonts")
    if fonts is None:
        return None
    return fonts.get(_W + "ascii") or fonts.get(_W + "hAnsi")


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_TEXTBOX = _W + "txbxContent"


def _paragraph_text(p, ctx: DocContext | None = None) -> tuple[str, bool]:
    """Text of a w:p with legacy-font runs decoded, after its automatic list label; (text, converted?).

    Run children are read in order (a `<w:br/>` between two `<w:t>` of one run is a line break there, as
    LibreOffice writes 'LUẬT<br/>Xử lý vi phạm hành chính').  Text boxes anchored in the paragraph (a
    'DỰ THẢO' mark, a floating number box) come after the paragraph's own text on their own lines, once:
    the VML copy under mc:Fallback repeats the mc:Choice one."""
    parts: list[str] = []
    boxes: list[str] = []
    converted = False
    runs = list(_own(p, _W + "r"))
    inherited = _inherited_legacy_encoding(p, runs, ctx)
    for run in runs:
        text, conv = _run_text(run, p, ctx, inherited)
        converted |= conv
        parts.append(text)
        for box in _own(run, _TEXTBOX, into_boxes=True):
            for bp in box.iter(_W + "p"):
                if _inside(bp, _TEXTBOX) is not box:
                    continue  # a paragraph of a text box nested in this one is read with that box
                text, conv = _paragraph_text(bp, ctx)
                converted |= conv
                if text.strip():
                    boxes.append(text.strip())
    label = ctx.numbering.label(p) if ctx is not None and ctx.numbering is not None else ""
    text = "".join(parts)
    if label and text.strip():
        text = label + text.lstrip()
    if boxes:
        text = "\n".join([text, *boxes]) if text.strip() else "\n".join(boxes)
    return text, converted


def _run_text(run, p=None, ctx: DocContext | None = None, inherited: str | None = None) -> tuple[str, bool]:
    """The run's text, decoded when it is in a legacy font: its own font (w:rFonts), or one it inherits
    from its character or paragraph style when the paragraph's inheriting runs read as that encoding
    (`inherited`, from _inherited_legacy_encoding).  A run holding Unicode-only Vietnamese letters is
    Unicode whatever its font says (a Unicode text typed with .VnTime selected)."""
    font = _run_font(run)
    text = _raw_run_text(run)
    if font is None and ctx is not None and inherited is not None:
        font = ctx.fonts.inherited_font(run, p)
        if legacy_encoding_for_font(font) != inherited:
            return text, False
    enc = legacy_encoding_for_font(font)
    if enc is None or UNICODE_VIETNAMESE.search(text):
        return text, False
    if enc == "tcvn3":
        return decode_tcvn3(text, capitals=is_h_font(font)), True
    return decode_vni(text), True


def _raw_run_text(run) -> str:
    out: list[str] = []
    for child in run:
        if child.tag == _W + "t":
            out.append(child.text or "")
        elif child.tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif child.tag == _W + "tab":
            out.append(" ")
        elif child.tag == _W + "softHyphen":
            # TCVN3 'ư' is byte 0xAD: a Word 97 file keeps it as a soft hyphen and LibreOffice writes that as
            # <w:softHyphen/>; the decoder needs it back (normalize_text drops a real soft hyphen later)
            out.append("\u00ad")
        elif child.tag == _W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _inherited_legacy_encoding(p, runs: list, ctx: DocContext | None) -> str | None:
    """The legacy encoding of the paragraph's runs that have no font of their own but inherit a legacy one
    from a style, if their text reads as that encoding; else None.  Styles name .VnTime for Unicode text
    too (a template kept from the 1990s), so the style alone never decides."""
    if ctx is None or not ctx.fonts.has_legacy:
        return None
    texts: dict[str, list[str]] = {}
    for run in runs:
        if _run_font(run) is not None:
            continue
        enc = legacy_encoding_for_font(ctx.fonts.inherited_font(run, p))
        if enc is not None:
            texts.setdefault(enc, []).append(_raw_run_text(run))
    for enc, parts in texts.items():
        if detect_legacy_encoding(" ".join(parts), min_words=1) == enc:
            return enc
    return None


def _inside(node, tag: str):
    """The nearest ancestor of `node` with `tag` (None if there is none)."""
    parent = node.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _own(root, tag: str, into_boxes: bool = False):
    """Descendants of `root` with `tag` that belong to it: not inside a text box below root (unless
    into_boxes, for the boxes themselves) and not in an mc:Fallback copy."""
    for node in root.iter(tag):
        parent, ok = node.getparent(), True
        while parent is not None and parent is not root:
            if parent.tag == _MC + "Fallback" or (parent.tag == _TEXTBOX and not into_boxes):
                ok = False
                break
            if parent.tag == _TEXTBOX and into_boxes:
                ok = False  # a box inside a box: read with its outer box
                break
            parent = parent.getparent()
        if ok:
            yield node


LAYOUT_TABLE_COLUMNS = 2  # header and signature tables have two columns; wider tables hold data


def _table_blocks(tbl, ctx: DocContext | None = None) -> tuple[list[str], bool]:
    """A layout table (two columns: the header, the Nơi nhận / signature area): one block per column, left
    to right, read like the PDF layout.  A data table (three columns or more: statistics, task lists): one
    block, row by row, a cell a line, as a person reads it.  Merged cells once.  A table nested in a cell
    (a closing table put in one cell of a page-wide frame table) is read in its place, once, with its own
    blocks: its rows are not the outer table's rows."""
    columns: dict[int, list[list[str]]] = {}
    rows: list[str] = []
    converted = False
    for tr in tbl.findall(_W + "tr"):
        col = 0
        for tc in tr.findall(_W + "tc"):
            span = 1
            tcpr = tc.find(_W + "tcPr")
            if tcpr is not None:
                grid = tcpr.find(_W + "gridSpan")
                if grid is not None:
                    span = int(grid.get(_W + "val", "1"))
                vmerge = tcpr.find(_W + "vMerge")
                if vmerge is not None and vmerge.get(_W + "val") != "restart":
                    col += span
                    continue
            column = columns.setdefault(col, [[]])
            for kind, content in _cell_content(tc, ctx):
                converted |= content[1]
                if kind == "p":
                    column[-1].append(content[0])
                    rows.append(content[0])
                else:  # a nested table's blocks stay blocks of their own
                    column.extend([block] for block in content[0])
                    column.append([])
                    rows.extend(content[0])
            col += span
    grid = tbl.find(_W + "tblGrid")
    width = len(grid.findall(_W + "gridCol")) if grid is not None else len(columns)
    if width > LAYOUT_TABLE_COLUMNS:
        return (["\n".join(rows)] if rows else []), converted
    blocks = ["\n".join(lines) for _, col_blocks in sorted(columns.items()) for lines in col_blocks if lines]
    return blocks, converted


def _cell_content(tc, ctx: DocContext | None):
    """('p', (text, converted)) per non-empty paragraph and ('tbl', (blocks, converted)) per nested table of
    a table cell, in order (content controls opened)."""
    for child in tc.iterchildren():
        if child.tag == _W + "p":
            text, conv = _paragraph_text(child, ctx)
            if text.strip():
                yield "p", (text.strip(), conv)
        elif child.tag == _W + "tbl":
            yield "tbl", _table_blocks(child, ctx)
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _cell_content(content, ctx)


# --- .doc -------------------------------------------------------------------------------------------------


# LibreOffice converts one .doc in ~1.5 s (start-up included); a file that takes longer than this is stuck.
LIBREOFFICE_TIMEOUT = 120.0
DOC_CONVERTERS = ("libreoffice", "antiword")


class ConversionFailed(ExtractionError):
    """LibreOffice is missing or could not convert the .doc (the caller falls back to antiword)."""


def extract_doc(data: bytes, limits: Limits | None = None, converter: str | None = None) -> Extraction:
    """A Word 97 .doc: LibreOffice -> .docx -> extract_docx; antiword when LibreOffice is missing or fails.
    `converter` forces one of DOC_CONVERTERS (the benchmark compares them)."""
    limits = limits or Limits()
    if converter not in (None, *DOC_CONVERTERS):
        raise ValueError(f"converter must be one of {DOC_CONVERTERS}, not {converter!r}")
    if converter != "antiword":
        try:
            docx_bytes = convert_doc_to_docx(data, min(LIBREOFFICE_TIMEOUT, limits.timeout_seconds))
            result = extract_docx(docx_bytes, limits)
        except ConversionFailed as exc:
            if converter == "libreoffice":
                raise
            result = extract_doc_antiword(data, limits)
            result.warnings.insert(0, f".doc read with antiword (LibreOffice: {exc})")
            return result
        result.kind = "doc"
        result.warnings.insert(0, ".doc converted to .docx with LibreOffice")
        return result
    result = extract_doc_antiword(data, limits)
    result.warnings.insert(0, ".doc read with antiword")
    return result


def convert_doc_to_docx(data: bytes, timeout: float) -> bytes:
    """`soffice --headless --convert-to docx` with a private profile in a temporary folder (no shared
    ~/.config lock, no state left behind); the whole process group is killed on timeout."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise ConversionFailed("not installed (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="directives-doc-") as tmp:
        folder = Path(tmp)
        (folder / "in.doc").write_bytes(data)
        cmd = [
            exe,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            str(folder / "in.doc"),
        ]
        env = {**os.environ, "HOME": tmp, "TMPDIR": tmp}
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ConversionFailed(f"no result after {timeout:.0f} s (killed)") from None
        finally:
            _kill_leftovers(proc)
        out = folder / "out" / "in.docx"
        if proc.returncode != 0 or not out.is_file():
            reason = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            raise ConversionFailed(f"conversion failed: {reason[0][:200]}")
        return out.read_bytes()


def _kill_leftovers(proc: subprocess.Popen) -> None:
    """soffice may leave an oosplash/soffice.bin child in its group; nothing of it must outlive the call."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def extract_doc_antiword(data: bytes, limits: Limits | None = None) -> Extraction:
    limits = limits or Limits()
    exe = shutil.which("antiword")
    if exe is None:
        raise UnsupportedFormat("antiword is not installed (apt-get install antiword): cannot read .doc")
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(data)
        tmp.flush()
        proc = subprocess.run(
            [exe, "-w", "0", "-m", "UTF-8.txt", tmp.name],
            capture_output=True,
            timeout=limits.timeout_seconds,
            check=False,
        )
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        if "encrypt" in err.lower():
            raise EncryptedFile("Word document is encrypted")
        raise CorruptFile(f"antiword could not read the .doc: {err.strip()[:300]}")
    return text_from_antiword(proc.stdout.decode("utf-8", "replace"))


def text_from_antiword(output: str) -> Extraction:
    """Blocks from antiword's text: table rows '|a|b|' rebuilt as column blocks; legacy text decoded."""
    encoding = detect_legacy_encoding(output)
    if encoding == "tcvn3":
        output = decode_tcvn3(output)
    elif encoding == "vni":
        output = decode_vni(output)
    blocks: list[str] = []
    para: list[str] = []
    table: list[list[str]] = []

    def flush_para() -> None:
        if para:
            blocks.append(" ".join(para))
            para.clear()

    def flush_table() -> None:
        if table:
            width = max(len(r) for r in table)
            if width > LAYOUT_TABLE_COLUMNS:  # a data table: row by row (see _table_blocks)
                cells = [cell.strip() for r in table for cell in r if cell.strip()]
                blocks.append("\n".join(cells))
                table.clear()
                return
            for c in range(width):
                cells = [r[c].strip() for r in table if c < len(r) and r[c].strip()]
                if cells:
                    blocks.append("\n".join(cells))
            table.clear()

    for raw in output.split("\n"):
        line = raw.rstrip()
        if line.startswith("|") and line.endswith("|"):
            flush_para()
            table.append(line[1:-1].split("|"))
            continue
        flush_table()
        if not line.strip():
            flush_para()
        else:
            para.append(line.strip())
    flush_para()
    flush_table()
    return _finish("\n\n".join(blocks), "doc", encoding is not None)


def _finish(text: str, kind: str, converted: bool) -> Extraction:
    text = normalize_text(text)
    if not text:
        raise ExtractionError(f"the {kind} document contains no text")
    warnings = ["legacy-font text (TCVN3/VNI) converted to Unicode"] if converted else []
    return single_page(text, kind, converted, warnings)
