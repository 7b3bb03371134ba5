//! Languages (issue 18, docs/languages.md): `languages:` and `fallback:` in kanava.yaml,
//! which Markdown files are translations (`delivery.fi.md` beside `delivery.md`), and the
//! site as one language shows it.
//!
//! A language's site is the default-language site with each page's text replaced by its
//! translation (title, description, tags, body, quiz, path titles), its restriction and
//! lifecycle narrowed by the translation's own keys (never widened: an error), and the
//! pages with no translation either shown in the default language with a notice
//! (`fallback: default`) or left out (`fallback: omit`). The tree, URLs and link targets
//! are the default language's, so a link resolves to the same page in every language.
//! `Site::in_language` gives that site to `plan` and `check`, which need nothing else.

use std::collections::BTreeMap;

use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::load::{CONFIG_FILE, Config};
use crate::yaml::{Node, Value};

/// Index into [`Languages::codes`]; 0 is the default language.
pub type LangId = usize;

/// What a language's site shows of a page not translated into it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fallback {
    /// The default language's text, with a notice ("Not yet translated").
    #[default]
    Default,
    /// Nothing: the page is not in that language's site.
    Omit,
}

impl Fallback {
    const NAMES: &[&str] = &["default", "omit"];
}

/// The site's languages: `languages:` (or the one `language:`), the first the default.
#[derive(Debug, Clone)]
pub struct Languages {
    pub codes: Vec<String>,
    pub fallback: Fallback,
}

impl Languages {
    pub fn id(&self, code: &str) -> Option<LangId> {
        self.codes.iter().position(|c| c == code)
    }

    pub fn default_code(&self) -> &str {
        &self.codes[0]
    }

    /// More than one language: views get a language folder and a switcher.
    pub fn several(&self) -> bool {
        self.codes.len() > 1
    }
}

/// Reads `languages:`, `language:` and `fallback:`. Problems are reported at their line;
/// the result always has at least one language.
pub fn settings(config: &Config, diags: &mut Vec<Diagnostic>) -> Languages {
    let mut codes: Vec<String> = Vec::new();
    if let Some(node) = &config.languages {
        if let Some(single) = &config.language_key {
            diags.push(
                spanned_error(
                    "language-and-languages",
                    format!(
                        "`language: {}` and `languages:` both name the site's language",
                        single.value
                    ),
                    single,
                )
                .help("keep `languages:` (its first entry is the default language) and remove `language:`"),
            );
        }
        match &node.value {
            Value::Seq(items) if !items.is_empty() => {
                for item in items {
                    let Value::Str(code) = &item.value else {
                        diags.push(
                            Diagnostic::error(
                                "bad-language",
                                format!(
                                    "a language is a code like `fi`, found {}",
                                    item.value.kind()
                                ),
                            )
                            .at(CONFIG_FILE, pos(item)),
                        );
                        continue;
                    };
                    if let Some(d) = code_error(code) {
                        diags.push(d.at(CONFIG_FILE, pos(item)).len(code.chars().count()));
                    } else if codes.contains(code) {
                        diags.push(
                            Diagnostic::error(
                                "duplicate-language",
                                format!("`{code}` is listed twice in `languages:`"),
                            )
                            .at(CONFIG_FILE, pos(item))
                            .len(code.chars().count())
                            .help("list each language once; the first is the default"),
                        );
                    } else {
                        codes.push(code.clone());
                    }
                }
            }
            _ => diags.push(
                Diagnostic::error(
                    "bad-language",
                    format!(
                        "`languages:` is a list of language codes, found {}",
                        node.value.kind()
                    ),
                )
                .at(CONFIG_FILE, pos(node))
                .help("e.g. `languages: [en, fi, it, fr]` (the first is the default)"),
            ),
        }
    } else if let Some(single) = &config.language_key
        && let Some(d) = code_error(&single.value)
    {
        diags.push(
            d.at(CONFIG_FILE, spanned_pos(single))
                .len(single.value.chars().count()),
        );
    }
    if codes.is_empty() {
        codes.push(config.language.clone());
    }
    let mut fallback = Fallback::default();
    if let Some(f) = &config.fallback {
        match f.value.as_str() {
            "default" => fallback = Fallback::Default,
            "omit" => fallback = Fallback::Omit,
            other => diags.push(
                spanned_error(
                    "bad-fallback",
                    format!("`fallback: {other}` is not a fallback"),
                    f,
                )
                .help(suggest_help(other, Fallback::NAMES, "fallbacks")),
            ),
        }
    }
    Languages { codes, fallback }
}

fn spanned_pos(value: &Spanned<String>) -> Pos {
    let line = u32::try_from(value.referenced.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(value.referenced.column()).unwrap_or(1);
    Pos::new(line, column)
}

fn spanned_error(code: &'static str, message: String, value: &Spanned<String>) -> Diagnostic {
    Diagnostic::error(code, message)
        .at(CONFIG_FILE, spanned_pos(value))
        .len(value.value.chars().count())
}

fn pos(node: &Node) -> Pos {
    Pos::new(node.line, node.column)
}

/// Why `code` is no language code, if it is not (without a position).
fn code_error(code: &str) -> Option<Diagnostic> {
    if is_language(code) {
        return None;
    }
    let lower = code.to_lowercase();
    let help = match LANGUAGE_NAMES.iter().find(|(name, _)| *name == lower) {
        Some((_, code)) => format!("did you mean `{code}`? A language is written as its ISO 639-1 code"),
        None => "write a language as its ISO 639-1 code: `en`, `fi`, `it`, `fr`, `de`, `sv`… (optionally with a region: `pt-BR`)".to_owned(),
    };
    Some(
        Diagnostic::error(
            "unknown-language",
            format!("`{code}` is not a language code"),
        )
        .help(help),
    )
}

/// Is `path` (`content/ordering/delivery.fi.md`) named like a translation? Then the path of
/// its source (`content/ordering/delivery.md`) and the language code (`fi`). A name whose
/// second extension is no language code (`release.v2.md`) is a page of its own.
pub fn split_translation(path: &str) -> Option<(String, &str)> {
    let stem = path.strip_suffix(".md")?;
    let (base, code) = stem.rsplit_once('.')?;
    let name = base.rsplit('/').next().unwrap_or(base);
    (!name.is_empty() && !code.contains('/') && is_language(code))
        .then(|| (format!("{base}.md"), code))
}

/// `content/delivery.fl.md` → `fl`: a name ending like a translation's (two lower-case
/// letters before `.md`) whose code is no language.
fn mistyped_code(path: &str) -> Option<&str> {
    let stem = path.strip_suffix(".md")?;
    let (base, code) = stem.rsplit_once('.')?;
    let name = base.rsplit('/').next().unwrap_or(base);
    (!name.is_empty()
        && code.len() == 2
        && code.bytes().all(|b| b.is_ascii_lowercase())
        && !is_language(code))
    .then_some(code)
}

/// The translations among the site's Markdown files, by language and source path; errors
/// for a translation into a language the site does not have, into its default language,
/// or of a file that does not exist. `paths` are every Markdown file's path.
pub fn translations<'p>(
    languages: &Languages,
    paths: impl Iterator<Item = &'p str> + Clone,
    diags: &mut Vec<Diagnostic>,
) -> Vec<BTreeMap<String, String>> {
    let mut by_language = vec![BTreeMap::new(); languages.codes.len()];
    let sources: std::collections::HashSet<&str> = paths
        .clone()
        .filter(|p| split_translation(p).is_none())
        .collect();
    for path in paths {
        let Some((source, code)) = split_translation(path) else {
            // `delivery.fl.md`: a translation whose code is mistyped would be a page of its
            // own, with none of its source's restrictions — refused, not published.
            if let Some(code) = mistyped_code(path) {
                let codes: Vec<&str> = languages.codes[1..].iter().map(String::as_str).collect();
                diags.push(
                    Diagnostic::error(
                        "unknown-language",
                        format!("`{path}` is named like a translation, but `{code}` is no language code"),
                    )
                    .in_file(path)
                    .help(if codes.is_empty() {
                        "a translation is named with an ISO 639-1 code (`delivery.fi.md`) and its language listed in `languages:`; another page's name may not end in `.xx`".to_owned()
                    } else {
                        suggest_help(code, &codes, "the site's other languages")
                    }),
                );
            }
            continue;
        };
        match languages.id(code) {
            Some(0) => diags.push(
                Diagnostic::error(
                    "default-language-file",
                    format!("`{code}` is the site's default language: its text is `{source}` itself"),
                )
                .in_file(path)
                .help(format!("rename the file to `{source}`")),
            ),
            None => diags.push(
                Diagnostic::error(
                    "unknown-language",
                    format!("`{path}` is named like a translation into `{code}`, which is not one of the site's languages"),
                )
                .in_file(path)
                .help(format!(
                    "the site's languages are {}; add `{code}` to `languages:` in {CONFIG_FILE}, or rename the file",
                    languages.codes.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                )),
            ),
            Some(_) if !sources.contains(source.as_str()) => diags.push(
                Diagnostic::error(
                    "translation-without-source",
                    format!("`{path}` translates `{source}`, which does not exist"),
                )
                .in_file(path)
                .help(format!("write the default-language page `{source}` first, or rename the translation")),
            ),
            Some(l) => {
                by_language[l].insert(source, path.to_owned());
            }
        }
    }
    by_language
}

/// Text fields in other languages, as `translations:` gives them on a product, category,
/// the catalog or a material's sidecar: `translations: { fi: { name: …, summary: … } }`.
#[derive(Debug, Clone, Default)]
pub struct Translations {
    /// (language code, where it is written, its fields) in the order written.
    pub languages: Vec<(String, Pos, Fields)>,
}

/// (field, text) pairs of one language, in the order written.
pub type Fields = Vec<(String, String)>;

impl Translations {
    /// The text of `field` in language `code`, when it is translated.
    pub fn get(&self, code: &str, field: &str) -> Option<&str> {
        let (_, _, fields) = self.languages.iter().find(|(c, _, _)| c == code)?;
        fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, text)| text.as_str())
    }
}

/// Reads a `translations:` mapping whose languages may translate `fields`. Language codes
/// are checked against the site's languages later (`check_codes`), where they are known.
pub fn read_translations(
    node: &Node,
    fields: &[&str],
    file: &str,
    line_offset: u32,
    diags: &mut Vec<Diagnostic>,
) -> Translations {
    let at = |n: &Node| Pos::new(n.line + line_offset, n.column);
    let mut out = Translations::default();
    let example = format!("e.g. `translations: {{ fi: {{ {}: … }} }}`", fields[0]);
    let Value::Map(languages) = &node.value else {
        diags.push(
            Diagnostic::error(
                "wrong-type",
                format!(
                    "`translations` is a mapping of language codes, found {}",
                    node.value.kind()
                ),
            )
            .at(file, at(node))
            .help(example),
        );
        return out;
    };
    for (code, texts) in languages {
        let Value::Str(code_text) = &code.value else {
            continue;
        };
        if let Some(d) = code_error(code_text) {
            diags.push(d.at(file, at(code)).len(code_text.chars().count()));
            continue;
        }
        let Value::Map(entries) = &texts.value else {
            diags.push(
                Diagnostic::error(
                    "wrong-type",
                    format!(
                        "the `{code_text}` translation is a mapping of fields, found {}",
                        texts.value.kind()
                    ),
                )
                .at(file, at(texts))
                .help(example.clone()),
            );
            continue;
        };
        let mut found = Vec::new();
        for (k, v) in entries {
            let Value::Str(key) = &k.value else { continue };
            if !fields.contains(&key.as_str()) {
                diags.push(
                    Diagnostic::error("unknown-key", format!("`{key}` cannot be translated here"))
                        .at(file, at(k))
                        .len(key.chars().count())
                        .help(suggest_help(key, fields, "translatable fields")),
                );
                continue;
            }
            match &v.value {
                Value::Str(text) => found.push((key.clone(), text.clone())),
                other => diags.push(
                    Diagnostic::error(
                        "wrong-type",
                        format!("the translated `{key}` is text, found {}", other.kind()),
                    )
                    .at(file, at(v)),
                ),
            }
        }
        out.languages.push((code_text.clone(), at(code), found));
    }
    out
}

/// Errors for `translations:` into a language that is not one of the site's other
/// languages.
pub fn check_codes(
    languages: &Languages,
    translations: &Translations,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for (code, pos, _) in &translations.languages {
        let problem = match languages.id(code) {
            Some(0) => {
                format!("`{code}` is the site's default language: its text is the field itself")
            }
            None => format!("`{code}` is not one of the site's languages"),
            Some(_) => continue,
        };
        diags.push(
            Diagnostic::error("unknown-language", problem)
                .at(file, *pos)
                .len(code.chars().count())
                .help(format!(
                    "the site's languages are {} (`languages:` in {CONFIG_FILE})",
                    languages
                        .codes
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
        );
    }
}

/// ISO 639-1 codes, optionally with a region (`pt-BR`).
pub fn is_language(code: &str) -> bool {
    let (lang, region) = match code.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (code, None),
    };
    LANGUAGES.contains(&lang)
        && region.is_none_or(|r| {
            (2..=3).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// ISO 639-1 language codes.
const LANGUAGES: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// A language's name in itself, for the language switcher (`Suomi`); the code in capitals
/// for a language this table lacks.
pub fn native_name(code: &str) -> &'static str {
    let base = code.split('-').next().unwrap_or(code);
    match base {
        "en" => "English",
        "fi" => "Suomi",
        "sv" => "Svenska",
        "it" => "Italiano",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "pt" => "Português",
        "nl" => "Nederlands",
        "da" => "Dansk",
        "nb" | "no" => "Norsk",
        "nn" => "Nynorsk",
        "et" => "Eesti",
        "lv" => "Latviešu",
        "lt" => "Lietuvių",
        "pl" => "Polski",
        "cs" => "Čeština",
        "sk" => "Slovenčina",
        "hu" => "Magyar",
        "ro" => "Română",
        "el" => "Ελληνικά",
        "ru" => "Русский",
        "uk" => "Українська",
        "tr" => "Türkçe",
        "ja" => "日本語",
        "zh" => "中文",
        "ko" => "한국어",
        _ => "",
    }
}

/// Common ways of writing a language that is not its code, for "did you mean".
pub const LANGUAGE_NAMES: &[(&str, &str)] = &[
    ("english", "en"),
    ("finnish", "fi"),
    ("suomi", "fi"),
    ("italian", "it"),
    ("italiano", "it"),
    ("french", "fr"),
    ("francais", "fr"),
    ("français", "fr"),
    ("german", "de"),
    ("deutsch", "de"),
    ("swedish", "sv"),
    ("svenska", "sv"),
    ("spanish", "es"),
    ("dutch", "nl"),
    ("danish", "da"),
    ("norwegian", "no"),
    ("polish", "pl"),
    ("portuguese", "pt"),
    ("estonian", "et"),
    ("gb", "en"),
    ("uk", "en"),
    ("se", "sv"),
    ("dk", "da"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_names() {
        assert_eq!(
            split_translation("content/ordering/delivery.fi.md"),
            Some(("content/ordering/delivery.md".to_owned(), "fi"))
        );
        assert_eq!(
            split_translation("content/_index.pt-BR.md"),
            Some(("content/_index.md".to_owned(), "pt-BR"))
        );
        assert_eq!(split_translation("content/release.v2.md"), None);
        assert_eq!(split_translation("content/ordering/delivery.md"), None);
        assert_eq!(split_translation("content/.fi.md"), None);
        assert_eq!(mistyped_code("content/ordering/delivery.fl.md"), Some("fl"));
        assert_eq!(mistyped_code("content/ordering/delivery.fi.md"), None);
        assert_eq!(mistyped_code("content/release.v2.md"), None);
        assert_eq!(mistyped_code("content/notes.old.md"), None);
    }
}
