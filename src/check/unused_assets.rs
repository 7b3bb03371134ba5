//! Rule `unpublished-asset` (warning): a plain file in `content/` that no audience's view
//! links is not published anywhere — usually a forgotten link or a file to delete. (A
//! material is published by its own metadata: one that no view shows is expired, scheduled
//! or restricted on purpose.)

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::model::Site;
use crate::plan::{View, Visibility};

/// `views` of every language of `root` (a file one language's pages link is published).
pub fn check(root: &Site, views: &[View], diags: &mut Vec<Diagnostic>) {
    // Each language's pages' links to files, once; then views in parallel, each marking
    // what it links.
    let links: Vec<super::PageLinks> = root
        .all_languages()
        .map(|site| {
            super::page_links(site)
                .into_iter()
                .map(|mut links| {
                    links.retain(|l| matches!(l.target, super::Target::Asset(_)));
                    links
                })
                .collect()
        })
        .collect();
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
                super::shown_links(site, &vis, id, links, |l| {
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
