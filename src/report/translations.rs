//! `kanava status --translations` (issue 18): per language, the pages with no translation
//! into it and the translations whose source changed since they were last brought in line
//! (the source's `updated` newer than the translation's, or, where either lacks one, its
//! last git commit newer) — what marketing sends for translation next.

use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{Page, PageKind, Site};

#[derive(Serialize)]
pub struct Report {
    pub default_language: String,
    /// Pages written in the default language (each a file a translation could translate).
    pub pages: usize,
    pub languages: Vec<Language>,
}

#[derive(Serialize)]
pub struct Language {
    pub language: String,
    pub translated: usize,
    pub outdated: Vec<Outdated>,
    pub missing: Vec<Missing>,
}

#[derive(Serialize)]
pub struct Missing {
    pub source: String,
    /// Where its translation goes.
    pub translation: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct Outdated {
    pub source: String,
    pub translation: String,
    pub title: String,
    /// The source's date and the translation's, as compared.
    pub source_changed: String,
    pub translation_changed: String,
    /// `updated` (front matter) or `git` (last commits).
    pub by: &'static str,
}

/// A page written in the default language: one a translation may translate.
fn written(page: &Page) -> bool {
    page.source.is_some()
        && matches!(
            page.kind,
            PageKind::Home | PageKind::Section | PageKind::Page
        )
}

pub fn make(site: &Site) -> Report {
    let cal = &site.calendar;
    let codes = &site.languages.codes;
    let mut languages = Vec::new();
    for (l, translated_site) in site.translations.iter().enumerate() {
        let code = &codes[l + 1];
        let mut out = Language {
            language: code.clone(),
            translated: 0,
            outdated: Vec::new(),
            missing: Vec::new(),
        };
        for (source, page) in site.pages.iter().zip(&translated_site.pages) {
            if !written(source) {
                continue;
            }
            let source_path = source.source.clone().unwrap_or_default();
            match &page.source {
                Some(path) if *path != source_path => {
                    out.translated += 1;
                    let compared = match (source.updated, page.updated) {
                        (Some(s), Some(t)) => {
                            Some((s > t, s.to_string(), t.to_string(), "updated"))
                        }
                        _ => match (source.committed, page.committed) {
                            (Some(s), Some(t)) => {
                                Some((s > t, cal.display(s), cal.display(t), "git"))
                            }
                            _ => None,
                        },
                    };
                    if let Some((true, source_changed, translation_changed, by)) = compared {
                        out.outdated.push(Outdated {
                            source: source_path,
                            translation: path.clone(),
                            title: page.title.clone(),
                            source_changed,
                            translation_changed,
                            by,
                        });
                    }
                }
                _ => out.missing.push(Missing {
                    translation: source_path.replace(".md", &format!(".{code}.md")),
                    source: source_path,
                    title: source.title.clone(),
                }),
            }
        }
        languages.push(out);
    }
    Report {
        default_language: codes[0].clone(),
        pages: site.pages.iter().filter(|p| written(p)).count(),
        languages,
    }
}

pub fn human(r: &Report) -> String {
    let mut s = String::new();
    if r.languages.is_empty() {
        let _ = writeln!(
            s,
            "The site has one language ({}): nothing to translate. Add `languages: [{}, …]` to kanava.yaml.",
            r.default_language, r.default_language
        );
        return s;
    }
    let _ = writeln!(
        s,
        "Translations of the {} pages written in {}:",
        r.pages, r.default_language
    );
    for l in &r.languages {
        let _ = writeln!(
            s,
            "\n{}: {} of {} translated, {} outdated, {} missing",
            l.language,
            l.translated,
            r.pages,
            l.outdated.len(),
            l.missing.len()
        );
        if !l.outdated.is_empty() {
            let _ = writeln!(s, "  outdated (the source changed since):");
            for o in &l.outdated {
                let _ = writeln!(
                    s,
                    "    {}  source {} {}, translation {} ({})",
                    o.translation,
                    if o.by == "git" {
                        "committed"
                    } else {
                        "updated"
                    },
                    o.source_changed,
                    o.translation_changed,
                    o.title
                );
            }
        }
        if !l.missing.is_empty() {
            let _ = writeln!(s, "  missing:");
            for m in &l.missing {
                let _ = writeln!(s, "    {}  ({})", m.translation, m.title);
            }
        }
    }
    s
}

/// One row per outdated or missing translation: `language,state,source,translation,title,
/// source_changed,translation_changed`.
pub fn csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "language",
        "state",
        "source",
        "translation",
        "title",
        "source_changed",
        "translation_changed",
    ]);
    for l in &r.languages {
        for o in &l.outdated {
            let _ = w.write_record([
                l.language.as_str(),
                "outdated",
                &o.source,
                &o.translation,
                &o.title,
                &o.source_changed,
                &o.translation_changed,
            ]);
        }
        for m in &l.missing {
            let _ = w.write_record([
                l.language.as_str(),
                "missing",
                &m.source,
                &m.translation,
                &m.title,
                "",
                "",
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
