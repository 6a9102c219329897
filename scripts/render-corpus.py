#!/usr/bin/env python3
"""Render a subset of the test corpus from plain text to DOCX and PDF.

How to run (from the repository root):

    pip install python-docx fpdf2 pyphen
    python3 scripts/render-corpus.py            # renders the default subset
    python3 scripts/render-corpus.py ID [ID...] # renders only the given agreements
    python3 tests/corpus/tools/build_gold.py    # refreshes "variants" in gold.jsonl

Input:  tests/corpus/txt/ID.txt
Output: tests/corpus/docx/ID.docx and tests/corpus/pdf/ID.pdf

The DOCX and the PDF of one agreement carry the same visible text as the .txt
(paragraph by paragraph; line wrapping, running headers/footers and the
placement of footnotes are layout, not text).  Differences in how that text is
encoded are deliberate, to exercise an extractor:

* DOCX: the first paragraph uses the Title style, headings use Heading 1/2,
  and in documents whose numbering is regular ("1. HEADING" / "ARTICLE 1 -
  HEADING" followed by "1.1", "1.2" ...) the clause numbers are NOT in the
  paragraph text but produced by Word automatic numbering (a custom
  multi-level definition in numbering.xml).  Lines starting with "|" become a
  real table.  A "[1]" marker plus a "[1] ..." line become a real footnote
  (footnotes.xml).
* PDF: A4, justified text, a running header with the agreement title on every
  page, a footer "Page X of Y", tables drawn as tables.  For the agreements in
  HYPHENATE, long words carry soft hyphens, so some lines end in a hyphenated
  word break ("collabo-" / "ration").

Everything is deterministic: fixed creation dates and metadata, fixed ZIP
timestamps, no randomness; running the script twice gives identical files
(for the same versions of python-docx and fpdf2).
"""
import datetime
import io
import os
import re
import sys
import zipfile

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, Cm
from fpdf import FPDF
import pyphen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "corpus")

DEFAULT_SUBSET = [
    "northwind-helix-integration",      # US, long, fee table, footnote
    "brightwater-kestrel-comarketing",  # US, 3/3/2025 dates, table
    "pacific-crest-lumen-research",     # US, ARTICLE headings, payment table
    "quarry-pinnacle-loi",              # US, one-page letter
    "ashford-corvane-alliance",         # UK, long, service-level table
    "thistle-loom-comarketing",         # UK, table
    "greengrid-flexnet-consortium",     # EU, 4 parties, long, tables
    "medisight-nordhavn-data-sharing",  # EU (Sweden), table
    "lumiere-verdier-cobranding",       # EU (France), ARTICLE I roman headings
]
# running header for documents whose first block is not a one-line title (letters)
RUNNING_TITLES = {
    "quarry-pinnacle-loi": "Letter of Intent - Proposed Joint Development of Autonomous Pallet Shuttle",
}
HYPHENATE = {"greengrid-flexnet-consortium", "ashford-corvane-alliance", "medisight-nordhavn-data-sharing"}

FIXED_DT = datetime.datetime(2025, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
AUTHOR = "Entente test corpus"
SOFT_HYPHEN = "\u00ad"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# --------------------------------------------------------------------------
# Parsing the plain text into blocks
# --------------------------------------------------------------------------

HEAD_NUM = re.compile(r"^(?P<prefix>(ARTICLE|Article|Section|SECTION|Clause|CLAUSE) )?"
                      r"(?P<num>\d+|[IVXLC]+)(?P<dot>\.)?(?P<dash> -)?\s+(?P<title>.+)$")
CLAUSE = re.compile(r"^(?P<a>\d+)\.(?P<b>\d+)\s+(?P<text>.+)$")
LISTNUM = re.compile(r"^(?P<n>\d+)\.\s+(?P<text>.+)$")
FOOTNOTE = re.compile(r"^\[(?P<n>\d+)\]\s+(?P<text>.+)$")
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
         "X": 10, "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15}


def is_caps_heading(line):
    letters = [c for c in line if c.isalpha()]
    return (len(line) <= 90 and letters and not any(c.islower() for c in letters)
            and not line.startswith("(") and not line.startswith("|"))


def is_annex_heading(line):
    return bool(re.match(r"^(Annex|ANNEX|Appendix|APPENDIX|Schedule|SCHEDULE|Exhibit|EXHIBIT)\b.{0,80}$", line)) \
        and not line.rstrip().endswith(".")


def parse(text):
    """Return a list of blocks: dicts with kind and fields."""
    raw_blocks = [b for b in re.split(r"\n\s*\n", text.strip("\n"))]
    blocks = []
    first = True
    for rb in raw_blocks:
        lines = rb.split("\n")
        if all(l.startswith("|") for l in lines):
            rows = [[c.strip() for c in l.strip().strip("|").split("|")] for l in lines]
            blocks.append({"kind": "table", "rows": rows})
            continue
        if first:
            first = False
            if len(lines) == 1:
                blocks.append({"kind": "title", "text": lines[0]})
                continue
        if len(lines) > 1:
            blocks.append({"kind": "lines", "lines": lines})
            continue
        line = lines[0]
        m = FOOTNOTE.match(line)
        if m:
            blocks.append({"kind": "footnote", "n": int(m.group("n")), "text": m.group("text")})
            continue
        m = HEAD_NUM.match(line)
        if m and (is_caps_heading(m.group("title")) or m.group("prefix")) and len(line) < 100 \
                and (m.group("dot") or m.group("prefix")):
            blocks.append({"kind": "heading", "text": line, "prefix": m.group("prefix") or "",
                           "num": m.group("num"), "dot": bool(m.group("dot")),
                           "dash": bool(m.group("dash")), "title": m.group("title")})
            continue
        if is_caps_heading(line) or is_annex_heading(line) or re.match(r"^(Section|Article|ARTICLE|Clause|CLAUSE) \d+[A-Z] - \S", line):
            blocks.append({"kind": "heading", "text": line, "num": None})
            continue
        m = CLAUSE.match(line)
        if m:
            blocks.append({"kind": "clause", "text": line, "a": int(m.group("a")),
                           "b": int(m.group("b")), "body": m.group("text")})
            continue
        m = LISTNUM.match(line)
        if m:
            blocks.append({"kind": "listnum", "text": line, "n": int(m.group("n")), "body": m.group("text")})
            continue
        if re.match(r"^\(([a-z]|[ivx]+|\d+)\)\s", line):
            blocks.append({"kind": "sub", "text": line})
            continue
        blocks.append({"kind": "para", "text": line})
    return blocks


def numbering_plan(blocks):
    """Decide whether headings+clauses can use Word automatic numbering.

    Auto numbering is used only if replaying the counters reproduces every
    typed number exactly; otherwise numbers stay typed in the text.
    """
    heads = [b for b in blocks if b["kind"] == "heading" and b.get("num")]
    if not heads:
        return None
    styles = {(h["prefix"], h["dot"], h["dash"], h["num"].isdigit()) for h in heads}
    if len(styles) != 1:
        return None
    prefix, dot, dash, arabic = styles.pop()
    cur = 0
    sub = 0
    for b in blocks:
        if b["kind"] == "heading" and b.get("num"):
            n = int(b["num"]) if arabic else ROMAN.get(b["num"])
            if n != cur + 1:
                return None
            cur, sub = n, 0
        elif b["kind"] == "clause":
            if cur == 0 or b["a"] != cur or b["b"] != sub + 1:
                return None
            sub = b["b"]
    return {"prefix": prefix, "dot": dot, "dash": dash, "arabic": arabic}


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------

def _abstract_num_xml(abs_id, lvl0_fmt, lvl0_text, with_level1):
    lvl1 = ""
    if with_level1:
        lvl1 = (
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:isLgl/><w:suff w:val="space"/><w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>')
    return (
        '<w:abstractNum xmlns:w="%s" w:abstractNumId="%d">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="%s"/><w:suff w:val="space"/>'
        '<w:lvlText w:val="%s"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>%s</w:abstractNum>'
        % (W_NS, abs_id, lvl0_fmt, lvl0_text, lvl1))


class Numbering:
    def __init__(self, document):
        self.el = document.part.numbering_part.element
        ids = [int(a.get(qn("w:abstractNumId"))) for a in self.el.findall(qn("w:abstractNum"))]
        nums = [int(n.get(qn("w:numId"))) for n in self.el.findall(qn("w:num"))]
        self.next_abs = max(ids + [0]) + 10
        self.next_num = max(nums + [0]) + 10

    def add_abstract(self, xml):
        el = parse_xml(xml)
        first_num = self.el.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(el)
        else:
            self.el.append(el)

    def add_num(self, abs_id, restart=False):
        num_id = self.next_num
        self.next_num += 1
        override = ""
        if restart:
            override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
        self.el.append(parse_xml('<w:num xmlns:w="%s" w:numId="%d"><w:abstractNumId w:val="%d"/>%s</w:num>'
                                 % (W_NS, num_id, abs_id, override)))
        return num_id

    def new_abstract_id(self):
        i = self.next_abs
        self.next_abs += 1
        return i


def set_num(paragraph, num_id, ilvl):
    pPr = paragraph._p.get_or_add_pPr()
    numPr = parse_xml('<w:numPr xmlns:w="%s"><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>'
                      % (W_NS, ilvl, num_id))
    # numPr must come early in pPr (after pStyle/keepNext...); insert after pStyle if present
    pStyle = pPr.find(qn("w:pStyle"))
    if pStyle is not None:
        pStyle.addnext(numPr)
    else:
        pPr.insert(0, numPr)


class Footnotes:
    XML_HEAD = ('<w:footnotes xmlns:w="%s">'
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
                % W_NS)

    def __init__(self):
        self.notes = {}

    def add(self, n, text):
        self.notes[n] = text

    def attach(self, document):
        if not self.notes:
            return
        body = ""
        for n in sorted(self.notes):
            body += ('<w:footnote w:id="%d"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
                     '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                     '<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve"> %s</w:t></w:r></w:p></w:footnote>'
                     % (n, xml_escape(self.notes[n])))
        blob = (self.XML_HEAD + body + "</w:footnotes>").encode("utf-8")
        part = Part(PackURI("/word/footnotes.xml"),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                    blob, document.part.package)
        document.part.relate_to(part, RT.FOOTNOTES)


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def add_text_with_footnotes(paragraph, text, bold=False):
    parts = re.split(r"\[(\d+)\]", text)
    for i, piece in enumerate(parts):
        if i % 2 == 0:
            if piece:
                run = paragraph.add_run(piece)
                run.bold = bold
        else:
            r = paragraph.add_run()
            rPr = r._r.get_or_add_rPr()
            rPr.append(parse_xml('<w:vertAlign xmlns:w="%s" w:val="superscript"/>' % W_NS))
            r._r.append(parse_xml('<w:footnoteReference xmlns:w="%s" w:id="%s"/>' % (W_NS, piece)))


def render_docx(doc_id, blocks, out_path):
    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11)

    plan = numbering_plan(blocks)
    numbering = Numbering(document)
    main_num = None
    if plan:
        abs_id = numbering.new_abstract_id()
        lvl_text = "%s%%1%s%s" % (plan["prefix"], "." if plan["dot"] else "", " -" if plan["dash"] else "")
        numbering.add_abstract(_abstract_num_xml(abs_id, "decimal" if plan["arabic"] else "upperRoman",
                                                 lvl_text, True))
        main_num = numbering.add_num(abs_id)
    list_abs = numbering.new_abstract_id()
    numbering.add_abstract(_abstract_num_xml(list_abs, "decimal", "%1.", False))
    list_num = None
    list_count = 0
    footnotes = Footnotes()
    title = None

    for b in blocks:
        k = b["kind"]
        if k != "listnum":
            list_num = None if k in ("heading", "title", "clause") else list_num
        if k == "title":
            title = b["text"]
            p = document.add_paragraph(style="Title")
            p.add_run(b["text"])
        elif k == "heading":
            level = 1 if b.get("num") else 2
            p = document.add_paragraph(style="Heading %d" % level)
            if plan and b.get("num"):
                p.add_run(b["title"])
                set_num(p, main_num, 0)
            else:
                p.add_run(b["text"])
        elif k == "clause":
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if plan:
                add_text_with_footnotes(p, b["body"])
                set_num(p, main_num, 1)
            else:
                add_text_with_footnotes(p, b["text"])
        elif k == "listnum":
            p = document.add_paragraph(style="List Number")
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if b["n"] == 1:
                list_num = numbering.add_num(list_abs, restart=True)
                list_count = 0
            if list_num is not None and b["n"] == list_count + 1:
                list_count = b["n"]
                add_text_with_footnotes(p, b["body"])
                set_num(p, list_num, 0)
            else:
                # irregular sequence: keep the number typed, and no automatic number
                list_num = None
                p.style = document.styles["Normal"]
                add_text_with_footnotes(p, b["text"])
        elif k == "sub":
            p = document.add_paragraph()
            p.paragraph_format.left_indent = Cm(1.0)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            add_text_with_footnotes(p, b["text"])
        elif k == "para":
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            add_text_with_footnotes(p, b["text"])
        elif k == "lines":
            p = document.add_paragraph()
            for i, line in enumerate(b["lines"]):
                run = p.add_run(line)
                if i < len(b["lines"]) - 1:
                    run.add_break()
        elif k == "table":
            rows = b["rows"]
            ncols = max(len(r) for r in rows)
            t = document.add_table(rows=len(rows), cols=ncols)
            t.style = "Table Grid"
            for i, r in enumerate(rows):
                for j in range(ncols):
                    cell = t.cell(i, j)
                    cell.text = r[j] if j < len(r) else ""
                    if i == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
        elif k == "footnote":
            footnotes.add(b["n"], b["text"])
    footnotes.attach(document)

    cp = document.core_properties
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.title = title or doc_id
    cp.subject = "Fictional agreement written for the Entente test corpus"
    cp.keywords = "entente; test corpus; fictional"
    cp.created = FIXED_DT.replace(tzinfo=None)
    cp.modified = FIXED_DT.replace(tzinfo=None)
    cp.last_printed = FIXED_DT.replace(tzinfo=None)
    cp.revision = 1
    cp.comments = ""
    cp.identifier = doc_id

    buf = io.BytesIO()
    document.save(buf)
    # rewrite the ZIP with fixed timestamps so the output is byte-for-byte stable
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 6, 1, 12, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    with open(out_path, "wb") as f:
        f.write(out.getvalue())
    return plan is not None


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------

class AgreementPDF(FPDF):
    def __init__(self, running_title):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.set_margins(25, 22, 25)
        self.set_auto_page_break(True, margin=22)

    def header(self):
        self.set_font("Times", "I", 8.5)
        self.set_text_color(90, 90, 90)
        self.set_y(10)
        self.cell(0, 5, self.running_title, align="C")
        self.set_draw_color(160, 160, 160)
        self.line(25, 16, 185, 16)
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self):
        self.set_y(-15)
        self.set_font("Times", "", 8.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, "Page %d of {nb}" % self.page_no(), align="C")
        self.set_text_color(0, 0, 0)


_dic = pyphen.Pyphen(lang="en_GB")


def hyphenate(text):
    def one(m):
        w = m.group(0)
        if len(w) < 9:
            return w
        return _dic.inserted(w, hyphen=SOFT_HYPHEN)
    return re.sub(r"[A-Za-z]{9,}", one, text)


def render_pdf(doc_id, blocks, out_path, soft_hyphens):
    title = RUNNING_TITLES.get(doc_id) or next((b["text"] for b in blocks if b["kind"] == "title"), doc_id)
    pdf = AgreementPDF(title)
    pdf.set_title(title)
    pdf.set_author(AUTHOR)
    pdf.set_subject("Fictional agreement written for the Entente test corpus")
    pdf.set_creator("scripts/render-corpus.py")
    pdf.set_keywords("entente test corpus fictional")
    pdf.set_creation_date(FIXED_DT)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def body(text, indent=0.0, size=11, style="", align="J", gap=2.2):
        if soft_hyphens:
            text = hyphenate(text)
        pdf.set_font("Times", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, 5.2, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    for b in blocks:
        k = b["kind"]
        if k == "title":
            pdf.set_font("Times", "B", 15)
            pdf.multi_cell(width, 7, b["text"], align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif k == "heading":
            if pdf.get_y() > pdf.h - 45:
                pdf.add_page()
            pdf.ln(1.5)
            pdf.set_font("Times", "B", 11.5 if b.get("num") else 11)
            pdf.multi_cell(width, 6, b["text"], align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif k in ("clause", "para", "listnum"):
            body(b["text"])
        elif k == "sub":
            body(b["text"], indent=8)
        elif k == "lines":
            for line in b["lines"]:
                body(line, align="L", gap=0)
            pdf.ln(2.2)
        elif k == "table":
            pdf.set_font("Times", "", 9.5)
            rows = b["rows"]
            ncols = max(len(r) for r in rows)
            with pdf.table(width=width, text_align="LEFT", line_height=5, first_row_as_headings=True) as table:
                for r in rows:
                    row = table.row()
                    for j in range(ncols):
                        row.cell(r[j] if j < len(r) else "")
            pdf.ln(3)
        elif k == "footnote":
            pdf.set_draw_color(120, 120, 120)
            y = pdf.get_y()
            pdf.line(pdf.l_margin, y, pdf.l_margin + 40, y)
            pdf.ln(1)
            body("[%d] %s" % (b["n"], b["text"]), size=9, align="L")
    pdf.output(out_path)


def main(argv):
    ids = argv or DEFAULT_SUBSET
    os.makedirs(os.path.join(CORPUS, "docx"), exist_ok=True)
    os.makedirs(os.path.join(CORPUS, "pdf"), exist_ok=True)
    for doc_id in ids:
        path = os.path.join(CORPUS, "txt", doc_id + ".txt")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        bad = sorted({c for c in text if ord(c) > 255})
        if bad:
            raise SystemExit("%s: characters outside Latin-1 (core PDF fonts): %r" % (doc_id, bad))
        blocks = parse(text)
        auto = render_docx(doc_id, blocks, os.path.join(CORPUS, "docx", doc_id + ".docx"))
        render_pdf(doc_id, blocks, os.path.join(CORPUS, "pdf", doc_id + ".pdf"), doc_id in HYPHENATE)
        print("%-38s docx (%s numbering) + pdf%s" % (doc_id, "automatic" if auto else "typed",
                                                      " (hyphenated)" if doc_id in HYPHENATE else ""))


if __name__ == "__main__":
    main(sys.argv[1:])
