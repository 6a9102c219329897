//! PDF reading: the text layer in reading order, repeated headers/footers and page numbers
//! removed, hyphenated line breaks joined; scanned PDFs are refused clearly.

use super::{IngestError, Ingested, Limits, SourceMap, normalise};
use entente_domain::document::MediaType;
use pdf_extract::{Document, Object, output_doc_page};
use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn malformed(detail: impl Into<String>) -> IngestError {
    IngestError::Malformed {
        format: "PDF",
        detail: detail.into(),
    }
}

/// Runs third-party PDF code, turning a panic inside it into a "malformed" error.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, IngestError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "internal error".into());
        malformed(format!("{what}: {msg}"))
    })
}

/// One glyph as drawn: where it starts, where its advance ends, its size (all in points,
/// y measured down from the top of the page) and the text it stands for.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    text: String,
}

/// What a page draws that matters for reading order: glyphs, thin horizontal rules (a
/// footnote separator is one) and vertical rules (a table's cell borders).
#[derive(Debug, Default)]
struct PageInk {
    top: f64,
    width: f64,
    glyphs: Vec<Glyph>,
    /// Horizontal rules as (y, x0, x1).
    rules: Vec<(f64, f64, f64)>,
    /// Vertical rules as (x, y0, y1), y0 above y1.
    columns: Vec<(f64, f64, f64)>,
}

/// Collects glyph positions instead of text, so word gaps, line breaks, footnotes and table
/// cells can be judged from the layout rather than from the space characters a PDF may lack.
#[derive(Default)]
struct Collector {
    page: PageInk,
}

impl Collector {
    /// A point in page space (after `ctm`) with y measured down from the top.
    fn point(&self, ctm: &pdf_extract::Transform, x: f64, y: f64) -> (f64, f64) {
        let px = x * ctm.m11 + y * ctm.m21 + ctm.m31;
        let py = x * ctm.m12 + y * ctm.m22 + ctm.m32;
        (px, self.page.top - py)
    }

    fn rule(&mut self, a: (f64, f64), b: (f64, f64), area: bool) {
        if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
            return;
        }
        let (x0, x1) = if a.0 <= b.0 { (a.0, b.0) } else { (b.0, a.0) };
        let (y0, y1) = if a.1 <= b.1 { (a.1, b.1) } else { (b.1, a.1) };
        if y1 - y0 < 2.0 && x1 - x0 >= 20.0 {
            self.page.rules.push(((a.1 + b.1) / 2.0, x0, x1));
        } else if x1 - x0 < 2.0 && y1 - y0 >= 5.0 && !area {
            self.page.columns.push(((x0 + x1) / 2.0, y0, y1));
        }
    }

    /// `filled`: the path is filled, so a wide one is an area (a highlight, a shaded cell)
    /// whose edges are no cell borders.
    fn path_rules(&mut self, ctm: &pdf_extract::Transform, path: &pdf_extract::Path, filled: bool) {
        use pdf_extract::PathOp;
        let area = filled && {
            let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
            for op in &path.ops {
                if let PathOp::MoveTo(x, y) | PathOp::LineTo(x, y) = *op {
                    let (px, py) = self.point(ctm, x, y);
                    (x0, x1, y0, y1) = (x0.min(px), x1.max(px), y0.min(py), y1.max(py));
                }
            }
            x1 - x0 > 2.0 && y1 - y0 > 2.0
        };
        let mut at: Option<(f64, f64)> = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => at = Some(self.point(ctm, x, y)),
                PathOp::LineTo(x, y) => {
                    let p = self.point(ctm, x, y);
                    if let Some(a) = at {
                        self.rule(a, p, area);
                    }
                    at = Some(p);
                }
                PathOp::Rect(x, y, w, h) => {
                    // A filled rectangle a point or two high (or wide) is how Word draws its
                    // rules and cell borders.
                    let a = self.point(ctm, x, y);
                    let b = self.point(ctm, x + w, y + h);
                    if (a.1 - b.1).abs() <= 2.0 {
                        self.rule(a, (b.0, a.1), false);
                    } else if (a.0 - b.0).abs() <= 2.0 {
                        self.rule(a, (a.0, b.1), false);
                    }
                }
                PathOp::CurveTo(..) | PathOp::Close => {}
            }
        }
    }
}

impl pdf_extract::OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.page = PageInk {
            top: media_box.ury,
            width: (media_box.urx - media_box.llx).abs(),
            ..PageInk::default()
        };
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        // The text rendering matrix may flip or rotate; the glyph's size is the scale of the
        // matrix, whatever its sign.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let sx = trm.m11.hypot(trm.m12);
        let size = font_size.abs() * scale;
        let x = trm.m31;
        let y = self.page.top - trm.m32;
        let end = x + (width * font_size.abs() + spacing) * sx;
        if [x, y, end, size].iter().all(|v| v.is_finite()) && size > 0.0 {
            self.page.glyphs.push(Glyph {
                x,
                y,
                end,
                size,
                text: text.to_owned(),
            });
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn stroke(
        &mut self,
        ctm: &pdf_extract::Transform,
        _colorspace: &pdf_extract::ColorSpace,
        _color: &[f64],
        path: &pdf_extract::Path,
    ) -> Result<(), pdf_extract::OutputError> {
        self.path_rules(ctm, path, false);
        Ok(())
    }
    fn fill(
        &mut self,
        ctm: &pdf_extract::Transform,
        _colorspace: &pdf_extract::ColorSpace,
        _color: &[f64],
        path: &pdf_extract::Path,
    ) -> Result<(), pdf_extract::OutputError> {
        self.path_rules(ctm, path, true);
        Ok(())
    }
}

/// The highest CID a font can have: CIDs are two-byte codes.
const MAX_CID: i64 = 0xFFFF;

/// Writes every range entry (`first last width`) of the CID fonts' `/W` arrays in the list
/// form (`first [width width …]`). pdf-extract 0.12 reads the list form but skips the range
/// form, so the glyphs a range covers get the font's default width, often 0; their advance
/// is then lost and a PDF that positions words without space characters (Google Docs, Skia)
/// reads as "Co rsha, In c.". Rewriting the arrays before extraction is the smallest fix
/// outside that crate.
fn expand_cid_width_ranges(doc: &mut Document) {
    let mut direct = Vec::new();
    let mut referenced = Vec::new();
    for (id, object) in &doc.objects {
        let Object::Dictionary(d) = object else {
            continue;
        };
        let cid_font = matches!(d.get(b"Subtype"), Ok(Object::Name(n)) if n == b"CIDFontType2" || n == b"CIDFontType0");
        match d.get(b"W") {
            Ok(Object::Array(_)) if cid_font => direct.push(*id),
            Ok(Object::Reference(r)) if cid_font => referenced.push(*r),
            _ => {}
        }
    }
    for id in direct {
        if let Some(Object::Dictionary(d)) = doc.objects.get_mut(&id)
            && let Ok(Object::Array(w)) = d.get_mut(b"W")
        {
            expand_width_array(w);
        }
    }
    for id in referenced {
        if let Some(Object::Array(w)) = doc.objects.get_mut(&id) {
            expand_width_array(w);
        }
    }
}

/// Rewrites one `/W` array in place; an entry that is neither form (or a range outside the
/// CIDs) is left out, as a reader would skip it.
fn expand_width_array(w: &mut Vec<Object>) {
    let number = |o: &Object| match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    };
    let mut out = Vec::with_capacity(w.len());
    // A font has at most 65,536 CIDs: widths beyond that many come from a malformed or
    // hostile file and are not written out.
    let mut listed = 0usize;
    let mut i = 0;
    while i < w.len() {
        let first = match &w[i] {
            Object::Integer(c) => *c,
            _ => {
                i += 1;
                continue;
            }
        };
        match (w.get(i + 1), w.get(i + 2)) {
            (Some(Object::Array(list)), _) => {
                listed += list.len();
                out.push(Object::Integer(first));
                out.push(Object::Array(list.clone()));
                i += 2;
            }
            (Some(Object::Integer(last)), Some(width)) => {
                if let Some(width) = number(width)
                    && (0..=MAX_CID).contains(&first)
                    && (first..=MAX_CID).contains(last)
                {
                    let n = (*last - first + 1) as usize;
                    if listed + n <= MAX_CID as usize + 1 {
                        listed += n;
                        out.push(Object::Integer(first));
                        out.push(Object::Array(vec![Object::Real(width as f32); n]));
                    }
                }
                i += 3;
            }
            _ => i += 1,
        }
    }
    *w = out;
}

/// Reads every page's glyphs.
fn page_inks(bytes: &[u8], limits: &Limits) -> Result<Vec<PageInk>, IngestError> {
    let mut doc = guarded("reading the file", || Document::load_mem(bytes))?
        .map_err(|e| malformed(e.to_string()))?;
    if doc.is_encrypted() {
        // Many PDFs are "encrypted" with an empty user password; those open fine.
        let ok = guarded("decrypting", || doc.decrypt("").is_ok())?;
        if !ok {
            return Err(IngestError::Encrypted { format: "PDF" });
        }
    }
    guarded("reading the fonts' widths", || {
        expand_cid_width_ranges(&mut doc)
    })?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(malformed("no pages"));
    }
    if pages.len() as u64 > limits.max_pages {
        return Err(IngestError::LimitExceeded {
            what: format!("page count ({})", pages.len()),
            limit: limits.max_pages,
        });
    }
    let mut out = Vec::with_capacity(pages.len());
    let mut total = 0u64;
    for p in pages {
        let ink = guarded(&format!("page {p}"), || {
            let mut c = Collector::default();
            output_doc_page(&doc, &mut c, p).map(|()| c.page)
        })?
        .unwrap_or_default();
        total += ink.glyphs.iter().map(|g| g.text.len() as u64).sum::<u64>();
        if total > limits.max_text {
            return Err(IngestError::LimitExceeded {
                what: "extracted text".into(),
                limit: limits.max_text,
            });
        }
        out.push(ink);
    }
    Ok(out)
}

/// One line of a page as laid out: its baseline, body size and cells (text separated by
/// gaps wide enough to be table columns).
#[derive(Debug, Clone)]
struct Line {
    y: f64,
    size: f64,
    /// Where the line's ink ends on the right.
    right: f64,
    cells: Vec<String>,
    /// Where each cell's ink starts on the left, one per cell.
    starts: Vec<f64>,
}

impl Line {
    fn text(&self) -> String {
        self.cells.join(" ")
    }
}

/// A gap wider than this share of the font size between two glyphs is a word space: PDFs
/// written without space characters (Quartz, some report engines) only position the words.
const WORD_GAP: f64 = 0.12;
/// A gap wider than this (in font sizes) may separate table cells or tab stops. A wide gap
/// alone is not enough: in typeset justified text the positions between runs in different
/// styles can read as gaps several font sizes wide. A table's cells start at the same place
/// on the rows above or below, which a sentence's run boundaries never do (see `render`).
const CELL_GAP: f64 = 2.0;
/// How far apart (in points) two cells' left edges may be and still be one column.
const COLUMN_SLACK: f64 = 2.0;

fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// Groups a page's glyphs into lines in drawing order, inserting spaces from the gaps
/// between glyphs and writing raised small digits (note references) as "[n]".
fn lines_of(glyphs: &[Glyph], borders: &[(f64, f64, f64)]) -> Vec<Line> {
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        let new_line = match lines.last().and_then(|l| l.last()) {
            None => true,
            Some(last) => (g.y - last.y).abs() > 0.5 * g.size.max(last.size),
        };
        if new_line {
            lines.push(vec![g]);
        } else if let Some(l) = lines.last_mut() {
            l.push(g);
        }
    }
    lines.iter().map(|l| layout_line(l, borders)).collect()
}

/// Whether a vertical rule (x, y0, y1) crosses a line on baseline `y` set in `size`, and is
/// taller than the line: a box drawn around a character (a checkbox) is no border.
fn crosses(&(_, y0, y1): &(f64, f64, f64), y: f64, size: f64) -> bool {
    y0 < y && y1 > y - 0.5 * size && y1 - y0 >= 1.25 * size
}

/// Joins the lines that lie in one row of a ruled table into one line, cell by cell: a
/// row's cells are often set at different heights (one cell's text wraps over two lines
/// while the others are centred between them), so they are drawn as several lines. A row is
/// the band between two horizontal rules; a line is in a table where a vertical border
/// crosses it.
fn ruled_rows(
    lines: Vec<Line>,
    rules: &[(f64, f64, f64)],
    borders: &[(f64, f64, f64)],
) -> Vec<Line> {
    if borders.is_empty() {
        return lines;
    }
    let band = |l: &Line| -> Option<(f64, f64)> {
        let x = *l.starts.first()?;
        let crossed = borders
            .iter()
            .any(|b| crosses(b, l.y, l.size) && b.0 <= l.right + 1.0);
        if !crossed {
            return None;
        }
        let spans = |&&(_, x0, x1): &&(f64, f64, f64)| x0 <= x + 1.0 && x1 >= x - 1.0;
        let above = rules
            .iter()
            .filter(spans)
            .map(|r| r.0)
            .filter(|&y| y < l.y - 0.5 * l.size)
            .reduce(f64::max)?;
        let below = rules
            .iter()
            .filter(spans)
            .map(|r| r.0)
            .filter(|&y| y > l.y)
            .reduce(f64::min)?;
        // A frame around much of the page is no table row.
        (below - above <= 8.0 * l.size).then_some((above, below))
    };
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut last_band: Option<(f64, f64)> = None;
    for l in lines {
        let b = band(&l);
        let same = b.is_some() && b == last_band;
        last_band = b;
        // Lines in one column of a frame are lines of its text, not parts of a row.
        let other_column = |row: &Line| {
            l.starts
                .iter()
                .chain(&row.starts)
                .any(|x| (x - row.starts[0]).abs() > COLUMN_SLACK)
        };
        match out.last_mut() {
            Some(row) if same && !row.starts.is_empty() && other_column(row) => {
                for (text, x) in l.cells.into_iter().zip(l.starts) {
                    match row
                        .starts
                        .iter()
                        .position(|s| (x - s).abs() <= COLUMN_SLACK)
                    {
                        Some(j) => {
                            row.cells[j].push(' ');
                            row.cells[j].push_str(&text);
                        }
                        None => {
                            let j = row
                                .starts
                                .iter()
                                .position(|&s| s > x)
                                .unwrap_or(row.starts.len());
                            row.cells.insert(j, text);
                            row.starts.insert(j, x);
                        }
                    }
                }
                row.y = row.y.max(l.y);
                row.right = row.right.max(l.right);
            }
            _ => out.push(l),
        }
    }
    out
}

/// Lays out one line's glyphs as cells. A new cell starts at a gap wider than `CELL_GAP`, or
/// where a vertical rule crossing the line (a table's cell border, `borders`) lies between
/// two glyphs, however narrow the gap: a ruled table's cells may be padded by a point or
/// two. A cell that starts at a border starts there, so that the rows of a ruled table share
/// their columns even where a cell's text is centred.
fn layout_line(glyphs: &[&Glyph], borders: &[(f64, f64, f64)]) -> Line {
    // The line's own size and baseline are those of most of its ink.
    let mut sizes: Vec<f64> = glyphs
        .iter()
        .filter(|g| !is_blank(&g.text))
        .map(|g| g.size)
        .collect();
    sizes.sort_by(f64::total_cmp);
    let size = sizes.get(sizes.len() / 2).copied().unwrap_or(1.0);
    let base = glyphs
        .iter()
        .filter(|g| (g.size - size).abs() < 0.01)
        .map(|g| g.y)
        .next()
        .unwrap_or(0.0);
    let crossing: Vec<f64> = borders
        .iter()
        .filter(|b| crosses(b, base, size))
        .map(|&(x, _, _)| x)
        .collect();
    let superscript = |g: &Glyph| {
        g.size < 0.8 * size
            && base - g.y > 0.15 * size
            && g.text.chars().all(|c| c.is_ascii_digit())
    };
    let mut cells: Vec<String> = vec![String::new()];
    let mut starts: Vec<Option<f64>> = vec![None];
    let mut last_end: Option<f64> = None;
    let mut ink_end: Option<f64> = None;
    let mut in_sup = false;
    for g in glyphs {
        if is_blank(&g.text) {
            if let Some(c) = cells.last_mut()
                && !c.is_empty()
                && !c.ends_with(' ')
            {
                if in_sup {
                    c.push(']');
                    in_sup = false;
                }
                c.push(' ');
            }
            last_end = Some(g.end);
            continue;
        }
        let sup = superscript(g);
        let gap_ink = ink_end.map_or(0.0, |e| g.x - e);
        let border = ink_end.and_then(|e| {
            crossing
                .iter()
                .copied()
                .find(|&x| x > e - 0.5 && x < g.x + 0.5)
        });
        if ink_end.is_some() && (gap_ink > CELL_GAP * size || border.is_some()) {
            if in_sup && let Some(c) = cells.last_mut() {
                c.push(']');
            }
            in_sup = false;
            cells.push(String::new());
            starts.push(border);
        } else if let (Some(e), Some(c)) = (last_end, cells.last_mut()) {
            if in_sup && !sup {
                c.push(']');
                in_sup = false;
            }
            if g.x - e > WORD_GAP * size.max(g.size) && !c.is_empty() && !c.ends_with(' ') {
                c.push(' ');
            }
        }
        if let Some(st) = starts.last_mut()
            && st.is_none()
        {
            // The first cell of a ruled row starts at the border just left of its text.
            let left = (cells.len() == 1)
                .then(|| {
                    crossing
                        .iter()
                        .copied()
                        .filter(|&x| x <= g.x + 0.5 && x > g.x - size)
                        .reduce(f64::max)
                })
                .flatten();
            *st = Some(left.unwrap_or(g.x));
        }
        if let Some(c) = cells.last_mut() {
            if sup && !in_sup {
                c.push('[');
                in_sup = true;
            }
            c.push_str(&g.text);
        }
        last_end = Some(g.end);
        ink_end = Some(g.end);
    }
    if in_sup && let Some(c) = cells.last_mut() {
        c.push(']');
    }
    let (cells, starts): (Vec<String>, Vec<f64>) = cells
        .into_iter()
        .zip(starts)
        .map(|(c, x)| (c.trim().to_owned(), x.unwrap_or(0.0)))
        .filter(|(c, _)| !c.is_empty())
        .unzip();
    let right = glyphs
        .iter()
        .filter(|g| !is_blank(&g.text))
        .map(|g| g.end)
        .fold(f64::MIN, f64::max);
    Line {
        y: base,
        size,
        right,
        cells,
        starts,
    }
}

/// The size most of the document's text is set in.
fn body_size(pages: &[PageInk]) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for g in pages.iter().flat_map(|p| &p.glyphs) {
        if !is_blank(&g.text) {
            *counts.entry((g.size * 2.0).round() as i64).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(k, n)| (n, k))
        .map_or(10.0, |(k, _)| k as f64 / 2.0)
}

/// Whether a footnote line starts with its number ("[1]", "1", "*", "†").
fn starts_note(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with(['*', '†', '‡']) {
        return true;
    }
    let t = t.strip_prefix('[').unwrap_or(t);
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && t[digits..]
            .chars()
            .next()
            .is_some_and(|c| c == ']' || c == ' ' || c.is_alphabetic())
}

/// Splits off the footnotes at the foot of a page: the last lines in smaller type than the
/// body, below a separator rule or starting with a note number. Returns the body lines and
/// the notes, each note's lines joined.
fn split_footnotes(
    lines: Vec<Line>,
    rules: &[(f64, f64, f64)],
    page_width: f64,
    body: f64,
) -> (Vec<Line>, Vec<String>) {
    // Page numbers and running footers below the notes stay where they are.
    let mut tail = lines.len();
    while tail > 0 && is_page_number(&lines[tail - 1].text()) {
        tail -= 1;
    }
    let mut first = tail;
    while first > 0 && lines[first - 1].size < 0.85 * body {
        first -= 1;
    }
    // Nothing small, or nothing but small type on the page: no notes.
    if first == tail || first == 0 {
        return (lines, Vec::new());
    }
    let top = lines[first].y - lines[first].size;
    let above = lines[first - 1].y;
    let separated = rules.iter().any(|&(y, x0, x1)| {
        y > above && y < top + 0.5 * lines[first].size && x1 - x0 < 0.7 * page_width
    });
    if !separated && !starts_note(&lines[first].text()) {
        return (lines, Vec::new());
    }
    let mut notes: Vec<String> = Vec::new();
    for l in &lines[first..tail] {
        let t = l.text();
        match notes.last_mut() {
            Some(n) if !starts_note(&t) => {
                n.push(' ');
                n.push_str(&t);
            }
            _ => notes.push(t),
        }
    }
    let notes = notes
        .into_iter()
        .map(|n| {
            // Notes are written "[1] text" as in DOCX, so a note never reads as clause 1.
            let t = n.trim();
            if let Some(rest) = t.strip_prefix('[')
                && let Some(close) = rest.find(']')
            {
                format!("[{}] {}", &rest[..close], rest[close + 1..].trim_start())
            } else {
                let digits = t.chars().take_while(char::is_ascii_digit).count();
                if digits > 0 {
                    format!("[{}] {}", &t[..digits], t[digits..].trim_start())
                } else {
                    t.to_owned()
                }
            }
        })
        .collect();
    let mut body_lines = lines;
    body_lines.drain(first..tail);
    (body_lines, notes)
}

/// Whether a cell is only a clause number ("1.1", "(a)", "Article 3"), which a tab after
/// it puts at a distance from its text without making a table.
fn is_marker_cell(cell: &str) -> bool {
    let t = cell.trim();
    t.len() <= 12
        && (t
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '(' || c == '§')
            || t.split_whitespace().count() <= 2
                && [
                    "article", "section", "clause", "schedule", "annex", "exhibit", "appendix",
                ]
                .iter()
                .any(|k| t.to_ascii_lowercase().starts_with(k))
            || t.len() <= 3 && t.ends_with(['.', ')']))
}

/// Renders a page's lines as text: a blank line where the vertical gap says a new
/// paragraph, table rows (two or more cells on consecutive lines) as "| a | b |".
/// `body` is the document's body type size (headings are set larger).
fn render(lines: &[Line], body: f64) -> String {
    // Two cells make a row unless the first is a clause number set apart by a tab; three
    // always do ("| 1 | Service desk | 24 hours |").
    let row = |l: &Line| l.cells.len() >= 3 || l.cells.len() == 2 && !is_marker_cell(&l.cells[0]);
    // Two rows of one table share a column: a cell after the first starts where one of the
    // other row's does.
    let aligned = |a: &Line, b: &Line| {
        row(a)
            && row(b)
            && a.starts.iter().skip(1).any(|x| {
                b.starts
                    .iter()
                    .skip(1)
                    .any(|y| (x - y).abs() <= COLUMN_SLACK)
            })
    };
    // The text column's right edge: a line reaching it was broken by the layout, not by the
    // writer, so what follows continues its sentence.
    let margin = lines.iter().map(|l| l.right).fold(f64::MIN, f64::max);
    let left = lines
        .iter()
        .filter_map(|l| l.starts.first())
        .copied()
        .fold(f64::MAX, f64::min);
    // A short line set in the middle of the column (a title over a subtitle) stands alone:
    // the line after it starts a new paragraph although it follows at the usual pitch. (The
    // lines of ragged text end anywhere, so a centred line must also be short.)
    let centred = |l: &Line| {
        l.starts.first().is_some_and(|&x| {
            let (before, after) = (x - left, margin - l.right);
            before > 3.0 * l.size
                && (before - after).abs() < 1.5 * l.size
                && l.right - x < 0.6 * (margin - left)
        })
    };
    let pitch = line_pitch(lines);
    let mut out = String::new();
    // The table row being read: its cells, their starts and the baseline of its last line.
    // It is written once no line below continues it.
    let mut row: Option<(Vec<String>, Vec<f64>, f64)> = None;
    let write_row = |out: &mut String, cells: &[String]| {
        out.push_str("| ");
        out.push_str(&cells.join(" | "));
        out.push_str(" |");
    };
    for (i, l) in lines.iter().enumerate() {
        // Rows are aligned with the row above or below, past a line that continues a cell.
        let table = i > 0 && aligned(l, &lines[i - 1])
            || lines.get(i + 1).is_some_and(|next| aligned(l, next))
            || i > 1
                && continues_cells(&lines[i - 2].starts, lines[i - 2].y, &lines[i - 1])
                && aligned(l, &lines[i - 2])
            || lines
                .get(i + 1)
                .is_some_and(|next| continues_cells(&l.starts, l.y, next))
                && lines.get(i + 2).is_some_and(|after| aligned(l, after));
        if let Some((cells, starts, y)) = row.as_mut() {
            if continues_cells(starts, *y, l) {
                for (text, &x) in l.cells.iter().zip(&l.starts) {
                    if let Some(c) = column_of(starts, x).and_then(|j| cells.get_mut(j)) {
                        c.push(' ');
                        c.push_str(text);
                    }
                }
                *y = l.y;
                continue;
            }
            write_row(&mut out, cells);
            row = None;
        }
        if let Some(prev) = i.checked_sub(1).map(|p| &lines[p]) {
            let gap = (l.y - prev.y).abs();
            let size = l.size.max(prev.size);
            let full = prev.right >= margin - 2.0 * prev.size;
            let item = l.cells.first().is_some_and(|c| {
                c.starts_with(['(', '§']) || c.starts_with(|ch: char| ch.is_ascii_digit())
            });
            // A line that ends a sentence is no sentence broken before a number: "…
            // available to Customer." / "4. Taxes. …" is the next item.
            let ends_sentence = prev
                .cells
                .last()
                .is_some_and(|c| c.trim_end().ends_with(['.', '!', '?', ':']));
            // A heading too long for one line: its next word would not have fitted after
            // the last ("ANNEX 1 – PROJECT, DATA AND" / "AUTHORISED PERSONS").
            let heading_wraps = l.size > 1.15 * body
                && (l.size - prev.size).abs() <= 0.15 * size
                && gap <= 1.6 * size
                && gap > 0.5 * size
                && !table
                && prev.cells.len() == 1
                && l.cells.len() == 1
                && !centred(prev)
                && !ends_sentence
                && !prev.text().trim_end().ends_with(';')
                && l.text().split_whitespace().next().is_some_and(|w| {
                    // The word's width, guessed: capitals are wider than other letters.
                    let width: f64 = w
                        .chars()
                        .map(|c| if c.is_uppercase() { 0.65 } else { 0.5 })
                        .sum::<f64>()
                        + 0.25;
                    prev.right + width * l.size > margin - 0.5 * l.size
                });
            if heading_wraps {
                out.push(' ');
                out.push_str(&l.text());
                continue;
            }
            if full && item && !table && !ends_sentence && gap <= 1.5 * size && gap > 0.5 * size {
                // "upon thirty" / "(30) days …", "; or" / "(iv) presents …": one sentence.
                out.push(' ');
                out.push_str(&closed_number_stops(&l.text()));
                continue;
            }
            out.push('\n');
            // The top of the next column: a sentence left open at the foot of the last one
            // runs on.
            let next_column = l.y < prev.y - 2.0 * size
                && l.starts
                    .first()
                    .zip(prev.starts.first())
                    .is_some_and(|(x, px)| *x > px + 10.0 * size)
                && !prev.text().ends_with(['.', ':', ';', '!', '?']);
            // A new paragraph where the gap is wide or the type size changes (a heading set
            // larger than its text).
            if !next_column
                && (gap > (1.5 * size).max(pitch + 0.25 * size)
                    || (l.size - prev.size).abs() > 0.15 * size
                    || centred(prev))
            {
                out.push('\n');
            }
        }
        if table {
            row = Some((l.cells.clone(), l.starts.clone(), l.y));
        } else {
            out.push_str(&spaced_number(&closed_number_stops(&l.text())));
        }
    }
    if let Some((cells, _, _)) = row {
        write_row(&mut out, &cells);
    }
    out.push('\n');
    out
}

/// The column after the first among a row's cell `starts` that a cell starting at `x` lies in.
fn column_of(starts: &[f64], x: f64) -> Option<usize> {
    starts
        .iter()
        .skip(1)
        .position(|s| (x - s).abs() <= COLUMN_SLACK)
        .map(|p| p + 1)
}

/// Whether line `l` continues the cells of a table row (cells starting at `starts`, last
/// line on baseline `y`): a cell's text wrapped, so the next line holds text in the row's
/// later columns only, each part starting where one of them does.
fn continues_cells(starts: &[f64], y: f64, l: &Line) -> bool {
    let gap = l.y - y;
    starts.len() >= 2
        && gap > 0.0
        && gap <= 1.5 * l.size
        && !l.cells.is_empty()
        && l.starts.iter().all(|&x| column_of(starts, x).is_some())
}

/// The page's line pitch: the most common gap between lines of one size, where it is at
/// most 1.6 times the type size (wider is double spacing or a list of one-line paragraphs).
/// Text set with wide leading ("1.5 lines") has lines 1.5 sizes apart, so a new paragraph
/// is a gap wider than the pitch, not than a fixed share of the size. Zero where no gap
/// recurs.
fn line_pitch(lines: &[Line]) -> f64 {
    let mut counts: HashMap<i64, (usize, f64)> = HashMap::new();
    for w in lines.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let gap = (b.y - a.y).abs();
        let size = a.size.max(b.size);
        if (a.size - b.size).abs() <= 0.15 * size && gap > 0.5 * size && gap <= 3.0 * size {
            let e = counts
                .entry((gap * 2.0).round() as i64)
                .or_insert((0, size));
            e.0 += 1;
        }
    }
    let Some((gap, (n, size))) = counts
        .into_iter()
        .max_by(|x, y| x.1.0.cmp(&y.1.0).then(y.0.cmp(&x.0)))
    else {
        return 0.0;
    };
    let gap = gap as f64 / 2.0;
    if n >= 3 && gap <= 1.6 * size {
        gap
    } else {
        0.0
    }
}

/// "10.Warranties" as "10. Warranties": a list number set wider than its indent runs into
/// the text it numbers.
fn spaced_number(line: &str) -> String {
    let digits = line
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let label = &line[..digits];
    if digits > 0
        && label.ends_with('.')
        && label.starts_with(|c: char| c.is_ascii_digit())
        && line[digits..].starts_with(char::is_uppercase)
    {
        format!("{label} {}", &line[digits..])
    } else {
        line.to_owned()
    }
}

/// "1 . Definitions." as "1. Definitions.", "1 0 . Entire Agreement" as "10. Entire
/// Agreement", "Section 3 )" as "Section 3)": some writers (Google Docs) set a number, its
/// digits and the stop after it as separate pieces of text, which the layout spaces apart.
fn closed_number_stops(line: &str) -> String {
    static LEAD_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\d(?: \d){0,2}) \.(\s|$)").unwrap_or_else(|e| panic!("{e}"))
    });
    if !line.contains(" .") && !line.contains(" ,") && !line.contains(" )") {
        return line.to_owned();
    }
    let lead = LEAD_RE.replace(line, |c: &regex::Captures<'_>| {
        format!("{}.{}", c[1].replace(' ', ""), &c[2])
    });
    // The space before a stop that follows a number of one to three digits standing alone.
    let b = lead.as_bytes();
    let mut out = String::with_capacity(lead.len());
    let mut from = 0;
    for i in 1..b.len().saturating_sub(1) {
        let stop_alone = b[i] == b' '
            && matches!(b[i + 1], b'.' | b',' | b')')
            && b.get(i + 2)
                .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'.' | b',' | b';' | b':'));
        if !stop_alone {
            continue;
        }
        let digits = b[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let before = i.checked_sub(digits + 1).map(|k| b[k]);
        if (1..=3).contains(&digits) && before.is_none_or(|c| c == b' ' || c == b'(') {
            out.push_str(&lead[from..i]);
            from = i + 1;
        }
    }
    out.push_str(&lead[from..]);
    out
}

/// Each page's text, and the footnotes found at the page feet, in page order.
fn page_texts(bytes: &[u8], limits: &Limits) -> Result<(Vec<String>, Vec<String>), IngestError> {
    let inks = page_inks(bytes, limits)?;
    let body = body_size(&inks);
    let mut pages = Vec::with_capacity(inks.len());
    let mut notes = Vec::new();
    for ink in &inks {
        let lines = ruled_rows(
            lines_of(&ink.glyphs, &ink.columns),
            &ink.rules,
            &ink.columns,
        );
        let (lines, n) = split_footnotes(lines, &ink.rules, ink.width, body);
        notes.extend(n);
        pages.push(render(&edges_in_place(lines), body));
    }
    Ok((pages, notes))
}

/// Puts a page's lowest line last and its highest first where the PDF draws them among the
/// others (a footer drawn between two columns), so that running lines are at the page's
/// edges, where they are looked for, and do not split a sentence running on to the next
/// column. Only a line set apart from all the others by a gap moves.
fn edges_in_place(mut lines: Vec<Line>) -> Vec<Line> {
    if lines.len() < 3 {
        return lines;
    }
    let extreme = |lines: &[Line], lowest: bool| -> Option<usize> {
        let key = |l: &Line| if lowest { l.y } else { -l.y };
        let (i, l) = lines
            .iter()
            .enumerate()
            .max_by(|a, b| key(a.1).total_cmp(&key(b.1)))?;
        let next = lines
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, o)| key(o))
            .fold(f64::MIN, f64::max);
        (key(l) - next > 1.5 * l.size).then_some(i)
    };
    if let Some(i) = extreme(&lines, true)
        && i + 1 != lines.len()
    {
        let l = lines.remove(i);
        lines.push(l);
    }
    if let Some(i) = extreme(&lines, false)
        && i != 0
    {
        let l = lines.remove(i);
        lines.insert(0, l);
    }
    lines
}

/// Words no sentence ends on: a page or column that ends on one breaks a sentence.
const NO_SENTENCE_END: &[&str] = &[
    "a", "an", "the", "of", "to", "and", "or", "in", "for", "with", "by", "on", "at", "from",
    "that", "as", "any", "such", "its", "their", "this", "each", "between", "under",
];

/// The shape of a line with digits blanked, to spot running headers and footers.
fn shape(line: &str) -> String {
    line.trim()
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn is_page_number(line: &str) -> bool {
    let t = line.trim().to_ascii_lowercase();
    let t = t.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    if t.is_empty() {
        return false;
    }
    // "Page 3 of 10", and as German, Italian, Spanish and Portuguese writers print it
    // ("Seite 1 von 3").
    let t = ["page", "seite", "pagina", "página"]
        .iter()
        .find_map(|w| t.strip_prefix(w))
        .map_or(t, str::trim);
    let mut parts = t
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty() && !matches!(*p, "of" | "von" | "di" | "de"));
    let first_ok = parts
        .next()
        .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()) || roman_like(p));
    first_ok && parts.all(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// Whether a line carries a page number field ("Contribution License Agreement Page 1 of 4").
fn has_page_field(line: &str) -> bool {
    static PAGE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\bpage\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\b")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    PAGE_RE.is_match(line)
}

fn roman_like(p: &str) -> bool {
    !p.is_empty() && p.len() <= 6 && p.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))
}

/// Removes running headers/footers and page numbers, joins hyphenated breaks and
/// re-flows lines into paragraphs.
fn clean(pages: &[String]) -> (String, Vec<(usize, u32)>) {
    // Lines near the top or bottom of a page that repeat on most pages are furniture.
    let mut counts: HashMap<String, usize> = HashMap::new();
    let edge = |lines: &[&str]| -> Vec<String> {
        let ne: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let mut v: Vec<String> = ne.iter().take(3).map(|l| shape(l)).collect();
        v.extend(ne.iter().rev().take(3).map(|l| shape(l)));
        v.sort();
        v.dedup();
        v
    };
    let split: Vec<Vec<&str>> = pages.iter().map(|p| p.lines().collect()).collect();
    for lines in &split {
        for s in edge(lines) {
            *counts.entry(s).or_default() += 1;
        }
    }
    let n = pages.len();
    // On most pages, or on three pages or more: a running header printed only on some pages
    // (even pages, or those of one part) is furniture too.
    let repeated = |s: &str| {
        n >= 2
            && counts
                .get(s)
                .is_some_and(|c| *c >= 2 && (*c * 2 > n || *c >= 3))
    };
    let mut out = String::new();
    let mut page_starts = Vec::new();
    // Whether the last page ended inside a sentence: a paragraph broken by the page runs on
    // when the next page starts in lower case, instead of starting a new one, or whatever
    // the next page starts with when the last ended on a word no sentence ends on ("the
    // entity making a" / "Contribution and all other entities").
    let mut open_sentence = false;
    let mut dangling = false;
    for (pi, lines) in split.iter().enumerate() {
        let ne: Vec<usize> = (0..lines.len())
            .filter(|&i| !lines[i].trim().is_empty())
            .collect();
        let edge_idx: Vec<usize> = ne
            .iter()
            .take(3)
            .chain(ne.iter().rev().take(3))
            .copied()
            .collect();
        page_starts.push((out.len(), pi as u32 + 1));
        let mut first = true;
        // The page's last lines, but none of its first: a short page's title is no footer.
        let foot: Vec<usize> = ne.iter().skip(3).rev().take(3).copied().collect();
        for (i, line) in lines.iter().enumerate() {
            let at_edge = edge_idx.contains(&i);
            // Running headers are kept once, on the first page (often the title), but a
            // running line that carries the page number ("… Page 1 of 4") or ends the page
            // (a footer, "Member of the Helmholtz Association 1") is furniture on every page.
            let running = at_edge && repeated(&shape(line));
            if (at_edge && is_page_number(line))
                || (running && (pi > 0 || has_page_field(line) || foot.contains(&i)))
            {
                continue;
            }
            if first && !line.trim().is_empty() {
                first = false;
                let runs_on = open_sentence
                    && (dangling
                        || line
                            .trim_start()
                            .chars()
                            .next()
                            .is_some_and(char::is_lowercase));
                if runs_on {
                    // The blank lines left where a page number or footer was dropped.
                    out.truncate(out.trim_end().len());
                    out.push('\n');
                    if let Some(start) = page_starts.last_mut() {
                        start.0 = out.len();
                    }
                } else if pi > 0 {
                    out.push('\n');
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if !first {
            let last = out.trim_end().lines().next_back().unwrap_or("");
            open_sentence = !last.is_empty() && !last.ends_with(['.', ':', ';', '!', '?', '|']);
            dangling =
                open_sentence && NO_SENTENCE_END.contains(&last.rsplit(' ').next().unwrap_or(""));
        }
    }
    (join_split_words(&reflow(&out)), page_starts)
}

/// Joins lines of one paragraph and hyphenated words; keeps blank lines and lines that
/// start a numbered clause or are headings.
fn reflow(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let lines: Vec<&str> = text.lines().collect();
    // Built on the first line-end hyphen that needs them: most documents never do.
    let mut compounds: Option<HashSet<&str>> = None;
    let mut words: Option<HashSet<String>> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            if !out.ends_with("\n\n") && !out.is_empty() {
                out.push('\n');
                if !out.ends_with("\n\n") {
                    out.push('\n');
                }
            }
            i += 1;
            continue;
        }
        let at_block_start = out.is_empty() || out.ends_with('\n');
        if !out.is_empty() && !out.ends_with('\n') {
            let prev_ends_hyphen = out.ends_with(['-', '\u{2010}', '\u{2011}']);
            let first = line.chars().next().unwrap_or(' ');
            let mut written = |out: &str| {
                let stem = out.trim_end_matches(['-', '\u{2010}', '\u{2011}']);
                compounds
                    .get_or_insert_with(|| hyphenated_compounds(text))
                    .contains(format!("{}-{}", last_word(stem), first_word(line)).as_str())
            };
            if out.ends_with('\u{ad}') {
                out.pop();
            } else if prev_ends_hyphen && first.is_uppercase() && written(&out) {
                // "UNEP-" / "WCMC" where the document writes "UNEP-WCMC": one name.
            } else if prev_ends_hyphen && first.is_lowercase() {
                let hyphen_len = out.chars().next_back().map_or(1, char::len_utf8);
                let stem = &out[..out.len() - hyphen_len];
                let before = stem.chars().next_back().unwrap_or(' ');
                if !before.is_alphabetic() {
                    out.push(' ');
                } else if (keeps_hyphen(stem, line)
                    && !written_joined(words.get_or_insert_with(|| lower_words(text)), stem, line))
                    || written(&out)
                {
                    // "non-\nexclusive" is "non-exclusive": the hyphen is the word's own.
                } else {
                    out.truncate(stem.len());
                }
            } else {
                out.push(' ');
            }
        }
        // Justified text is often laid out with runs of spaces between words.
        push_collapsed(&mut out, line);
        // End the paragraph line when the next line starts a new block.
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        let ends_block = next.is_empty()
            || starts_block(next)
            || (at_block_start && (is_heading(line) || is_numbered_heading(line, next)));
        if ends_block {
            out.push('\n');
        }
        i += 1;
    }
    out
}

/// Prefixes written with a hyphen in agreements ("non-exclusive", "co-branding",
/// "sub-licence", "cross-border"): a line break after them keeps the hyphen.
const HYPHEN_PREFIXES: &[&str] = &[
    "non", "co", "self", "cross", "multi", "pre", "post", "sub", "anti", "inter", "intra", "ex",
    "semi", "quasi", "third", "first", "long", "short", "full", "part", "year", "end", "on", "off",
    "well", "high", "low", "best", "worst", "sole", "joint", "time", "follow", "set", "mid",
    "over", "under", "all", "e",
];

/// The words of `text` in lower case.
fn lower_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 3)
        .map(str::to_lowercase)
        .collect()
}

/// Whether the document writes the two halves of a line-end hyphen as one word elsewhere, or
/// its stem ("Sub-" / "mits" where "Submit" is written): a prefix then is no compound.
fn written_joined(words: &HashSet<String>, stem: &str, next_line: &str) -> bool {
    let joined = format!("{}{}", last_word(stem), first_word(next_line)).to_lowercase();
    let trimmed = joined.trim_end_matches(|c: char| !c.is_alphanumeric());
    [
        trimmed,
        trimmed.strip_suffix('s').unwrap_or(trimmed),
        trimmed.strip_suffix("ed").unwrap_or(trimmed),
        trimmed.strip_suffix("ing").unwrap_or(trimmed),
    ]
    .iter()
    .any(|w| words.contains(*w))
}

/// Whether the hyphen ending `stem` (the text so far) belongs to the word rather than to the
/// line break: after a prefix written with a hyphen, or before "and"/"or" ("pre- and
/// post-termination").
fn keeps_hyphen(stem: &str, next_line: &str) -> bool {
    let word = last_word(stem).to_lowercase();
    let next = next_line.split_whitespace().next().unwrap_or("");
    HYPHEN_PREFIXES.contains(&word.as_str()) || matches!(next, "and" | "or" | "nor" | "to")
}

/// The run of letters and digits ending `s`.
fn last_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(s.len(), |(i, _)| i);
    &s[start..]
}

/// The run of letters and digits starting `s`.
fn first_word(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// Every pair of words the document joins with a hyphen within a line ("gtirb-rewriting"),
/// so that the same pair broken at a line end ("gtirb-" / "rewriting") keeps its hyphen.
fn hyphenated_compounds(text: &str) -> HashSet<&str> {
    let mut out = HashSet::new();
    for (at, _) in text.match_indices('-') {
        let head = last_word(&text[..at]);
        let tail = first_word(&text[at + 1..]);
        if !head.is_empty() && !tail.is_empty() {
            out.insert(&text[at - head.len()..at + 1 + tail.len()]);
        }
    }
    out
}

/// Closes a compound split by a hyphen and a space within a line ("cross- tabulations", left
/// by a line break the text layer flattened), keeping suspended hyphens ("pre- and post-").
fn join_split_words(text: &str) -> String {
    static SPLIT_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(\p{L}+)[-\x{2010}\x{2011}] (\p{Ll}+|\p{Lu}{2,}\b)")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    SPLIT_RE
        .replace_all(text, |c: &regex::Captures<'_>| {
            let (stem, next) = (&c[1], &c[2]);
            // A word in capitals joins a stem in capitals only ("NON- INFRINGEMENT"), not a
            // capital starting a name or sentence.
            let capitals = next.starts_with(char::is_uppercase);
            let stem_capitals = stem.chars().count() >= 2 && !stem.chars().any(char::is_lowercase);
            // A hyphen left before a space within a line was printed as a hyphen: the
            // compound keeps it ("cost- effective" → "cost-effective").
            if (capitals && !stem_capitals)
                || matches!(
                    next.to_lowercase().as_str(),
                    "and" | "or" | "nor" | "to" | "und" | "et" | "ou"
                )
            {
                c[0].to_owned()
            } else {
                format!("{stem}-{next}")
            }
        })
        .into_owned()
}

/// Appends `line` with every run of spaces and tabs made one space.
fn push_collapsed(out: &mut String, line: &str) {
    let mut gap = false;
    for c in line.chars() {
        if c == ' ' || c == '\t' {
            gap = true;
            continue;
        }
        if gap {
            out.push(' ');
            gap = false;
        }
        out.push(c);
    }
}

fn starts_block(line: &str) -> bool {
    let t = line.trim_start();
    let b = t.as_bytes();
    if b.is_empty() {
        return true;
    }
    // "1.", "2.3", "(a)", "Article", "Section", "§", "WHEREAS", bullets, table rows.
    (b[0].is_ascii_digit()
        && t.split_whitespace()
            .next()
            .is_some_and(|w| w.ends_with('.') || w.contains('.')))
        || (b[0] == b'(' && t.find(')').is_some_and(|p| p <= 6))
        || t.starts_with("Article")
        || t.starts_with("ARTICLE")
        || t.starts_with("Section")
        || t.starts_with("SECTION")
        || t.starts_with("Clause")
        || t.starts_with('§')
        || t.starts_with("WHEREAS")
        || t.starts_with('|')
        || t.starts_with('•')
}

/// A numbered heading on a line of its own above its text ("9. Confidentiality" over "The
/// Recipient shall …"): joining the two would make the first sentence part of the heading.
fn is_numbered_heading(line: &str, next: &str) -> bool {
    let t = line.trim();
    let mut words = t.split_whitespace();
    let Some(number) = words.next() else {
        return false;
    };
    let rest: Vec<&str> = words.collect();
    number.starts_with(|c: char| c.is_ascii_digit())
        && number
            .trim_end_matches('.')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && (1..=6).contains(&rest.len())
        && rest.iter().all(|w| {
            w.starts_with(char::is_uppercase)
                || [
                    "and", "of", "or", "the", "to", "for", "in", "on", "a", "by", "with",
                ]
                .contains(w)
        })
        && !t.ends_with(['.', ',', ';', ':'])
        && next.starts_with(char::is_uppercase)
}

fn is_heading(line: &str) -> bool {
    let t = line.trim();
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    t.len() < 60
        && letters.len() >= 4
        && letters.iter().all(|c| c.is_uppercase())
        && !t.ends_with([',', ';'])
}

/// Reads a PDF's text layer.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Ingested, IngestError> {
    let (pages, notes) = page_texts(bytes, limits)?;
    if pages.iter().all(|p| p.trim().is_empty()) && notes.is_empty() {
        return Err(IngestError::NoTextLayer);
    }
    let (mut raw, page_starts) = clean(&pages);
    // Footnotes follow the body, as DOCX notes do, so they neither become clauses nor split a
    // numbered list that runs on to the next page.
    for n in notes {
        raw.push_str(&n);
        raw.push_str("\n\n");
    }
    let text = normalise(&raw);
    // Page boundaries are approximate after re-flow: map by proportional position.
    let scale = if raw.is_empty() {
        1.0
    } else {
        text.len() as f64 / raw.len() as f64
    };
    let pages_at: Vec<(usize, u32)> = page_starts
        .iter()
        .map(|(b, p)| (((*b as f64) * scale) as usize, *p))
        .collect();
    let map = SourceMap::paragraphs(&text, &pages_at);
    Ok(Ingested {
        media_type: MediaType::Pdf,
        text,
        map,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_ranges_are_written_as_lists_and_bad_entries_dropped() {
        use Object::{Array, Integer, Name, Real};
        let mut w = vec![
            Integer(5),
            Array(vec![Integer(354), Integer(0)]),
            Integer(19),
            Integer(21),
            Real(556.5),
            // A range that runs backwards, one beyond the CIDs, a width that is no number.
            Integer(30),
            Integer(29),
            Integer(1),
            Integer(70_000),
            Integer(70_001),
            Integer(1),
            Integer(40),
            Integer(41),
            Name(b"x".to_vec()),
            // A trailing number that starts no entry.
            Integer(90),
        ];
        expand_width_array(&mut w);
        // Ranges repeated over the whole CID space are written out once, not without end.
        let mut hostile: Vec<Object> = (0..1000)
            .flat_map(|_| [Integer(0), Integer(0xFFFF), Integer(500)])
            .collect();
        expand_width_array(&mut hostile);
        let written: usize = hostile
            .iter()
            .map(|o| match o {
                Array(a) => a.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(written, 0x1_0000);
        assert_eq!(
            w,
            vec![
                Integer(5),
                Array(vec![Integer(354), Integer(0)]),
                Integer(19),
                Array(vec![Real(556.5); 3]),
            ]
        );
    }

    #[test]
    fn furniture_is_removed_and_hyphens_joined() {
        let pages = vec![
            "ALLIANCE AGREEMENT\n\n1. Term. The parties are incorpor-\nated in Delaware and shall\ncooperate.\n\nPage 1 of 2\n".to_owned(),
            "ALLIANCE AGREEMENT\n\n2. Law. This Agreement is governed by the laws of England.\n\nPage 2 of 2\n".to_owned(),
        ];
        let (t, _) = clean(&pages);
        assert!(!t.contains("Page 1"), "{t}");
        assert_eq!(t.matches("ALLIANCE AGREEMENT").count(), 1, "{t}");
        assert!(
            t.contains("incorporated in Delaware and shall cooperate."),
            "{t}"
        );
        assert!(t.contains("\n2. Law."), "{t}");
    }

    #[test]
    fn running_headers_on_only_some_pages_are_removed() {
        let pages: Vec<String> = (1..=8)
            .map(|i| {
                let head = if i % 2 == 0 {
                    "Data Access Agreement – Draft\n\n"
                } else {
                    ""
                };
                let topic = [
                    "Scope", "Data", "Access", "Security", "Audit", "Term", "Law", "Notices",
                ];
                format!(
                    "{head}{i}. {}. The Recipient shall keep the data secure.\n",
                    topic[i - 1]
                )
            })
            .collect();
        let (t, _) = clean(&pages);
        assert!(!t.contains("Draft"), "{t}");
        assert_eq!(t.matches("shall keep the data secure").count(), 8, "{t}");
    }

    #[test]
    fn runs_of_spaces_in_justified_text_are_collapsed() {
        let pages =
            vec!["1. Confidentiality. The Receiving   Party   shall   treat\tall information\nas   confidential.\n".to_owned()];
        let (t, _) = clean(&pages);
        assert!(
            t.contains("The Receiving Party shall treat all information as confidential."),
            "{t}"
        );
    }

    #[test]
    fn page_numbers_in_common_forms() {
        for p in [
            "3",
            "- 3 -",
            "Page 3",
            "page 3 of 10",
            "3/10",
            "iv",
            "Seite 1",
            "Seite 2 von 4",
            "Página 1 de 3",
        ] {
            assert!(is_page_number(p), "{p}");
        }
        assert!(!is_page_number("3 years"));
        assert!(!is_page_number("Seite"));
    }

    #[test]
    fn a_running_footer_with_the_page_number_goes_from_the_first_page_too() {
        // Drawn first, the footer comes out at the top of each page's text.
        let pages: Vec<String> = (1..=4)
            .map(|i| {
                let title = if i == 1 {
                    "gtirb-rewriting Contributor License Agreement\n\n"
                } else {
                    ""
                };
                let body = [
                    "Definitions. \"You\" means the individual who Submits a Contribution.",
                    "Grant of Rights. You grant to Us a perpetual licence.",
                    "Disclaimer. The Contribution is provided \"as is\".",
                    "Miscellaneous. The law of the State of New York governs.",
                ][i - 1];
                format!("Contribution License Agreement Page {i} of 4\n{title}{i}. {body}\n")
            })
            .collect();
        let (t, _) = clean(&pages);
        assert!(!t.contains("Page"), "{t}");
        assert!(
            t.starts_with("gtirb-rewriting Contributor License Agreement\n"),
            "{t}"
        );
        for n in [
            "1. Definitions",
            "2. Grant",
            "3. Disclaimer",
            "4. Miscellaneous",
        ] {
            assert!(t.contains(n), "{n}: {t}");
        }
        // A heading that repeats without a page number is still kept once, as the title.
        let plain: Vec<String> = (1..=3)
            .map(|i| {
                let body = [
                    "Term. One year.",
                    "Fees. Paid monthly.",
                    "Law. English law.",
                ][i - 1];
                format!("Master Services Agreement\n\n{i}. {body}\n")
            })
            .collect();
        let (t, _) = clean(&plain);
        assert_eq!(t.matches("Master Services Agreement").count(), 1, "{t}");
        assert!(t.contains("3. Law. English law."), "{t}");
    }

    #[test]
    fn section_numbers_set_apart_from_their_stops_are_closed_up() {
        assert_eq!(closed_number_stops("1 . Definitions."), "1. Definitions.");
        assert_eq!(
            closed_number_stops(
                "1 0 . Entire Agreement/Assignment. This Agreement is the entire agreement"
            ),
            "10. Entire Agreement/Assignment. This Agreement is the entire agreement"
        );
        assert_eq!(
            closed_number_stops("have disclosed under Section 3 ). You represent"),
            "have disclosed under Section 3). You represent"
        );
        assert_eq!(
            closed_number_stops("EXPRESSLY STATED IN SECTIONS 3 , 4 , AND 6 , THE SUBMISSION"),
            "EXPRESSLY STATED IN SECTIONS 3, 4, AND 6, THE SUBMISSION"
        );
        // Numbers in running text and decimals are left as they are.
        for line in [
            "within 1 0 days .",
            "version 2.0 . Next",
            "between 3 and 4 parties",
        ] {
            assert_eq!(closed_number_stops(line), line);
        }
        // As the text layer gives them: the number and its stop apart on one line.
        let lines: Vec<Line> = [
            "This Agreement is effective as of the latest signature date below.",
            "1 . Definitions.",
            "“Code” means the computer software code.",
            "2 . Your Submission. You must agree to the terms of this Agreement.",
        ]
        .iter()
        .zip([250.0, 120.0, 210.0, 300.0])
        .enumerate()
        .map(|(i, (t, right))| Line {
            y: 700.0 - 14.0 * i as f64,
            size: 11.0,
            right,
            cells: vec![(*t).to_owned()],
            starts: vec![72.0],
        })
        .collect();
        let (t, _) = clean(&[render(&lines, 10.0)]);
        assert!(t.contains("\n1. Definitions."), "{t}");
        assert!(t.contains("\n2. Your Submission."), "{t}");
    }

    /// The glyphs of `text` set from `x` on baseline `y`, 5 points a character at size 10.
    fn set(text: &str, x: f64, y: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + 5.0 * i as f64,
                y,
                end: x + 5.0 * (i + 1) as f64,
                size: 10.0,
                text: c.to_string(),
            })
            .collect()
    }

    #[test]
    fn a_ruled_table_row_is_one_row_however_its_cells_are_set() {
        // Three columns ruled at 50, 80, 180 and 480; the row runs from y 100 to 140. The
        // third cell wraps over two lines, the first two are centred between them, and the
        // gaps between cells are narrower than a table's usual gutter.
        let mut glyphs = set("School district funding in rural", 183.0, 115.0);
        glyphs.extend(set("1.", 53.0, 122.0));
        glyphs.extend(set("Project title", 82.0, 122.0));
        glyphs.extend(set("Minnesota", 183.0, 129.0));
        glyphs.extend(set("2.", 53.0, 150.0));
        glyphs.extend(set("Investigator", 82.0, 150.0));
        glyphs.extend(set("Dr. Amara Lindqvist", 183.0, 150.0));
        let borders: Vec<(f64, f64, f64)> = [50.0, 80.0, 180.0, 480.0]
            .iter()
            .map(|&x| (x, 100.0, 160.0))
            .collect();
        let rules = vec![
            (100.0, 50.0, 480.0),
            (140.0, 50.0, 480.0),
            (160.0, 50.0, 480.0),
        ];
        let lines = ruled_rows(lines_of(&glyphs, &borders), &rules, &borders);
        let t = render(&lines, 10.0);
        assert!(
            t.lines()
                .any(|l| l == "| 1. | Project title | School district funding in rural Minnesota |"),
            "{t}"
        );
        assert!(
            t.lines()
                .any(|l| l == "| 2. | Investigator | Dr. Amara Lindqvist |"),
            "{t}"
        );
        // A table without rules, its cells set apart by wide gaps: a line holding text in a
        // later column only continues that cell.
        let mut unruled = set("1.", 53.0, 200.0);
        unruled.extend(set("Service desk", 100.0, 200.0));
        unruled.extend(set("Responds within four", 250.0, 200.0));
        unruled.extend(set("hours", 250.0, 212.0));
        unruled.extend(set("2.", 53.0, 226.0));
        unruled.extend(set("Repairs", 100.0, 226.0));
        unruled.extend(set("Within two days", 250.0, 226.0));
        let t = render(&lines_of(&unruled, &[]), 10.0);
        assert!(
            t.lines()
                .any(|l| l == "| 1. | Service desk | Responds within four hours |"),
            "{t}"
        );
        assert!(
            t.lines().any(|l| l == "| 2. | Repairs | Within two days |"),
            "{t}"
        );
        // Without the rules the glyphs of the ruled table are lines of text: nothing is
        // taken for a cell.
        let t = render(&lines_of(&glyphs, &[]), 10.0);
        assert!(!t.contains('|'), "{t}");
        // A box around a character (a checkbox) crosses a line but is no border.
        let boxes = vec![(126.5, 144.0, 152.0)];
        let mut glyphs = set("Neuroinvasive", 60.0, 150.0);
        glyphs.extend(set("Other", 128.0, 150.0));
        let t = render(&lines_of(&glyphs, &boxes), 10.0);
        assert!(t.contains("Neuroinvasive Other"), "{t}");
    }

    #[test]
    fn the_edges_of_a_filled_area_are_no_cell_borders() {
        let mut c = Collector::default();
        c.rule((100.0, 100.0), (100.0, 120.0), true);
        assert!(c.page.columns.is_empty());
        c.rule((100.0, 100.0), (100.0, 120.0), false);
        assert_eq!(c.page.columns, vec![(100.0, 100.0, 120.0)]);
    }

    #[test]
    fn a_heading_too_long_for_its_line_is_one_paragraph() {
        let line = |t: &str, y: f64, right: f64, size: f64| Line {
            y,
            size,
            right,
            cells: vec![t.to_owned()],
            starts: vec![56.0],
        };
        let lines = vec![
            line(
                "The Data shall be kept on a server in a locked room of the Recipient",
                100.0,
                538.0,
                12.0,
            ),
            line("Institution.", 114.0, 120.0, 12.0),
            line("ANNEX 1 – PROJECT, DATA AND", 150.0, 386.0, 24.0),
            line("AUTHORISED PERSONS", 178.0, 300.0, 24.0),
            line("The table below lists the persons.", 200.0, 250.0, 12.0),
        ];
        let t = render(&lines, 12.0);
        assert!(
            t.contains("\nANNEX 1 – PROJECT, DATA AND AUTHORISED PERSONS\n"),
            "{t}"
        );
        // A short heading over another one stays apart: "SCHEDULE 2" / "FEES".
        let lines = vec![
            line("SCHEDULE 2", 150.0, 180.0, 24.0),
            line("FEES", 178.0, 110.0, 24.0),
            line(
                "The fees below are payable in advance for each year of the term.",
                200.0,
                538.0,
                12.0,
            ),
        ];
        let t = render(&lines, 12.0);
        assert!(t.contains("SCHEDULE 2\n"), "{t}");
    }
}
