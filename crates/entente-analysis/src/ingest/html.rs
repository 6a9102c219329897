//! HTML to text: drops scripts, styles and markup, turns block elements into line breaks,
//! numbers ordered-list items and decodes entities. Tolerant of broken markup.

/// Converts an HTML document to plain text.
pub(crate) fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let b = html.as_bytes();
    let mut i = 0;
    let mut skip_until: Option<&'static str> = None;
    // Counters of open ordered lists (None for unordered).
    let mut lists: Vec<Option<u32>> = Vec::new();
    let mut pre = 0u32;
    while i < b.len() {
        if let Some(end_tag) = skip_until {
            match find_ci(&html[i..], end_tag) {
                Some(p) => {
                    i += p + end_tag.len();
                    i = html[i..].find('>').map_or(b.len(), |q| i + q + 1);
                    skip_until = None;
                    continue;
                }
                None => break,
            }
        }
        let c = b[i];
        if c == b'<' {
            if html[i..].starts_with("<!--") {
                i = html[i..].find("-->").map_or(b.len(), |p| i + p + 3);
                continue;
            }
            let Some(close) = html[i..].find('>') else {
                // Unterminated tag: treat the rest as text.
                push_text(&mut out, &html[i..], pre > 0);
                break;
            };
            let tag = &html[i + 1..i + close];
            i += close + 1;
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            match name.as_str() {
                "script" | "style" | "head" | "title" | "noscript" | "template" if !closing => {
                    skip_until = Some(match name.as_str() {
                        "script" => "</script",
                        "style" => "</style",
                        "head" => "</head",
                        "title" => "</title",
                        "noscript" => "</noscript",
                        _ => "</template",
                    });
                    // Skip to the end of the closing tag too.
                }
                "br" => out.push('\n'),
                "pre" => {
                    if closing {
                        pre = pre.saturating_sub(1);
                    } else {
                        pre += 1;
                    }
                    newline(&mut out, 2);
                }
                "ol" | "ul" => {
                    if closing {
                        lists.pop();
                    } else {
                        let start = attr(tag, "start")
                            .and_then(|s| s.parse::<u32>().ok())
                            .unwrap_or(1);
                        lists.push((name == "ol").then(|| start.saturating_sub(1)));
                    }
                    newline(&mut out, 1);
                }
                "li" => {
                    newline(&mut out, 1);
                    if !closing && let Some(Some(n)) = lists.last_mut() {
                        *n += 1;
                        out.push_str(&format!("{n}. "));
                    }
                }
                "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "section" | "article"
                | "header" | "footer" | "blockquote" | "table" | "dl" | "address" | "aside"
                | "main" | "nav" | "figure" | "hr" | "body" | "html" => newline(&mut out, 2),
                "tr" | "dt" | "dd" | "caption" => newline(&mut out, 1),
                "td" | "th" if !closing && !out.ends_with('\n') && !out.is_empty() => {
                    out.push_str("  ");
                }
                _ => {}
            }
            continue;
        }
        let next = html[i..].find('<').map_or(b.len(), |p| i + p);
        push_text(&mut out, &html[i..next], pre > 0);
        i = next;
    }
    // Tidy: trim each line, at most one blank line in a row.
    let mut tidy = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.lines() {
        let l = line.trim();
        if l.is_empty() {
            blank += 1;
            if blank == 1 && !tidy.is_empty() {
                tidy.push('\n');
            }
        } else {
            blank = 0;
            tidy.push_str(l);
            tidy.push('\n');
        }
    }
    let t = tidy.trim_end();
    if t.is_empty() {
        String::new()
    } else {
        format!("{t}\n")
    }
}

fn newline(out: &mut String, n: usize) {
    let have = out.chars().rev().take_while(|c| *c == '\n').count();
    if out.is_empty() {
        return;
    }
    for _ in have..n {
        out.push('\n');
    }
}

fn push_text(out: &mut String, raw: &str, pre: bool) {
    let decoded = decode_entities(raw);
    if pre {
        out.push_str(&decoded);
        return;
    }
    for c in decoded.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let p = find_ci(tag, &format!("{name}="))?;
    let rest = &tag[p + name.len() + 1..];
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Decodes the common named entities and all numeric ones.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|e| *e <= 12);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = if let Some(num) = ent.strip_prefix('#') {
                let v = if let Some(hex) = num.strip_prefix(['x', 'X']) {
                    u32::from_str_radix(hex, 16).ok()
                } else {
                    num.parse::<u32>().ok()
                };
                v.and_then(char::from_u32)
            } else {
                Some(match ent {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    "nbsp" => ' ',
                    "sect" => '§',
                    "para" => '¶',
                    "ldquo" => '“',
                    "rdquo" => '”',
                    "lsquo" => '‘',
                    "rsquo" => '’',
                    "mdash" => '—',
                    "ndash" => '–',
                    "hellip" => '…',
                    "euro" => '€',
                    "pound" => '£',
                    "yen" => '¥',
                    "copy" => '©',
                    "reg" => '®',
                    "trade" => '™',
                    "bull" => '•',
                    "middot" => '·',
                    "eacute" => 'é',
                    "egrave" => 'è',
                    "auml" => 'ä',
                    "ouml" => 'ö',
                    "uuml" => 'ü',
                    "szlig" => 'ß',
                    "aacute" => 'á',
                    "oacute" => 'ó',
                    "ccedil" => 'ç',
                    _ => return None,
                })
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(if c == '\0' { ' ' } else { c });
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_lists_and_entities() {
        let h = "<html><head><title>x</title><style>p{}</style></head><body><h1>Term</h1>\
                 <p>The term is <b>one&nbsp;(1)</b> year &amp; renews.</p><ol><li>First</li>\
                 <li>Second</li></ol><script>alert(1)</script><p>A&#8217;s &#x201C;B&#x201D;</p></body></html>";
        let t = to_text(h);
        assert_eq!(
            t,
            "Term\n\nThe term is one (1) year & renews.\n\n1. First\n2. Second\n\nA’s “B”\n"
        );
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for h in [
            "<",
            "<p",
            "&#xFFFFFFFF;",
            "&#0;",
            "<script>never closed",
            "a<b>c</b",
        ] {
            let _ = to_text(h);
        }
    }
}
