//! Reports about audiences: the matrix of who receives what (`kanava audiences`) and why a
//! page is or is not in a view (`kanava explain`). Both ask [`plan`] — the same code that
//! decides the build — so a report can never disagree with the output.

pub mod diff;
pub mod status;

use std::fmt::Write as _;

use serde::Serialize;

use crate::model::audience::{AudienceModel, Has, Req};
use crate::model::lifecycle::Stage;
use crate::model::{PageKind, Site};
use crate::plan::{self, View, Visibility};

#[derive(Serialize)]
pub struct Matrix {
    pub audiences: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Serialize)]
pub struct MatrixRow {
    /// `page` or `asset`
    pub kind: &'static str,
    pub path: String,
    /// One per audience, in the order of `audiences`.
    pub receives: Vec<bool>,
}

/// Who receives what in `stage` at `at`.
pub fn matrix(site: &Site, stage: Stage, at: jiff::Timestamp) -> Matrix {
    let audiences: Vec<String> = site
        .audiences
        .audiences
        .iter()
        .map(|a| a.name.clone())
        .collect();
    let mut rows: Vec<MatrixRow> = site
        .pages
        .iter()
        .filter_map(|p| p.source.as_ref())
        .map(|s| MatrixRow {
            kind: "page",
            path: s.clone(),
            receives: Vec::new(),
        })
        .chain(site.assets.iter().map(|a| MatrixRow {
            kind: "asset",
            path: a.path.clone(),
            receives: Vec::new(),
        }))
        .collect();
    for view in plan::views(site, &[], stage, at) {
        let plan = plan::make(site, view);
        let pages: std::collections::HashSet<&str> =
            plan.pages.iter().filter_map(|p| p.source).collect();
        let assets: std::collections::HashSet<&str> =
            plan.assets.iter().map(|a| a.path.as_str()).collect();
        for row in &mut rows {
            let set = if row.kind == "page" { &pages } else { &assets };
            row.receives.push(set.contains(row.path.as_str()));
        }
    }
    Matrix { audiences, rows }
}

pub fn matrix_table(m: &Matrix) -> String {
    let width = m
        .rows
        .iter()
        .map(|r| r.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!("{:width$}", "file");
    for a in &m.audiences {
        let _ = write!(out, "  {a}");
    }
    out.push('\n');
    for row in &m.rows {
        let _ = write!(out, "{:width$}", row.path);
        for (a, yes) in m.audiences.iter().zip(&row.receives) {
            let mark = if *yes { "✓" } else { "·" };
            let _ = write!(out, "  {mark:^w$}", w = a.chars().count());
        }
        out.push('\n');
    }
    out
}

pub fn matrix_csv(m: &Matrix) -> String {
    let mut out = String::from("kind,path");
    for a in &m.audiences {
        let _ = write!(out, ",{a}");
    }
    out.push('\n');
    for row in &m.rows {
        let _ = write!(out, "{},{}", row.kind, csv_field(&row.path));
        for yes in &row.receives {
            out.push_str(if *yes { ",yes" } else { ",no" });
        }
        out.push('\n');
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Why `page` (a source path, with or without `content/`) is or is not in the view of
/// `audience`. `Err` says what was not found.
pub fn explain(
    site: &Site,
    view_of: impl Fn(usize) -> View,
    page: &str,
    audience: &str,
) -> Result<String, String> {
    let wanted = if page.starts_with("content/") {
        page.to_owned()
    } else {
        format!("content/{page}")
    };
    let wanted = wanted.trim_end_matches('/');
    let Some(id) = site.pages.iter().position(|p| {
        p.source.as_deref() == Some(wanted) || (p.kind != PageKind::Page && p.dir == wanted)
    }) else {
        return Err(format!(
            "no page `{wanted}` (give the path of a Markdown file, e.g. content/ordering/delivery.md)"
        ));
    };
    let Some(aid) = site.audiences.audience_id(audience) else {
        let names: Vec<&str> = site
            .audiences
            .audiences
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        return Err(format!(
            "no audience `{audience}`; {}",
            crate::diag::suggest_help(audience, &names, "audiences")
        ));
    };
    let model = &site.audiences;
    let a = &model.audiences[aid];
    let p = &site.pages[id];
    let vis = Visibility::of(site, view_of(aid));
    let mut out = String::new();
    let verdict = if vis.page(id) { "is in" } else { "is NOT in" };
    let _ = writeln!(
        out,
        "{} {verdict} the site of `{}`.",
        p.display_path(),
        a.name
    );
    if p.kind == PageKind::Home {
        let _ = writeln!(out, "  the home page is in every audience's site");
    } else if a.all {
        let _ = writeln!(out, "  `{}` has `all: true` and sees everything", a.name);
    } else if p.restriction.is_empty() {
        let _ = writeln!(out, "  the page restricts no axis");
    }
    if p.kind != PageKind::Home && !a.all {
        for (axis, req) in p.restriction.iter() {
            let origin = p
                .origins
                .iter()
                .find(|(x, _)| *x == axis)
                .and_then(|(_, o)| *o);
            let from = match origin {
                Some(o) if o == id => "set in this file".to_owned(),
                Some(o) => format!("inherited from {}", site.pages[o].display_path()),
                None => "the axis default (the page names no value)".to_owned(),
            };
            let ok = vis.audience_admits(&{
                let mut r = crate::model::audience::Restriction::default();
                r.require(axis, req);
                r
            });
            let _ = writeln!(
                out,
                "  {} {}: requires {} — {from}; `{}` has {}",
                if ok { "✓" } else { "✗" },
                model.axes[axis].name,
                model.describe_req(axis, req),
                a.name,
                describe_has(model, axis, a.has.get(axis).copied().flatten()),
            );
        }
    }
    if p.kind != PageKind::Home
        && let Some(why) = p
            .lifecycle
            .absence(vis.view().stage, vis.view().at, &site.calendar)
    {
        let _ = writeln!(out, "  ✗ {}: {why}", vis.view().stage.name());
    }
    if p.kind.needs_children(p.source.is_some())
        && !vis.page(id)
        && vis.audience_admits(&p.restriction)
    {
        let _ = writeln!(
            out,
            "  nothing below it is visible to `{}`, so it is left out too",
            a.name
        );
    }
    let within = vis.within(p);
    for (b, block) in p.doc.blocks.iter().enumerate() {
        let seen = within.block(b);
        let _ = writeln!(
            out,
            "  {} `::: only` block at line {}: {} ({})",
            if seen { "✓" } else { "✗" },
            block.pos.line,
            model.describe(&block.restriction),
            if seen { "shown" } else { "removed" }
        );
    }
    Ok(out)
}

fn describe_has(model: &AudienceModel, axis: usize, has: Option<Has>) -> String {
    let a = &model.axes[axis];
    match has {
        None => "no value on this axis".into(),
        Some(Has::Level(l)) => a.values[l as usize].clone(),
        Some(Has::Set(set)) => {
            let r = model.describe_req(axis, Req::AnyOf(set));
            r.split_once(' ').map_or(r.clone(), |(_, v)| v.to_owned())
        }
    }
}
