//! Interface strings and per-language formatting (issue 18): the template function
//! `t(key, **kwargs)` over the theme's `i18n/<language>.yaml` (read by `load::theme`), and how
//! dates and numbers are written in each language.
//!
//! `t` looks the key up in the language of the template context's `lang`, falls back to the
//! default language's (`en`) text when that language lacks it, fills `{name}` placeholders
//! from the keyword arguments, and with `count=` picks `key.one` or `key.other`. A key the
//! default language does not have is a template error, so a typo fails the build. The result
//! is a plain string: autoescaping applies to it as to any value.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Error, ErrorKind, State};

use crate::diag::Diagnostic;
use crate::load::theme::{DEFAULT_LANGUAGE, Theme, is_placeholder};
use crate::model::lifecycle::Calendar;

/// The theme's interface strings, per language, shared by every view's rendering.
#[derive(Debug, Default)]
pub struct Strings {
    by_language: BTreeMap<String, BTreeMap<String, String>>,
}

impl Strings {
    pub fn new(by_language: BTreeMap<String, BTreeMap<String, String>>) -> Strings {
        Strings { by_language }
    }

    /// The text of `key` in `lang`, else in the default language.
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        [lang, base_language(lang), DEFAULT_LANGUAGE]
            .into_iter()
            .find_map(|l| self.by_language.get(l)?.get(key))
            .map(String::as_str)
    }

    /// Whether the default language knows `key` (a plural key `x` is known by `x.one`).
    fn known(&self, key: &str) -> bool {
        self.by_language
            .get(DEFAULT_LANGUAGE)
            .is_some_and(|m| m.contains_key(key))
    }

    /// `key`'s text in `lang` with its placeholders filled from `args`, the plural form
    /// chosen by `count` when the key has plural forms (`key.one`, `key.other`).
    pub fn text(
        &self,
        lang: &str,
        key: &str,
        count: Option<f64>,
        arg: impl Fn(&str) -> Option<String>,
    ) -> Result<String, String> {
        let plural;
        let key = match count {
            Some(n) if self.known(&format!("{key}.one")) => {
                plural = format!("{key}.{}", plural_form(lang, n));
                plural.as_str()
            }
            _ => key,
        };
        let Some(text) = self.get(lang, key) else {
            let keys = self
                .by_language
                .get(DEFAULT_LANGUAGE)
                .into_iter()
                .flat_map(|m| m.keys())
                .map(|k| k.strip_suffix(".one").unwrap_or(k))
                .filter(|k| !k.ends_with(".other"));
            let hint = crate::diag::did_you_mean(key, keys)
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "unknown interface string `{key}`{hint}: the keys are those of the theme's i18n/{DEFAULT_LANGUAGE}.yaml"
            ));
        };
        interpolate(text, |name| match arg(name) {
            Some(v) => Ok(v),
            None => Err(format!(
                "interface string `{key}` needs a value for `{{{name}}}`: pass `{name}=…` to t()"
            )),
        })
    }
}

/// `fi-FI` → `fi`.
fn base_language(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
}

/// The plural form of `n` in `lang`: `one` or `other`. French counts 0 and 1 (and what lies
/// between) as one; the other languages of the theme count only 1.
pub fn plural_form(lang: &str, n: f64) -> &'static str {
    let one = match base_language(lang) {
        "fr" => (0.0..2.0).contains(&n.abs()),
        _ => n == 1.0,
    };
    if one { "one" } else { "other" }
}

/// Replaces each `{name}` of `text` by `value(name)`; braces around anything else stay.
fn interpolate(
    text: &str,
    value: impl Fn(&str) -> Result<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}').filter(|&end| is_placeholder(&after[..end])) {
            Some(end) => {
                out.push_str(&value(&after[..end])?);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Registers `t` (and `texts`, for scripts) on `env`.
pub fn register(env: &mut minijinja::Environment<'static>, strings: Arc<Strings>) {
    register_texts(env, strings.clone());
    env.add_function(
        "t",
        move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, Error> {
            let lang = context_lang(state);
            let lang = lang.as_deref().unwrap_or(DEFAULT_LANGUAGE);
            let count = match kwargs.peek::<Option<Value>>("count")? {
                Some(v) if v.is_number() => f64::try_from(v).ok(),
                Some(v) if v.is_none() || v.is_undefined() => None,
                Some(v) => {
                    return Err(Error::new(
                        ErrorKind::InvalidOperation,
                        format!("t(\"{key}\"): `count` must be a number, not {}", v.kind()),
                    ));
                }
                None => None,
            };
            // Every argument counts as used: a language's text may leave one out.
            for name in kwargs.args() {
                let _ = kwargs.peek::<Value>(name);
            }
            strings
                .text(lang, key, count, |name| {
                    kwargs.peek::<Value>(name).ok().map(|v| show(&v, lang))
                })
                .map_err(|msg| Error::new(ErrorKind::InvalidOperation, msg))
        },
    );
}

/// The template context's `lang`: the view's language.
fn context_lang(state: &State) -> Option<String> {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().map(str::to_owned))
}

/// Registers `texts(*keys)`: the raw texts of `keys` in the context's language (plural keys
/// as both forms), a map for `| tojson` — how the theme's scripts get their strings.
fn register_texts(env: &mut minijinja::Environment<'static>, strings: Arc<Strings>) {
    env.add_function(
        "texts",
        move |state: &State, keys: minijinja::value::Rest<String>| -> Result<Value, Error> {
            let lang = context_lang(state);
            let lang = lang.as_deref().unwrap_or(DEFAULT_LANGUAGE);
            let mut out = BTreeMap::new();
            for key in keys.iter() {
                let forms = if strings.known(key) {
                    vec![key.clone()]
                } else {
                    vec![format!("{key}.one"), format!("{key}.other")]
                };
                for form in forms {
                    match strings.get(lang, &form).filter(|_| strings.known(&form)) {
                        Some(text) => {
                            out.insert(form, text.to_owned());
                        }
                        None => {
                            // The same message, "did you mean" included, as t()'s.
                            let msg = strings
                                .text(lang, key, None, |_| Some(String::new()))
                                .err()
                                .unwrap_or_else(|| format!("unknown interface string `{form}`"));
                            return Err(Error::new(ErrorKind::InvalidOperation, msg));
                        }
                    }
                }
            }
            Ok(Value::from(out))
        },
    );
}

/// A keyword argument as text: numbers written the language's way.
fn show(v: &Value, lang: &str) -> String {
    match v.kind() {
        ValueKind::Number => match (v.as_i64(), f64::try_from(v.clone())) {
            (Some(n), _) => format_number(n as f64, lang),
            (None, Ok(x)) => format_number(x, lang),
            _ => v.to_string(),
        },
        _ => v.to_string(),
    }
}

/// A warning per language of `codes` that has no strings file — neither the theme's nor the
/// site's — whose pages will show the default language's interface.
pub fn missing_languages(theme: &Theme, codes: &[impl AsRef<str>]) -> Vec<Diagnostic> {
    codes
        .iter()
        .map(AsRef::as_ref)
        .filter(|code| !theme.strings.contains_key(*code))
        .map(|code| {
            Diagnostic::warning(
                "missing-strings",
                format!(
                    "the theme has no interface strings for `{code}`: its pages show them in `{DEFAULT_LANGUAGE}`"
                ),
            )
            .help(format!(
                "add `i18n/{code}.yaml` to your theme folder with the keys of the default theme's `i18n/{DEFAULT_LANGUAGE}.yaml` (docs/languages.md)"
            ))
        })
        .collect()
}

/// `1234.5` → `1,234.5` (en), `1 234,5` (fi, sv; fr with a narrow no-break space),
/// `1.234,5` (de, it): the separators prices use (`model::money`). Whole numbers have no decimals; others as many as they need (at most
/// six).
pub fn format_number(n: f64, lang: &str) -> String {
    let (group, decimal) = crate::model::money::separators(lang);
    if !n.is_finite() {
        return n.to_string();
    }
    let text = format!("{:.6}", n.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if n < 0.0 && (whole != "0" || !frac.is_empty()) {
        out.push('-');
    }
    out.push_str(&crate::model::money::group_digits(whole, group));
    if !frac.is_empty() {
        out.push_str(decimal);
        out.push_str(frac);
    }
    out
}

/// A day as the language writes it: `2026-11-29` (en: the theme's ISO dates, unchanged; sv),
/// `29.11.2026` (fi: `4.3.2026`; de: `04.03.2026`), `29/11/2026` (it, fr).
pub fn format_date(date: Date, lang: &str) -> String {
    let (y, m, d) = (date.year(), date.month(), date.day());
    match base_language(lang) {
        // Finnish writes days and months without leading zeros (4.3.2026).
        "fi" => format!("{d}.{m}.{y}"),
        "de" => format!("{d:02}.{m:02}.{y}"),
        "it" | "fr" => format!("{d:02}/{m:02}/{y}"),
        _ => format!("{y:04}-{m:02}-{d:02}"),
    }
}

/// A moment in the site's timezone as the language writes it: `29 Nov 2026 14:00` (en, as
/// `Calendar::display`), `29.11.2026 klo 14.00` (fi), `29.11.2026, 14:00` (de),
/// `29/11/2026 14:00` (it, fr), `2026-11-29 14:00` (sv).
pub fn format_moment(ts: Timestamp, cal: &Calendar, lang: &str) -> String {
    let zoned = ts.to_zoned(cal.tz.clone());
    let date = format_date(zoned.date(), lang);
    let (h, min) = (zoned.hour(), zoned.minute());
    match base_language(lang) {
        "fi" => format!("{date} klo {h}.{min:02}"),
        "de" => format!("{date}, {h:02}:{min:02}"),
        "it" | "fr" | "sv" => format!("{date} {h:02}:{min:02}"),
        _ => cal.display(ts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let check = |n: f64, lang: &str, expected: &str| {
            assert_eq!(format_number(n, lang), expected, "{n} {lang}");
        };
        check(1234.5, "en", "1,234.5");
        check(1234.5, "fi", "1\u{a0}234,5");
        check(1234.5, "sv", "1\u{a0}234,5");
        check(1234.5, "fr", "1\u{202f}234,5");
        check(1234.5, "de", "1.234,5");
        check(1234.5, "it", "1.234,5");
        check(7.0, "fi", "7");
        check(1_000_000.0, "en", "1,000,000");
        check(-1234.0, "de", "-1.234");
        check(0.25, "fr", "0,25");
        check(999.0, "en", "999");
    }

    #[test]
    fn dates() {
        let date = Date::constant(2026, 11, 29);
        let check = |lang: &str, expected: &str| assert_eq!(format_date(date, lang), expected);
        check("en", "2026-11-29");
        check("fi", "29.11.2026");
        check("de", "29.11.2026");
        check("it", "29/11/2026");
        check("fr", "29/11/2026");
        check("sv", "2026-11-29");
        assert_eq!(format_date(Date::constant(2026, 3, 4), "fi"), "4.3.2026");
        assert_eq!(format_date(Date::constant(2026, 3, 4), "de"), "04.03.2026");
    }

    #[test]
    fn moments() {
        let cal = Calendar::utc();
        let ts: Timestamp = "2026-11-29T09:05:00Z".parse().unwrap();
        assert_eq!(format_moment(ts, &cal, "en"), cal.display(ts));
        assert_eq!(format_moment(ts, &cal, "fi"), "29.11.2026 klo 9.05");
        assert_eq!(format_moment(ts, &cal, "de"), "29.11.2026, 09:05");
        assert_eq!(format_moment(ts, &cal, "sv"), "2026-11-29 09:05");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural_form("en", 1.0), "one");
        assert_eq!(plural_form("en", 0.0), "other");
        assert_eq!(plural_form("fi", 2.0), "other");
        assert_eq!(plural_form("fr", 0.0), "one");
        assert_eq!(plural_form("fr", 1.0), "one");
        assert_eq!(plural_form("fr", 2.0), "other");
    }

    fn strings() -> Strings {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        Strings::new(BTreeMap::from([
            (
                "en".to_owned(),
                map(&[
                    ("step", "Step {n} of {total}"),
                    ("pages.one", "{count} page"),
                    ("pages.other", "{count} pages"),
                    ("only.en", "English only"),
                ]),
            ),
            (
                "fr".to_owned(),
                map(&[
                    ("pages.one", "{count} page"),
                    ("pages.other", "{count} pages"),
                ]),
            ),
            ("fi".to_owned(), map(&[("step", "Vaihe {n}/{total}")])),
        ]))
    }

    #[test]
    fn text_interpolates_falls_back_and_picks_plurals() {
        let s = strings();
        let args = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            s.text("fi", "step", None, args(&[("n", "3"), ("total", "7")])),
            Ok("Vaihe 3/7".to_owned())
        );
        assert_eq!(
            s.text("fi", "only.en", None, args(&[])),
            Ok("English only".to_owned())
        );
        assert_eq!(
            s.text("en", "pages", Some(1.0), args(&[("count", "1")])),
            Ok("1 page".to_owned())
        );
        assert_eq!(
            s.text("en", "pages", Some(0.0), args(&[("count", "0")])),
            Ok("0 pages".to_owned())
        );
        assert_eq!(
            s.text("fr", "pages", Some(0.0), args(&[("count", "0")])),
            Ok("0 page".to_owned())
        );
        // A language nobody ships: English.
        assert_eq!(
            s.text("es", "step", None, args(&[("n", "1"), ("total", "2")])),
            Ok("Step 1 of 2".to_owned())
        );
        let err = s.text("en", "stepp", None, args(&[])).unwrap_err();
        assert!(err.contains("did you mean `step`?"), "{err}");
        let err = s.text("en", "step", None, args(&[("n", "1")])).unwrap_err();
        assert!(err.contains("`{total}`"), "{err}");
    }

    #[test]
    fn braces_that_are_not_placeholders_stay() {
        assert_eq!(
            interpolate("a {b} {not one} {}", |_| Ok("X".to_owned())),
            Ok("a X {not one} {}".to_owned())
        );
    }

    /// The languages the default theme ships.
    const SHIPPED: &[&str] = &["en", "fi", "it", "fr", "sv", "de"];

    fn default_theme() -> Theme {
        let mut diags = Vec::new();
        let theme = crate::load::theme::read(std::path::Path::new("."), None, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        theme
    }

    /// Every shipped language has exactly en.yaml's keys, with the same placeholders.
    #[test]
    fn shipped_languages_match_english() {
        let theme = default_theme();
        let en = &theme.strings["en"];
        let mut problems = Vec::new();
        for lang in SHIPPED {
            let Some(strings) = theme.strings.get(*lang) else {
                problems.push(format!("no i18n/{lang}.yaml"));
                continue;
            };
            for key in en.keys().filter(|k| !strings.contains_key(*k)) {
                problems.push(format!("{lang}.yaml lacks `{key}`"));
            }
            for (key, text) in strings {
                match en.get(key) {
                    None => problems.push(format!("{lang}.yaml has `{key}`, en.yaml does not")),
                    Some(english) => {
                        let (mine, theirs) = (
                            crate::load::theme::placeholders(text),
                            crate::load::theme::placeholders(english),
                        );
                        if mine != theirs {
                            problems.push(format!(
                                "{lang}.yaml `{key}` has placeholders {mine:?}, en.yaml {theirs:?}"
                            ));
                        }
                    }
                }
            }
        }
        let extra: Vec<_> = theme
            .strings
            .keys()
            .filter(|l| !SHIPPED.contains(&l.as_str()))
            .collect();
        assert!(extra.is_empty(), "languages not in SHIPPED: {extra:?}");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The keys the templates name: `t("key"` (static) and `t("prefix." ~` (a prefix).
    fn template_keys(source: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut rest = source;
        while let Some(at) = rest.find("t(\"") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + 3..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let Some(end) = rest.find('"') else { break };
            let key = &rest[..end];
            let prefix = rest[end + 1..].trim_start().starts_with('~');
            out.push((key.to_owned(), prefix));
        }
        // `texts("a", "b")`: every literal argument is a key.
        let mut rest = source;
        while let Some(at) = rest.find("texts(") {
            rest = &rest[at + 6..];
            let args = &rest[..rest.find(')').unwrap_or(rest.len())];
            out.extend(
                args.split('"')
                    .skip(1)
                    .step_by(2)
                    .map(|key| (key.to_owned(), false)),
            );
        }
        out
    }

    /// Every `t("…")` of the default templates names a key of en.yaml (a plural key by its
    /// forms, a `t("x." ~ …)` by at least one key under the prefix).
    /// Every built-in kind of material has its label (the library's groups and badges).
    #[test]
    fn built_in_material_kinds_have_labels() {
        let theme = default_theme();
        let missing: Vec<_> = crate::model::materials::KINDS
            .iter()
            .filter(|k| !theme.strings["en"].contains_key(&format!("material.kind.{k}")))
            .collect();
        assert!(missing.is_empty(), "no label for {missing:?}");
    }

    #[test]
    fn templates_use_known_keys() {
        let theme = default_theme();
        let en = &theme.strings["en"];
        let mut problems = Vec::new();
        let mut used = 0;
        for (name, (source, _)) in &theme.templates {
            if name.starts_with("default/") {
                continue;
            }
            for (key, prefix) in template_keys(source) {
                used += 1;
                let known = if prefix {
                    en.keys().any(|k| k.starts_with(&key))
                } else {
                    en.contains_key(&key)
                        || (en.contains_key(&format!("{key}.one"))
                            && en.contains_key(&format!("{key}.other")))
                };
                if !known {
                    problems.push(format!("{name}: t(\"{key}\") is not in en.yaml"));
                }
            }
        }
        assert!(used > 100, "the scan found only {used} keys");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn key_scan() {
        assert_eq!(
            template_keys(
                r#"{{ t("a.b") }} x.split("/") {{ t("c." ~ d) }} {{ format("e") }} {{ texts("f", "g.h") | tojson }}"#
            ),
            vec![
                ("a.b".to_owned(), false),
                ("c.".to_owned(), true),
                ("f".to_owned(), false),
                ("g.h".to_owned(), false)
            ]
        );
    }

    #[test]
    fn missing_languages_warn() {
        let theme = default_theme();
        let d = missing_languages(&theme, &["en", "fi", "es"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`es`"), "{d:?}");
        assert!(!d[0].is_error());
    }
}
