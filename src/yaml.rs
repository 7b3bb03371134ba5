//! YAML parsing with serde-saphyr (serde_yaml is archived; see ARCHITECTURE.md).
//!
//! One place sets the parser's options for the whole program: strict booleans (`no` stays
//! the string "no" — the Norway problem), duplicate keys are errors, and a budget bounds
//! nesting, aliases and size so hostile input cannot exhaust memory.
//!
//! Front matter is read into [`Value`], a small tree that remembers where every key and value
//! stands, so later checks (unknown key, wrong type, bad date, unknown tier) point at the exact
//! line and column in the *file*. `line_offset` turns YAML-relative lines into file lines.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

use crate::diag::{Diagnostic, Pos};

/// Parser options used for every YAML document kanava reads.
pub fn options() -> Options {
    let mut opts = Options::default();
    opts.strict_booleans = true;
    opts.duplicate_keys = DuplicateKeyPolicy::Error;
    let mut budget = Budget::default();
    budget.max_depth = 32;
    budget.max_events = 200_000;
    budget.max_aliases = 100;
    budget.max_anchors = 100;
    budget.max_documents = 1;
    opts.budget = Some(budget);
    opts.with_snippet = false;
    opts
}

/// A YAML value with the position of each part.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A value and where it starts in the YAML text (1-based, YAML-relative).
///
/// Aliases (`*name`) are resolved by the parser: an alias node holds the anchored value.
/// Its `line`/`column` are where it is *used* (the alias, for messages about this use), and
/// [`Node::written`] gives the scalar's text where it is *written* (at the anchor). Issue
/// #12: numbers are read as written (prices never go through a float), and reading them at
/// the alias's position gave the text `*s` as the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub column: u32,
    /// Where the value is written, 1-based, YAML-relative: for an alias, at its anchor;
    /// otherwise `(line, column)`.
    pub defined: (u32, u32),
    /// Byte range of the scalar where it is written, in the text given to [`parse`]; none
    /// for lists and maps.
    span: Option<(usize, usize)>,
}

impl Node {
    /// The scalar exactly as written in `text` (the YAML given to [`parse`]), wherever an
    /// alias uses it: `4.80` for `SCOP: *s` after `&s 4.80`. None for lists and maps.
    pub fn written<'t>(&self, text: &'t str) -> Option<&'t str> {
        let (start, len) = self.span?;
        text.get(start..start.checked_add(len)?)
    }
}

impl Value {
    /// How the value is called in "expected …, found …" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(d)?;
        let n = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
        let def = &spanned.defined;
        let span = match &spanned.value {
            Value::Seq(_) | Value::Map(_) => None,
            _ => def
                .span()
                .byte_offset()
                .zip(def.span().byte_len())
                .and_then(|(start, len)| {
                    Some((usize::try_from(start).ok()?, usize::try_from(len).ok()?))
                }),
        };
        Ok(Node {
            value: spanned.value,
            line: n(spanned.referenced.line()),
            column: n(spanned.referenced.column()),
            defined: (n(def.line()), n(def.column())),
            span,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        // Beyond i64: kept as written, so that the key that gets it reports a wrong type at
        // its place (a custom error here would have no position, issue #12's fuzzing).
        Ok(i64::try_from(v).map_or_else(|_| Value::Str(v.to_string()), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// Parses `text` (YAML whose first line is line `line_offset + 1` of `file`) into a typed
/// value, turning a parse error into a diagnostic at the right place in the file.
pub fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    line_offset: u32,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options(text, options())
        .map_err(|err| error_to_diagnostic(&err, file, line_offset))
}

pub fn error_to_diagnostic(err: &serde_saphyr::Error, file: &str, line_offset: u32) -> Diagnostic {
    let err = err.without_snippet();
    let message = clean_message(&err.to_string());
    let mut diag = Diagnostic::error("yaml", format!("invalid YAML: {message}"));
    diag.file = Some(file.to_owned());
    if let Some(loc) = err.location() {
        let line = u32::try_from(loc.line()).unwrap_or(u32::MAX);
        let column = u32::try_from(loc.column()).unwrap_or(1).max(1);
        if line > 0 {
            diag.pos = Some(Pos::new(line + line_offset, column));
        }
    }
    // Every error points into the file: without a location, at the YAML's first line.
    if diag.pos.is_none() {
        diag.pos = Some(Pos::new(line_offset + 1, 1));
    }
    if message.contains("duplicate") {
        diag.help = Some("remove one of the two entries".into());
    } else if message.contains("budget") || message.contains("limit") {
        diag.help = Some("this YAML is too deeply nested or too large for front matter".into());
    } else {
        diag.help = Some(
            "check indentation and quoting; a value containing `: ` or starting with `*`, `&`, `[` or `{` needs quotes".into(),
        );
    }
    diag
}

/// serde-saphyr appends " at line X, column Y" to messages; the diagnostic says it already.
fn clean_message(msg: &str) -> String {
    let msg = msg.lines().next().unwrap_or(msg);
    // Cut locations and parser advice meant for programmers ("set DuplicateKeyPolicy…").
    let msg = [" at line ", ", set ", "; set "]
        .iter()
        .filter_map(|cut| msg.find(cut))
        .min()
        .map_or(msg, |i| &msg[..i]);
    let msg = msg.trim().trim_end_matches('.');
    let mut chars = msg.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::from("cannot parse"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_value(text: &str) -> Result<Node, Diagnostic> {
        parse::<Node>(text, "f.md", 1)
    }

    #[test]
    fn positions_are_file_absolute() {
        let node = parse_value("title: Hi\ntags: [a, b]\n").unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        assert_eq!((entries[1].0.line, entries[1].0.column), (2, 1));
        assert_eq!((entries[1].1.line, entries[1].1.column), (2, 7));
    }

    #[test]
    fn norway_is_a_string() {
        let node = parse_value("country: no\n").unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[0].1.value, Value::Str("no".into()));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let d = parse_value("title: a\ntitle: b\n").unwrap_err();
        assert_eq!(d.pos.map(|p| p.line), Some(3), "{d:?}");
    }

    #[test]
    fn syntax_error_has_file_line() {
        let d = parse_value("title: a\ntags: [a, b\n").unwrap_err();
        assert!(d.pos.is_some(), "{d:?}");
        assert!(d.pos.unwrap().line >= 3, "{d:?}");
    }

    /// Aliases give the anchored value, and its text as written (issue #12).
    #[test]
    fn aliases_are_resolved() {
        let text = "a: &s 4.80\nb: *s\nc: &m { x: 12, y: text }\nd: *m\n";
        let node = parse_value(text).unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        let b = &entries[1].1;
        assert_eq!(b.value, Value::Float(4.8));
        assert_eq!(b.written(text), Some("4.80"));
        assert_eq!((b.line, b.column), (2, 4));
        assert_eq!(b.defined, (1, 7));
        let Value::Map(d) = &entries[3].1.value else {
            panic!("not a map")
        };
        assert_eq!(d[0].1.written(text), Some("12"));
        assert_eq!(d[1].1.value, Value::Str("text".into()));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            text.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse_value(&text).is_err());
    }
}
