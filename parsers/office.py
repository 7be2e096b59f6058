"""Word documents: .docx with python-docx, legacy .doc (Word 97) with antiword.

Official documents typed in Word put the two-column header and the Nơi nhận / signature area in borderless
tables; each table is emitted column by column (left block, then right block), like the PDF layout.  Text in
legacy fonts (.VnTime -> TCVN3, VNI-Times -> VNI) is decoded per run (docx) or by signature (doc) before any
cleanup.

antiword was picked over catdoc (both compared on tests/fixtures/samples/doc): antiword keeps table rows as
'|cell|cell|' lines, from which the columns are rebuilt, while catdoc flattens a table row into one line with
tabs and wraps paragraphs at 72 columns."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile

from parsers.errors import CorruptFile, EncryptedFile, ExtractionError, UnsupportedFormat
from parsers.legacy import (
    decode_tcvn3,
    decode_vni,
    detect_legacy_encoding,
    is_h_font,
    legacy_encoding_for_font,
)
from parsers.limits import Extraction, Limits, single_page
from parsers.pdf import normalize_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --- .docx ------------------------------------------------------------------------------------------------


def extract_docx(data: bytes, limits: Limits | None = None) -> Extraction:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorruptFile(f"not a readable .docx: {exc}") from exc
    blocks: list[str] = []
    converted = False
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == _W + "p":
            text, conv = _paragraph_text(child)
            converted |= conv
            if text.strip():
                blocks.append(text)
        elif child.tag == _W + "tbl":
            table_blocks, conv = _table_blocks(child)
            converted |= conv
            blocks.extend(table_blocks)
    return _finish("\n\n".join(blocks), "docx", converted)


def _run_font(run) -> str | None:
    rpr = run.find(_W + "rPr")
    if rpr is None:
        return None
    fonts = rpr.find(_W + "rFonts")
    if fonts is None:
        return None
    return fonts.get(_W + "ascii") or fonts.get(_W + "hAnsi")


def _paragraph_text(p) -> tuple[str, bool]:
    """Text of a w:p with legacy-font runs decoded; (text, converted?)."""
    parts: list[str] = []
    converted = False
    for node in p.iter():
        if node.tag == _W + "r":
            text = "".join(t.text or "" for t in node.iter(_W + "t"))
            if node.find(_W + "br") is not None or node.find(_W + "cr") is not None:
                text += "\n"
            font = _run_font(node)
            enc = legacy_encoding_for_font(font)
            if enc == "tcvn3":
                text = decode_tcvn3(text, capitals=is_h_font(font))
                converted = True
            elif enc == "vni":
                text = decode_vni(text)
                converted = True
            parts.append(text)
        elif node.tag == _W + "tab":
            parts.append(" ")
    return "".join(parts), converted


def _table_blocks(tbl) -> tuple[list[str], bool]:
    """One block per column (merged cells once), columns left to right; nested tables flattened."""
    columns: dict[int, list[str]] = {}
    converted = False
    for tr in tbl.iter(_W + "tr"):
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
            for p in tc.iter(_W + "p"):
                text, conv = _paragraph_text(p)
                converted |= conv
                if text.strip():
                    columns.setdefault(col, []).append(text.strip())
            col += span
    return ["\n".join(lines) for _, lines in sorted(columns.items()) if lines], converted


# --- .doc -------------------------------------------------------------------------------------------------


def extract_doc(data: bytes, limits: Limits | None = None) -> Extraction:
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
