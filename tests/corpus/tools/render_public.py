#!/usr/bin/env python3
"""Renders an agreement written as Markdown or HTML to DOCX and/or PDF with LibreOffice.

Markdown is turned into HTML as published (front matter dropped, its `title` kept as the
heading); HTML (`tests/corpus/written`) is taken as it is. LibreOffice Writer converts the
HTML; no wording is changed.

    pip install markdown
    python3 tests/corpus/tools/render_public.py tests/corpus/public/NAME.md [docx] [pdf]
    python3 tests/corpus/tools/render_public.py tests/corpus/written/NAME.html [docx] [pdf]
"""
import pathlib
import re
import subprocess
import sys
import tempfile

def html_of(md_text: str) -> str:
    title = None
    m = re.match(r"^---\n(.*?)\n---\n", md_text, re.S)
    if m:
        t = re.search(r"^title:\s*(.+)$", m.group(1), re.M)
        title = t.group(1).strip().strip("'\"") if t else None
        md_text = md_text[m.end():]
    import markdown

    body = markdown.markdown(md_text, extensions=["extra", "sane_lists"])
    head = f"<h1>{title}</h1>\n" if title else ""
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{head}{body}</body></html>'


def main() -> None:
    src = pathlib.Path(sys.argv[1])
    formats = sys.argv[2:] or ["docx", "pdf"]
    with tempfile.TemporaryDirectory() as tmp:
        html = pathlib.Path(tmp) / (src.stem + ".html")
        text = src.read_text(encoding="utf-8")
        html.write_text(text if src.suffix == ".html" else html_of(text), encoding="utf-8")
        filters = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf:writer_pdf_Export"}
        for f in formats:
            subprocess.run(
                ["soffice", "--headless", "--infilter=HTML (StarWriter)",
                 "--convert-to", filters[f], "--outdir", str(src.parent), str(html)],
                check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
