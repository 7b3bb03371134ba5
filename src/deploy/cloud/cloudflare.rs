//! Cloudflare Access: one self-hosted application per protected audience's folder, each
//! with a reusable policy allowing that audience's users by email address. Written twice:
//! `cloudflare/access-plan.json` (the bodies of the Cloudflare API's calls) and
//! `cloudflare/access.tf` (the same for Terraform's Cloudflare provider v5).
//!
//! Access signs people in itself, so the users file's passwords are not used, and its user
//! names must be the email addresses people sign in with. A Pages project's `pages.dev`
//! hostnames serve the same files without Access unless an application covers them too.

use anyhow::{Result, bail};
use serde::Serialize;

use super::super::{Deployment, Generated, Target, header};
use super::{hostname, origin, plural};

pub const PLAN: &str = "access-plan.json";
pub const TERRAFORM: &str = "access.tf";

/// How long a sign-in lasts before Access asks again.
const SESSION: &str = "24h";

pub fn generate(d: &Deployment) -> Result<Generated> {
    let mut g = Generated::default();
    let host = hostname(origin(d, "Cloudflare Access")?);
    let protected: Vec<&Target> = d.protected().collect();
    let mut apps = Vec::new();
    for t in &protected {
        apps.push(App::of(d, t, host)?);
    }
    if protected.iter().any(|t| {
        t.users
            .iter()
            .any(|u| u.password.is_some() || u.hash.is_some())
    }) {
        g.warnings.push(
            "Cloudflare Access signs people in itself (one-time PIN or your identity provider): the users file's passwords and hashes are not used".to_owned(),
        );
    }
    match &d.request.pages_project {
        Some(project) => g.next_steps.push(format!(
            "the applications cover {project}.pages.dev and *.{project}.pages.dev (previews, branch aliases) as well as {host}: add the custom domain to the Pages project before applying them (Pages cannot add a domain that Access already protects)"
        )),
        None if !protected.is_empty() => g.warnings.push(
            "no `--pages-project`: if the site is on Cloudflare Pages, <project>.pages.dev and its preview hostnames (*.<project>.pages.dev) serve every audience's folder without Access; give `--pages-project NAME` to cover them, or turn them off (docs/hosting.md)".to_owned(),
        ),
        None => {}
    }
    g.file(PLAN, plan(d, &apps)?);
    g.file(TERRAFORM, terraform(d, &apps));
    g.next_steps.push(format!(
        "apply {TERRAFORM} (`terraform init && terraform apply -var account_id=…`), or make the API calls listed in {PLAN}; then enable an identity provider (the one-time PIN works with any email address)"
    ));
    Ok(g)
}

/// One protected audience's application and policy, as both files write them.
struct App<'t> {
    target: &'t Target,
    /// `partners.example.com/gold`: a path without `/*` covers the folder and everything in
    /// it (Access's policy inheritance), `/gold/*` would leave `/gold` itself uncovered.
    /// https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/
    uris: Vec<String>,
    /// Sorted, so the order of the users file does not change the output.
    emails: Vec<String>,
}

impl<'t> App<'t> {
    fn of(d: &Deployment, t: &'t Target, host: &str) -> Result<App<'t>> {
        let path = t.path.trim_end_matches('/');
        let mut hosts = vec![host.to_owned()];
        if let Some(project) = &d.request.pages_project {
            // The production alias and every preview and branch alias: Pages serves the
            // same files on all of them.
            // https://developers.cloudflare.com/pages/configuration/preview-deployments/
            hosts.push(format!("{project}.pages.dev"));
            hosts.push(format!("*.{project}.pages.dev"));
        }
        let uris = hosts.iter().map(|h| format!("{h}{path}")).collect();
        let mut emails = Vec::new();
        for user in &t.users {
            if !is_email(&user.name) {
                bail!(
                    "user `{}` of audience `{}` is not an email address: Cloudflare Access lets people in by the address they sign in with, so each user's `user` in the users file must be that address (e.g. anna@reseller.example)",
                    user.name,
                    t.name
                );
            }
            emails.push(user.name.clone());
        }
        emails.sort();
        emails.dedup();
        Ok(App {
            target: t,
            uris,
            emails,
        })
    }

    fn name(&self, d: &Deployment) -> String {
        format!("{} — {}", d.site_title, self.target.title)
    }
}

/// `name@domain.tld`, loosely: what Access can match against a signed-in address.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

// The API's request bodies, as the Cloudflare API reference writes them:
// https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/policies/methods/create/
// https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/applications/methods/create/

#[derive(Serialize)]
struct Plan<'a> {
    about: String,
    docs: [&'static str; 4],
    steps: [String; 3],
    policies: Vec<PlanPolicy<'a>>,
    applications: Vec<PlanApp<'a>>,
}

#[derive(Serialize)]
struct PlanPolicy<'a> {
    audience: &'a str,
    /// POST /accounts/{account_id}/access/policies
    body: PolicyBody,
}

#[derive(Serialize)]
struct PolicyBody {
    name: String,
    decision: &'static str,
    include: Vec<Include>,
}

#[derive(Serialize)]
struct Include {
    email: Email,
}

#[derive(Serialize)]
struct Email {
    email: String,
}

#[derive(Serialize)]
struct PlanApp<'a> {
    audience: &'a str,
    /// POST /accounts/{account_id}/access/apps
    body: AppBody,
}

#[derive(Serialize)]
struct AppBody {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    domain: String,
    destinations: Vec<Destination>,
    session_duration: &'static str,
    app_launcher_visible: bool,
    path_cookie_attribute: bool,
    http_only_cookie_attribute: bool,
    policies: Vec<PolicyLink>,
}

#[derive(Serialize)]
struct Destination {
    #[serde(rename = "type")]
    kind: &'static str,
    uri: String,
}

#[derive(Serialize)]
struct PolicyLink {
    id: String,
    precedence: u32,
}

fn plan(d: &Deployment, apps: &[App]) -> Result<String> {
    let plan = Plan {
        about: format!(
            "Cloudflare Access plan for \"{}\": one self-hosted application per protected audience, generated by `kanava deploy-config --host cloudflare` (kanava {}). Regenerate it rather than edit it.",
            d.site_title,
            env!("CARGO_PKG_VERSION")
        ),
        docs: [
            "https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/",
            "https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/policies/methods/create/",
            "https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/applications/methods/create/",
            "https://developers.cloudflare.com/pages/platform/known-issues/#enable-access-on-your-pagesdev-domain",
        ],
        steps: [
            "For each entry of `policies`, POST its `body` to https://api.cloudflare.com/client/v4/accounts/{account_id}/access/policies and note the `id` it returns.".to_owned(),
            "For each entry of `applications`, replace ${POLICY_ID_<audience>} with that id and POST its `body` to https://api.cloudflare.com/client/v4/accounts/{account_id}/access/apps.".to_owned(),
            "Then check from a private window that every `uri` asks for a sign-in, and run `kanava probe`.".to_owned(),
        ],
        policies: apps
            .iter()
            .map(|a| PlanPolicy {
                audience: &a.target.name,
                body: PolicyBody {
                    name: a.name(d),
                    decision: "allow",
                    include: a
                        .emails
                        .iter()
                        .map(|e| Include {
                            email: Email { email: e.clone() },
                        })
                        .collect(),
                },
            })
            .collect(),
        applications: apps
            .iter()
            .map(|a| PlanApp {
                audience: &a.target.name,
                body: AppBody {
                    name: a.name(d),
                    kind: "self_hosted",
                    domain: a.uris[0].clone(),
                    destinations: a
                        .uris
                        .iter()
                        .map(|u| Destination {
                            kind: "public",
                            uri: u.clone(),
                        })
                        .collect(),
                    session_duration: SESSION,
                    app_launcher_visible: false,
                    path_cookie_attribute: true,
                    http_only_cookie_attribute: true,
                    policies: vec![PolicyLink {
                        id: format!("${{POLICY_ID_{}}}", a.target.name),
                        precedence: 1,
                    }],
                },
            })
            .collect(),
    };
    Ok(serde_json::to_string_pretty(&plan)? + "\n")
}

/// The same applications and policies for Terraform's Cloudflare provider v5.
fn terraform(d: &Deployment, apps: &[App]) -> String {
    let mut out = header(d, "#");
    out.push_str(
        "#
# Cloudflare Access for the Cloudflare Terraform provider v5 (`cloudflare_zero_trust_access_*`;
# v4 named them `cloudflare_access_*`, with other attribute shapes):
# https://registry.terraform.io/providers/cloudflare/cloudflare/latest/docs/resources/zero_trust_access_application
# https://registry.terraform.io/providers/cloudflare/cloudflare/latest/docs/resources/zero_trust_access_policy
# Application paths: https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/
#
# One self-hosted application per protected audience's folder, with a reusable policy that
# lets in the audience's users by email address. A path without `/*` covers the folder and
# everything in it. `path_cookie_attribute` scopes each application's sign-in cookie to its
# folder, so a reader of two audiences keeps both sign-ins. Public audiences and the site's
# root get no application: they are open.
#
#     terraform init && terraform apply -var account_id=<your Cloudflare account ID>

terraform {
  required_providers {
    cloudflare = {
      source  = \"cloudflare/cloudflare\"
      version = \"~> 5.0\"
    }
  }
}

variable \"account_id\" {
  description = \"The Cloudflare account that holds the Zero Trust organisation\"
  type        = string
}
",
    );
    for a in apps {
        let t = a.target;
        let id = tf_ident(&t.name);
        out.push_str(&format!(
            "\n# {}: {} — {}\n",
            t.name,
            t.title,
            plural(a.emails.len(), "user")
        ));
        out.push_str(&format!(
            "resource \"cloudflare_zero_trust_access_policy\" \"{id}\" {{\n  account_id = var.account_id\n  name       = {}\n  decision   = \"allow\"\n  include = [\n",
            hcl_str(&a.name(d))
        ));
        for email in &a.emails {
            out.push_str(&format!(
                "    {{ email = {{ email = {} }} }},\n",
                hcl_str(email)
            ));
        }
        out.push_str("  ]\n}\n\n");
        out.push_str(&format!(
            "resource \"cloudflare_zero_trust_access_application\" \"{id}\" {{\n  account_id                 = var.account_id\n  name                       = {}\n  type                       = \"self_hosted\"\n  domain                     = {}\n  session_duration           = \"{SESSION}\"\n  app_launcher_visible       = false\n  path_cookie_attribute      = true\n  http_only_cookie_attribute = true\n  destinations = [\n",
            hcl_str(&a.name(d)),
            hcl_str(&a.uris[0]),
        ));
        for uri in &a.uris {
            out.push_str(&format!(
                "    {{ type = \"public\", uri = {} }},\n",
                hcl_str(uri)
            ));
        }
        out.push_str(&format!(
            "  ]\n  policies = [\n    {{ id = cloudflare_zero_trust_access_policy.{id}.id, precedence = 1 }},\n  ]\n}}\n"
        ));
    }
    out
}

/// A Terraform resource name for `name`: letters, digits, `_` and `-`, not starting with a
/// digit or `-`.
fn tf_ident(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        id.insert_str(0, "audience_");
    }
    id
}

/// `s` as an HCL string: quotes and backslashes escaped, and the template sequences `${`
/// and `%{` doubled so Terraform reads them literally.
fn hcl_str(s: &str) -> String {
    let inner = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace("${", "$${")
        .replace("%{", "%%{");
    format!("\"{inner}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_recognised_loosely() {
        for good in ["anna@reseller.example", "a.b+c@x.co.uk"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "anna",
            "anna@",
            "@x.com",
            "anna@localhost",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn terraform_names_and_strings_are_escaped() {
        assert_eq!(tf_ident("gold"), "gold");
        assert_eq!(tf_ident("2025 partners"), "audience_2025_partners");
        assert_eq!(hcl_str("a \"b\" ${c}"), "\"a \\\"b\\\" $${c}\"");
    }
}
