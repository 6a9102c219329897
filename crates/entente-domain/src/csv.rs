//! The one CSV writer behind every CSV the product writes (audit exports, agreement lists):
//! RFC 4180 quoting, CRLF rows, and cells a spreadsheet would run as a formula neutralised.

/// Characters that make a spreadsheet read a cell as a formula (or, for tab and carriage
/// return, that some strip before looking for one).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell as written: a value beginning with `=`, `+`, `-`, `@`, tab or carriage return gets
/// a leading `'` (so `=1+2@example.com` shows as text and never runs), then the cell is quoted
/// when it holds a comma, a quote or a line break, with quotes doubled.
pub fn cell(value: &str) -> String {
    let value = if value.starts_with(FORMULA_START) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A CSV document built row by row: a header, then records, each line ending in CRLF.
#[derive(Debug, Clone, Default)]
pub struct CsvWriter {
    out: String,
}

impl CsvWriter {
    /// A document whose first line is `header`.
    pub fn with_header<S: AsRef<str>>(header: &[S]) -> Self {
        let mut w = Self::default();
        w.row(header);
        w
    }

    /// Appends one record.
    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push_str(&cell(f.as_ref()));
        }
        self.out.push_str("\r\n");
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_the_rest_left_alone() {
        for (value, written) in [
            ("plain", "plain"),
            ("a, b", "\"a, b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("=1+2@example.com", "'=1+2@example.com"),
            ("+1-2@example.com", "'+1-2@example.com"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("a=b", "a=b"),
            ("line\nbreak", "\"line\nbreak\""),
            ("", ""),
        ] {
            assert_eq!(cell(value), written, "{value:?}");
        }
    }

    #[test]
    fn rows_end_in_crlf_after_the_header() {
        let mut w = CsvWriter::with_header(&["actor", "action"]);
        w.row(&["=1+2@example.com", "term.set"]);
        w.row(&[String::from("maria@example.com"), String::from("a,b")]);
        assert_eq!(
            w.finish(),
            "actor,action\r\n'=1+2@example.com,term.set\r\nmaria@example.com,\"a,b\"\r\n"
        );
    }
}
