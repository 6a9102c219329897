//! Markdown to text: keeps the words and the numbering a reader sees, drops the markup
//! (heading hashes, emphasis, link targets, table pipes, rules, code fences).

/// Converts Markdown to plain text, line by line.
pub(crate) fn to_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            continue;
        }
        let is_rule = t.len() >= 3
            && t.chars().all(|c| matches!(c, '-' | '*' | '_' | ' '))
            && t.chars().filter(|c| !c.is_whitespace()).count() >= 3;
        if is_rule {
            out.push('\n');
            continue;
        }
        let mut l = t.trim_start_matches('#');
        if l.len() != t.len() {
            l = l.trim_start();
            // A heading: keep it on its own paragraph.
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
        }
        while let Some(r) = l.strip_prefix('>') {
            l = r.trim_start();
        }
        // Bullets become plain lines; numbered items keep their numbers.
        if let Some(r) = l
            .strip_prefix("- ")
            .or_else(|| l.strip_prefix("* "))
            .or_else(|| l.strip_prefix("+ "))
        {
            l = r;
        }
        if l.starts_with('|') {
            // Table row: separator rows vanish, cells are joined by two spaces.
            if l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                continue;
            }
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            out.push_str(&inline(&cells.join("  ")));
            out.push('\n');
            continue;
        }
        out.push_str(&inline(l));
        out.push('\n');
    }
    out
}

/// Strips inline markup: emphasis, code ticks, links and images.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '!' if chars.get(i + 1) == Some(&'[') => {
                // image: drop entirely
                if let Some((_, after)) = link_at(&chars, i + 1) {
                    i = after;
                    continue;
                }
                out.push(c);
            }
            '[' => {
                if let Some((text, after)) = link_at(&chars, i) {
                    out.push_str(&inline(&text));
                    i = after;
                    continue;
                }
                out.push(c);
            }
            '*' | '`' => {}
            '_' if chars.get(i + 1) == Some(&'_') => {
                i += 2;
                continue;
            }
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// A `[text](target)` at `i`: its text and the index after it.
fn link_at(chars: &[char], i: usize) -> Option<(String, usize)> {
    let close = (i + 1..chars.len()).find(|&j| chars[j] == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = (close + 2..chars.len()).find(|&j| chars[j] == ')')?;
    Some((chars[i + 1..close].iter().collect(), end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_dropped_numbering_kept() {
        let md = "# Partnership Agreement\n\n## 1. Term\n\n**This** Agreement runs for [one year](#t).\n\n1. first\n- bullet\n\n| a | b |\n|---|---|\n| c | d |\n";
        let t = to_text(md);
        assert!(t.starts_with("Partnership Agreement\n"), "{t}");
        assert!(t.contains("1. Term\n"));
        assert!(t.contains("This Agreement runs for one year."));
        assert!(t.contains("1. first\nbullet\n"));
        assert!(t.contains("c  d\n"));
        assert!(!t.contains('|'));
    }
}
