"""Re-type a real Word document's text in legacy fonts with tools other than the project's encoder:
TCVN3 bytes from glibc iconv (TCVN5712-1, lowercase codes for capitals in a .VnTimeH face, as typists did),
VNI bytes from the duydev/vietnamese-conversion table (src/charsets.ts @ 46413a05). The .docx is edited with
lxml, then LibreOffice writes the Word 97 .doc."""

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def Q(tag: str) -> str:  # noqa: N802 - reads like lxml's QName
    return f"{{{W}}}{tag}"


# [UNICODE, VNI]: the two parallel arrays of duydev/vietnamese-conversion src/charsets.ts @ 46413a05, as JSON
VNI_MAP: dict[str, str] = {}


def load_vni_table(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        uni, vni = json.load(f)
    VNI_MAP.update(zip(uni, vni, strict=True))


def iconv_char(ch):
    r = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=ch.encode(), capture_output=True)
    return r.stdout.decode("latin-1") if r.returncode == 0 else None


_cache = {}


def tcvn(ch):
    if ch not in _cache:
        _cache[ch] = iconv_char(ch) if ord(ch) > 0x7F else ch
    return _cache[ch]


def vn3_capital_missing(ch):
    # VN3 (.VnTime) has only ĂÂĐÊÔƠƯ and unaccented capitals; iconv gives other capitals as VN1 codes
    return ch.isupper() and ord(ch) > 0x7F and ch not in "ĂÂĐÊÔƠƯ"


def is_caps(text):
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(not c.islower() for c in letters)


def set_font(run, font):
    rpr = run.find(Q("rPr"))
    if rpr is None:
        rpr = etree.SubElement(run, Q("rPr"))
        run.remove(rpr)
        run.insert(0, rpr)
    for old in rpr.findall(Q("rFonts")):
        rpr.remove(old)
    if font:
        f = etree.Element(Q("rFonts"))
        for a in ("ascii", "hAnsi", "cs"):
            f.set(Q(a), font)
        rpr.insert(0, f)


def run_text(run):
    return "".join(t.text or "" for t in run.findall(Q("t")))


def retype_tcvn3(p):
    runs = [r for r in p.iter(Q("r")) if r.findall(Q("t"))]
    text = "".join(run_text(r) for r in runs)
    if not text.strip():
        return
    if is_caps(text):  # a capitals line: the .VnTimeH face, from the paragraph style, lowercase codes
        ppr = p.find(Q("pPr"))
        if ppr is None:
            ppr = etree.Element(Q("pPr"))
            p.insert(0, ppr)
        for old in ppr.findall(Q("pStyle")):
            ppr.remove(old)
        ps = etree.Element(Q("pStyle"))
        ps.set(Q("val"), "VnCaps")
        ppr.insert(0, ps)
        for r in runs:
            set_font(r, None)
            for t in r.findall(Q("t")):
                t.text = "".join(tcvn(c) for c in unicodedata.normalize("NFC", (t.text or "").lower()))
        return
    for r in runs:  # mixed text: .VnTime; an accented capital VN3 lacks goes in its own .VnTimeH run
        t_nodes = r.findall(Q("t"))
        s = unicodedata.normalize("NFC", "".join(t.text or "" for t in t_nodes))
        for t in t_nodes[1:]:
            r.remove(t)
        pieces = [m.group(0) for m in re.finditer(r"[^\W\d_]|.", s, re.S)]
        segs = []
        for ch in pieces:
            h = vn3_capital_missing(ch)
            code = tcvn(ch.lower()) if h else tcvn(ch)
            if code is None:
                code = ch
            if segs and segs[-1][0] == h:
                segs[-1][1] += code
            else:
                segs.append([h, code])
        parent = r.getparent()
        idx = parent.index(r)
        template = etree.tostring(r)
        parent.remove(r)
        for k, (h, code) in enumerate(segs):
            nr = etree.fromstring(template)
            for t in nr.findall(Q("t"))[1:]:
                nr.remove(t)
            t = nr.find(Q("t"))
            t.text = code
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            set_font(nr, ".VnTimeH" if h else ".VnTime")
            parent.insert(idx + k, nr)


def retype_vni(p):
    for r in p.iter(Q("r")):
        if not r.findall(Q("t")):
            continue
        for t in r.findall(Q("t")):
            t.text = "".join(VNI_MAP.get(c, c) for c in unicodedata.normalize("NFC", t.text or ""))
        set_font(r, "VNI-Times")


def main(src_docx, out_doc, kind):
    """src_docx: the document (a .doc first converted to .docx by LibreOffice); kind: tcvn3 | vni (then
    $VNI_TABLE_JSON names the table file)."""
    if kind == "vni":
        load_vni_table(os.environ["VNI_TABLE_JSON"])
    work = out_doc + ".work"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with zipfile.ZipFile(src_docx) as z:
        z.extractall(work)
    doc = etree.parse(f"{work}/word/document.xml")
    for p in doc.getroot().iter(Q("p")):
        (retype_tcvn3 if kind == "tcvn3" else retype_vni)(p)
    doc.write(f"{work}/word/document.xml", xml_declaration=True, encoding="UTF-8", standalone=True)
    styles = etree.parse(f"{work}/word/styles.xml")
    root = styles.getroot()
    for st in root.iter(Q("style")):  # the template's own fonts: Times New Roman
        rpr = st.find(Q("rPr"))
        if rpr is not None:
            for f in rpr.findall(Q("rFonts")):
                for a in ("ascii", "hAnsi", "cs"):
                    f.set(Q(a), "Times New Roman")
    if kind == "tcvn3":
        st = etree.SubElement(root, Q("style"))
        st.set(Q("type"), "paragraph")
        st.set(Q("styleId"), "VnCaps")
        n = etree.SubElement(st, Q("name"))
        n.set(Q("val"), "VnCaps")
        b = etree.SubElement(st, Q("basedOn"))
        b.set(Q("val"), "Normal")
        rpr = etree.SubElement(st, Q("rPr"))
        f = etree.SubElement(rpr, Q("rFonts"))
        for a in ("ascii", "hAnsi", "cs"):
            f.set(Q(a), ".VnTimeH")
    styles.write(f"{work}/word/styles.xml", xml_declaration=True, encoding="UTF-8", standalone=True)
    mid = out_doc[:-4] + ".docx"
    with zipfile.ZipFile(mid, "w", zipfile.ZIP_DEFLATED) as z:
        for base, _, files in os.walk(work):
            for f in files:
                full = os.path.join(base, f)
                z.write(full, os.path.relpath(full, work))
    outdir = os.path.dirname(out_doc)
    subprocess.run(
        [
            "soffice",
            "-env:UserInstallation=file://" + os.path.abspath(out_doc + ".profile"),
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            outdir,
            mid,
        ],
        check=True,
        capture_output=True,
    )
    os.replace(mid[:-5] + ".doc", out_doc)
    shutil.rmtree(work)
    shutil.rmtree(out_doc + ".profile", ignore_errors=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
