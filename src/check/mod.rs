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
use crate::plan::{View, Visibility};

/// Runs every rule; the view-dependent ones over `views` (the views being built). Each
/// language's site is checked with its own views (issue 18); a file is unpublished only
/// when no view of any language links it.
pub fn run(root: &Site, views: &[View]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (site, views) in crate::plan::by_language(root, views) {
        let links = page_links(site);
        anchors::check(site, &mut diags);
        audience_links::check(site, &views, &links, &mut diags);
        files::check(site, &mut diags);
        paths::check(site, &views, &mut diags);
    }
    unused_assets::check(root, views, &mut diags);
    diags
}

/// Each page's links (its fragments' and its attachments'), in order: worked out once,
/// for every view.
type PageLinks<'s> = Vec<Vec<PageLink<'s>>>;

/// A link of a page, for the rules that follow links in every view.
struct PageLink<'s> {
    /// The `only` block of the fragment it is in (`None`: shown wherever the page is).
    block: Option<BlockId>,
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
    fn link(block: Option<BlockId>, link: &Link) -> PageLink<'_> {
        PageLink {
            block,
            target: match &link.target {
                LinkTarget::Page { page, anchor: None } => Target::Page(*page),
                LinkTarget::Asset(a) => Target::Asset(*a),
                _ => Target::Other,
            },
            link,
        }
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

/// Calls `f` with each of page `id`'s `links` that `vis` shows (the page must be in the
/// view); only a page with links inside `only` blocks is looked into.
fn shown_links<'s>(
    site: &'s Site,
    vis: &Visibility<'s>,
    id: PageId,
    links: &[PageLink<'s>],
    mut f: impl FnMut(&PageLink<'s>),
) {
    let within = links
        .iter()
        .any(|l| l.block.is_some())
        .then(|| vis.within(&site.pages[id]));
    for link in links {
        if let (Some(b), Some(within)) = (link.block, &within)
            && !within.block(b)
        {
            continue;
        }
        f(link);
    }
}
