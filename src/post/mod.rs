//! Post: files derived from a whole view rather than one page — sitemap, robots.txt, the
//! price list CSV, the Atom feed of what's new (`feed`) and the search index (`search`,
//! behind the default `search` feature). Like templates, they see only the plan.
//!
//! [`ViewOutput`] is the seam: `lib.rs` writes every view through each output in turn (the
//! renderer's pages first, then these), so a new kind of per-view file is one more
//! implementation, not a change to the build.

pub mod feed;
#[cfg(feature = "search")]
pub mod search;

pub use feed::Feed;

use std::fmt::Write as _;

use anyhow::Result;

use crate::diag::Diagnostic;
use crate::html::escape;
use crate::plan::Plan;
use crate::write::Destination;

/// One kind of output made from a whole view.
pub trait ViewOutput: Sync {
    /// Writes what this output makes of `plan` into the view's `folder` of `dest`.
    /// Problems with the site come back as diagnostics; I/O failures as `Err`.
    fn write(&self, plan: &Plan, dest: &dyn Destination, folder: &str) -> Result<Vec<Diagnostic>>;
}

/// `sitemap.xml` (only with `base_url`).
pub struct Sitemap;

impl ViewOutput for Sitemap {
    fn write(&self, plan: &Plan, dest: &dyn Destination, folder: &str) -> Result<Vec<Diagnostic>> {
        if let Some(xml) = sitemap(plan, &plan.site_url()) {
            dest.view(folder)
                .write(crate::paths::SITEMAP, xml.as_bytes())?;
        }
        Ok(Vec::new())
    }
}

/// `robots.txt`.
pub struct Robots;

impl ViewOutput for Robots {
    fn write(&self, plan: &Plan, dest: &dyn Destination, folder: &str) -> Result<Vec<Diagnostic>> {
        let production = plan.view.stage == crate::model::lifecycle::Stage::Production;
        dest.view(folder).write(
            crate::paths::ROBOTS,
            robots(&plan.site_url(), production).as_bytes(),
        )?;
        Ok(Vec::new())
    }
}

/// The price list as CSV, for views that see prices.
pub struct PriceListCsv;

impl ViewOutput for PriceListCsv {
    fn write(&self, plan: &Plan, dest: &dyn Destination, folder: &str) -> Result<Vec<Diagnostic>> {
        if let Some((path, csv)) = price_list_csv(plan) {
            dest.view(folder).write(&path, csv.as_bytes())?;
        }
        Ok(Vec::new())
    }
}

/// `sitemap.xml` needs absolute URLs, so it exists only when `base_url` is set.
pub fn sitemap(plan: &Plan, site_url: &Option<String>) -> Option<String> {
    let site_url = site_url.as_ref()?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in &plan.pages {
        let loc = escape(&format!(
            "{site_url}{}",
            crate::model::percent_encode_path(page.url)
        ));
        let _ = write!(xml, "  <url><loc>{loc}</loc>");
        if let Some(updated) = page.updated {
            let _ = write!(xml, "<lastmod>{updated}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// Outside production, robots are turned away from everything (review sites get found).
pub fn robots(site_url: &Option<String>, production: bool) -> String {
    if !production {
        return String::from("User-agent: *\nDisallow: /\n");
    }
    let mut txt = String::from("User-agent: *\nAllow: /\n");
    if let Some(url) = site_url {
        let _ = writeln!(txt, "Sitemap: {url}sitemap.xml");
    }
    txt
}

/// `catalog/price-list.csv`: the view's products with the prices it may see (list and its
/// own tier's; every tier's for staff), for partners' own systems. Amounts are plain
/// decimals (`1234.50`).
pub fn price_list_csv(plan: &Plan) -> Option<(String, String)> {
    let catalog = plan.catalog.as_ref().filter(|c| c.has_prices)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    // No "your price" column for a view that sees no tier price.
    let own = catalog.price_label.as_deref();
    let tier_headers: Vec<String> = catalog
        .tier_columns
        .iter()
        .map(|tier| format!("Price ({tier})"))
        .collect();
    let mut header = vec!["SKU", "Name", "Category", "List price"];
    header.extend(own);
    header.extend(tier_headers.iter().map(String::as_str));
    header.extend(["Currency", "Status"]);
    let _ = w.write_record(&header);
    for page in &plan.pages {
        let Some(product) = &page.product else {
            continue;
        };
        let category = page.parent.map_or("", |c| plan.pages[c].title);
        let money =
            |m: Option<crate::model::money::Money>| m.map(|m| m.plain()).unwrap_or_default();
        let (list, own_price) = (money(product.list_price), money(product.own_price));
        let tier_prices: Vec<String> = product.tier_prices.iter().map(|&m| money(m)).collect();
        let mut row = vec![product.sku, page.title, category, &list];
        if own.is_some() {
            row.push(&own_price);
        }
        row.extend(tier_prices.iter().map(String::as_str));
        row.extend([catalog.currency, product.status.label()]);
        let _ = w.write_record(&row);
    }
    let bytes = w.into_inner().ok()?;
    let path = crate::paths::price_list_csv(plan.pages[catalog.page].url);
    Some((path, String::from_utf8(bytes).ok()?))
}
