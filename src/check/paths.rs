//! Rule `hidden-path-step`: a learning path that a view shows must have every step and every
//! prerequisite in that view too — otherwise its audience would get a path it cannot finish
//! (and the path's page would name what the view may not see). Reported once per step,
//! naming every audience affected and why the step is not theirs (issue #15).

use std::collections::BTreeMap;

use super::audience_links::{Why, hidden_material, page_absence};
use crate::diag::{Diagnostic, Pos};
use crate::model::paths::StepTarget;
use crate::model::{PageId, Site};
use crate::plan::{View, Visibility};

/// (path page, position, what) → (why, underline length, audiences).
type Broken = BTreeMap<(PageId, Pos, String), (Why, usize, Vec<String>)>;

pub fn check(site: &Site, views: &[View], diags: &mut Vec<Diagnostic>) {
    if site.paths.is_empty() {
        return;
    }
    let mut broken = Broken::new();
    for &view in views {
        let vis = Visibility::of(site, view);
        let audience = &site.audiences.audiences[view.audience].name;
        for path in &site.paths {
            if !vis.page(path.page) {
                continue;
            }
            let steps = path
                .stages
                .iter()
                .flat_map(|s| &s.steps)
                .filter_map(|step| {
                    let why = match step.target {
                        StepTarget::Page(p) => (!vis.page(p)).then(|| page_absence(site, &vis, p)),
                        StepTarget::Material(m) => {
                            hidden_material(site, &vis, site.materials[m].asset)
                        }
                    }?;
                    Some((
                        step.pos,
                        format!("step `{}`", step.dest),
                        why,
                        step.dest.chars().count(),
                    ))
                });
            let requires = path
                .requires
                .iter()
                .filter(|&&(p, _)| !vis.page(p))
                .map(|&(p, pos)| {
                    (
                        pos,
                        format!("required path `{}`", site.pages[p].display_path()),
                        page_absence(site, &vis, p),
                        1,
                    )
                });
            for (pos, what, why, len) in steps.chain(requires).collect::<Vec<_>>() {
                broken
                    .entry((path.page, pos, what))
                    .or_insert_with(|| (why, len, Vec::new()))
                    .2
                    .push(audience.clone());
            }
        }
    }
    for ((page, pos, what), (Why { why, .. }, len, audiences)) in broken {
        let list = audiences
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let who = match audiences.len() {
            _ if !site.audiences.configured => "this build shows the path".to_owned(),
            1 => format!("audience {list} sees this path"),
            _ => format!("audiences {list} see this path"),
        };
        diags.push(
            Diagnostic::error(
                "hidden-path-step",
                format!("{who}, but not its {what}: {why}"),
            )
            .at(site.pages[page].display_path(), pos)
            .len(len)
            .help("a path's audience must see every step: restrict the path to the audiences that see all its steps, or widen the step's restriction or dates"),
        );
    }
}
