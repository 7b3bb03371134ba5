//! Output paths: where every file a view writes goes, relative to the view's folder, and
//! which folder a view is. One module, so that the renderer, `post`, the model's check of
//! reserved paths and the writer cannot disagree (issue #12); a language joins here when
//! views get one.
//!
//! URLs are folder-style (`ordering/delivery/`, served as `…/index.html`); all are
//! relative to the view's root.

use crate::model::Site;
use crate::model::audience::AudienceModel;
use crate::model::languages::{LangId, Languages};
use crate::plan::View;

/// The theme's static files and the generated stylesheet.
pub const THEME: &str = "_kanava/";
/// The view's search index and pagefind's browser files (inside the theme's folder, which
/// content cannot use).
pub const SEARCH: &str = "_kanava/search/";
pub const TAGS: &str = "tags/";
pub const ALL: &str = "all/";
pub const NOT_FOUND: &str = "404.html";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
/// What's new in the view: its newest guides and products (issue #14).
pub const WHATS_NEW: &str = "whats-new/";
/// The materials library of the view: every file it may download, with filters (issue #14).
pub const MATERIALS: &str = "materials/";
/// The learning paths of the view ("Your onboarding", issue #15).
pub const PATHS: &str = "paths/";
/// The completion certificate of any path of the view (`?path=` names it; filled in by
/// the reader's browser from their progress).
pub const CERTIFICATE: &str = "paths/certificate/";
/// The same list as an Atom feed (only when it has an entry).
pub const FEED: &str = "feed.xml";
/// The catalog's price list page, below the catalog (`catalog/price-list/`).
pub const PRICE_LIST_SEGMENT: &str = "price-list";
/// The price list as CSV, beside it (`catalog/price-list.csv`).
pub const PRICE_LIST_CSV: &str = "price-list.csv";

/// The view's folder inside the output: the audience's name, or the output itself for a
/// site without audiences; a language other than the default in its code's folder inside
/// that (`gold/fi`, or `fi`). Computed once per site ([`view_folders`]).
pub fn view_folder(site: &Site, view: View) -> &str {
    let site = site.in_language(view.language);
    &site.view_folders[view.audience]
}

/// Every audience's folder in `language` (see [`view_folder`]).
pub fn view_folders(
    audiences: &AudienceModel,
    languages: &Languages,
    language: LangId,
) -> Vec<String> {
    audiences
        .audiences
        .iter()
        .map(|a| {
            let audience = if audiences.configured {
                a.name.as_str()
            } else {
                ""
            };
            match (language, audience) {
                (0, _) => audience.to_owned(),
                (l, "") => languages.codes[l].clone(),
                (l, audience) => format!("{audience}/{}", languages.codes[l]),
            }
        })
        .collect()
}

/// Where a view is served, from `base_url` (for absolute links: sitemap, canonical links).
pub fn view_url(base_url: &str, folder: &str) -> String {
    if folder.is_empty() {
        base_url.to_owned()
    } else {
        format!("{base_url}{folder}/")
    }
}

/// The file a page's URL is written to.
pub fn page_file(url: &str) -> String {
    format!("{url}index.html")
}

/// The URL of a tag's page.
pub fn tag(name: &str) -> String {
    format!("{TAGS}{}/", crate::html::slugify(name))
}

/// A file of the theme (`name` relative to the theme's `static/`).
pub fn theme_file(name: &str) -> String {
    format!("{THEME}{name}")
}

/// A file of the search index.
pub fn search_file(name: &str) -> String {
    format!("{SEARCH}{name}")
}

/// The price list page of the catalog at `catalog_url`.
pub fn price_list(catalog_url: &str) -> String {
    format!("{catalog_url}{PRICE_LIST_SEGMENT}/")
}

/// The price list CSV of the catalog at `catalog_url`.
pub fn price_list_csv(catalog_url: &str) -> String {
    format!("{catalog_url}{PRICE_LIST_CSV}")
}

/// What a view holds besides pages and content files, folders `/`-terminated: content may
/// not use these paths (an asset there was silently replaced, issue #12).
pub fn generated(catalog_url: Option<&str>) -> Vec<(String, &'static str)> {
    let mut paths = vec![
        (THEME.to_owned(), "the theme's files"),
        (TAGS.to_owned(), "the tag pages"),
        (ALL.to_owned(), "the list of all pages"),
        (NOT_FOUND.to_owned(), "the page-not-found page"),
        (SITEMAP.to_owned(), "the sitemap"),
        (ROBOTS.to_owned(), "the robots.txt file"),
        (WHATS_NEW.to_owned(), "the what's new page"),
        (FEED.to_owned(), "the Atom feed"),
        (MATERIALS.to_owned(), "the materials library"),
        (PATHS.to_owned(), "the learning paths and their certificate"),
        // An encrypted audience's service worker (issue 20) sits at its folder's root.
        (
            crate::encrypt::SERVICE_WORKER.to_owned(),
            "the encrypted site's service worker",
        ),
    ];
    if let Some(catalog) = catalog_url {
        paths.push((price_list(catalog), "the price list"));
        paths.push((price_list_csv(catalog), "the price list"));
    }
    paths
}
