//! Rule `hidden-link-target`: a link that an audience sees must lead to something that
//! audience sees too — a page in its view, a material its view publishes (not restricted
//! away, expired or scheduled: issue #14) and, for `#anchor` links, a heading outside the
//! `only` blocks it cannot see. Otherwise its site would have a broken link (or, worse,
//! would need to publish what it may not see). Reported once per link, naming every
//! audience affected. A product's datasheet and image are links of its page too.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Pos};
use crate::markdown::LinkTarget;
use crate::model::{AssetId, Origin, PageData, PageId, Site};
use crate::plan::{Anchor, View, Visibility};

/// A link: the page it is on, where, and its destination as written.
type Link = (PageId, Pos, String);

pub fn check(site: &Site, views: &[View], links: &super::PageLinks, diags: &mut Vec<Diagnostic>) {
    // Each view's broken links, views in parallel; then (page, position, dest) → (why,
    // audiences that cannot follow it), in view order.
    let found: Vec<Vec<(Link, Why)>> = views
        .par_iter()
        .map(|&view| {
            let vis = Visibility::of(site, view);
            let mut found = Vec::new();
            for (id, links) in links.iter().enumerate() {
                if links.is_empty() || !vis.page(id) {
                    continue;
                }
                vis.for_each_shown(&site.pages[id], links, |l| {
                    let broken = match l.target {
                        super::Target::Page(target) if vis.page(target) => None,
                        super::Target::Page(target) => Some(page_absence(site, &vis, target)),
                        super::Target::Asset(a) => hidden_material(site, &vis, a),
                        super::Target::Other => hidden(site, &vis, id, &l.link.target),
                    };
                    if let Some(why) = broken {
                        found.push(((id, l.link.pos, l.link.dest.clone()), why));
                    }
                });
            }
            found
        })
        .collect();
    let mut broken: BTreeMap<Link, (Why, Vec<String>)> = BTreeMap::new();
    for (&view, found) in views.iter().zip(found) {
        let audience = &site.audiences.audiences[view.audience].name;
        for (key, why) in found {
            broken
                .entry(key)
                .or_insert_with(|| (why, Vec::new()))
                .1
                .push(audience.clone());
        }
    }
    for ((page, pos, dest), (Why { why, help }, audiences)) in broken {
        let list = audiences
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        diags.push(
            Diagnostic::error(
                "hidden-link-target",
                match audiences.len() {
                    _ if !site.audiences.configured => {
                        format!("this link to `{dest}` leads nowhere in this build: {why}")
                    }
                    1 => format!(
                        "audience {list} sees this link to `{dest}`, but not its target: {why}"
                    ),
                    _ => format!(
                        "audiences {list} see this link to `{dest}`, but not its target: {why}"
                    ),
                },
            )
            .at(site.pages[page].display_path(), pos)
            .len(dest.chars().count())
            .help(help),
        );
    }
}

/// Why a view cannot follow a link, and what to do.
pub(super) struct Why {
    pub(super) why: String,
    pub(super) help: String,
}

const HELP_ONLY: &str = "wrap the link in a `::: only …` block for the audiences that may follow it, or widen the target's restriction";

fn hidden(site: &Site, vis: &Visibility, from: PageId, target: &LinkTarget) -> Option<Why> {
    let (target_id, anchor) = match target {
        LinkTarget::Page { page, anchor } => (*page, anchor.as_deref()),
        LinkTarget::SelfAnchor(a) => (from, Some(a.as_str())),
        LinkTarget::Asset(a) => return hidden_material(site, vis, *a),
    };
    let target = &site.pages[target_id];
    if !vis.page(target_id) {
        return Some(page_absence(site, vis, target_id));
    }
    let anchor = anchor?;
    let within = vis.within(target);
    // No heading hidden, none to lead to (and no heading ids to make: most pages).
    if target.doc.headings.iter().all(|h| within.heading(h)) {
        return None;
    }
    let Anchor::Hidden(heading) = within.anchor(&within.heading_ids(), anchor) else {
        return None;
    };
    let fragment = &target.doc.fragments[target.doc.headings[heading].fragment];
    let b = &target.doc.blocks[within.hidden_block(fragment)?];
    Some(Why {
        why: format!(
            "the heading `#{anchor}` is inside the `::: only` block at {}:{} ({})",
            target.display_path(),
            b.pos.line,
            site.audiences.describe(&b.restriction)
        ),
        help: HELP_ONLY.to_owned(),
    })
}

/// Why page `target_id`, which the view does not show, is not in it: its restriction (with
/// where each part comes from) or its stage and dates.
pub(super) fn page_absence(site: &Site, vis: &Visibility, target_id: PageId) -> Why {
    let target = &site.pages[target_id];
    if target.omitted {
        let code = &site.config.language;
        return Why {
            why: format!(
                "{} has no translation into `{code}`, and the site leaves untranslated pages out (`fallback: omit`)",
                name(site, target_id)
            ),
            help: format!(
                "translate the target (`{}`), remove the link from this language's text, or set `fallback: default` in {}",
                target
                    .source
                    .as_deref()
                    .map(|s| s.replace(".md", &format!(".{code}.md")))
                    .unwrap_or_default(),
                crate::load::CONFIG_FILE
            ),
        };
    }
    if !vis.audience_admits(&target.restriction) {
        // A default is widened by naming the axis on the target (issue #13).
        let defaults: Vec<&str> = target
            .restriction
            .iter()
            .filter(|&(axis, _)| target.origin(target_id, axis) == Origin::Default)
            .map(|(axis, _)| site.audiences.axes[axis].name.as_str())
            .collect();
        let help = match defaults.first() {
            Some(axis) => format!(
                "wrap the link in a `::: only …` block for the audiences that may follow it, or name the `{axis}` the target is for in its {}",
                if target.kind.is_catalog() {
                    "data"
                } else {
                    "front matter"
                }
            ),
            None => HELP_ONLY.to_owned(),
        };
        return Why {
            why: format!(
                "{} is restricted to {}",
                name(site, target_id),
                restriction_with_origins(site, target_id)
            ),
            help,
        };
    }
    let view = vis.view();
    let why = target
        .lifecycle
        .absence(view.stage, view.at, &site.calendar)
        .unwrap_or_else(|| "it is not shown".to_owned());
    Why {
        why: format!(
            "{} is not in {} on {}: {why}",
            name(site, target_id),
            view.stage.name(),
            site.calendar.display(view.at)
        ),
        help: "schedule the link with the target (`::: only from=…` around it), or change the target's status or dates".to_owned(),
    }
}

/// Why a view cannot follow a link to file `asset`: it is a material the view does not
/// publish ("`…/x200-brochure.pdf` is not in production on …: it expired 1 Dec 2026").
pub(super) fn hidden_material(site: &Site, vis: &Visibility, asset: AssetId) -> Option<Why> {
    let id = site.assets[asset].material?;
    if vis.material(id) {
        return None;
    }
    let m = &site.materials[id];
    if !vis.audience_admits(&m.restriction) {
        let described = describe_with_origins(site, &m.restriction, |axis| {
            let own = m.origins.contains(&(axis, Origin::Own));
            (!own).then(|| m.describe_origin(axis, site))
        });
        return Some(Why {
            why: format!("the material `{}` is restricted to {described}", m.file),
            help: format!(
                "wrap the link in a `::: only …` block for the audiences that may follow it, or widen the restriction in `{}`",
                m.sidecar
            ),
        });
    }
    let view = vis.view();
    let why = m
        .lifecycle
        .absence(view.stage, view.at, &site.calendar)
        .unwrap_or_else(|| "it is not shown".to_owned());
    Some(Why {
        why: format!(
            "the material `{}` is not in {} on {}: {why}",
            m.file,
            view.stage.name(),
            site.calendar.display(view.at)
        ),
        help: format!(
            "schedule the link with the material (`::: only from=… until=…` around it), or change the dates in `{}`",
            m.sidecar
        ),
    })
}

/// How a message names a link's target: `content/x.md`, or a product by its SKU and file.
fn name(site: &Site, id: PageId) -> String {
    let page = &site.pages[id];
    match (page.data, &site.catalog) {
        (PageData::Product(i), Some(catalog)) => {
            format!(
                "`sku:{}` ({})",
                catalog.products[i].sku,
                page.display_path()
            )
        }
        _ => format!("`{}`", page.display_path()),
    }
}

/// The target's restriction, saying which parts are only the axis default or inherited
/// (issue #13): "tier registered and above — the axis default, since the page names no
/// tier". An author who reads "restricted" looks for a key in the file; a default is in none.
fn restriction_with_origins(site: &Site, id: PageId) -> String {
    let page = &site.pages[id];
    describe_with_origins(site, &page.restriction, |axis| {
        (page.origin(id, axis) != Origin::Own).then(|| page.describe_origin(id, axis, site))
    })
}

/// A restriction described axis by axis, grouped by where each part comes from (`why`:
/// none for the file's own): "tier gold and above — inherited from its section …".
fn describe_with_origins(
    site: &Site,
    restriction: &crate::model::audience::Restriction,
    why: impl Fn(crate::model::audience::AxisId) -> Option<String>,
) -> String {
    let model = &site.audiences;
    // Axes grouped by where their restriction comes from (none: the file's own), in order.
    let mut groups: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for (axis, req) in restriction.iter() {
        let why = why(axis);
        let req = model.describe_req(axis, req);
        match groups.iter_mut().find(|(w, _)| *w == why) {
            Some((_, reqs)) => reqs.push(req),
            None => groups.push((why, vec![req])),
        }
    }
    match groups.as_slice() {
        [] => model.describe(restriction),
        [(Some(why), reqs)] => format!("{} — {why}", reqs.join(", ")),
        _ => groups
            .iter()
            .map(|(why, reqs)| match why {
                Some(why) => format!("{} ({why})", reqs.join(", ")),
                None => reqs.join(", "),
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}
