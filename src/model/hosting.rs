//! Hosting (issue #16, docs/hosting.md): `hosting:` in kanava.yaml — the host the site is
//! deployed to, the users file, and what the output's root page does — and the names of
//! files that must never be published (the build-time guard).
//!
//! Each audience's site is isolated in its own folder, but only the host's access control
//! keeps one audience out of another's folder. `kanava deploy-config` (`crate::deploy`)
//! writes that access control; this module holds what the build itself must know.

use crate::diag::{Diagnostic, suggest_help};
use crate::load::CONFIG_FILE;
use crate::model::audience::{AudienceId, AudienceModel};
use crate::model::catalog::{settings_map, unknown_key, wrong_type};
use crate::yaml::{Node, Value};

/// The hosts `kanava deploy-config` writes access control for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Host {
    Nginx,
    Apache,
    Netlify,
    Cloudflare,
    Cloudfront,
}

impl Host {
    pub const ALL: [Host; 5] = [
        Host::Nginx,
        Host::Apache,
        Host::Netlify,
        Host::Cloudflare,
        Host::Cloudfront,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Host::Nginx => "nginx",
            Host::Apache => "apache",
            Host::Netlify => "netlify",
            Host::Cloudflare => "cloudflare",
            Host::Cloudfront => "cloudfront",
        }
    }
}

/// What the output's root (`public/index.html`) is, for a site with audiences: a page
/// listing the audiences' sites, or a redirect to one of them (usually the public one). It
/// names audiences, never their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RootPage {
    #[default]
    List,
    Redirect(AudienceId),
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `host:`: the default of `deploy-config --host`.
    pub host: Option<Host>,
    /// `users:`: the users file (relative to the site root), the default of `--users`.
    pub users: Option<String>,
    pub root: RootPage,
}

const KEYS: &[&str] = &["host", "users", "root"];

/// Reads `hosting:`; problems are reported at their line, and the setting keeps its default.
pub fn settings(
    node: Option<&Node>,
    audiences: &AudienceModel,
    diags: &mut Vec<Diagnostic>,
) -> Settings {
    let mut settings = Settings::default();
    let Some(entries) = settings_map(node, "hosting", diags) else {
        return settings;
    };
    for (k, v) in entries {
        let Value::Str(key) = &k.value else { continue };
        match (key.as_str(), &v.value) {
            ("host", Value::Str(name)) => match Host::ALL.into_iter().find(|h| h.name() == name) {
                Some(host) => settings.host = Some(host),
                None => {
                    let names: Vec<&str> = Host::ALL.iter().map(|h| h.name()).collect();
                    diags.push(
                        Diagnostic::error("unknown-host", format!("unknown host `{name}`"))
                            .at(CONFIG_FILE, pos(v))
                            .len(name.chars().count())
                            .help(suggest_help(name, &names, "hosts")),
                    );
                }
            },
            ("users", Value::Str(path)) => settings.users = Some(path.clone()),
            ("root", Value::Str(what)) if what == "list" => settings.root = RootPage::List,
            ("root", Value::Str(name)) => match audiences.audience_id(name) {
                Some(id) if audiences.configured => settings.root = RootPage::Redirect(id),
                _ => {
                    let mut known = audiences.audience_names();
                    known.push("list");
                    diags.push(
                        Diagnostic::error(
                            "unknown-audience",
                            format!("`root: {name}` names no audience"),
                        )
                        .at(CONFIG_FILE, pos(v))
                        .len(name.chars().count())
                        .help(suggest_help(
                            name,
                            &known,
                            "`list` (a page listing the audiences' sites) or an audience to redirect to",
                        )),
                    );
                }
            },
            ("host" | "users" | "root", _) => diags.push(
                wrong_type(CONFIG_FILE, 0, v, &format!("a name for `{key}`")).help(
                    "e.g. `hosting: { host: nginx, users: ../secrets/users.csv, root: list }`",
                ),
            ),
            (other, _) => diags.push(unknown_key(CONFIG_FILE, 0, k, other, KEYS, "hosting")),
        }
    }
    settings
}

fn pos(node: &Node) -> crate::diag::Pos {
    crate::diag::Pos::new(node.line, node.column)
}

/// Why a published file named like this would be a leak, if it would: host access files
/// with credentials, Terraform, key material, users lists. The build refuses to publish
/// them (issue #16), wherever they come from: kanava writes access configuration outside
/// the output, and no host reads these from an audience's folder — they would be served
/// as plain files.
pub fn secret_file(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e);
    if name == "_headers" {
        Some("a Netlify `_headers` file (it can hold Basic-Auth passwords)")
    } else if name == ".htpasswd" || ext == Some("htpasswd") || name == ".htaccess" {
        Some("an Apache or nginx access file")
    } else if matches!(ext, Some("tf" | "tfstate" | "tfvars")) || name.ends_with(".tfstate.backup")
    {
        Some("a Terraform file")
    } else if matches!(
        ext,
        Some("pem" | "key" | "p12" | "pfx" | "jks" | "keystore")
    ) || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || name.starts_with("id_ecdsa")
        || name == ".env"
    {
        Some("key material")
    } else if matches!(
        name.as_str(),
        "users.csv" | "users.yaml" | "users.yml" | "deploy-probe.json"
    ) {
        Some("a users or deployment file")
    } else {
        None
    }
}

/// [`secret_file`] as an error at `file` (where the file comes from).
pub fn secret_file_error(file: &str, output: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        "secret-in-output",
        format!("`{file}` would be published as `{output}`, and it is {what}"),
    )
    .in_file(file.to_owned())
    .help(
        "keep access configuration, keys and users files outside content/ and the theme; \
         `kanava deploy-config` writes them outside the output (docs/hosting.md)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "x/_headers",
            ".htpasswd",
            "gold.htpasswd",
            "a/b/.htaccess",
            "main.tf",
            "terraform.tfstate",
            "site.key",
            "cert.PEM",
            "id_rsa",
            "id_ed25519.pub",
            "users.csv",
            "Users.YAML",
            "deploy-probe.json",
        ] {
            assert!(secret_file(name).is_some(), "{name}");
        }
        for name in [
            "headers.md",
            "price-list.csv",
            "keyboard.png",
            "brochure.pdf",
            "tf.txt",
        ] {
            assert!(secret_file(name).is_none(), "{name}");
        }
    }
}
