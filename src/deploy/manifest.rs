//! `deploy-probe.json`: what `kanava probe` tries on the deployed site, chosen from the
//! built site by `deploy-config`. It names paths and users' audiences, never passwords
//! (the probe reads those from the users file given to it).

use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::Deployment;

pub const FILE: &str = "deploy-probe.json";

/// How readers sign in where the site is hosted: what the probe can check with credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Auth {
    /// HTTP Basic authentication (nginx, Apache, Netlify): the probe signs in as users.
    Basic,
    /// A login service in front (Cloudflare Access, CloudFront signed cookies): the probe
    /// checks that anonymous requests are refused or sent to sign in, and no more.
    External,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The kanava version that wrote it.
    pub kanava: String,
    pub host: String,
    pub auth: Auth,
    /// The site's path on the host (`/`): open to anyone, listing or redirecting to the
    /// audiences' sites.
    pub root: Option<String>,
    pub audiences: Vec<Audience>,
    /// Paths nobody may read, signed in or not: kanava's markers, the users file, host
    /// configuration files.
    pub hidden: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Audience {
    pub name: String,
    /// `/gold/`
    pub path: String,
    pub public: bool,
    /// Real files of the built site: its home page, a PDF or image, the search index's
    /// entry, the feed.
    pub page: String,
    pub asset: Option<String>,
    pub search: Option<String>,
    pub feed: Option<String>,
    /// A folder without an index page: must not be listed.
    pub listing: Option<String>,
    /// Made-up files with extensions regex locations like to serve (`.pdf`, `.png`…): a
    /// protected audience must refuse them *before* looking for the file — a 404 instead of
    /// a 401 means the request reached the files without a sign-in.
    pub regex: Vec<String>,
    /// Paths inside the audience's folder nobody may read (its dotfiles).
    pub hidden: Vec<String>,
    /// The page and asset with the folder's name percent-encoded (`/%67old/`, and
    /// `/gold%2F…`): a host or rule that matches paths before decoding them serves these
    /// without a sign-in, while the storage behind decodes them to the protected file.
    #[serde(default)]
    pub encoded: Vec<String>,
}

/// Extensions that nginx configurations commonly give a regex location of their own.
const REGEX_PRONE: &[&str] = &[
    "pdf", "png", "jpg", "svg", "css", "js", "json", "xml", "txt", "zip",
];

pub fn make(d: &Deployment) -> Result<Manifest> {
    let site_dir = &d.request.site_dir;
    let configured = d.configured;
    let mut audiences = Vec::new();
    for t in &d.targets {
        let folder = if configured {
            site_dir.join(&t.name)
        } else {
            site_dir.clone()
        };
        let url = |rel: &str| format!("{}{rel}", t.path);
        let files = files_of(&folder);
        let find = |pred: &dyn Fn(&str) -> bool| files.iter().find(|f| pred(f)).map(|f| url(f));
        audiences.push(Audience {
            name: t.name.clone(),
            path: t.path.clone(),
            public: t.public.is_some(),
            page: t.path.clone(),
            asset: find(&|f| f.ends_with(".pdf")).or_else(|| {
                find(&|f| {
                    [".png", ".jpg", ".jpeg", ".webp", ".svg"]
                        .iter()
                        .any(|e| f.ends_with(e))
                })
            }),
            search: find(&|f| f.ends_with("pagefind-entry.json")),
            feed: find(&|f| f == "feed.xml"),
            listing: ["_kanava/", "pagefind/"]
                .iter()
                .find(|dir| {
                    folder.join(dir).is_dir() && !folder.join(dir).join("index.html").exists()
                })
                .map(|dir| url(dir)),
            regex: REGEX_PRONE
                .iter()
                .map(|ext| url(&format!("kanava-probe-{}.{ext}", t.name)))
                .collect(),
            hidden: [".htaccess", ".htpasswd", ".kanava-output"]
                .iter()
                .map(|f| url(f))
                .collect(),
            encoded: if configured {
                encoded(&d.base_path, &t.name, &files)
            } else {
                Vec::new()
            },
        });
    }
    let mut hidden: Vec<String> = [
        ".kanava-output",
        ".kanava-stamp",
        ".htaccess",
        ".htpasswd",
        ".git/config",
        "_headers",
        FILE,
    ]
    .iter()
    .map(|f| format!("{}{f}", d.base_path))
    .collect();
    if let Some(users) = &d.request.users_file_name {
        hidden.push(format!("{}{users}", d.base_path));
    }
    Ok(Manifest {
        kanava: env!("CARGO_PKG_VERSION").to_owned(),
        host: d.request.host.name().to_owned(),
        auth: match d.request.host {
            super::Host::Nginx | super::Host::Apache | super::Host::Netlify => Auth::Basic,
            super::Host::Cloudflare | super::Host::Cloudfront => Auth::External,
        },
        root: configured.then(|| d.base_path.clone()),
        audiences,
        hidden,
    })
}

/// `/gold/` with its first letter percent-encoded (`/%67old/`), and the first asset under
/// it reached through an encoded slash (`/gold%2Ffiles/x.pdf`).
fn encoded(base: &str, name: &str, files: &[String]) -> Vec<String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Vec::new();
    };
    let mut out = vec![format!("{base}%{:02X}{}/", first as u32, chars.as_str())];
    if let Some(file) = files
        .iter()
        .find(|f| f.contains('/') && !f.starts_with('_'))
    {
        out.push(format!("{base}{name}%2F{file}"));
    }
    out
}

/// Files under `dir`, relative, `/`-separated, sorted (so the choice is the same each run).
fn files_of(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    files.sort();
    files
}
