//! Post: files derived from a whole view rather than one page — sitemap and robots.txt
//! (later: search index, feeds). Like templates, they see only the plan.

use std::fmt::Write as _;

use crate::markdown::escape;
use crate::plan::Plan;

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
