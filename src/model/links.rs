//! Links: what an author writes in a link (`../ordering/delivery.md#lead-times`,
//! `sku:HP-12`, `img/a.svg`) → the page, anchor or file it names ([`Resolver`], used while
//! Markdown is parsed), and the URL helpers. Targets only: `plan` writes URLs per view.

use std::collections::HashMap;

use super::{Asset, AssetId, Page, PageData, PageId, PageKind, catalog};
use crate::diag::did_you_mean;
use crate::load::CONTENT_DIR;
use crate::markdown::{LinkError, LinkResolver, LinkTarget, Resolved};

/// Lookup tables for link resolution.
pub(super) struct Index<'a> {
    /// Symlinks the loader refused: a link to one says so rather than "does not exist".
    refused: std::collections::HashSet<&'a str>,
    pages_by_source: HashMap<&'a str, PageId>,
    sections_by_dir: HashMap<&'a str, PageId>,
    /// Lowercased SKU → product page, for `sku:` links.
    products_by_sku: HashMap<String, PageId>,
    skus: Vec<&'a str>,
    assets_by_path: HashMap<&'a str, AssetId>,
}

impl<'a> Index<'a> {
    pub(super) fn new(
        pages: &'a [Page],
        assets: &'a [Asset],
        refused: &'a [String],
        catalog: Option<&'a catalog::Catalog>,
    ) -> Index<'a> {
        let mut pages_by_source = HashMap::new();
        let mut sections_by_dir = HashMap::new();
        for (i, p) in pages.iter().enumerate() {
            if let Some(src) = &p.source {
                pages_by_source.insert(src.as_str(), i);
            }
            if matches!(p.kind, PageKind::Home | PageKind::Section) {
                sections_by_dir.insert(p.dir.as_str(), i);
            }
        }
        let assets_by_path = assets
            .iter()
            .enumerate()
            .map(|(i, a)| (a.path.as_str(), i))
            .collect();
        let mut products_by_sku = HashMap::new();
        let mut skus = Vec::new();
        if let Some(catalog) = catalog {
            for (i, p) in pages.iter().enumerate() {
                if let PageData::Product(id) = p.data {
                    products_by_sku.insert(catalog.products[id].sku.to_lowercase(), i);
                    skus.push(catalog.products[id].sku.as_str());
                }
            }
        }
        Index {
            products_by_sku,
            skus,
            refused: refused.iter().map(String::as_str).collect(),
            pages_by_source,
            sections_by_dir,
            assets_by_path,
        }
    }
}

pub(super) struct Resolver<'a> {
    pub(super) index: &'a Index<'a>,
    pub(super) page: &'a Page,
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, dest: &str) -> Result<Option<Resolved>, LinkError> {
        if let Some(anchor) = dest.strip_prefix('#') {
            return Ok(Some(Resolved {
                target: LinkTarget::SelfAnchor(anchor.to_owned()),
                labelled: false,
            }));
        }
        if let Some(sku) = dest.strip_prefix("sku:") {
            return self.product_link(sku);
        }
        if is_external(dest) {
            return Ok(None);
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let path = percent_decode(path);
        if path.starts_with('/') {
            return Err(LinkError {
                code: "absolute-link",
                message: format!(
                    "`{dest}` is an absolute path, which breaks when the site is served from a sub-path or opened from disk"
                ),
                help: "write the path relative to this file, e.g. `../ordering/delivery.md`".into(),
            });
        }
        let Some(target) = join(&self.page.dir, &path) else {
            return Err(LinkError {
                code: "outside-root",
                message: format!("`{dest}` points outside `content/`"),
                help: "link only to files inside `content/`".into(),
            });
        };
        let idx = self.index;
        let page_target = idx
            .pages_by_source
            .get(target.as_str())
            .or_else(|| idx.sections_by_dir.get(target.trim_end_matches('/')));
        if let Some(&page) = page_target {
            return Ok(Some(Resolved {
                target: LinkTarget::Page {
                    page,
                    anchor: anchor.map(str::to_owned),
                },
                labelled: false,
            }));
        }
        if let Some(&asset) = idx.assets_by_path.get(target.as_str()) {
            return Ok(Some(Resolved {
                target: LinkTarget::Asset(asset),
                labelled: false,
            }));
        }
        if idx
            .refused
            .iter()
            .any(|r| target == *r || target.starts_with(&format!("{r}/")))
        {
            return Err(LinkError {
                code: "outside-root",
                message: format!(
                    "`{dest}` points to `{target}`, a symbolic link kanava refuses to follow"
                ),
                help: "see the error on the link itself; copy the file into `content/` instead"
                    .into(),
            });
        }
        // Suggest what the author would have written (relative to this page), comparing
        // file names: whole paths share `../content/` and would all look alike.
        let written = dest.split(['#', '?']).next().unwrap_or(dest);
        let file_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
        let wanted = file_name(written);
        let mut candidates: Vec<String> = idx
            .pages_by_source
            .keys()
            .chain(idx.assets_by_path.keys())
            .filter(|c| strsim::jaro_winkler(&wanted, &file_name(c)) > 0.85)
            .map(|c| relative_path(&self.page.dir, c))
            .collect();
        // The maps' order differs from run to run: sorted, equally close names are suggested
        // the same way every time, so the same site always gets the same help (found by
        // tests/it/incremental.rs).
        candidates.sort();
        let help = match did_you_mean(written, candidates.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`?"),
            None if !target.ends_with(".md") && !target.contains('.') => {
                "link to the page's `.md` file (or a folder's `_index.md`)".into()
            }
            None => "check the path; links are relative to this file".into(),
        };
        Err(LinkError {
            code: "broken-link",
            message: format!("`{dest}` points to `{target}`, which does not exist"),
            help,
        })
    }
}

impl Resolver<'_> {
    /// `sku:HP-12` → the product page.
    fn product_link(&self, sku: &str) -> Result<Option<Resolved>, LinkError> {
        let idx = self.index;
        match idx.products_by_sku.get(&sku.to_lowercase()) {
            Some(&page) => Ok(Some(Resolved {
                target: LinkTarget::Page { page, anchor: None },
                labelled: true,
            })),
            None if idx.skus.is_empty() => Err(LinkError {
                code: "unknown-product",
                message: format!("no product with SKU `{sku}`: this site has no catalog"),
                help: "declare one with `catalog:` in kanava.yaml".into(),
            }),
            None => Err(LinkError {
                code: "unknown-product",
                message: format!("no product with SKU `{sku}`"),
                help: crate::diag::suggest_help(sku, &idx.skus, "SKUs"),
            }),
        }
    }
}

fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !scheme.contains('/')
        }
        None => false,
    }
}

/// Joins a relative link to the folder it was written in (under the site root: `content/…`
/// for pages, `data/…` for catalog data); `None` unless it ends inside `content/`.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    (joined == CONTENT_DIR || joined.starts_with("content/")).then_some(joined)
}

/// `content/ordering/delivery.md` written from `content/products` → `../ordering/delivery.md`.
fn relative_path(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// The URL of `to` (site-root-relative) as seen from the page at `from`.
pub fn relative_url(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    let mut out = "../".repeat(depth);
    out.push_str(&percent_encode_path(to));
    if out.is_empty() { "./".to_owned() } else { out }
}

pub fn percent_encode_path(path: &str) -> String {
    percent_encode(path, b"-._~/!$&'()*+,;=:@")
}

/// `s` with every byte but ASCII letters, digits and `keep` percent-encoded.
pub fn percent_encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins() {
        assert_eq!(
            join("content/a", "../b/c.md").as_deref(),
            Some("content/b/c.md")
        );
        assert_eq!(
            join("content/a", "./x.pdf").as_deref(),
            Some("content/a/x.pdf")
        );
        assert_eq!(join("content", "../kanava.yaml"), None);
        assert_eq!(
            join("data/products", "../../content/a.md").as_deref(),
            Some("content/a.md")
        );
        assert_eq!(join("data", "../../etc/passwd"), None);
        assert_eq!(join("content/a", "../../../etc/passwd"), None);
    }

    #[test]
    fn relative_urls() {
        assert_eq!(relative_url("a/b/", "c/d/"), "../../c/d/");
        assert_eq!(relative_url("", "c/"), "c/");
        assert_eq!(relative_url("a/", ""), "../");
        assert_eq!(relative_url("", ""), "./");
        assert_eq!(
            relative_url("", "files/price list.pdf"),
            "files/price%20list.pdf"
        );
    }

    #[test]
    fn externals() {
        for ext in ["https://x", "mailto:a@b", "tel:+358", "//cdn"] {
            assert!(is_external(ext), "{ext}");
        }
        for int in ["a.md", "../a.md", "a/b:c.md"] {
            assert!(!is_external(int), "{int}");
        }
    }

    #[test]
    fn percent_decoding_never_panics() {
        assert_eq!(percent_decode("price%20list.pdf"), "price list.pdf");
        assert_eq!(percent_decode("%zz%"), "%zz%");
        assert_eq!(percent_decode("%ä"), "%ä");
    }

    #[test]
    fn relative_paths_for_suggestions() {
        assert_eq!(
            relative_path("content/products", "content/ordering/delivery.md"),
            "../ordering/delivery.md"
        );
        assert_eq!(relative_path("content", "content/a.md"), "a.md");
    }
}
