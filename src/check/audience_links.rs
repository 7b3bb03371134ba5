//! Rule `hidden-link-target`: a link that an audience sees must lead to something that
//! audience sees too — a page in its view and, for `#anchor` links, a heading outside the
//! `only` blocks it cannot see. Otherwise its site would have a broken link (or, worse,
//! would need to publish what it may not see). Reported once per link, naming every
//! audience affected.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Pos};
use crate::markdown::LinkTarget;
use crate::model::{PageId, Site};
use crate::plan::{Anchor, View, Visibility};

pub fn check(site: &Site, views: &[View], diags: &mut Vec<Diagnostic>) {
    // (page, position, dest) → (target description, audiences that cannot follow it)
    let mut broken: BTreeMap<(PageId, Pos, String), (String, Vec<String>)> = BTreeMap::new();
    for &view in views {
        let vis = Visibility::of(site, view);
        let audience = &site.audiences.audiences[view.audience].name;
        for (id, page) in site.pages.iter().enumerate() {
            if !vis.page(id) {
                continue;
            }
            for fragment in vis.within(page).fragments() {
                for link in &fragment.links {
                    let Some(why) = hidden(site, &vis, id, &link.target) else {
                        continue;
                    };
                    broken
                        .entry((id, link.pos, link.dest.clone()))
                        .or_insert_with(|| (why, Vec::new()))
                        .1
                        .push(audience.clone());
                }
            }
        }
    }
    for ((page, pos, dest), (why, audiences)) in broken {
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
            .help(if why.contains(" is not in ") {
                "schedule the link with the target (`::: only from=…` around it), or change the target's status or dates"
            } else {
                "wrap the link in a `::: only …` block for the audiences that may follow it, or widen the target's restriction"
            }),
        );
    }
}

fn hidden(site: &Site, vis: &Visibility, from: PageId, target: &LinkTarget) -> Option<String> {
    let (target_id, anchor) = match target {
        LinkTarget::Page { page, anchor } => (*page, anchor.as_deref()),
        LinkTarget::SelfAnchor(a) => (from, Some(a.as_str())),
        LinkTarget::Asset(_) => return None,
    };
    let target = &site.pages[target_id];
    if !vis.page(target_id) {
        if !vis.audience_admits(&target.restriction) {
            return Some(format!(
                "`{}` is restricted to {}",
                target.display_path(),
                site.audiences.describe(&target.restriction)
            ));
        }
        let view = vis.view();
        let why = target
            .lifecycle
            .absence(view.stage, view.at, &site.calendar)
            .unwrap_or_else(|| "it is not shown".to_owned());
        return Some(format!(
            "`{}` is not in {} on {}: {why}",
            target.display_path(),
            view.stage.name(),
            site.calendar.display(view.at)
        ));
    }
    let anchor = anchor?;
    let within = vis.within(target);
    let Anchor::Hidden(heading) = within.anchor(&within.heading_ids(), anchor) else {
        return None;
    };
    let fragment = &target.doc.fragments[target.doc.headings[heading].fragment];
    let b = &target.doc.blocks[within.hidden_block(fragment)?];
    Some(format!(
        "the heading `#{anchor}` is inside the `::: only` block at {}:{} ({})",
        target.display_path(),
        b.pos.line,
        site.audiences.describe(&b.restriction)
    ))
}
