//! HTML text utilities: escaping, tag stripping, slugs and the `href`/`src` attributes of
//! raw HTML. A leaf module: it knows nothing of pages, views or the pipeline, so every
//! stage (Markdown, highlighting, render, post, reports) can use it without depending on
//! another stage.

/// Escapes text for HTML content and double- or single-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`], appending to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The visible text of some HTML, tags stripped and the common entities decoded (for
/// diffs and search records).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `Lead times & cut-off` → `lead-times-cut-off` (heading ids, tag URLs).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    out
}

/// An `href` or `src` attribute value found in raw HTML: where the value is (without its
/// quotes) and the value itself, entities as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlAttribute {
    pub value: std::ops::Range<usize>,
    /// `href` (a link), else `src` (an embedded file).
    pub href: bool,
}

/// The `href=` and `src=` attribute values inside the start tags of a piece of raw HTML,
/// in order. Quoted (`"…"`, `'…'`) and unquoted values; text between tags and comments
/// are not attributes.
pub fn url_attributes(html: &str) -> Vec<UrlAttribute> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    while i < bytes.len() {
        if bytes[i..].starts_with(b"<!--") {
            i = html[i + 4..]
                .find("-->")
                .map_or(bytes.len(), |e| i + 4 + e + 3);
            continue;
        }
        if !(bytes[i] == b'<' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic)) {
            i += 1;
            continue;
        }
        // Inside a start tag: skip its name, then read attributes up to `>`.
        i += 1;
        while i < bytes.len() && !space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
            i += 1;
        }
        loop {
            while i < bytes.len() && (space(bytes[i]) || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < bytes.len() && !space(bytes[i]) && !matches!(bytes[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let name = &html[name_start..i];
            while i < bytes.len() && space(bytes[i]) {
                i += 1;
            }
            if bytes.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            while i < bytes.len() && space(bytes[i]) {
                i += 1;
            }
            let (start, end, next) = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let start = i + 1;
                    let end = bytes[start..]
                        .iter()
                        .position(|&b| b == q)
                        .map_or(bytes.len(), |p| start + p);
                    (start, end, (end + 1).min(bytes.len()))
                }
                Some(_) => {
                    let start = i;
                    let end = bytes[start..]
                        .iter()
                        .position(|&b| space(b) || b == b'>')
                        .map_or(bytes.len(), |p| start + p);
                    (start, end, end)
                }
                None => break,
            };
            let href = name.eq_ignore_ascii_case("href");
            if href || name.eq_ignore_ascii_case("src") {
                found.push(UrlAttribute {
                    value: start..end,
                    href,
                });
            }
            i = next;
        }
    }
    found
}

/// Decodes the entities an attribute value may hold (`&amp;` and numeric ones), so that
/// `a.md?x=1&amp;y=2` is resolved as the browser would read it.
pub fn decode_attribute(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
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
    fn slugs() {
        let check = |text: &str, expected: &str| assert_eq!(slugify(text), expected, "{text}");
        check("Lead times & cut-off", "lead-times-cut-off");
        check("  Hello   World ", "hello-world");
        check("Ääni ja väri", "ääni-ja-väri");
        check("HP-12 (2026)", "hp-12-2026");
    }

    #[test]
    fn attributes() {
        let check = |html: &str, expected: &[&str]| {
            let got: Vec<&str> = url_attributes(html)
                .into_iter()
                .map(|a| &html[a.value])
                .collect();
            assert_eq!(got, expected, "{html}");
        };
        check(r#"<a href="a.md">x</a>"#, &["a.md"]);
        check(r#"<img class="x" src='b.png' alt="">"#, &["b.png"]);
        check("<a\nhref = c.pdf>", &["c.pdf"]);
        check(r#"<a HREF="d.md" data-href="no">"#, &["d.md"]);
        check(r#"<video poster="p.png" src="v.mp4"/>"#, &["v.mp4"]);
        check(r#"<a href="unterminated"#, &["unterminated"]);
        check("<p>see href=plain.md</p>", &[]);
        check("<!-- <a href=\"c.md\"> --><a href=e.md>", &["e.md"]);
        check("<a href=", &[]);
        check("a < b, <3", &[]);
    }

    #[test]
    fn entities() {
        assert_eq!(decode_attribute("a.md?x=1&amp;y=2"), "a.md?x=1&y=2");
        assert_eq!(decode_attribute("&#x61;&#98;&bogus;&"), "ab&bogus;&");
        assert_eq!(decode_attribute("&#xFFFFFFFF;"), "&#xFFFFFFFF;");
    }
}
