//! Check: Site → diagnostics that need the whole site (a link's target, a view's contents).
//! Per-file problems (YAML, front matter, fences, missing targets) were reported while
//! loading; this stage adds the rules that span pages. One rule per file.

mod anchors;
mod audience_links;
mod files;
mod paths;
mod unused_assets;

use crate::diag::Diagnostic;
use crate::markdown::{BlockId, Link, LinkTarget};
use crate::model::{AssetId, PageId, Site};
use crate::plan::View;

/// Runs every rule; the view-dependent ones over `views` (the views being built). Each
/// language's site is checked with its own views (issue 18); a file is unpublished only
/// when no view of any language links it.
pub fn run(root: &Site, views: &[View]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Each language's pages' links, read once for every view.
    let links: Vec<PageLinks> = root.all_languages().map(page_links).collect();
    for ((site, views), links) in crate::plan::by_language(root, views).zip(&links) {
        anchors::check(site, &mut diags);
        audience_links::check(site, &views, links, &mut diags);
        files::check(site, &mut diags);
        paths::check(site, &views, &mut diags);
    }
    unused_assets::check(root, views, &links, &mut diags);
    diags
}

/// Each page's links (its fragments' and its attachments'), in order, each with the
/// `only` block of the fragment it is in (`plan::Visibility::for_each_shown`).
type PageLinks<'s> = Vec<Vec<(Option<BlockId>, PageLink<'s>)>>;

/// A link of a page, for the rules that follow links in every view.
struct PageLink<'s> {
    /// Its target, copied out where that is all a rule needs: most links are then not
    /// read again in every view (they are all over memory).
    target: Target,
    link: &'s Link,
}

#[derive(Clone, Copy)]
enum Target {
    /// A page, without an anchor.
    Page(PageId),
    Asset(AssetId),
    /// Anything else (an anchor): read the link.
    Other,
}

fn page_links(site: &Site) -> PageLinks<'_> {
    fn link(block: Option<BlockId>, link: &Link) -> (Option<BlockId>, PageLink<'_>) {
        let target = match &link.target {
            LinkTarget::Page { page, anchor: None } => Target::Page(*page),
            LinkTarget::Asset(a) => Target::Asset(*a),
            _ => Target::Other,
        };
        (block, PageLink { target, link })
    }
    site.pages
        .iter()
        .map(|page| {
            let doc = &page.doc;
            let in_fragments = doc
                .fragments
                .iter()
                .flat_map(|f| f.links.iter().map(move |l| link(f.block, l)));
            in_fragments
                .chain(doc.attachments.iter().map(|l| link(None, l)))
                .collect()
        })
        .collect()
}
