//! Netlify: `_headers` with one Basic-Auth block per protected audience (plain-text
//! passwords, by Netlify's design), and the documented alternative, role-based `_redirects`
//! for Netlify Identity. Both are written under `netlify/` in the output folder, never into
//! the publish folder: they are copied into its root at deploy time.

use anyhow::{Result, bail};

use super::super::{Deployment, Generated, Target, header};
use super::plural;

pub const HEADERS: &str = "_headers";
pub const REDIRECTS: &str = "_redirects";

pub fn generate(d: &Deployment) -> Result<Generated> {
    let mut g = Generated::default();
    let protected: Vec<&Target> = d.protected().collect();
    g.secret(HEADERS, headers(d, &protected)?);
    g.file(REDIRECTS, redirects(d, &protected));
    if protected.is_empty() {
        g.warnings
            .push("no audience is protected: `_headers` and `_redirects` hold no rules".to_owned());
    } else {
        g.warnings.push(format!(
            "{HEADERS} holds plain-text passwords (Netlify's Basic-Auth reads them as written): keep it out of git, and put it into the publish folder at deploy time from your CI's secrets (docs/hosting.md)"
        ));
    }
    g.next_steps.push(format!(
        "at deploy time, after `kanava build`, copy {HEADERS} into the publish folder's root as `_headers` (Netlify reads it there and does not serve it); kanava's build never writes it, and refuses a `_headers` file among the content"
    ));
    g.next_steps.push(
        "Basic-Auth in `_headers` works on Netlify's Pro and Enterprise plans only: elsewhere the folders stay open — check with `kanava probe` after every deploy".to_owned(),
    );
    g.next_steps.push(format!(
        "deploy previews and branch deploys serve what their own build put in the publish folder: inject `_headers` in every deploy context, or their audiences' folders are open ({REDIRECTS} is the Netlify Identity alternative; use one of the two)"
    ));
    Ok(g)
}

/// `_headers`: a path line, then indented `Basic-Auth: user:password user2:password2`.
fn headers(d: &Deployment, protected: &[&Target]) -> Result<String> {
    let mut out = header(d, "#");
    out.push_str(
        "#
# Netlify's Basic-Auth header rule, one block per protected audience:
# https://docs.netlify.com/visitor-access/basic-authentication-with-custom-http-headers/
# (the `_headers` format: https://docs.netlify.com/routing/headers/)
#
# PLAIN-TEXT PASSWORDS: Netlify reads them as written. Keep this file out of git. Copy it
# into the root of the publish folder at deploy time, from your CI's secrets: Netlify reads
# `_headers` there and does not serve it. Every other host serves it as a plain file to
# anyone who asks for /_headers.
# Basic-Auth needs a Pro or Enterprise plan; on other plans the folders below stay open.
# The rules apply to whatever deploy carries this file, deploy previews and branch deploys
# included, and to none that does not: inject it in every deploy context.
",
    );
    for t in protected {
        let mut pairs = Vec::new();
        for user in &t.users {
            pairs.push(format!("{}:{}", user.name, password(t, user)?));
        }
        out.push_str(&format!(
            "\n# {}: {} — {}\n{}*\n  Basic-Auth: {}\n",
            t.name,
            t.title,
            plural(t.users.len(), "user"),
            t.path,
            pairs.join(" ")
        ));
    }
    Ok(out)
}

/// The password Netlify's `_headers` needs: the plain text, which must not contain white
/// space (it separates users on the `Basic-Auth:` line).
fn password<'u>(t: &Target, user: &'u super::super::User) -> Result<&'u str> {
    let Some(password) = user.password.as_deref() else {
        bail!(
            "user `{}` of audience `{}` has only a hash: Netlify's Basic-Auth needs the plain password (Netlify compares it as written), so give a `password` for this user in the users file",
            user.name,
            t.name
        );
    };
    if password.chars().any(char::is_whitespace) {
        bail!(
            "the password of user `{}` (audience `{}`) contains white space, which separates users on Netlify's `Basic-Auth:` line: choose one without spaces",
            user.name,
            t.name
        );
    }
    Ok(password)
}

/// `_redirects` for Netlify Identity (or an external JWT provider): a forced rewrite that lets
/// through a JWT with the audience's role, then a 401 for everyone else.
fn redirects(d: &Deployment, protected: &[&Target]) -> String {
    let mut out = header(d, "#");
    out.push_str(&format!(
        "#
# The alternative to `_headers`: role-based access control. Readers sign in with Netlify
# Identity (or an external JWT provider); the rules below let a request through only with a
# JWT (the `nf_jwt` cookie) carrying the audience's role, and answer 401 otherwise.
# https://docs.netlify.com/visitor-access/role-based-access-control/
# (the `_redirects` format: https://docs.netlify.com/routing/redirects/)
#
# Roles, not the users file, decide who gets in: give each reader the role named after
# their audience (`Role=gold`) in Identity. Rules are read top to bottom and the first that
# matches wins, so each audience's 401 line must stay below its role line. The 401 answer
# shows the page at {root}; put a page with the Identity sign-in widget there, or change the
# target. Copy this file into the publish folder's root at deploy time, like `_headers`,
# and use one of the two, not both. It holds no secret.
",
        root = d.base_path
    ));
    for t in protected {
        out.push_str(&format!(
            "\n# {}: {}\n{path}*  {path}:splat  200!  Role={name}\n{path}*  {root}  401!\n",
            t.name,
            t.title,
            path = t.path,
            name = t.name,
            root = d.base_path,
        ));
    }
    out
}
