//! Rule `unpublished-asset` (warning): a plain file in `content/` that no audience's view
//! links is not published anywhere — usually a forgotten link or a file to delete. (A
//! material is published by its own metadata: one that no view shows is expired, scheduled
//! or restricted on purpose.)

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::model::Site;
use crate::plan::{View, Visibility};

/// `views` of every language of `root` (a file one language's pages link is published);
/// `links`: each language's pages' links (`check::page_links`).
pub fn check(root: &Site, views: &[View], links: &[super::PageLinks], diags: &mut Vec<Diagnostic>) {
    // Views in parallel, each marking what it links.
    let published = views
        .par_iter()
        .map(|&view| {
            let mut published = vec![false; root.assets.len()];
            let vis = Visibility::of(root, view);
            let site = root.in_language(view.language);
            for (id, links) in links[view.language].iter().enumerate() {
                if links.is_empty() || !vis.page(id) {
                    continue;
                }
                vis.for_each_shown(&site.pages[id], links, |l| {
                    if let super::Target::Asset(a) = l.target {
                        published[a] = true;
                    }
                });
            }
            published
        })
        .reduce(
            || vec![false; root.assets.len()],
            |a, b| a.iter().zip(b).map(|(a, b)| *a || b).collect(),
        );
    for (asset, published) in root.assets.iter().zip(published) {
        if !published && asset.material.is_none() {
            diags.push(
                Diagnostic::warning(
                    "unpublished-asset",
                    format!(
                        "`{}` is linked from no page any audience sees in {}, so it is not published",
                        asset.path,
                        stage_name(views)
                    ),
                )
                .in_file(asset.path.clone())
                .help("link it from a page, or delete it"),
            );
        }
    }
}

fn stage_name(views: &[View]) -> &'static str {
    views.first().map_or("production", |v| v.stage.name())
}
