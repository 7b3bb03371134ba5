//! Splits a Markdown file into its YAML front matter and body, remembering the line where
//! each starts so diagnostics can be file-absolute (unlike getzola/zola#1133).

use crate::diag::{Diagnostic, Pos};

pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// Line number (1-based) in the file of the first YAML line, minus one: add it to a
    /// YAML-relative line to get the file line.
    pub yaml_offset: u32,
    pub body: &'a str,
    /// File line of the body's first line, minus one.
    pub body_offset: u32,
}

pub fn split<'a>(path: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Err(
            Diagnostic::error("missing-front-matter", "the page has no front matter")
                .at(path, Pos::new(1, 1))
                .help("start the file with a block like:\n---\ntitle: Delivery terms\n---"),
        );
    }
    let yaml_start = first_line_end;
    let mut offset = yaml_start;
    for (line, l) in (2u32..).zip(text[yaml_start..].split_inclusive('\n')) {
        let trimmed = l.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_offset: 1,
                body: &text[offset + l.len()..],
                body_offset: line,
            });
        }
        offset += l.len();
    }
    Err(Diagnostic::error(
        "unclosed-front-matter",
        "the front matter block is never closed",
    )
    .at(path, Pos::new(1, 1))
    .len(3)
    .help("add a line with `---` after the last front-matter key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("a.md", "---\ntitle: A\n---\n# Hi\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.yaml_offset, 1);
        assert_eq!(s.body, "# Hi\n");
        assert_eq!(s.body_offset, 3);
    }

    #[test]
    fn unclosed() {
        let d = split("a.md", "---\ntitle: A\n# Hi\n").err().unwrap();
        assert_eq!(d.code, "unclosed-front-matter");
    }

    #[test]
    fn missing() {
        let d = split("a.md", "# Hi\n").err().unwrap();
        assert_eq!(d.code, "missing-front-matter");
    }
}
