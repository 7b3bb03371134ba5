//! URLs and output names: a page's URL segment, and the checks that every URL and content
//! file can be written (unique, not over a generated page, within the file system's name
//! length) before anything is (issue #12: `check` must catch what `build` would fail on).

use std::collections::HashMap;

use super::{Asset, Page, catalog};
use crate::diag::Diagnostic;
use crate::load::AssetFile;

/// The longest file or folder name most file systems allow, in bytes (`NAME_MAX`). Every URL
/// segment becomes one: a longer tag, slug, SKU or file name passed `check` and failed the
/// build with an I/O error (issue #12).
pub const MAX_SEGMENT_BYTES: usize = 255;

/// The error for a URL segment (`what`: "tag", "slug", "SKU"…) too long to be a folder name,
/// without a place: callers know it.
pub fn long_segment(what: &str, segment: &str) -> Option<Diagnostic> {
    (segment.len() > MAX_SEGMENT_BYTES).then(|| {
        let shown: String = segment.chars().take(40).collect();
        Diagnostic::error(
            "long-name",
            format!(
                "the {what} `{shown}…` makes a URL segment of {} bytes, longer than a file name may be ({MAX_SEGMENT_BYTES} bytes)",
                segment.len()
            ),
        )
        .help(format!("shorten it to at most {MAX_SEGMENT_BYTES} bytes"))
    })
}

/// File and folder names become URL segments: lowercase, spaces to `-`.
pub(super) fn url_segment(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    if s.is_empty() { "page".to_owned() } else { s }
}

pub(super) fn check_urls(pages: &[Page], has_catalog: bool, diags: &mut Vec<Diagnostic>) {
    let catalog_url = format!("{}/", catalog::CATALOG_SEGMENT);
    let generated = crate::paths::generated(has_catalog.then_some(catalog_url.as_str()));
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    for page in pages {
        let catalog_taken = has_catalog && page.url == catalog_url && !page.kind.is_catalog();
        // A page is a folder: it may not be a generated folder, nor have a generated file's
        // name (`content/robots.txt.md` made a folder where the file goes).
        let taken = generated
            .iter()
            .find(|(path, _)| page.url == *path || page.url.strip_suffix('/') == Some(path));
        if let Some((path, what)) = taken {
            diags.push(
                Diagnostic::error(
                    "reserved-url",
                    format!("`/{path}` is reserved for kanava's generated pages ({what})"),
                )
                .in_file(page.display_path())
                .help("rename the file or folder, or give it another `slug`"),
            );
        } else if page.parent == Some(0) && catalog_taken {
            diags.push(
                Diagnostic::error(
                    "reserved-url",
                    format!("`/{}` is reserved for the product catalog", page.url),
                )
                .in_file(page.display_path())
                .help("rename the file or folder, or give it another `slug`"),
            );
        }
        let segment = page.url.trim_end_matches('/').rsplit('/').next();
        if let Some(d) = segment.and_then(|s| long_segment("page's URL", s)) {
            diags.push(
                d.in_file(page.display_path())
                    .help("rename the file or folder, or give it a shorter `slug`"),
            );
        }
        if let Some(first) = seen.insert(&page.url, page) {
            diags.push(
                Diagnostic::error(
                    "duplicate-url",
                    format!(
                        "`{}` and `{}` both map to the URL `/{}`",
                        first.display_path(),
                        page.display_path(),
                        page.url
                    ),
                )
                .in_file(page.display_path())
                .help("give one of them another `slug`, or rename it"),
            );
        }
    }
}

pub(super) fn asset(file: &AssetFile) -> Asset {
    Asset {
        path: file.path.clone(),
        url: file
            .path
            .strip_prefix("content/")
            .unwrap_or(&file.path)
            .to_owned(),
        disk_path: file.disk_path.clone(),
        info: crate::load::files::read(&file.disk_path, &file.path),
        material: None,
    }
}

pub(super) fn check_asset_paths(
    pages: &[Page],
    assets: &[Asset],
    has_catalog: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let page_files: HashMap<String, &Page> = pages
        .iter()
        .map(|p| (crate::paths::page_file(&p.url), p))
        .collect();
    let catalog_url = format!("{}/", catalog::CATALOG_SEGMENT);
    let generated = crate::paths::generated(has_catalog.then_some(catalog_url.as_str()));
    // Two files written to one name (a material named with its version, `x-2.pdf`, beside a
    // file `x-2.pdf`; or names differing only in case, one file on Windows and macOS).
    let mut names: HashMap<String, &Asset> = HashMap::new();
    for a in assets {
        if let Some(first) = names.insert(a.url.to_lowercase(), a) {
            let (first, second) = if first.path < a.path {
                (first, a)
            } else {
                (a, first)
            };
            let sidecar = |x: &Asset| {
                x.material
                    .map(|_| format!("{}.yaml", x.path))
                    .unwrap_or_else(|| x.path.clone())
            };
            diags.push(
                Diagnostic::error(
                    "duplicate-url",
                    format!(
                        "`{}` and `{}` would both be written to `{}`",
                        first.path, second.path, second.url
                    ),
                )
                .in_file(sidecar(second))
                .help("rename one of the files, or give the material another `version`"),
            );
        }
    }
    for a in assets {
        let reserved = generated.iter().find(|(path, _)| {
            if path.ends_with('/') {
                a.url.starts_with(path.as_str())
            } else {
                a.url == *path
            }
        });
        if let Some(page) = page_files.get(&a.url) {
            diags.push(
                Diagnostic::error(
                    "duplicate-url",
                    format!(
                        "`{}` would overwrite the page `{}`",
                        a.path,
                        page.display_path()
                    ),
                )
                .in_file(a.path.clone())
                .help("rename or move the file"),
            );
        } else if let Some((path, what)) = reserved {
            let (message, help) = if path.ends_with('/') {
                (
                    format!(
                        "`{}` is inside `/{path}`, where kanava writes {what}",
                        a.path
                    ),
                    "move the file to another folder",
                )
            } else {
                (
                    format!(
                        "`{}` would replace `/{path}`, which kanava writes ({what})",
                        a.path
                    ),
                    "remove or rename the file: kanava writes this one itself",
                )
            };
            diags.push(
                Diagnostic::error("reserved-url", message)
                    .in_file(a.path.clone())
                    .help(help),
            );
        }
    }
}
