//! DOCX reading: paragraphs, headings, automatic numbering, tables and footnotes from the
//! WordprocessingML parts of the ZIP container, with zip-bomb and encryption guards.

use super::{IngestError, Ingested, Limits, SourceMap, normalise};
use entente_domain::document::MediaType;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read};

fn malformed(detail: impl Into<String>) -> IngestError {
    IngestError::Malformed {
        format: "DOCX",
        detail: detail.into(),
    }
}

/// Reads the parts we need, enforcing the archive limits first.
fn read_parts(bytes: &[u8], limits: &Limits) -> Result<HashMap<String, String>, IngestError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| malformed(format!("not a valid ZIP archive ({e})")))?;
    let n = zip.len() as u64;
    if n > limits.max_entries {
        return Err(IngestError::ZipBomb {
            detail: format!("{n} entries, above the limit of {}", limits.max_entries),
        });
    }
    let mut total = 0u64;
    let mut wanted = Vec::new();
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| malformed(format!("entry {i} unreadable ({e})")))?;
        let name = f.name().map(|s| s.into_owned()).unwrap_or_default();
        let size = f.size();
        let csize = f.compressed_size().max(1);
        if f.encrypted() {
            return Err(IngestError::Encrypted { format: "DOCX" });
        }
        total = total.saturating_add(size);
        if total > limits.max_uncompressed {
            return Err(IngestError::ZipBomb {
                detail: format!(
                    "entries expand to more than {} MB (limit {} MB)",
                    total / 1_000_000,
                    limits.max_uncompressed / 1_000_000
                ),
            });
        }
        if size > 1_000_000 && size / csize > limits.max_ratio {
            return Err(IngestError::ZipBomb {
                detail: format!(
                    "{name} expands {}:1 (limit {}:1)",
                    size / csize,
                    limits.max_ratio
                ),
            });
        }
        if matches!(
            name.as_str(),
            "word/document.xml"
                | "word/numbering.xml"
                | "word/styles.xml"
                | "word/footnotes.xml"
                | "word/endnotes.xml"
                | "[Content_Types].xml"
        ) {
            wanted.push((i, name));
        }
    }
    if !wanted.iter().any(|(_, n)| n == "word/document.xml") {
        return Err(malformed(
            "no word/document.xml (a ZIP archive, but not a Word document)",
        ));
    }
    let mut parts = HashMap::new();
    let mut budget = limits.max_uncompressed;
    for (i, name) in wanted {
        let f = zip
            .by_index(i)
            .map_err(|e| malformed(format!("{name}: {e}")))?;
        let mut buf = Vec::new();
        // Declared sizes can lie: never read more than the remaining budget.
        f.take(budget.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| malformed(format!("{name}: {e}")))?;
        if buf.len() as u64 > budget {
            return Err(IngestError::ZipBomb {
                detail: format!("{name} expands beyond the declared size and the limit"),
            });
        }
        budget -= buf.len() as u64;
        let s = String::from_utf8(buf).map_err(|_| malformed(format!("{name} is not UTF-8")))?;
        parts.insert(name, s);
    }
    Ok(parts)
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
}

#[derive(Debug, Default)]
struct Numbering {
    /// abstractNumId → levels
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides per level)
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
}

fn parse_numbering(xml: &str) -> Result<Numbering, IngestError> {
    let mut r = Reader::from_str(xml);
    let mut n = Numbering::default();
    let mut cur_abs: Option<String> = None;
    let mut cur_lvl: Option<(usize, Level)> = None;
    let mut cur_num: Option<(String, String, HashMap<usize, u32>)> = None;
    let mut override_lvl: Option<usize> = None;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| malformed(format!("numbering.xml: {e}")))?;
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:abstractNum" => cur_abs = attr(&e, "w:abstractNumId"),
                "w:lvl" => {
                    let il = attr(&e, "w:ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                    cur_lvl = Some((
                        il,
                        Level {
                            start: 1,
                            ..Level::default()
                        },
                    ));
                }
                "w:start" => {
                    if let Some((_, l)) = cur_lvl.as_mut() {
                        l.start = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                    }
                }
                "w:numFmt" => {
                    if let Some((_, l)) = cur_lvl.as_mut() {
                        l.fmt = attr(&e, "w:val").unwrap_or_default();
                    }
                }
                "w:lvlText" => {
                    if let Some((_, l)) = cur_lvl.as_mut() {
                        l.text = attr(&e, "w:val").unwrap_or_default();
                    }
                }
                "w:num" => {
                    cur_num = attr(&e, "w:numId").map(|id| (id, String::new(), HashMap::new()));
                }
                "w:abstractNumId" => {
                    if let Some(c) = cur_num.as_mut() {
                        c.1 = attr(&e, "w:val").unwrap_or_default();
                    }
                }
                "w:lvlOverride" => {
                    override_lvl = attr(&e, "w:ilvl").and_then(|v| v.parse().ok());
                }
                "w:startOverride" => {
                    if let (Some(c), Some(il)) = (cur_num.as_mut(), override_lvl) {
                        let v = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        c.2.insert(il, v);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "w:lvl" => {
                    if let (Some(a), Some((il, l))) = (cur_abs.as_ref(), cur_lvl.take()) {
                        let v = n.abstracts.entry(a.clone()).or_default();
                        if v.len() <= il {
                            v.resize(il + 1, Level::default());
                        }
                        if il < 9 {
                            v[il] = l;
                        }
                    }
                }
                "w:abstractNum" => cur_abs = None,
                "w:num" => {
                    if let Some((id, a, o)) = cur_num.take() {
                        n.nums.insert(id, (a, o));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(n)
}

/// Paragraph styles: id → (name, numbering (numId, ilvl), basedOn).
type Styles = HashMap<String, (String, Option<(String, usize)>, Option<String>)>;

fn parse_styles(xml: &str) -> Result<Styles, IngestError> {
    let mut r = Reader::from_str(xml);
    let mut s = Styles::new();
    // (style id, name, numId, ilvl, basedOn) of the style being read.
    type StyleRow = (String, String, Option<String>, usize, Option<String>);
    let mut cur: Option<StyleRow> = None;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| malformed(format!("styles.xml: {e}")))?;
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:style" => {
                    cur = attr(&e, "w:styleId").map(|id| (id, String::new(), None, 0, None));
                }
                "w:name" => {
                    if let Some(c) = cur.as_mut() {
                        c.1 = attr(&e, "w:val").unwrap_or_default();
                    }
                }
                "w:numId" => {
                    if let Some(c) = cur.as_mut() {
                        c.2 = attr(&e, "w:val");
                    }
                }
                "w:ilvl" => {
                    if let Some(c) = cur.as_mut() {
                        c.3 = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
                    }
                }
                "w:basedOn" => {
                    if let Some(c) = cur.as_mut() {
                        c.4 = attr(&e, "w:val");
                    }
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "w:style" => {
                if let Some((id, name, num, il, based)) = cur.take() {
                    s.insert(id, (name, num.map(|n| (n, il)), based));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(s)
}

fn roman(mut n: u32, upper: bool) -> String {
    const T: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    if upper { s.to_uppercase() } else { s }
}

fn letter(n: u32, upper: bool) -> String {
    if n == 0 {
        return String::new();
    }
    let base = if upper { b'A' } else { b'a' };
    let c = (base + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(c, ((n - 1) / 26 + 1) as usize).collect()
}

fn format_counter(n: u32, fmt: &str) -> String {
    match fmt {
        "lowerLetter" => letter(n, false),
        "upperLetter" => letter(n, true),
        "lowerRoman" => roman(n, false),
        "upperRoman" => roman(n, true),
        "bullet" | "none" => String::new(),
        "decimalZero" => format!("{n:02}"),
        _ => n.to_string(),
    }
}

struct Counters<'a> {
    numbering: &'a Numbering,
    counts: HashMap<String, [u32; 9]>,
}

impl Counters<'_> {
    /// The label of the next paragraph in list `num_id` at level `ilvl`.
    fn next(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let (abs, overrides) = self.numbering.nums.get(num_id)?;
        let levels = self.numbering.abstracts.get(abs)?;
        let ilvl = ilvl.min(8);
        let level = levels.get(ilvl)?;
        let c = self.counts.entry(num_id.to_owned()).or_insert([0; 9]);
        let start = |i: usize| -> u32 {
            overrides
                .get(&i)
                .copied()
                .or_else(|| levels.get(i).map(|l| l.start))
                .unwrap_or(1)
        };
        c[ilvl] = if c[ilvl] == 0 {
            start(ilvl)
        } else {
            c[ilvl] + 1
        };
        for (d, slot) in c.iter_mut().enumerate().skip(ilvl + 1) {
            let _ = d;
            *slot = 0;
        }
        if level.fmt == "bullet" || level.fmt == "none" || level.text.is_empty() {
            return None;
        }
        let mut out = level.text.clone();
        for k in (0..=ilvl).rev() {
            let v = if c[k] == 0 { start(k) } else { c[k] };
            let fmt = levels.get(k).map_or("decimal", |l| l.fmt.as_str());
            out = out.replace(&format!("%{}", k + 1), &format_counter(v, fmt));
        }
        Some(out)
    }
}

#[derive(Default)]
struct Para {
    text: String,
    num: Option<(String, usize)>,
    style: Option<String>,
}

fn style_numbering(styles: &Styles, id: &str) -> Option<(String, usize)> {
    let mut cur = Some(id.to_owned());
    for _ in 0..10 {
        let (_, num, based) = styles.get(cur.as_deref()?)?;
        if num.is_some() {
            return num.clone();
        }
        cur = based.clone();
    }
    None
}

/// Converts the body of document.xml (or footnotes) into paragraphs.
fn paragraphs(xml: &str, part: &str) -> Result<Vec<(Para, bool)>, IngestError> {
    let mut r = Reader::from_str(xml);
    let mut out: Vec<(Para, bool)> = Vec::new();
    let mut cur: Option<Para> = None;
    let mut in_text = false;
    let mut table_depth = 0u32;
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut in_num = false;
    let mut skip_depth = 0u32; // inside deleted text or field instructions
    loop {
        let ev = r
            .read_event()
            .map_err(|e| malformed(format!("{part}: {e}")))?;
        match ev {
            Event::Start(e) => match e.name().as_ref() {
                "w:p" => cur = Some(Para::default()),
                "w:t" => in_text = true,
                "w:tbl" => table_depth += 1,
                "w:tr" => row.clear(),
                "w:tc" => cell.clear(),
                "w:numPr" => in_num = true,
                "w:del" | "w:instrText" | "w:delText" => skip_depth += 1,
                _ => {}
            },
            Event::Empty(e) => match e.name().as_ref() {
                "w:tab" => {
                    if let Some(p) = cur.as_mut() {
                        p.text.push('\t');
                    }
                }
                "w:br" | "w:cr" => {
                    if let Some(p) = cur.as_mut() {
                        p.text.push('\n');
                    }
                }
                "w:pStyle" => {
                    if let Some(p) = cur.as_mut() {
                        p.style = attr(&e, "w:val");
                    }
                }
                "w:ilvl" if in_num => {
                    if let Some(p) = cur.as_mut() {
                        let il = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        let id = p.num.as_ref().map(|n| n.0.clone()).unwrap_or_default();
                        p.num = Some((id, il));
                    }
                }
                "w:numId" if in_num => {
                    if let Some(p) = cur.as_mut() {
                        let id = attr(&e, "w:val").unwrap_or_default();
                        let il = p.num.as_ref().map_or(0, |n| n.1);
                        p.num = Some((id, il));
                    }
                }
                "w:footnoteReference" | "w:endnoteReference" => {
                    if let (Some(p), Some(id)) = (cur.as_mut(), attr(&e, "w:id")) {
                        p.text.push_str(&format!("[{id}]"));
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text && skip_depth == 0 => {
                if let Some(p) = cur.as_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(g) if in_text && skip_depth == 0 => {
                if let Some(p) = cur.as_mut() {
                    if let Ok(Some(c)) = g.resolve_char_ref() {
                        p.text.push(c);
                    } else {
                        let name = g.xml10_content();
                        p.text.push_str(match name.as_ref() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        });
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:numPr" => in_num = false,
                "w:del" | "w:instrText" | "w:delText" => skip_depth = skip_depth.saturating_sub(1),
                "w:p" => {
                    if let Some(p) = cur.take() {
                        if table_depth > 0 {
                            if !cell.is_empty() && !p.text.is_empty() {
                                cell.push(' ');
                            }
                            cell.push_str(p.text.trim());
                        } else {
                            out.push((p, false));
                        }
                    }
                }
                "w:tc" => row.push(std::mem::take(&mut cell)),
                "w:tr" => {
                    if table_depth == 1 {
                        let line = format!("| {} |", row.join(" | "));
                        out.push((
                            Para {
                                text: line,
                                ..Para::default()
                            },
                            true,
                        ));
                    }
                    row.clear();
                }
                "w:tbl" => table_depth = table_depth.saturating_sub(1),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn footnote_texts(xml: &str) -> Result<Vec<(String, String)>, IngestError> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    let mut in_text = false;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| malformed(format!("footnotes.xml: {e}")))?;
        match ev {
            Event::Start(e) => match e.name().as_ref() {
                "w:footnote" | "w:endnote" => {
                    let id = attr(&e, "w:id").unwrap_or_default();
                    let special = attr(&e, "w:type").is_some();
                    cur = (!special).then(|| (id, String::new()));
                }
                "w:t" => in_text = true,
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some(c) = cur.as_mut() {
                    c.1.push_str(&t.xml10_content());
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    if let Some(c) = cur.as_mut()
                        && !c.1.ends_with(' ')
                        && !c.1.is_empty()
                    {
                        c.1.push(' ');
                    }
                }
                "w:footnote" | "w:endnote" => {
                    if let Some((id, t)) = cur.take()
                        && !t.trim().is_empty()
                    {
                        out.push((id, t.trim().to_owned()));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Reads a DOCX file into text: one paragraph per line block, numbering rendered.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Ingested, IngestError> {
    let parts = read_parts(bytes, limits)?;
    let doc = parts
        .get("word/document.xml")
        .ok_or_else(|| malformed("no word/document.xml"))?;
    let numbering = match parts.get("word/numbering.xml") {
        Some(x) => parse_numbering(x)?,
        None => Numbering::default(),
    };
    let styles = match parts.get("word/styles.xml") {
        Some(x) => parse_styles(x)?,
        None => Styles::new(),
    };
    let paras = paragraphs(doc, "document.xml")?;
    let mut counters = Counters {
        numbering: &numbering,
        counts: HashMap::new(),
    };
    let mut text = String::with_capacity(doc.len() / 3);
    for (p, is_row) in paras {
        let num = p
            .num
            .clone()
            .filter(|(id, _)| !id.is_empty() && id != "0")
            .or_else(|| p.style.as_deref().and_then(|s| style_numbering(&styles, s)));
        let label = num.and_then(|(id, il)| counters.next(&id, il));
        let body = p.text.trim();
        if body.is_empty() && label.is_none() {
            continue;
        }
        if let Some(l) = label {
            text.push_str(&l);
            if !body.is_empty() {
                text.push(' ');
            }
        }
        text.push_str(body);
        text.push_str(if is_row { "\n" } else { "\n\n" });
    }
    for name in ["word/footnotes.xml", "word/endnotes.xml"] {
        if let Some(x) = parts.get(name) {
            let notes = footnote_texts(x)?;
            for (id, t) in notes {
                text.push_str(&format!("[{id}] {t}\n\n"));
            }
        }
    }
    let text = normalise(&text);
    let map = SourceMap::paragraphs(&text, &[]);
    Ok(Ingested {
        media_type: MediaType::Docx,
        text,
        map,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_multilevel_labels() {
        let mut n = Numbering::default();
        n.abstracts.insert(
            "1".into(),
            vec![
                Level {
                    start: 1,
                    fmt: "decimal".into(),
                    text: "%1.".into(),
                },
                Level {
                    start: 1,
                    fmt: "decimal".into(),
                    text: "%1.%2".into(),
                },
                Level {
                    start: 1,
                    fmt: "lowerLetter".into(),
                    text: "(%3)".into(),
                },
            ],
        );
        n.nums.insert("7".into(), ("1".into(), HashMap::new()));
        let mut c = Counters {
            numbering: &n,
            counts: HashMap::new(),
        };
        let got: Vec<_> = [
            (0, "7"),
            (1, "7"),
            (1, "7"),
            (2, "7"),
            (2, "7"),
            (0, "7"),
            (1, "7"),
        ]
        .iter()
        .map(|(l, id)| c.next(id, *l).unwrap_or_default())
        .collect();
        assert_eq!(got, ["1.", "1.1", "1.2", "(a)", "(b)", "2.", "2.1"]);
        assert_eq!(roman(14, true), "XIV");
    }
}
