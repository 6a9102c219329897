//! Markdown to text: keeps the words and the numbering a reader sees, drops the markup
//! (heading hashes, emphasis, link targets, table pipes, rules, code fences).

/// The body after a YAML front matter block ("---" … "---"), and the title it gives.
fn front_matter(md: &str) -> (Option<&str>, &str) {
    let Some(rest) = md
        .strip_prefix("---\n")
        .or_else(|| md.strip_prefix("---\r\n"))
    else {
        return (None, md);
    };
    let mut pos = 0;
    for line in rest.split_inclusive('\n').take(60) {
        if line.trim_end() == "---" {
            let meta = &rest[..pos];
            let title = meta.lines().find_map(|l| {
                l.strip_prefix("title:")
                    .map(|t| t.trim().trim_matches(['"', '\'']))
                    .filter(|t| !t.is_empty())
            });
            return (title, &rest[pos + line.len()..]);
        }
        pos += line.len();
    }
    (None, md)
}

/// The number of an ordered list item ("3. ", "3) ") and the text after it.
fn list_item(t: &str) -> Option<(u32, &str)> {
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = t[digits..].strip_prefix(['.', ')'])?;
    let text = rest.strip_prefix([' ', '\t'])?;
    Some((t[..digits].parse().ok()?, text))
}

/// An ordered list being read: the column of its markers, the column its items' text starts
/// at (a list set in that far or further is nested in the item), and its last number.
struct OpenList {
    marker: usize,
    content: usize,
    last: u32,
}

/// The column of the first non-blank character, a tab reaching the next multiple of four.
fn columns(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .fold(
            0,
            |col, c| if c == '\t' { col / 4 * 4 + 4 } else { col + 1 },
        )
}

/// Converts Markdown to plain text, line by line.
pub(crate) fn to_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let (title, md) = front_matter(md);
    if let Some(t) = title {
        out.push_str(&inline(t));
        out.push_str("\n\n");
    }
    // The ordered lists open at this line, outermost first. Markdown numbers items itself, so
    // "1." on every item reads 1, 2, 3 …; a list nested in an item is shown with its parents'
    // numbers ("1.1", "1.2" under "1."), as Word's multilevel numbering shows sub-clauses.
    let mut lists: Vec<OpenList> = Vec::new();
    let mut after_blank = false;
    for line in md.lines() {
        let t = line.trim_start();
        let indent = columns(line);
        if t.is_empty() {
            after_blank = true;
            out.push('\n');
            continue;
        }
        if let Some((n, text)) = list_item(t) {
            let content = indent + (t.len() - text.trim_start().len());
            // Close the nested lists this item stands left of, unless it is still set in as
            // far as the text of the item they are nested in (a sloppy indent, same list).
            while let [.., outer, inner] = lists.as_slice()
                && indent < inner.marker
                && indent < outer.content
            {
                lists.pop();
            }
            match lists.last_mut() {
                Some(l) if indent < l.content => l.last += 1,
                _ => lists.push(OpenList {
                    marker: indent,
                    content,
                    last: n,
                }),
            }
            let numbers: Vec<String> = lists.iter().map(|l| l.last.to_string()).collect();
            if numbers.len() == 1 {
                out.push_str(&format!("{}. {}", numbers[0], inline(text)));
            } else {
                out.push_str(&format!("{} {}", numbers.join("."), inline(text)));
            }
            out.push('\n');
            after_blank = false;
            continue;
        }
        // Text at the margin ends every list; a paragraph set in less than a nested item's
        // text ends that nested list but continues the item it was nested in.
        if indent == 0 {
            lists.clear();
        } else if after_blank {
            while lists.len() > 1 && lists.last().is_some_and(|l| indent < l.content) {
                lists.pop();
            }
        }
        after_blank = false;
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
            // Inline HTML ("<span class=…>Purpose</span>"): the tags go, the words stay.
            '<' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/') =>
            {
                if let Some(close) = (i + 1..chars.len()).take(200).find(|&j| chars[j] == '>') {
                    i = close + 1;
                    continue;
                }
                out.push(c);
            }
            '_' => {
                let run = chars[i..].iter().take_while(|c| **c == '_').count();
                let word_at = |k: Option<usize>| {
                    k.and_then(|k| chars.get(k))
                        .is_some_and(|c| c.is_alphanumeric())
                };
                // A line of underscores is a blank left to fill in ("Name: ________"), not
                // emphasis: "__" and "___" only mark emphasis when they touch a word.
                let blank =
                    run >= 4 || run == 3 && !word_at(i.checked_sub(1)) && !word_at(Some(i + run));
                if blank || run == 1 {
                    out.extend(&chars[i..i + run]);
                    i += run;
                } else {
                    // "__strong__" loses its marks; a third underscore is italics.
                    i += run;
                }
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

    #[test]
    fn front_matter_gives_the_title_and_lists_count_their_items() {
        let md = "---\ntitle: Registered Developer Agreement\nredirect_from:\n  - /articles/x\n---\nWelcome.\n\n1. **Program Terms**\n\n   We post the <span class=\"x\">Program Overview</span>.\n\n1. **API License**\n\n1. **Term**\n\nSigned.\n\n1. again\n";
        let t = to_text(md);
        assert!(
            t.starts_with("Registered Developer Agreement\n\nWelcome."),
            "{t}"
        );
        assert!(!t.contains("redirect_from"), "{t}");
        assert!(t.contains("1. Program Terms\n"), "{t}");
        assert!(t.contains("We post the Program Overview."), "{t}");
        assert!(t.contains("2. API License\n"), "{t}");
        assert!(t.contains("3. Term\n"), "{t}");
        // A paragraph at the margin ends the list; the next one starts afresh.
        assert!(t.contains("Signed.\n\n1. again"), "{t}");
    }

    #[test]
    fn nested_ordered_lists_are_numbered_as_sub_clauses() {
        let md = "# Cloud Service Agreement\n\n1. <span class=\"header_2\">Service</span>\n    1. <span class=\"header_3\">Access and Use.</span>  During the Subscription Period, Customer may access and use the Cloud Service.\n    2. <span class=\"header_3\">Support.</span>  Provider will provide Technical Support.\n\n        a. Provider will respond within one Business Day.\n\n    3. **User Accounts.**  Customer is responsible for all actions on Users' accounts.\n1. Restrictions & Obligations\n    1. Restrictions on Customer.  Customer will not reverse engineer the Product.\n\n   Customer will comply with Applicable Laws.\n\n1. Privacy & Security\n";
        let t = to_text(md);
        let lines: Vec<&str> = t.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "Cloud Service Agreement",
                "1. Service",
                "1.1 Access and Use.  During the Subscription Period, Customer may access and use the Cloud Service.",
                "1.2 Support.  Provider will provide Technical Support.",
                "a. Provider will respond within one Business Day.",
                "1.3 User Accounts.  Customer is responsible for all actions on Users' accounts.",
                "2. Restrictions & Obligations",
                "2.1 Restrictions on Customer.  Customer will not reverse engineer the Product.",
                "Customer will comply with Applicable Laws.",
                "3. Privacy & Security",
            ]
        );
        // Paragraphs stay apart: the blank lines of the source are kept.
        assert!(t.contains("Business Day.\n\n1.3 User"), "{t}");
    }

    #[test]
    fn a_nested_list_ends_where_its_parent_item_continues() {
        let md = "5. Contributor represents that:\n    1. Contributor has received permission from the employer.\n    2. The employer has waived such rights.\n\n   Contributor will notify Harvard of any change.\n6. Contributor is not expected to provide support.\n";
        let t = to_text(md);
        assert!(t.contains("5.1 Contributor has received"), "{t}");
        assert!(t.contains("5.2 The employer"), "{t}");
        assert!(t.contains("\nContributor will notify"), "{t}");
        assert!(t.contains("\n6. Contributor is not expected"), "{t}");
    }

    #[test]
    fn blanks_to_fill_in_stay_blanks() {
        let md = "This CLA is entered into by and between President and Fellows of Harvard College, (“Harvard”), and _______________________ (“Contributor”).\n\n| Signature: _______________________  | Date: ___ |\n\nThe __Effective Date__ is the date of ___the last signature___.\n";
        let t = to_text(md);
        assert!(
            t.contains("and _______________________ (“Contributor”)"),
            "{t}"
        );
        assert!(
            t.contains("Signature: _______________________  Date: ___"),
            "{t}"
        );
        assert!(
            t.contains("The Effective Date is the date of the last signature."),
            "{t}"
        );
    }
}
