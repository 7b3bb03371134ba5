//! Check: Site → diagnostics that need the whole site (a link's target, a view's contents).
//! Per-file problems (YAML, front matter, fences, missing targets) were reported while
//! loading; this stage adds the rules that span pages. One rule per file.

mod anchors;
mod audience_links;
mod files;
mod paths;
mod unused_assets;

use crate::diag::Diagnostic;
use crate::model::Site;
use crate::plan::View;

/// Runs every rule; the view-dependent ones over `views` (the views being built). Each
/// language's site is checked with its own views (issue 18); a file is unpublished only
/// when no view of any language links it.
pub fn run(root: &Site, views: &[View]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (site, views) in crate::plan::by_language(root, views) {
        anchors::check(site, &mut diags);
        audience_links::check(site, &views, &mut diags);
        files::check(site, &mut diags);
        paths::check(site, &views, &mut diags);
    }
    unused_assets::check(root, views, &mut diags);
    diags
}
