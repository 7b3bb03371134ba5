//! The last build's model, kept by `kanava serve` for a rebuild in which only the bodies of
//! Markdown pages changed (issue 19): the common case of a writer saving the page they
//! edit. Such a rebuild takes the last `Site` and replaces the changed pages' documents,
//! instead of making the tree, cascades, catalog, materials and learning paths again.
//!
//! Everything `model::build` reads besides those bodies must be as it was, or the model is
//! made anew:
//! - the walk of `content/` stood and the watcher named only Markdown files under it
//!   (`load::Sources::changed`): no asset, sidecar, data file, theme or kanava.yaml changed;
//! - the same Markdown files as last time, each with byte-identical front matter at the
//!   same line (so the same front matter and its diagnostics, `Front::same_front_matter`),
//!   and kanava.yaml's text the same;
//! - the same git dates;
//! - one language (a translation's page takes its source's document: made anew then).
//!
//! The model's diagnostics are the last build's, with the changed pages' parse diagnostics
//! in their place, in the order a full build gives them. `tests/it/incremental.rs` holds
//! every rebuild through the cache to the bytes and diagnostics of a clean build.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::cache::{DocCache, Front};
use super::links::{Index, Resolver};
use super::{PageId, Site};
use crate::diag::Diagnostic;
use crate::load::{Sources, git::Commits};
use crate::markdown::{self, Document};

/// What `model::build` leaves for the next build besides the site (which the build hands
/// over when it is done with it: [`DocCache::keep_site`]).
pub struct Parts {
    /// kanava.yaml's hash (`cache::config_hash`) and the documents' context
    /// (`cache::context`).
    pub(super) config: u64,
    pub(super) context: u64,
    pub(super) commits: BTreeMap<String, Commits>,
    /// Each page's document as parsed (the site's are highlighted by then).
    pub(super) parsed: Vec<Arc<Document>>,
    /// The model's diagnostics: those before the pages' parse diagnostics, each page's,
    /// and those after.
    pub(super) before: Vec<Diagnostic>,
    pub(super) pages: Vec<Vec<Diagnostic>>,
    pub(super) after: Vec<Diagnostic>,
}

/// The last build's site and what made it.
pub struct Kept {
    pub(super) parts: Parts,
    pub(super) site: Site,
}

/// The site of this build from the last one's, when only pages' bodies changed (see the
/// module's documentation); `None` when the model must be made anew. `fronts` are this
/// build's, one per Markdown file, and `same` says whether each has the last build's front
/// matter and there were as many files. The model's diagnostics so far start at
/// `diags[start]`: they are replaced by the last build's.
#[allow(clippy::too_many_arguments)]
pub(super) fn rebuild(
    kept: Kept,
    sources: &Sources,
    fronts: &[Front],
    same: bool,
    config: u64,
    cache: &DocCache,
    start: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Site> {
    let Kept {
        mut parts,
        mut site,
    } = kept;
    let changed = sources.changed.as_ref()?;
    // Each changed path is a page's Markdown file, or a path the walk does not know (the
    // walk stood, so one that is gone again: an editor's temporary file).
    let known = |path: &str| {
        !path.starts_with("content/")
            || sources.assets.iter().any(|a| a.path == path)
            || sources.sidecars.iter().any(|s| s.path == path)
    };
    let page_file =
        |path: &str| path.ends_with(".md") && super::languages::split_translation(path).is_none();
    let mut pages = Vec::with_capacity(changed.len());
    for path in changed {
        match sources.markdown.iter().position(|f| f.path == *path) {
            Some(at) if page_file(path) => pages.push(at),
            Some(_) => return None,
            None if known(path) => return None,
            None => {}
        }
    }
    if !same
        || parts.config != config
        || parts.commits != sources.commits
        || site.languages.several()
        || !site.translations.is_empty()
        || parts.parsed.len() != site.pages.len()
    {
        return None;
    }
    // The changed pages, with their files' texts and fronts.
    let mut edits = Vec::with_capacity(pages.len());
    for at in pages {
        let file = &sources.markdown[at];
        let id: PageId = site
            .pages
            .iter()
            .position(|p| p.source.as_deref() == Some(file.path.as_str()))?;
        edits.push((id, file, fronts.get(at)?));
    }

    for (page, doc) in site.pages.iter_mut().zip(&parts.parsed) {
        page.doc = Arc::clone(doc);
    }
    // Nothing changed when another stage or moment was asked for: the same documents.
    if !edits.is_empty() {
        let index = Index::new(
            &site.pages,
            &site.assets,
            &sources.refused,
            site.catalog.as_ref(),
        );
        let session = cache.begin(parts.context);
        let mut docs = Vec::with_capacity(edits.len());
        for &(id, file, front) in &edits {
            let page = &site.pages[id];
            let body = file.text.get(front.body_start..).unwrap_or("");
            let input = markdown::Input {
                file: &file.path,
                body,
                line_offset: front.body_offset,
                column_offset: 0,
            };
            let resolver = Resolver {
                index: &index,
                page,
            };
            let parse = |d: &mut Vec<Diagnostic>| {
                markdown::parse(&input, &site.audiences, &site.calendar, &resolver, d)
            };
            docs.push(session.parse(&file.path, &file.text, body, front.body_offset, parse));
        }
        session.finish_keeping_the_rest();
        drop(index);
        for (&(id, _, _), (doc, found)) in edits.iter().zip(docs) {
            site.pages[id].doc = Arc::clone(&doc);
            parts.parsed[id] = doc;
            parts.pages[id] = found;
        }
    }
    diags.truncate(start);
    diags.extend(parts.before.iter().cloned());
    diags.extend(parts.pages.iter().flatten().cloned());
    diags.extend(parts.after.iter().cloned());
    cache.keep_parts(parts);
    cache.kept_a_model();
    Some(site)
}
