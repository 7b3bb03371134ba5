//! A language's site (issue 18): the default-language [`Site`] with its pages' text
//! replaced by their translations, restrictions and lifecycles narrowed by them, and the
//! pages without one shown untranslated or left out (see `languages`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::catalog::Catalog;
use super::frontmatter::FrontMatter;
use super::languages::{Fallback, LangId, Languages};
use super::lifecycle::{Lifecycle, Status, Window};
use super::links::{Index, Resolver};
use super::materials::Material;
use super::paths::{LearningPath, StepTarget};
use super::{Page, PageData, PageKind, Site, resolve_path, title_from_segment};
use crate::diag::{Diagnostic, Pos};
use crate::load::git::Commits;
use crate::markdown::{self, Document};
use crate::model::audience::Restriction;

/// What every language's site is made from, besides the default-language site.
pub(super) struct Inputs<'a> {
    /// Every translation's front matter, by path.
    pub fms: &'a BTreeMap<String, Arc<FrontMatter>>,
    /// Every Markdown file's body and its first line's offset, by path.
    pub bodies: &'a HashMap<String, (&'a Arc<str>, &'a str, u32)>,
    pub commits: &'a BTreeMap<String, Commits>,
    /// The default language's link index: translations link to the same pages and files.
    pub index: &'a Index<'a>,
}

/// A top-level page or file whose URL begins with a language's folder (`fi/`) would be
/// overwritten by — or overwrite — that language's site: an error.
pub(super) fn check_language_folders(
    pages: &[Page],
    assets: &[super::Asset],
    languages: &Languages,
    diags: &mut Vec<Diagnostic>,
) {
    let taken = |url: &str| {
        let first = url.split('/').next().unwrap_or("");
        languages.codes[1..].iter().find(|c| *c == first).cloned()
    };
    let pages = pages
        .iter()
        .filter(|p| p.parent == Some(0))
        .map(|p| (p.display_path(), p.url.as_str()));
    let files = assets.iter().map(|a| (a.path.as_str(), a.url.as_str()));
    for (file, url) in pages.chain(files) {
        if let Some(code) = taken(url) {
            diags.push(
                Diagnostic::error(
                    "reserved-url",
                    format!("`/{url}` is inside the folder of the site in `{code}`"),
                )
                .in_file(file)
                .help("rename the file or folder, or give it another `slug`"),
            );
        }
    }
}

/// `base` (the default-language site) as language `lang` shows it; `files` maps each
/// source path to its translation's path.
pub(super) fn site_in(
    base: &Site,
    lang: LangId,
    files: &BTreeMap<String, String>,
    inputs: &Inputs,
    cache: Option<&super::cache::Session>,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    let fallback = base.languages.fallback;
    let mut pages = base.pages.clone();
    // Each page's translation: its path and front matter.
    let translation: Vec<Option<(&str, &FrontMatter)>> = base
        .pages
        .iter()
        .map(|p| {
            let path = files.get(p.source.as_ref()?)?;
            Some((path.as_str(), &**inputs.fms.get(path)?))
        })
        .collect();

    narrow(&mut pages, &translation, base, diags);

    // Text: the translation's, or the default language's (with a notice), or none.
    for (page, tr) in pages.iter_mut().zip(&translation) {
        match tr {
            Some((path, fm)) => {
                page.title = match &fm.title {
                    Some(t) => t.clone(),
                    None => {
                        if !fm.unreadable {
                            diags.push(
                                Diagnostic::error("missing-title", "the translation has no `title`")
                                    .at(*path, Pos::new(1, 1))
                                    .help("add `title: …` in the translation's language to its front matter"),
                            );
                        }
                        page.title.clone()
                    }
                };
                page.description = fm.description.clone();
                if !fm.tags.is_empty() {
                    page.tags = fm.tags.clone();
                }
                page.updated = fm.updated;
                page.committed = inputs.commits.get(*path).map(|c| c.last);
                page.source = Some((*path).to_owned());
                if let Some(pos) = fm.slug_pos {
                    diags.push(fixed_key(path, pos, "slug", "URLs"));
                }
                if let Some(pos) = fm.weight_pos {
                    diags.push(fixed_key(path, pos, "weight", "order in the navigation"));
                }
            }
            None if page.source.is_none() => {}
            None => match (fallback, page.kind) {
                (Fallback::Default, _) => page.fallback = true,
                (Fallback::Omit, PageKind::Home | PageKind::Section) => {
                    // Like a folder without `_index.md`: shown when something below is.
                    page.source = None;
                    page.doc = Arc::default();
                    page.description = None;
                    page.quiz = None;
                    page.duration = None;
                    page.tags.clear();
                    page.updated = None;
                    page.committed = None;
                    page.title = if page.kind == PageKind::Home {
                        base.config.title.clone()
                    } else {
                        let segment = page.url.trim_end_matches('/').rsplit('/').next();
                        title_from_segment(segment.unwrap_or(""))
                    };
                }
                (Fallback::Omit, _) => page.omitted = true,
            },
        }
    }

    // Bodies, quizzes and paths of the translations, in parallel. Links resolve against the
    // default language's tree: the same pages, in this language.
    let index = inputs.index;
    type Parsed = (
        usize,
        Arc<Document>,
        Option<LearningPath>,
        Learned,
        Vec<Diagnostic>,
    );
    type Learned = (Option<super::paths::Quiz>, Option<u32>);
    let parsed: Vec<Parsed> = translation
        .par_iter()
        .enumerate()
        .filter_map(|(id, tr)| {
            let (path, fm) = (*tr)?;
            let mut d = Vec::new();
            let resolver = Resolver {
                index,
                page: &base.pages[id],
            };
            let &(text, body, line_offset) = inputs.bodies.get(path)?;
            let input = markdown::Input {
                file: path,
                body,
                line_offset,
                column_offset: 0,
            };
            let parse = |d: &mut Vec<Diagnostic>| {
                markdown::parse(&input, &base.audiences, &base.calendar, &resolver, d)
            };
            let doc = match cache {
                Some(cache) => {
                    let (doc, found) = cache.parse(path, text, body, line_offset, parse);
                    d.extend(found);
                    doc
                }
                None => Arc::new(parse(&mut d)),
            };
            let (spec, quiz, duration) = super::paths::read(&fm.learning, path, &mut d);
            let path_of =
                spec.map(|spec| resolve_path(id, spec, &resolver, &base.assets, path, &mut d));
            Some((id, doc, path_of, (quiz, duration), d))
        })
        .collect();
    let mut learning_paths = base.paths.clone();
    for (id, doc, path, (quiz, duration), d) in parsed {
        diags.extend(d);
        let page = &mut pages[id];
        page.doc = doc;
        page.quiz = quiz.or(page.quiz.take());
        page.duration = duration.or(page.duration);
        if let Some(translated) = path {
            let file = page.source.as_deref().unwrap_or_default();
            match learning_paths.iter_mut().find(|p| p.page == id) {
                Some(own) if same_steps(own, &translated) => {
                    own.badge = translated.badge;
                    for (stage, t) in own.stages.iter_mut().zip(translated.stages) {
                        stage.title = t.title;
                    }
                }
                Some(_) => diags.push(
                    Diagnostic::error(
                        "translated-path-differs",
                        "the translation's `path:` has other steps than its source's",
                    )
                    .in_file(file)
                    .help("a translated path repeats its source's stages and steps in the same order, translating only stage titles and the badge"),
                ),
                None => diags.push(
                    Diagnostic::error(
                        "translated-path-differs",
                        "the translation has a `path:` its source does not have",
                    )
                    .in_file(file)
                    .help("declare the path in the default-language page; the translation may then translate its stage titles and badge"),
                ),
            }
        }
    }
    // A section left untranslated under `omit` lost its text, and a path it declared with
    // it. (An omitted page keeps its path: `plan` leaves both out.)
    learning_paths.retain(|p| pages[p.page].source.is_some());
    for page in &mut pages {
        page.path = None;
    }
    for (i, p) in learning_paths.iter().enumerate() {
        pages[p.page].path = Some(i);
    }

    let code = base.languages.codes[lang].as_str();
    let (catalog, materials) = data_in(base, code, &mut pages, index, diags);

    let mut config = base.config.clone();
    config.language = code.to_owned();
    Site {
        config,
        audiences: base.audiences.clone(),
        calendar: base.calendar.clone(),
        catalog,
        pages,
        assets: base.assets.clone(),
        materials,
        material_settings: base.material_settings.clone(),
        hosting: base.hosting.clone(),
        paths: learning_paths,
        view_folders: crate::paths::view_folders(&base.audiences, &base.languages, lang),
        languages: Arc::clone(&base.languages),
        language: lang,
        translations: Vec::new(),
    }
}

/// The catalog and materials in language `code`: their `translations:` in place of the
/// default language's text (the rest stays as it is), and the catalog's pages retitled,
/// product pages' descriptions parsed again where translated.
fn data_in(
    base: &Site,
    code: &str,
    pages: &mut [Page],
    index: &Index,
    diags: &mut Vec<Diagnostic>,
) -> (Option<Catalog>, Vec<Material>) {
    let mut materials = base.materials.clone();
    for m in &mut materials {
        if let Some(title) = m.translations.get(code, "title") {
            m.title = title.to_owned();
        }
        if let Some(description) = m.translations.get(code, "description") {
            m.fm.description = Some(description.to_owned());
        }
    }
    let Some(mut catalog) = base.catalog.clone() else {
        return (None, materials);
    };
    let text =
        |t: &super::languages::Translations, field: &str| t.get(code, field).map(str::to_owned);
    if let Some(title) = text(&catalog.translations, "title") {
        catalog.title = title;
    }
    if let Some(description) = text(&catalog.translations, "description") {
        catalog.description = Some(description);
    }
    for c in &mut catalog.categories {
        if let Some(title) = text(&c.translations, "title") {
            c.title = title;
        }
        if let Some(description) = text(&c.translations, "description") {
            c.description = Some(description);
        }
    }
    for p in &mut catalog.products {
        if let Some(name) = text(&p.translations, "name") {
            p.name = name;
        }
        if let Some(summary) = text(&p.translations, "summary") {
            p.summary = Some(summary);
        }
        if let Some(description) = text(&p.translations, "description") {
            // Positions in a translated description are the product's own (its text is
            // in the `translations:` block, not where `description:` is).
            let (line, column) = (p.pos.line.saturating_sub(1), 0);
            p.description = Some((description, line, column));
        }
    }
    for (id, page) in pages.iter_mut().enumerate() {
        match page.data {
            PageData::Product(i) => {
                let product = &catalog.products[i];
                page.title = product.name.clone();
                page.description = product.summary.clone();
                if product.translations.get(code, "description").is_some() {
                    let resolver = Resolver {
                        index,
                        page: &base.pages[id],
                    };
                    page.doc = Arc::new(super::product_document(
                        product,
                        &base.audiences,
                        &base.calendar,
                        &resolver,
                        diags,
                    ));
                }
            }
            PageData::Category(i) => {
                page.title = catalog.categories[i].title.clone();
                page.description = catalog.categories[i].description.clone();
            }
            PageData::None if page.kind == PageKind::Catalog => {
                page.title = catalog.title.clone();
                page.description = catalog.description.clone();
            }
            PageData::None => {}
        }
    }
    (Some(catalog), materials)
}

/// Narrows each translated page (and what is below it, in this language) by the
/// translation's own audience keys, status and dates. A translation may never widen its
/// source: that is an error, and the key is ignored.
fn narrow(
    pages: &mut [Page],
    translation: &[Option<(&str, &FrontMatter)>],
    base: &Site,
    diags: &mut Vec<Diagnostic>,
) {
    // What translations add, per page, cascaded down this language's tree.
    let mut extra: Vec<(Restriction, Status, Window)> =
        vec![(Restriction::default(), Status::Published, Window::default()); pages.len()];
    for id in 0..pages.len() {
        let mut own = match pages[id].parent {
            Some(p) => extra[p].clone(),
            None => (Restriction::default(), Status::Published, Window::default()),
        };
        if let Some((path, fm)) = translation[id] {
            let home = pages[id].kind == PageKind::Home;
            let (restriction, life) = (pages[id].restriction.clone(), pages[id].lifecycle);
            let written = fm
                .restrictions
                .iter()
                .map(|r| (base.audiences.axes[r.0].name.as_str(), r.2))
                .chain(fm.status.map(|s| ("status", s.1)))
                .chain(fm.publish.map(|p| ("publish", p.1)))
                .chain(fm.expires.map(|e| ("expires", e.1)));
            if home {
                // The home page is in every view, in every language.
                for (what, pos) in written {
                    diags.push(
                        Diagnostic::error(
                            "restricted-home",
                            format!("the home page is in every site and stage; its translation cannot have `{what}`"),
                        )
                        .at(path, pos)
                        .help("restrict or schedule parts of it with `::: only …` blocks instead"),
                    );
                }
                extra[id] = own;
                continue;
            }
            for &(axis, req, pos) in &fm.restrictions {
                match restriction.get(axis) {
                    Some(in_force) if req.is_wider_than(in_force) => diags.push(widens(
                        path,
                        pos,
                        &format!(
                            "allows {} but its source `{}` allows only {}",
                            base.audiences.describe_req(axis, req),
                            base.pages[id].display_path(),
                            base.audiences.describe_req(axis, in_force),
                        ),
                    )),
                    _ => {
                        own.0.require(axis, req);
                        // Messages name the translation as where the restriction was set.
                        let origins = &mut pages[id].origins;
                        origins.retain(|(a, _)| *a != axis);
                        origins.push((axis, Some(id)));
                        origins.sort_by_key(|(a, _)| *a);
                    }
                }
            }
            if let Some((status, pos)) = fm.status {
                if status > life.status {
                    diags.push(widens(
                        path,
                        pos,
                        &format!(
                            "is `{}` but its source is `{}`",
                            status.name(),
                            life.status.name()
                        ),
                    ));
                } else {
                    own.1 = own.1.min(status);
                }
            }
            let cal = &base.calendar;
            let ends = [
                fm.publish.map(|(from, pos)| {
                    let what =
                        format!("is published from {}, before its source", cal.display(from));
                    (
                        Window {
                            from: Some(from),
                            until: None,
                        },
                        pos,
                        what,
                    )
                }),
                fm.expires.map(|(until, pos)| {
                    let what = format!("expires {}, after its source", cal.display(until));
                    (
                        Window {
                            from: None,
                            until: Some(until),
                        },
                        pos,
                        what,
                    )
                }),
            ];
            for (window, pos, what) in ends.into_iter().flatten() {
                if window.widens(life.window) {
                    diags.push(widens(path, pos, &what));
                } else {
                    own.2 = own.2.and(window);
                }
            }
        }
        let page = &mut pages[id];
        if !page.kind.is_catalog() && page.kind != PageKind::Home {
            page.restriction = page.restriction.and(&own.0);
            page.lifecycle = Lifecycle {
                status: page.lifecycle.status.min(own.1),
                window: page.lifecycle.window.and(own.2),
            };
        }
        extra[id] = own;
    }
}

fn widens(file: &str, pos: Pos, what: &str) -> Diagnostic {
    Diagnostic::error("translation-widens", format!("this translation {what}"))
        .at(file, pos)
        .help("a translation may narrow its source's audience, status and dates, never widen them: remove the key (it inherits the source's)")
}

fn fixed_key(file: &str, pos: Pos, key: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        "translation-key",
        format!("a translation cannot set `{key}`: its {what} are its source's"),
    )
    .at(file, pos)
    .help(format!(
        "remove `{key}` here and set it in the default-language page"
    ))
}

/// Do two paths have the same stages and steps, in order?
fn same_steps(a: &LearningPath, b: &LearningPath) -> bool {
    let targets = |p: &LearningPath| -> Vec<Vec<StepTarget>> {
        p.stages
            .iter()
            .map(|s| s.steps.iter().map(|s| s.target).collect())
            .collect()
    };
    targets(a) == targets(b)
}
