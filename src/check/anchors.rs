//! Rule `broken-anchor`: a link's `#anchor` must name a heading (or an `id` in raw HTML)
//! on the target page.

use crate::diag::{Diagnostic, did_you_mean};
use crate::markdown::LinkTarget;
use crate::model::{Page, Site};

pub fn check(site: &Site, diags: &mut Vec<Diagnostic>) {
    for page in &site.pages {
        for fragment in &page.doc.fragments {
            for link in &fragment.links {
                let (target, anchor) = match &link.target {
                    LinkTarget::Page {
                        page: t,
                        anchor: Some(a),
                    } => (&site.pages[*t], a),
                    LinkTarget::SelfAnchor(a) => (page, a),
                    _ => continue,
                };
                if anchor.is_empty() || has_anchor(target, anchor) {
                    continue;
                }
                let ids = target.doc.headings.iter().map(|h| h.id.as_str());
                let help = match did_you_mean(anchor, ids) {
                    Some(best) => format!("did you mean `#{best}`?"),
                    None if target.doc.headings.is_empty() => {
                        format!("`{}` has no headings", target.display_path())
                    }
                    None => format!(
                        "its headings are: {}",
                        target
                            .doc
                            .headings
                            .iter()
                            .map(|h| format!("`#{}`", h.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                diags.push(
                    Diagnostic::error(
                        "broken-anchor",
                        format!("`{}` has no heading `#{anchor}`", target.display_path()),
                    )
                    .at(page.display_path(), link.pos)
                    .len(link.dest.chars().count())
                    .help(help),
                );
            }
        }
    }
}

pub fn has_anchor(page: &Page, anchor: &str) -> bool {
    page.doc.headings.iter().any(|h| h.id == anchor) || {
        let needle = format!("id=\"{anchor}\"");
        page.doc
            .fragments
            .iter()
            .any(|f| f.literal().any(|html| html.contains(&needle)))
    }
}
