#!/usr/bin/env python3
"""Check that the DOCX and PDF renderings carry the same text as the .txt.

Run from the repository root:  python3 tests/corpus/tools/check_variants.py

DOCX: the visible text is rebuilt from document.xml, resolving Word automatic
numbering from numbering.xml (so "1.1" produced by numbering counts as text),
table cells, and footnotes.xml.  PDF: text is extracted with pypdf (skipped if
pypdf is not installed), the running header and the "Page X of Y" footer are
dropped and soft-hyphen line breaks are re-joined.  The comparison ignores
whitespace and hyphen characters (layout), nothing else.
Needs: python-docx (for lxml); pypdf optional.
"""
import os
import re
import sys
import zipfile

from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def squash(s, pipes=False):
    s = re.sub(r"[\s\-\u00ad]+", "", s)
    return s.replace("|", "") if pipes else s


def docx_text(path):
    z = zipfile.ZipFile(path)
    doc = etree.fromstring(z.read("word/document.xml"))
    numbering = etree.fromstring(z.read("word/numbering.xml"))
    footnotes = {}
    if "word/footnotes.xml" in z.namelist():
        fx = etree.fromstring(z.read("word/footnotes.xml"))
        for fn in fx.findall(W + "footnote"):
            fid = int(fn.get(W + "id"))
            if fid > 0:
                footnotes[fid] = "".join(t.text or "" for t in fn.iter(W + "t")).strip()
    absnums = {}
    for a in numbering.findall(W + "abstractNum"):
        levels = {}
        for lvl in a.findall(W + "lvl"):
            levels[int(lvl.get(W + "ilvl"))] = {
                "fmt": lvl.find(W + "numFmt").get(W + "val"),
                "text": lvl.find(W + "lvlText").get(W + "val"),
                "isLgl": lvl.find(W + "isLgl") is not None,
            }
        absnums[a.get(W + "abstractNumId")] = levels
    nums = {}
    for n in numbering.findall(W + "num"):
        nums[n.get(W + "numId")] = n.find(W + "abstractNumId").get(W + "val")
    counters = {}
    out = []
    body = doc.find(W + "body")
    for el in body:
        if el.tag == W + "p":
            text = ""
            for node in el.iter():
                if node.tag == W + "t":
                    text += node.text or ""
                elif node.tag == W + "br":
                    text += "\n"
                elif node.tag == W + "footnoteReference":
                    text += "[%s]" % node.get(W + "id")
            numPr = el.find("%spPr/%snumPr" % (W, W))
            if numPr is not None:
                num_id = numPr.find(W + "numId").get(W + "val")
                ilvl = int(numPr.find(W + "ilvl").get(W + "val"))
                abs_id = nums[num_id]
                key = abs_id if abs_id in counters and num_id in counters[abs_id]["nums"] else None
                state = counters.setdefault(abs_id, {"nums": set(), "c": [0] * 9})
                if key is None and num_id not in state["nums"]:
                    state["c"] = [0] * 9  # a new num instance restarts the list
                    state["nums"].add(num_id)
                state["c"][ilvl] += 1
                for deeper in range(ilvl + 1, 9):
                    state["c"][deeper] = 0
                lvl = absnums[abs_id][ilvl]

                def fmt(i, lvl=lvl):
                    v = state["c"][i]
                    f = absnums[abs_id][i]["fmt"]
                    if f == "upperRoman" and not lvl["isLgl"]:
                        return ROMAN[v]
                    return str(v)
                label = re.sub(r"%(\d)", lambda m: fmt(int(m.group(1)) - 1), lvl["text"])
                text = label + " " + text
            out.append(text)
        elif el.tag == W + "tbl":
            for tr in el.iter(W + "tr"):
                cells = ["".join(t.text or "" for t in tc.iter(W + "t")) for tc in tr.iter(W + "tc")]
                out.append("| " + " | ".join(cells) + " |")
    for fid in sorted(footnotes):
        out.append("[%d] %s" % (fid, footnotes[fid]))
    return "\n".join(out)


def txt_for_docx(text):
    # the footnote line moves to footnotes.xml (end of the document)
    lines = text.split("\n")
    notes = [l for l in lines if re.match(r"^\[\d+\] ", l)]
    rest = [l for l in lines if not re.match(r"^\[\d+\] ", l)]
    return "\n".join(rest + notes)


def pdf_text(path, title):
    try:
        import pypdf
    except ImportError:
        return None
    reader = pypdf.PdfReader(path)
    title = (reader.metadata.title if reader.metadata and reader.metadata.title else title)
    pages = []
    for page in reader.pages:
        t = page.extract_text() or ""
        lines = [l for l in t.split("\n")]
        lines = [l for l in lines if l.strip() != title.strip() and not re.match(r"^\s*Page \d+ of \d+\s*$", l)]
        pages.append("\n".join(lines))
    return "\n".join(pages), title


def main():
    docx_dir = os.path.join(CORPUS, "docx")
    if not os.path.isdir(docx_dir):
        print("no renderings")
        return 0
    failures = 0
    for name in sorted(os.listdir(docx_dir)):
        doc_id = name[:-5]
        txt = open(os.path.join(CORPUS, "txt", doc_id + ".txt"), encoding="utf-8").read()
        d = docx_text(os.path.join(docx_dir, name))
        ok_docx = squash(d) == squash(txt_for_docx(txt))
        res = pdf_text(os.path.join(CORPUS, "pdf", doc_id + ".pdf"), txt.strip().split("\n")[0])
        if res is None:
            ok_pdf = p = None
        else:
            p, title = res
            # the running header repeats the title on every page: drop it on both sides;
            # table rules ("|" in the .txt) are drawn, not written, in the PDF
            ok_pdf = squash(p, True).replace(squash(title), "") == squash(txt, True).replace(squash(title), "")
        print("%-38s docx=%s pdf=%s" % (doc_id, "ok" if ok_docx else "DIFF",
                                          "skipped" if ok_pdf is None else ("ok" if ok_pdf else "DIFF")))
        if not ok_docx:
            a, b = squash(d), squash(txt_for_docx(txt))
            i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            print("   docx:", a[max(0, i - 60):i + 60])
            print("   txt :", b[max(0, i - 60):i + 60])
            failures += 1
        if ok_pdf is False:
            a, b = squash(p, True).replace(squash(title), ""), squash(txt, True).replace(squash(title), "")
            i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            print("   pdf:", a[max(0, i - 60):i + 60])
            print("   txt:", b[max(0, i - 60):i + 60])
            failures += 1
    print("%d differences" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
