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
    /// Legal numbering: every level's number shown in decimal ("1.1.1", not "I.A.i").
    legal: bool,
    /// The paragraph style that takes this level.
    style: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct AbstractNum {
    levels: Vec<Level>,
    /// `w:numStyleLink`: the levels are those of the list style of that name, defined by
    /// another abstract numbering.
    num_style_link: Option<String>,
}

/// Per level of a numbering instance: a restart value (`w:startOverride`) and a replacement
/// level definition.
type Overrides = HashMap<usize, (Option<u32>, Option<Level>)>;

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    overrides: Overrides,
}

#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, AbstractNum>,
    nums: HashMap<String, Num>,
}

/// A level number (0..=8) from the attribute `name`.
fn level_index(e: &BytesStart<'_>, name: &str) -> Option<usize> {
    attr(e, name)
        .and_then(|v| v.parse().ok())
        .filter(|&i: &usize| i < 9)
}

fn parse_numbering(xml: &str) -> Result<Numbering, IngestError> {
    let mut r = Reader::from_str(xml);
    let mut n = Numbering::default();
    let mut cur_abs: Option<(String, AbstractNum)> = None;
    let mut cur_lvl: Option<(usize, Level)> = None;
    let mut cur_num: Option<(String, Num)> = None;
    let mut override_lvl: Option<usize> = None;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| malformed(format!("numbering.xml: {e}")))?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:abstractNum" => {
                    cur_abs = attr(&e, "w:abstractNumId").map(|id| (id, AbstractNum::default()));
                }
                "w:numStyleLink" => {
                    if let Some((_, a)) = cur_abs.as_mut() {
                        a.num_style_link = attr(&e, "w:val");
                    }
                }
                "w:lvl" if !empty => {
                    let il = level_index(&e, "w:ilvl").or(override_lvl).unwrap_or(0);
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
                "w:isLgl" => {
                    if let Some((_, l)) = cur_lvl.as_mut() {
                        l.legal = attr(&e, "w:val").is_none_or(|v| v != "0" && v != "false");
                    }
                }
                "w:pStyle" => {
                    if let Some((_, l)) = cur_lvl.as_mut() {
                        l.style = attr(&e, "w:val");
                    }
                }
                "w:num" => {
                    cur_num = attr(&e, "w:numId").map(|id| (id, Num::default()));
                }
                "w:abstractNumId" => {
                    if let Some((_, c)) = cur_num.as_mut() {
                        c.abstract_id = attr(&e, "w:val").unwrap_or_default();
                    }
                }
                "w:lvlOverride" => {
                    override_lvl = level_index(&e, "w:ilvl");
                }
                "w:startOverride" => {
                    if let (Some((_, c)), Some(il)) = (cur_num.as_mut(), override_lvl) {
                        let v = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        c.overrides.entry(il).or_default().0 = Some(v);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "w:lvl" => {
                    if let Some((il, l)) = cur_lvl.take() {
                        if let Some((_, c)) = cur_num.as_mut() {
                            c.overrides.entry(il).or_default().1 = Some(l);
                        } else if let Some((_, a)) = cur_abs.as_mut() {
                            if a.levels.len() <= il {
                                a.levels.resize(il + 1, Level::default());
                            }
                            a.levels[il] = l;
                        }
                    }
                }
                "w:lvlOverride" => override_lvl = None,
                "w:abstractNum" => {
                    if let Some((id, a)) = cur_abs.take() {
                        n.abstracts.insert(id, a);
                    }
                }
                "w:num" => {
                    if let Some((id, c)) = cur_num.take() {
                        n.nums.insert(id, c);
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

/// A style: its numbering (`numId`, and `ilvl` when given) and the style it is
/// based on.
#[derive(Debug, Clone, Default)]
struct Style {
    num_id: Option<String>,
    ilvl: Option<usize>,
    based_on: Option<String>,
}

/// Styles by id.
type Styles = HashMap<String, Style>;

fn parse_styles(xml: &str) -> Result<Styles, IngestError> {
    let mut r = Reader::from_str(xml);
    let mut s = Styles::new();
    let mut cur: Option<(String, Style)> = None;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| malformed(format!("styles.xml: {e}")))?;
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:style" => {
                    cur = attr(&e, "w:styleId").map(|id| (id, Style::default()));
                }
                "w:numId" => {
                    if let Some((_, c)) = cur.as_mut() {
                        c.num_id = attr(&e, "w:val");
                    }
                }
                "w:ilvl" => {
                    if let Some((_, c)) = cur.as_mut() {
                        c.ilvl = level_index(&e, "w:val").or(Some(0));
                    }
                }
                "w:basedOn" => {
                    if let Some((_, c)) = cur.as_mut() {
                        c.based_on = attr(&e, "w:val");
                    }
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "w:style" => {
                if let Some((id, st)) = cur.take() {
                    s.insert(id, st);
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

/// The counters of one list: numbering instances that share an abstract numbering continue
/// one another, as Word counts them.
#[derive(Debug, Default)]
struct ListState {
    counts: [Option<u32>; 9],
    /// Restart values set by the instance that last restarted a level.
    starts: [Option<u32>; 9],
}

struct Counters<'a> {
    numbering: &'a Numbering,
    styles: &'a Styles,
    lists: HashMap<String, ListState>,
    /// Numbering instances already used: a restart applies at an instance's first use.
    seen: std::collections::HashSet<String>,
}

impl<'a> Counters<'a> {
    fn new(numbering: &'a Numbering, styles: &'a Styles) -> Self {
        Self {
            numbering,
            styles,
            lists: HashMap::new(),
            seen: Default::default(),
        }
    }

    /// The abstract numbering instance `num_id` renders, following a list style's link to the
    /// abstract numbering that defines it.
    fn resolve(&self, num_id: &str) -> Option<(&'a str, &'a AbstractNum)> {
        let numbering = self.numbering;
        let mut id = numbering.nums.get(num_id)?.abstract_id.as_str();
        for _ in 0..4 {
            let a = numbering.abstracts.get(id)?;
            let Some(link) = a.num_style_link.as_deref() else {
                return Some((id, a));
            };
            let linked = self.styles.get(link)?.num_id.as_deref()?;
            id = numbering.nums.get(linked)?.abstract_id.as_str();
        }
        None
    }

    /// The level a paragraph of style `style` takes in list `num_id`, as the list defines it.
    fn level_of_style(&self, num_id: &str, style: &str) -> Option<usize> {
        let (_, a) = self.resolve(num_id)?;
        a.levels
            .iter()
            .position(|l| l.style.as_deref() == Some(style))
    }

    /// The level definition `ilvl` of instance `num_id`, an override winning.
    fn level(&self, num_id: &str, ilvl: usize) -> Option<Level> {
        let num = self.numbering.nums.get(num_id)?;
        if let Some((_, Some(l))) = num.overrides.get(&ilvl) {
            return Some(l.clone());
        }
        let (_, a) = self.resolve(num_id)?;
        a.levels.get(ilvl).cloned()
    }

    /// The label of the next paragraph in list `num_id` at level `ilvl`.
    fn next(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let (abs, _) = self.resolve(num_id)?;
        let ilvl = ilvl.min(8);
        let levels: Vec<Option<Level>> = (0..=ilvl).map(|k| self.level(num_id, k)).collect();
        let level = levels.get(ilvl)?.clone()?;
        let num = self.numbering.nums.get(num_id)?;
        let state = self.lists.entry(abs.to_owned()).or_default();
        if self.seen.insert(num_id.to_owned()) {
            for (k, (start, _)) in &num.overrides {
                if let (Some(s), true) = (start, *k < 9) {
                    state.counts[*k] = None;
                    state.starts[*k] = Some(*s);
                }
            }
        }
        let start = |k: usize, st: &ListState| -> u32 {
            st.starts[k]
                .or_else(|| levels.get(k).and_then(|l| l.as_ref()).map(|l| l.start))
                .unwrap_or(1)
        };
        state.counts[ilvl] = Some(match state.counts[ilvl] {
            None => start(ilvl, state),
            Some(v) => v + 1,
        });
        for k in ilvl + 1..9 {
            state.counts[k] = None;
            state.starts[k] = None;
        }
        // A bullet shows as one, whatever symbol font draws it, so list items stay items.
        if level.fmt == "bullet" && !level.text.is_empty() {
            return Some("•".to_owned());
        }
        if level.fmt == "bullet" || level.fmt == "none" || level.text.is_empty() {
            return None;
        }
        let mut out = level.text.clone();
        for k in (0..=ilvl).rev() {
            let v = state.counts[k].unwrap_or_else(|| start(k, state));
            let fmt = if level.legal {
                "decimal"
            } else {
                levels
                    .get(k)
                    .and_then(|l| l.as_ref())
                    .map_or("decimal", |l| l.fmt.as_str())
            };
            out = out.replace(&format!("%{}", k + 1), &format_counter(v, fmt));
        }
        Some(out)
    }

    /// The list and level of a paragraph: its own numbering, else its style's (through the
    /// styles it is based on); `numId` 0 at either switches numbering off.
    fn numbering_of(&self, p: &Para) -> Option<(String, usize)> {
        let mut num_id = p.num_id.clone();
        let mut ilvl = p.ilvl;
        let mut cur = p.style.clone();
        for _ in 0..10 {
            if num_id.is_some() && ilvl.is_some() {
                break;
            }
            let Some(st) = cur.as_deref().and_then(|id| self.styles.get(id)) else {
                break;
            };
            // The nearest style that says wins, for the list and for the level alike.
            ilvl = ilvl.or(st.ilvl);
            num_id = num_id.or_else(|| st.num_id.clone());
            cur = st.based_on.clone();
        }
        let num_id = num_id.filter(|id| !id.is_empty() && id != "0")?;
        let ilvl = ilvl
            .or_else(|| {
                p.style
                    .as_deref()
                    .and_then(|s| self.level_of_style(&num_id, s))
            })
            .unwrap_or(0);
        Some((num_id, ilvl))
    }
}

#[derive(Default)]
struct Para {
    text: String,
    num_id: Option<String>,
    ilvl: Option<usize>,
    style: Option<String>,
    /// The paragraph mark carries a section break (`w:sectPr` in its properties).
    section_break: bool,
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
                "w:sectPr" => {
                    if let Some(p) = cur.as_mut() {
                        p.section_break = true;
                    }
                }
                // Deleted text, field codes and the formatting a tracked change replaced.
                "w:del" | "w:instrText" | "w:delText" | "w:pPrChange" => skip_depth += 1,
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
                "w:pStyle" if skip_depth == 0 => {
                    if let Some(p) = cur.as_mut() {
                        p.style = attr(&e, "w:val");
                    }
                }
                "w:ilvl" if in_num && skip_depth == 0 => {
                    if let Some(p) = cur.as_mut() {
                        p.ilvl = level_index(&e, "w:val").or(Some(0));
                    }
                }
                "w:numId" if in_num && skip_depth == 0 => {
                    if let Some(p) = cur.as_mut() {
                        p.num_id = attr(&e, "w:val");
                    }
                }
                "w:sectPr" => {
                    if let Some(p) = cur.as_mut() {
                        p.section_break = true;
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
                "w:del" | "w:instrText" | "w:delText" | "w:pPrChange" => {
                    skip_depth = skip_depth.saturating_sub(1)
                }
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
    let mut counters = Counters::new(&numbering, &styles);
    let mut text = String::with_capacity(doc.len() / 3);
    for (p, is_row) in paras {
        let body = p.text.trim();
        // An empty paragraph that only ends a section shows no number in Word and counts none.
        if body.is_empty() && p.section_break {
            continue;
        }
        let num = counters.numbering_of(&p);
        let label = num.and_then(|(id, il)| counters.next(&id, il));
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
        let level = |fmt: &str, text: &str| Level {
            start: 1,
            fmt: fmt.into(),
            text: text.into(),
            ..Level::default()
        };
        let mut n = Numbering::default();
        n.abstracts.insert(
            "1".into(),
            AbstractNum {
                levels: vec![
                    level("decimal", "%1."),
                    level("decimal", "%1.%2"),
                    level("lowerLetter", "(%3)"),
                ],
                num_style_link: None,
            },
        );
        n.nums.insert(
            "7".into(),
            Num {
                abstract_id: "1".into(),
                overrides: HashMap::new(),
            },
        );
        let styles = Styles::new();
        let mut c = Counters::new(&n, &styles);
        let got: Vec<_> = [0, 1, 1, 2, 2, 0, 1]
            .iter()
            .map(|l| c.next("7", *l).unwrap_or_default())
            .collect();
        assert_eq!(got, ["1.", "1.1", "1.2", "(a)", "(b)", "2.", "2.1"]);
        assert_eq!(roman(14, true), "XIV");
    }
}
