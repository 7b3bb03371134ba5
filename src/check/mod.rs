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

/// Runs every rule; the view-dependent ones over `views` (the views being built).
pub fn run(site: &Site, views: &[View]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    anchors::check(site, &mut diags);
    audience_links::check(site, views, &mut diags);
    files::check(site, &mut diags);
    paths::check(site, views, &mut diags);
    unused_assets::check(site, views, &mut diags);
    diags
}
