//! Reports about audiences: the matrix of who receives what (`kanava audiences`) and why a
//! page is or is not in a view (`kanava explain`). Both ask [`plan`] — the same code that
//! decides the build — so a report can never disagree with the output.

pub mod diff;
pub mod status;
pub mod translations;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::audience::{AudienceModel, Has, Req};
use crate::model::catalog::PriceKey;
use crate::model::lifecycle::Stage;
use crate::model::money::Money;
use crate::model::{PageData, PageId, PageKind, Site};
use crate::plan::{self, Plan, View, Visibility};

#[derive(Serialize)]
pub struct Matrix {
    pub audiences: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Serialize)]
pub struct MatrixRow {
    /// `page`, `path` (a learning path's page), `product`, `material`, `asset` (a plain file)
    /// or `translation` (a page's translation, issue 18)
    pub kind: &'static str,
    /// A page's or asset's source path; a product's `sku:HP-12` (what `explain` takes).
    pub path: String,
    /// A product's data file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// One per audience, in the order of `audiences`.
    pub receives: Vec<bool>,
    /// Products only: per audience, the prices its view shows (none where it does not
    /// receive the product).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prices: Vec<BTreeMap<String, String>>,
}

/// Who receives what in `stage` at `at`: pages, products (with the prices each audience
/// sees) and assets, all as the plans of the views hold them.
pub fn matrix(site: &Site, stage: Stage, at: jiff::Timestamp) -> Matrix {
    let audiences: Vec<String> = site
        .audiences
        .audience_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let products = site.catalog.as_ref().map_or(&[][..], |c| &c.products[..]);
    let mut rows: Vec<MatrixRow> = site
        .pages
        .iter()
        .filter_map(|p| match (p.data, &p.source) {
            (PageData::Product(i), _) => products.get(i).map(|product| MatrixRow {
                kind: "product",
                path: format!("sku:{}", product.sku),
                file: Some(product.file.clone()),
                receives: Vec::new(),
                prices: Vec::new(),
            }),
            (_, Some(source)) => Some(MatrixRow {
                kind: if p.path.is_some() { "path" } else { "page" },
                path: source.clone(),
                file: None,
                receives: Vec::new(),
                prices: Vec::new(),
            }),
            _ => None,
        })
        .chain(site.assets.iter().map(|a| MatrixRow {
            kind: if a.material.is_some() {
                "material"
            } else {
                "asset"
            },
            path: a.path.clone(),
            file: None,
            receives: Vec::new(),
            prices: Vec::new(),
        }))
        .collect();
    // Translations (issue 18) are rows of their own: a translation may narrow its source,
    // so who receives it is asked of its language's views.
    let mut row_language = vec![0; rows.len()];
    for translated in &site.translations {
        for (page, source) in translated.pages.iter().zip(&site.pages) {
            if let Some(path) = page
                .source
                .as_ref()
                .filter(|p| Some(*p) != source.source.as_ref())
            {
                rows.push(MatrixRow {
                    kind: "translation",
                    path: path.clone(),
                    file: None,
                    receives: Vec::new(),
                    prices: Vec::new(),
                });
                row_language.push(translated.language);
            }
        }
    }
    for view in plan::views(site, &[], stage, at) {
        let plan = plan::make(site, view);
        let pages: HashSet<&str> = plan.pages.iter().filter_map(|p| p.source).collect();
        if view.language != 0 {
            for (row, _) in rows
                .iter_mut()
                .zip(&row_language)
                .filter(|(_, l)| **l == view.language)
            {
                row.receives.push(pages.contains(row.path.as_str()));
            }
            continue;
        }
        let assets: HashSet<&str> = plan.assets.iter().map(|a| a.path.as_str()).collect();
        let products: HashMap<String, BTreeMap<String, String>> = plan
            .pages
            .iter()
            .filter_map(|p| p.product.as_ref())
            .map(|p| (format!("sku:{}", p.sku), prices_seen(&plan, p)))
            .collect();
        for (row, _) in rows.iter_mut().zip(&row_language).filter(|(_, l)| **l == 0) {
            let receives = match row.kind {
                "page" | "path" => pages.contains(row.path.as_str()),
                "asset" | "material" => assets.contains(row.path.as_str()),
                _ => {
                    let seen = products.get(&row.path);
                    row.prices.push(seen.cloned().unwrap_or_default());
                    seen.is_some()
                }
            };
            row.receives.push(receives);
        }
    }
    Matrix { audiences, rows }
}

/// The prices a view's product shows, by name (`list`, a tier), as plain amounts.
fn prices_seen(plan: &Plan, product: &plan::PlanProduct) -> BTreeMap<String, String> {
    let mut prices = BTreeMap::new();
    if let Some(m) = product.list_price {
        prices.insert("list".to_owned(), m.plain());
    }
    if let (Some(m), Some(label)) = (
        product.own_price,
        plan.catalog.as_ref().and_then(|c| c.own_tier),
    ) {
        prices.insert(label.to_owned(), m.plain());
    }
    if let Some(catalog) = &plan.catalog {
        for (tier, price) in catalog.tier_columns.iter().zip(&product.tier_prices) {
            if let Some(m) = price {
                prices.insert((*tier).to_owned(), m.plain());
            }
        }
    }
    prices
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

/// Why `subject` is or is not in the view of `audience`, and for a product which of its
/// prices that view sees. `subject` is a page's source path (with or without `content/`), a
/// product (`sku:HP-12`), or a catalog data file (every product in it; `file#SKU` for one).
/// `Err` says what was not found.
pub fn explain(
    site: &Site,
    view_of: impl Fn(usize) -> View,
    subject: &str,
    audience: &str,
) -> Result<String, String> {
    // A translation (`delivery.fi.md`) is explained in its language's views (issue 18).
    let language = crate::model::languages::split_translation(subject)
        .and_then(|(_, code)| site.languages.id(code))
        .unwrap_or(0);
    let site = site.in_language(language);
    let view_of = |a| View {
        language,
        ..view_of(a)
    };
    let material = find_material(site, subject);
    let ids = match material {
        Some(_) => Vec::new(),
        None => find_subject(site, subject)?,
    };
    let Some(aid) = site.audiences.audience_id(audience) else {
        let names: Vec<&str> = site.audiences.audience_names();
        return Err(format!(
            "no audience `{audience}`; {}",
            crate::diag::suggest_help(audience, &names, "audiences")
        ));
    };
    let vis = Visibility::of(site, view_of(aid));
    if let Some(m) = material {
        let mut out = String::new();
        explain_material(site, &vis, m, &mut out);
        return Ok(out);
    }
    // Products' prices are what the plan gives the view, so the report cannot disagree
    // with the pages and the price list.
    let plan = ids
        .iter()
        .any(|&id| site.pages[id].kind == PageKind::Product)
        .then(|| plan::make(site, vis.view()));
    let mut out = String::new();
    for (n, &id) in ids.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        explain_page(site, &vis, id, &mut out);
        if let (Some(plan), PageData::Product(product)) = (&plan, site.pages[id].data) {
            explain_prices(site, &vis, plan, product, &mut out);
        }
    }
    Ok(out)
}

/// The pages `subject` names (see [`explain`]), in site order.
fn find_subject(site: &Site, subject: &str) -> Result<Vec<PageId>, String> {
    let subject = subject.trim().trim_start_matches("./");
    let products = |file: Option<&str>, sku: Option<&str>| -> Vec<PageId> {
        let Some(catalog) = &site.catalog else {
            return Vec::new();
        };
        site.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| match p.data {
                PageData::Product(i) => {
                    let product = &catalog.products[i];
                    file.is_none_or(|f| product.file == f)
                        && sku.is_none_or(|s| product.sku.eq_ignore_ascii_case(s))
                }
                _ => false,
            })
            .map(|(id, _)| id)
            .collect()
    };
    let skus = || -> Vec<&str> {
        site.catalog
            .iter()
            .flat_map(|c| &c.products)
            .map(|p| p.sku.as_str())
            .collect()
    };
    let no_product = |sku: &str| -> String {
        if site.catalog.is_none() {
            return format!("no product `{sku}`: this site has no catalog");
        }
        let mut message = format!("no product with SKU `{sku}`");
        if let Some(best) = crate::diag::did_you_mean(sku, skus()) {
            let _ = write!(message, "; did you mean `sku:{best}`?");
        }
        message
    };
    if let Some(sku) = subject
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("sku:"))
        .map(|_| &subject[4..])
    {
        let found = products(None, Some(sku));
        return if found.is_empty() {
            Err(no_product(sku))
        } else {
            Ok(found)
        };
    }
    let (file, sku) = match subject.split_once('#') {
        Some((file, sku)) => (file, Some(sku)),
        None => (subject, None),
    };
    let is_data_file = site
        .catalog
        .iter()
        .flat_map(|c| &c.products)
        .any(|p| p.file == file);
    if is_data_file {
        let found = products(Some(file), sku);
        return match (found.is_empty(), sku) {
            (false, _) => Ok(found),
            (true, Some(sku)) => Err(format!("{} in `{file}`", no_product(sku))),
            (true, None) => Err(format!("`{file}` holds no products")),
        };
    }
    if !subject.starts_with("content/")
        && [".yaml", ".yml", ".csv"].iter().any(|e| file.ends_with(e))
    {
        let mut files: Vec<&str> = site
            .catalog
            .iter()
            .flat_map(|c| &c.products)
            .map(|p| p.file.as_str())
            .collect();
        files.sort_unstable();
        files.dedup();
        return Err(match files.is_empty() {
            true => {
                format!("`{file}` is not a catalog data file: this site's catalog has no products")
            }
            false => format!(
                "`{file}` is not a catalog data file with products; {}",
                crate::diag::suggest_help(file, &files, "they are")
            ),
        });
    }
    let wanted = if subject.starts_with("content/") {
        subject.to_owned()
    } else {
        format!("content/{subject}")
    };
    let wanted = wanted.trim_end_matches('/');
    match site.pages.iter().position(|p| {
        p.source.as_deref() == Some(wanted) || (p.kind != PageKind::Page && p.dir == wanted)
    }) {
        Some(id) => Ok(vec![id]),
        None => Err(format!(
            "no page `{wanted}` (give a Markdown file, e.g. content/ordering/delivery.md; a product, e.g. sku:{}; or a catalog data file)",
            skus().first().copied().unwrap_or("HP-12")
        )),
    }
}

/// The material `subject` names: its file or its sidecar, with or without `content/`.
fn find_material(site: &Site, subject: &str) -> Option<usize> {
    let wanted = if subject.starts_with("content/") {
        subject.to_owned()
    } else {
        format!("content/{subject}")
    };
    site.materials
        .iter()
        .position(|m| m.file == wanted || m.sidecar == wanted)
}

/// Whether material `id` is in the view, and why.
fn explain_material(site: &Site, vis: &Visibility, id: usize, out: &mut String) {
    let model = &site.audiences;
    let a = &model.audiences[vis.view().audience];
    let m = &site.materials[id];
    let verdict = if vis.material(id) {
        "is in"
    } else {
        "is NOT in"
    };
    let _ = writeln!(
        out,
        "{} ({}, described in {}) {verdict} the site of `{}`.",
        m.file, m.kind, m.sidecar, a.name
    );
    if a.all {
        let _ = writeln!(out, "  `{}` has `all: true` and sees everything", a.name);
    } else if m.restriction.is_empty() {
        let _ = writeln!(out, "  the material restricts no axis");
    } else {
        for (axis, req) in m.restriction.iter() {
            let mut r = crate::model::audience::Restriction::default();
            r.require(axis, req);
            let _ = writeln!(
                out,
                "  {} {}: requires {} — {}; `{}` has {}",
                if vis.audience_admits(&r) {
                    "✓"
                } else {
                    "✗"
                },
                model.axes[axis].name,
                model.describe_req(axis, req),
                m.describe_origin(axis, site),
                a.name,
                describe_has(model, axis, a.has.get(axis).copied().flatten()),
            );
        }
    }
    if let Some(why) = m
        .lifecycle
        .absence(vis.view().stage, vis.view().at, &site.calendar)
    {
        let _ = writeln!(out, "  ✗ {}: {why}", vis.view().stage.name());
    }
}

/// For a learning path's page, which of its steps and prerequisites the view has; for any
/// page, the paths it is a step of.
fn explain_paths(site: &Site, vis: &Visibility, id: PageId, out: &mut String) {
    use crate::model::paths::StepTarget;
    let p = &site.pages[id];
    if let Some(path) = p.path.map(|i| &site.paths[i]) {
        let steps = path.stages.iter().flat_map(|s| &s.steps).count();
        let _ = writeln!(out, "  it is a learning path of {steps} steps:");
        for (n, step) in path.stages.iter().flat_map(|s| &s.steps).enumerate() {
            let seen = match step.target {
                StepTarget::Page(s) => vis.page(s),
                StepTarget::Material(m) => vis.material(m),
            };
            let _ = writeln!(
                out,
                "    {} step {} `{}`{}",
                if seen { "✓" } else { "✗" },
                n + 1,
                step.dest,
                if seen {
                    ""
                } else if vis.page(id) {
                    " — not in this site: the build fails (hidden-path-step)"
                } else {
                    " — not in this site"
                }
            );
        }
        for &(r, _) in &path.requires {
            let _ = writeln!(
                out,
                "    {} requires `{}`",
                if vis.page(r) { "✓" } else { "✗" },
                site.pages[r].display_path()
            );
        }
    }
    for path in &site.paths {
        if let Some(n) = path
            .stages
            .iter()
            .flat_map(|s| &s.steps)
            .position(|s| s.target == StepTarget::Page(id))
        {
            let _ = writeln!(
                out,
                "  step {} of the learning path `{}`{}",
                n + 1,
                site.pages[path.page].display_path(),
                if vis.page(path.page) {
                    ""
                } else {
                    " (which is not in this site)"
                }
            );
        }
    }
}

/// Whether page `id` is in the view, and why.
fn explain_page(site: &Site, vis: &Visibility, id: PageId, out: &mut String) {
    let model = &site.audiences;
    let a = &model.audiences[vis.view().audience];
    let p = &site.pages[id];
    let verdict = if vis.page(id) { "is in" } else { "is NOT in" };
    let name = match (p.data, &site.catalog) {
        (PageData::Product(i), Some(catalog)) => {
            let product = &catalog.products[i];
            format!(
                "sku:{} ({}, {}:{})",
                product.sku, product.name, product.file, product.pos.line
            )
        }
        _ => p.display_path().to_owned(),
    };
    let _ = writeln!(out, "{name} {verdict} the site of `{}`.", a.name);
    if p.kind == PageKind::Home {
        let _ = writeln!(out, "  the home page is in every audience's site");
    } else if a.all {
        let _ = writeln!(out, "  `{}` has `all: true` and sees everything", a.name);
    } else if p.restriction.is_empty() {
        let _ = writeln!(out, "  the {} restricts no axis", p.noun());
    }
    if p.kind != PageKind::Home && !a.all {
        for (axis, req) in p.restriction.iter() {
            let ok = vis.audience_admits(&{
                let mut r = crate::model::audience::Restriction::default();
                r.require(axis, req);
                r
            });
            let _ = writeln!(
                out,
                "  {} {}: requires {} — {}; `{}` has {}",
                if ok { "✓" } else { "✗" },
                model.axes[axis].name,
                model.describe_req(axis, req),
                p.describe_origin(id, axis, site),
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
    explain_paths(site, vis, id, out);
    if !vis.page(id) {
        return;
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
}

/// Which prices of `product` the view sees — as its plan holds them — and which of
/// the product's prices it does not.
fn explain_prices(site: &Site, vis: &Visibility, plan: &Plan, product: usize, out: &mut String) {
    let Some(catalog) = &site.catalog else { return };
    let data = &catalog.products[product];
    let audience = &site.audiences.audiences[vis.view().audience].name;
    let money = |m: Money| m.display(&catalog.currency, &site.config.language);
    let tier_name = |t: u8| {
        catalog
            .price_axis
            .and_then(|axis| site.audiences.axes[axis].values.get(t as usize))
            .map_or("?", String::as_str)
    };
    // The key of a tier's price, by the tier's name.
    let tier_key = |name: &str| {
        let index = catalog.price_axis.and_then(|axis| {
            site.audiences.axes[axis]
                .values
                .iter()
                .position(|v| v == name)
        });
        PriceKey::Tier(index.map_or(u8::MAX, |i| i as u8))
    };
    let seen = plan
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Product)
        .filter_map(|p| p.product.as_ref())
        .find(|p| p.sku == data.sku);
    let mut shown: Vec<PriceKey> = Vec::new();
    match seen {
        None => {
            let _ = writeln!(
                out,
                "  prices: none, since the product is not in the site of `{audience}`"
            );
        }
        Some(seen) => {
            let mut prices = Vec::new();
            if let Some(m) = seen.list_price {
                prices.push(format!("list price {}", money(m)));
                shown.push(PriceKey::List);
            }
            let own = plan.catalog.as_ref().and_then(|c| c.own_tier);
            if let (Some(m), Some(tier)) = (seen.own_price, own) {
                prices.push(format!("{tier} price {} (its own tier)", money(m)));
                shown.push(tier_key(tier));
            }
            if let Some(columns) = &plan.catalog {
                for (name, price) in columns.tier_columns.iter().zip(&seen.tier_prices) {
                    if let Some(m) = price {
                        prices.push(format!("{name} price {}", money(*m)));
                        shown.push(tier_key(name));
                    }
                }
            }
            if prices.is_empty() {
                let _ = writeln!(out, "  prices: `{audience}` sees none");
            } else {
                let _ = writeln!(out, "  prices `{audience}` sees: {}", prices.join(", "));
            }
        }
    }
    let hidden: Vec<String> = data
        .prices
        .iter()
        .filter(|(k, _)| !shown.contains(k))
        .map(|(k, _)| match k {
            PriceKey::List => "list".to_owned(),
            PriceKey::Tier(t) => tier_name(*t).to_owned(),
        })
        .collect();
    if data.prices.is_empty() {
        let _ = writeln!(out, "  the product has no prices");
    } else if !hidden.is_empty() && seen.is_some() {
        let _ = writeln!(
            out,
            "  not shown to `{audience}`: the {} price{}",
            hidden.join(", "),
            if hidden.len() == 1 { "" } else { "s" }
        );
    }
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
