//! PDF reading: the text layer in reading order, repeated headers/footers and page numbers
//! removed, hyphenated line breaks joined; scanned PDFs are refused clearly.

use super::{IngestError, Ingested, Limits, SourceMap, normalise};
use entente_domain::document::MediaType;
use pdf_extract::{Document, PlainTextOutput, output_doc_page};
use std::collections::HashMap;
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

fn page_texts(bytes: &[u8], limits: &Limits) -> Result<Vec<String>, IngestError> {
    let mut doc = guarded("reading the file", || Document::load_mem(bytes))?
        .map_err(|e| malformed(e.to_string()))?;
    if doc.is_encrypted() {
        // Many PDFs are "encrypted" with an empty user password; those open fine.
        let ok = guarded("decrypting", || doc.decrypt("").is_ok())?;
        if !ok {
            return Err(IngestError::Encrypted { format: "PDF" });
        }
    }
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
        let text = guarded(&format!("page {p}"), || {
            let mut s = String::new();
            let r = {
                let mut output = PlainTextOutput::new(&mut s);
                output_doc_page(&doc, &mut output, p)
            };
            r.map(|()| s)
        })?
        .unwrap_or_default();
        total += text.len() as u64;
        if total > limits.max_text {
            return Err(IngestError::LimitExceeded {
                what: "extracted text".into(),
                limit: limits.max_text,
            });
        }
        out.push(text);
    }
    Ok(out)
}

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
    let t = t.strip_prefix("page").map_or(t, str::trim);
    let mut parts = t
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty() && *p != "of");
    let first_ok = parts
        .next()
        .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()) || roman_like(p));
    first_ok && parts.all(|p| p.chars().all(|c| c.is_ascii_digit()))
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
        for (i, line) in lines.iter().enumerate() {
            let at_edge = edge_idx.contains(&i);
            // Running headers are kept once, on the first page (often the title).
            if at_edge && (is_page_number(line) || (pi > 0 && repeated(&shape(line)))) {
                continue;
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    (reflow(&out), page_starts)
}

/// Joins lines of one paragraph and hyphenated words; keeps blank lines and lines that
/// start a numbered clause or are headings.
fn reflow(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let lines: Vec<&str> = text.lines().collect();
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
            let prev_ends_hyphen = out.ends_with('-') || out.ends_with('\u{ad}');
            let first = line.chars().next().unwrap_or(' ');
            if out.ends_with('\u{ad}') {
                out.pop();
            } else if prev_ends_hyphen && first.is_lowercase() {
                let before = out[..out.len() - 1].chars().next_back().unwrap_or(' ');
                if before.is_alphabetic() {
                    out.pop();
                } else {
                    out.push(' ');
                }
            } else {
                out.push(' ');
            }
        }
        // Justified text is often laid out with runs of spaces between words.
        push_collapsed(&mut out, line);
        // End the paragraph line when the next line starts a new block.
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        let ends_block =
            next.is_empty() || starts_block(next) || (at_block_start && is_heading(line));
        if ends_block {
            out.push('\n');
        }
        i += 1;
    }
    out
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
    let pages = page_texts(bytes, limits)?;
    if pages.iter().all(|p| p.trim().is_empty()) {
        return Err(IngestError::NoTextLayer);
    }
    let (raw, page_starts) = clean(&pages);
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
        for p in ["3", "- 3 -", "Page 3", "page 3 of 10", "3/10", "iv"] {
            assert!(is_page_number(p), "{p}");
        }
        assert!(!is_page_number("3 years"));
    }
}
