//! `kanava deploy-config` (issue #16, docs/hosting.md): the access control a host needs so
//! that each audience's folder is readable only by that audience's users, written for the
//! host named, **outside the publish folder**, with `deploy-probe.json` for `kanava probe`.
//!
//! Every host fails open somewhere (an nginx regex location, Apache's `AllowOverride None`,
//! a `_headers` file on the wrong host, Cloudflare's `pages.dev` names); each generator
//! writes the form that does not, and says in comments why. The output is a function of the
//! site's configuration, the users file and the deploy parameters; password hashes are
//! salted, so a hash is kept from the previous run when its password still matches it.

mod apache;
mod cloud;
pub mod manifest;
mod nginx;
pub mod users;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::model::Site;
use crate::model::audience::{Openness, PublicBecause};
pub use crate::model::hosting::Host;
pub use manifest::Manifest;
pub use users::{Hash, User};

/// What `deploy-config` was asked for.
pub struct Request {
    pub host: Host,
    /// The built site (the publish folder), read for the paths the probe tries.
    pub site_dir: PathBuf,
    /// Where the configuration is written (outside `site_dir`).
    pub out: PathBuf,
    /// Where the htpasswd files will be on the server (absolute) [default: `<out>/htpasswd`].
    pub secrets_dir: Option<String>,
    /// Where the publish folder will be on the server (absolute) [default: `site_dir`].
    pub docroot: Option<String>,
    pub hash: Hash,
    /// The site's address [default: `base_url`]; needed by the cloud hosts.
    pub url: Option<String>,
    /// Cloudflare Pages project name: its `pages.dev` hostnames are covered too.
    pub pages_project: Option<String>,
    /// The users file's name, for the probe to check it is not served.
    pub users_file_name: Option<String>,
}

/// An audience's site as a host sees it.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub title: String,
    /// Its URL path: `/gold/` (or `/extranet/gold/` under a `base_url` with a path; `/` for
    /// a site without audiences).
    pub path: String,
    pub public: Option<PublicBecause>,
    pub users: Vec<User>,
}

/// Everything a generator needs.
pub struct Deployment<'a> {
    pub request: &'a Request,
    pub site_title: &'a str,
    /// `https://partners.example.com` (no path), when known.
    pub origin: Option<String>,
    /// The site's path on the host: `/`, or `/extranet/`.
    pub base_path: String,
    pub targets: Vec<Target>,
    /// The site has audiences, each in a folder of its own; false: one site at the root.
    pub configured: bool,
    /// Absolute, on the server.
    pub secrets_dir: String,
    pub docroot: String,
    /// Hashes already in `<out>/htpasswd/` (user and audience → hash), reused while their
    /// password still matches.
    previous: BTreeMap<(String, String), String>,
}

/// A generated file, relative to the output folder.
pub struct File {
    pub path: String,
    pub text: String,
    /// Holds credentials: written readable by its owner only.
    pub secret: bool,
}

/// What a generator made: files, warnings for the terminal, and what to do next.
#[derive(Default)]
pub struct Generated {
    pub files: Vec<File>,
    pub warnings: Vec<String>,
    pub next_steps: Vec<String>,
}

impl Generated {
    fn file(&mut self, path: impl Into<String>, text: String) {
        self.files.push(File {
            path: path.into(),
            text,
            secret: false,
        });
    }
    fn secret(&mut self, path: impl Into<String>, text: String) {
        self.files.push(File {
            path: path.into(),
            text,
            secret: true,
        });
    }
}

impl Deployment<'_> {
    pub fn protected(&self) -> impl Iterator<Item = &Target> {
        self.targets.iter().filter(|t| t.public.is_none())
    }

    /// The htpasswd file of `target`: `user:hash` lines, in the users file's order.
    fn htpasswd(&self, target: &Target) -> Result<String> {
        let mut out = String::new();
        for user in &target.users {
            let hash = match (&user.hash, &user.password) {
                (Some(hash), _) => hash.clone(),
                (None, Some(password)) => {
                    let key = (user.name.clone(), target.name.clone());
                    match self.previous.get(&key) {
                        Some(old)
                            if users::hash_kind(old) == Some(self.request.hash)
                                && users::verify(password, old) =>
                        {
                            old.clone()
                        }
                        _ => users::hash_password(password, self.request.hash)?,
                    }
                }
                (None, None) => bail!("user `{}` has no password", user.name),
            };
            out.push_str(&format!("{}:{hash}\n", user.name));
        }
        Ok(out)
    }

    /// Where `target`'s htpasswd file is on the server.
    fn htpasswd_path(&self, target: &Target) -> String {
        format!(
            "{}/{}.htpasswd",
            self.secrets_dir.trim_end_matches('/'),
            target.name
        )
    }
}

/// Plans the deployment of `site` (its audiences and who may read them) for `request`.
/// Refuses a protected audience without users, and an output inside the publish folder.
pub fn plan<'a>(site: &'a Site, users: Vec<User>, request: &'a Request) -> Result<Deployment<'a>> {
    let site_dir = absolute(&request.site_dir)?;
    let out = absolute(&request.out)?;
    if out.starts_with(&site_dir) {
        bail!(
            "`{}` is inside the publish folder `{}`: access configuration and password hashes must stay out of what the host serves; choose another `--out`",
            out.display(),
            site_dir.display()
        );
    }
    if !site_dir.join(crate::write::output::MARKER).is_file() {
        bail!(
            "`{}` holds no site built by kanava: run `kanava build` first (or give the publish folder with `--site`)",
            site_dir.display()
        );
    }
    let url = request.url.clone().or_else(|| site.config.base_url.clone());
    let (origin, base_path) = match &url {
        Some(url) => split_url(url)?,
        None => (None, "/".to_owned()),
    };
    let model = &site.audiences;
    let mut targets: Vec<Target> = model
        .audiences
        .iter()
        .enumerate()
        .map(|(id, a)| Target {
            name: a.name.clone(),
            title: a.title.clone().unwrap_or_else(|| a.name.clone()),
            path: if model.configured {
                format!("{base_path}{}/", a.name)
            } else {
                base_path.clone()
            },
            public: match model.openness(id) {
                Openness::Public(why) => Some(why),
                Openness::Protected => None,
            },
            users: Vec::new(),
        })
        .collect();
    for user in users {
        if let Some(t) = targets.get_mut(user.audience) {
            t.users.push(user);
        }
    }
    let lonely: Vec<&str> = targets
        .iter()
        .filter(|t| t.public.is_none() && t.users.is_empty())
        .map(|t| t.name.as_str())
        .collect();
    if !lonely.is_empty() {
        bail!(
            "no users for {}: nobody could read {}; add users to the users file, or mark an audience that is meant to be open with `public: true` in kanava.yaml",
            lonely
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if lonely.len() == 1 {
                "its site"
            } else {
                "their sites"
            }
        );
    }
    let secrets_dir = match &request.secrets_dir {
        Some(dir) if dir.starts_with('/') => dir.clone(),
        Some(dir) => bail!("`--secrets-dir {dir}` must be an absolute path on the server"),
        None => out.join("htpasswd").to_string_lossy().into_owned(),
    };
    let docroot = match &request.docroot {
        Some(dir) if dir.starts_with('/') => dir.trim_end_matches('/').to_owned(),
        Some(dir) => bail!("`--docroot {dir}` must be an absolute path on the server"),
        None => site_dir.to_string_lossy().trim_end_matches('/').to_owned(),
    };
    Ok(Deployment {
        request,
        site_title: &site.config.title,
        origin,
        base_path,
        targets,
        configured: model.configured,
        secrets_dir,
        docroot,
        previous: previous_hashes(&out.join("htpasswd")),
    })
}

/// Generates the host's files and the probe's manifest, and writes them into
/// `request.out` (credentials readable by the owner only). Returns what was generated.
pub fn generate(d: &Deployment) -> Result<Generated> {
    let mut generated = match d.request.host {
        Host::Nginx => nginx::generate(d)?,
        Host::Apache => apache::generate(d)?,
        Host::Netlify => cloud::netlify(d)?,
        Host::Cloudflare => cloud::cloudflare(d)?,
        Host::Cloudfront => cloud::cloudfront(d)?,
    };
    let manifest = manifest::make(d)?;
    generated.file(
        manifest::FILE,
        serde_json::to_string_pretty(&manifest)? + "\n",
    );
    for t in &d.targets {
        if let Some(why) = t.public {
            generated.warnings.push(format!(
                "`{}` is public: anyone can read {} ({})",
                t.name,
                t.path,
                match why {
                    PublicBecause::Said => "`public: true` in kanava.yaml",
                    PublicBecause::LowestTier =>
                        "it has the lowest tier; say `public: false` to protect it",
                }
            ));
            if !t.users.is_empty() {
                generated.warnings.push(format!(
                    "the users of public audience `{}` are not needed and were left out",
                    t.name
                ));
            }
        }
    }
    Ok(generated)
}

/// Writes `generated` into `out`, replacing files of the same name (other files there are
/// left alone). Credentials are created with mode 0600 on Unix.
pub fn write(out: &Path, generated: &Generated) -> Result<()> {
    for file in &generated.files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        write_file(&path, file.text.as_bytes(), file.secret)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(())
}

#[cfg(unix)]
fn write_file(path: &Path, bytes: &[u8], secret: bool) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mode = if secret { 0o600 } else { 0o644 };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)?;
    // An existing file keeps its mode on open: set it.
    f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_file(path: &Path, bytes: &[u8], _secret: bool) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// The first lines of every generated file: what made it, for which site, and that it is
/// regenerated rather than edited.
fn header(d: &Deployment, comment: &str) -> String {
    format!(
        "{comment} Generated by `kanava deploy-config --host {}` (kanava {}) for \"{}\".\n\
         {comment} Regenerate it rather than edit it: users come from the users file.\n",
        d.request.host.name(),
        env!("CARGO_PKG_VERSION"),
        d.site_title.replace(['\n', '\r'], " "),
    )
}

/// `s` in double quotes, for nginx and Apache configuration.
fn quoted(s: &str) -> String {
    let inner = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\n', '\r'], " ");
    format!("\"{inner}\"")
}

/// `https://host/extranet/` → (`https://host`, `/extranet/`).
fn split_url(url: &str) -> Result<(Option<String>, String)> {
    let Some((scheme, rest)) = url.split_once("://") else {
        bail!("`{url}` is not an address like https://partners.example.com/");
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() {
        bail!("`{url}` names no host");
    }
    let mut path = path.split(['?', '#']).next().unwrap_or("/").to_owned();
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((Some(format!("{scheme}://{host}")), path))
}

fn absolute(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path).with_context(|| format!("`{}`", path.display()))?;
    // Symlinks resolved where the folder exists, so "inside" means inside on disk.
    Ok(abs.canonicalize().unwrap_or(abs))
}

/// `<audience>.htpasswd` files from the previous run: (user, audience) → hash.
fn previous_hashes(dir: &Path) -> BTreeMap<(String, String), String> {
    let mut found = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(audience) = name.strip_suffix(".htpasswd") else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for line in text.lines() {
            if let Some((user, hash)) = line.split_once(':') {
                found.insert((user.to_owned(), audience.to_owned()), hash.to_owned());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_origin_and_path() {
        assert_eq!(
            split_url("https://partners.example.com/").unwrap(),
            (Some("https://partners.example.com".into()), "/".into())
        );
        assert_eq!(
            split_url("https://example.com/extranet").unwrap(),
            (Some("https://example.com".into()), "/extranet/".into())
        );
        assert!(split_url("partners.example.com").is_err());
    }
}
