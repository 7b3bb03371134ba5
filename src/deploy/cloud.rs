//! Netlify, Cloudflare Access and S3 + CloudFront (issue #16, docs/hosting.md): hosts
//! that cannot run here, so their files are checked against the hosts' documented formats
//! (the snapshot and structural tests below). Each host's generator is in its own file, with
//! the documentation it follows cited beside each format; this one holds what they share.

mod cloudflare;
mod cloudfront;
mod netlify;

use anyhow::{Result, bail};

use super::Deployment;
use crate::diag::plural;

pub use cloudflare::generate as cloudflare;
pub use cloudfront::generate as cloudfront;
pub use netlify::generate as netlify;

/// The site's address, which Access applications and signed-cookie policies name.
fn origin<'d>(d: &'d Deployment, host: &str) -> Result<&'d str> {
    match d.origin.as_deref() {
        Some(origin) => Ok(origin),
        None => bail!(
            "{host} needs the site's address: give it with `--url https://partners.example.com/`, or set `base_url` in kanava.yaml"
        ),
    }
}

/// `https://partners.example.com:8443` → `partners.example.com`: the cloud hosts name
/// hostnames without ports (Access ignores ports, CloudFront serves 443).
fn hostname(origin: &str) -> &str {
    let host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    match host.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use serde_json::Value;

    use super::*;
    use crate::deploy::{Generated, Hash, Host, Request, Target, User, users};
    use crate::diag::Pos;
    use crate::model::audience::PublicBecause;

    fn request(host: Host, pages_project: Option<&str>) -> Request {
        Request {
            host,
            site_dir: PathBuf::from("/srv/extranet/public"),
            out: PathBuf::from("/srv/extranet/deploy"),
            secrets_dir: None,
            docroot: None,
            hash: Hash::Bcrypt,
            url: None,
            pages_project: pages_project.map(str::to_owned),
            users_file_name: Some("users.csv".to_owned()),
        }
    }

    fn user(name: &str, audience: usize, password: &str) -> User {
        User {
            name: name.to_owned(),
            audience,
            password: Some(password.to_owned()),
            hash: None,
            pos: Pos::new(audience as u32 + 2, 1),
        }
    }

    /// Three audiences: `public` (open, its lowest tier), `silver` and `gold`, under
    /// `base_path`.
    fn targets(base_path: &str) -> Vec<Target> {
        let target = |name: &str, title: &str, public, users| Target {
            name: name.to_owned(),
            title: title.to_owned(),
            path: format!("{base_path}{name}/"),
            public,
            users,
        };
        vec![
            target(
                "public",
                "Everyone",
                Some(PublicBecause::LowestTier),
                Vec::new(),
            ),
            target(
                "silver",
                "Silver partners",
                None,
                vec![user("sami@silver.example", 1, "silver-secret-1")],
            ),
            target(
                "gold",
                "Gold partners",
                None,
                // Not in alphabetical order: the Access policies sort them.
                vec![
                    user("bo@gold.example", 2, "gold-secret-2"),
                    user("anna@gold.example", 2, "gold-secret-1"),
                ],
            ),
        ]
    }

    fn deployment<'r>(request: &'r Request, base_path: &str) -> Deployment<'r> {
        Deployment {
            request,
            site_title: "Partner Extranet",
            origin: Some("https://partners.example.com".to_owned()),
            base_path: base_path.to_owned(),
            targets: targets(base_path),
            configured: true,
            secrets_dir: "/srv/extranet/deploy/htpasswd".to_owned(),
            docroot: "/srv/extranet/public".to_owned(),
            previous: BTreeMap::new(),
        }
    }

    fn generate(host: Host, pages_project: Option<&str>, base_path: &str) -> Generated {
        let r = request(host, pages_project);
        let d = deployment(&r, base_path);
        run(&d).unwrap()
    }

    fn run(d: &Deployment) -> Result<Generated> {
        match d.request.host {
            Host::Netlify => netlify(d),
            Host::Cloudflare => cloudflare(d),
            Host::Cloudfront => cloudfront(d),
            Host::Nginx | Host::Apache => unreachable!("not a cloud host"),
        }
    }

    fn file<'g>(g: &'g Generated, path: &str) -> &'g crate::deploy::File {
        g.files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path} among {:?}", paths(g)))
    }

    fn paths(g: &Generated) -> Vec<&str> {
        g.files.iter().map(|f| f.path.as_str()).collect()
    }

    fn json(g: &Generated, path: &str) -> Value {
        serde_json::from_str(&file(g, path).text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn error(host: Host, change: impl FnOnce(&mut Deployment)) -> String {
        let r = request(host, None);
        let mut d = deployment(&r, "/");
        change(&mut d);
        match run(&d) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn hostnames_lose_scheme_and_port() {
        assert_eq!(
            hostname("https://partners.example.com"),
            "partners.example.com"
        );
        assert_eq!(hostname("http://localhost:8080"), "localhost");
        assert_eq!(plural(1, "user"), "1 user");
        assert_eq!(plural(2, "user"), "2 users");
    }

    /// Netlify's `_headers`: a path line, then indented `Header: value` lines; `#` comments.
    /// Returns each path's Basic-Auth `user:password` pairs.
    fn parse_headers(text: &str) -> Vec<(String, Vec<String>)> {
        let mut rules: Vec<(String, Vec<String>)> = Vec::new();
        for line in text.lines() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            if line.starts_with('/') {
                assert!(!line.contains(char::is_whitespace), "path line: {line:?}");
                rules.push((line.to_owned(), Vec::new()));
                continue;
            }
            let header = line
                .strip_prefix("  ")
                .unwrap_or_else(|| panic!("neither a path nor an indented header: {line:?}"));
            let (name, value) = header.split_once(": ").expect("`Name: value`");
            assert_eq!(name, "Basic-Auth");
            let rule = rules.last_mut().expect("a header after a path");
            for pair in value.split(' ') {
                let (user, password) = pair.split_once(':').expect("user:password");
                assert!(!user.is_empty() && !password.is_empty(), "{pair:?}");
                rule.1.push(pair.to_owned());
            }
        }
        rules
    }

    #[test]
    fn netlify_headers_protect_each_audience_with_its_users() {
        let g = generate(Host::Netlify, None, "/");
        let headers = file(&g, netlify::HEADERS);
        assert!(
            headers.secret,
            "plain-text passwords are written owner-only"
        );
        assert_eq!(
            parse_headers(&headers.text),
            [
                (
                    "/silver/*".to_owned(),
                    vec!["sami@silver.example:silver-secret-1".to_owned()]
                ),
                (
                    "/gold/*".to_owned(),
                    vec![
                        "bo@gold.example:gold-secret-2".to_owned(),
                        "anna@gold.example:gold-secret-1".to_owned()
                    ]
                ),
            ]
        );
        assert!(
            g.warnings
                .iter()
                .any(|w| w.contains("plain-text passwords"))
        );
        assert!(
            g.next_steps
                .iter()
                .any(|s| s.contains("publish folder's root"))
        );

        let redirects = file(&g, netlify::REDIRECTS);
        assert!(!redirects.secret);
        let rules: Vec<Vec<&str>> = redirects
            .text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            rules,
            [
                vec!["/silver/*", "/silver/:splat", "200!", "Role=silver"],
                vec!["/silver/*", "/", "401!"],
                vec!["/gold/*", "/gold/:splat", "200!", "Role=gold"],
                vec!["/gold/*", "/", "401!"],
            ]
        );
    }

    #[test]
    fn netlify_needs_plain_passwords() {
        let message = error(Host::Netlify, |d| {
            let anna = &mut d.targets[2].users[1];
            anna.password = None;
            anna.hash = Some(users::hash_password("gold-secret-1", Hash::Bcrypt).unwrap());
        });
        assert!(message.contains("`anna@gold.example`"), "{message}");
        assert!(message.contains("`gold`"), "{message}");
        assert!(message.contains("plain password"), "{message}");

        let message = error(Host::Netlify, |d| {
            d.targets[1].users[0].password = Some("with a space".to_owned());
        });
        assert!(message.contains("white space"), "{message}");
    }

    #[test]
    fn cloudflare_has_one_application_and_policy_per_protected_audience() {
        let g = generate(Host::Cloudflare, Some("kanava-demo"), "/");
        let plan = json(&g, cloudflare::PLAN);
        let audiences = |key: &str| -> Vec<String> {
            plan[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["audience"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(audiences("applications"), ["silver", "gold"]);
        assert_eq!(audiences("policies"), ["silver", "gold"]);
        let gold = &plan["applications"][1]["body"];
        assert_eq!(gold["type"], "self_hosted");
        assert_eq!(gold["domain"], "partners.example.com/gold");
        let uris: Vec<&str> = gold["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                assert_eq!(d["type"], "public");
                d["uri"].as_str().unwrap()
            })
            .collect();
        assert_eq!(
            uris,
            [
                "partners.example.com/gold",
                "kanava-demo.pages.dev/gold",
                "*.kanava-demo.pages.dev/gold"
            ]
        );
        assert_eq!(gold["policies"][0]["id"], "${POLICY_ID_gold}");
        let emails: Vec<&str> = plan["policies"][1]["body"]["include"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["email"]["email"].as_str().unwrap())
            .collect();
        assert_eq!(emails, ["anna@gold.example", "bo@gold.example"]);
        assert!(
            g.warnings
                .iter()
                .any(|w| w.contains("passwords and hashes are not used"))
        );
        assert!(!g.warnings.iter().any(|w| w.contains("--pages-project")));

        // Terraform: the same, one resource of each kind per protected audience.
        let tf = &file(&g, cloudflare::TERRAFORM).text;
        assert_balanced(tf);
        for kind in ["application", "policy"] {
            let resources: Vec<&str> = tf
                .lines()
                .filter_map(|l| {
                    l.strip_prefix(&format!(
                        "resource \"cloudflare_zero_trust_access_{kind}\" \""
                    ))
                })
                .collect();
            assert_eq!(resources, ["silver\" {", "gold\" {"], "{kind}");
        }
        assert!(tf.contains("variable \"account_id\""));
        assert!(tf.contains("uri = \"*.kanava-demo.pages.dev/gold\""));
        assert!(tf.contains("{ email = { email = \"anna@gold.example\" } },"));
    }

    /// Braces and brackets outside strings pair up, and strings close.
    fn assert_balanced(text: &str) {
        let mut stack = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let mut in_string = false;
            let mut escaped = false;
            for c in line.chars() {
                match (in_string, escaped, c) {
                    (true, true, _) => escaped = false,
                    (true, false, '\\') => escaped = true,
                    (_, _, '"') => in_string = !in_string,
                    (false, _, '{' | '[') => stack.push((c, n + 1)),
                    (false, _, '}' | ']') => {
                        let (open, at) = stack
                            .pop()
                            .unwrap_or_else(|| panic!("line {}: nothing to close", n + 1));
                        let expected = if c == '}' { '{' } else { '[' };
                        assert_eq!(open, expected, "line {} closes line {at}", n + 1);
                    }
                    _ => {}
                }
            }
            assert!(!in_string, "unclosed string on line {}", n + 1);
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
    }

    #[test]
    fn cloudflare_warns_when_pages_dev_is_not_covered() {
        let g = generate(Host::Cloudflare, None, "/");
        let plan = json(&g, cloudflare::PLAN);
        for app in plan["applications"].as_array().unwrap() {
            assert_eq!(app["body"]["destinations"].as_array().unwrap().len(), 1);
        }
        assert!(!file(&g, cloudflare::TERRAFORM).text.contains("pages.dev/"));
        assert!(g.warnings.iter().any(|w| w.contains("--pages-project")));
    }

    #[test]
    fn cloudflare_needs_email_addresses_and_the_address() {
        let message = error(Host::Cloudflare, |d| {
            d.targets[1].users[0].name = "sami".into()
        });
        assert!(message.contains("`sami`"), "{message}");
        assert!(message.contains("`silver`"), "{message}");
        assert!(message.contains("email address"), "{message}");

        for host in [Host::Cloudflare, Host::Cloudfront] {
            let message = error(host, |d| d.origin = None);
            assert!(
                message.contains("--url") && message.contains("base_url"),
                "{message}"
            );
        }
    }

    #[test]
    fn cloudfront_signs_each_protected_audience_only() {
        let g = generate(Host::Cloudfront, None, "/");
        let dist = json(&g, cloudfront::DISTRIBUTION);
        let behaviours = dist["CacheBehaviors"]["Items"].as_array().unwrap();
        assert_eq!(dist["CacheBehaviors"]["Quantity"], behaviours.len());
        let patterns: Vec<&str> = behaviours
            .iter()
            .map(|b| b["PathPattern"].as_str().unwrap())
            .collect();
        assert_eq!(patterns, ["/silver/*", "/gold/*"]);
        for b in behaviours {
            assert_eq!(b["TrustedKeyGroups"]["Enabled"], true);
            assert_eq!(b["TrustedKeyGroups"]["Items"][0], "${KEY_GROUP_ID}");
            assert_eq!(b["ViewerProtocolPolicy"], "redirect-to-https");
            assert_eq!(b["FunctionAssociations"]["Quantity"], 1);
        }
        let default = &dist["DefaultCacheBehavior"];
        assert_eq!(default["TrustedKeyGroups"]["Enabled"], false);
        assert!(default.get("PathPattern").is_none());
        assert_eq!(default["FunctionAssociations"]["Quantity"], 1);
        let origin = &dist["Origins"]["Items"][0];
        assert_eq!(origin["DomainName"], "${BUCKET}.s3.${REGION}.amazonaws.com");
        assert_eq!(origin["OriginAccessControlId"], "${OAC_ID}");
        assert_eq!(dist["Aliases"]["Items"][0], "partners.example.com");

        // One policy per protected audience, for its folder.
        let policies: Vec<&str> = paths(&g)
            .into_iter()
            .filter(|p| p.starts_with("policies/"))
            .collect();
        assert_eq!(policies, ["policies/silver.json", "policies/gold.json"]);
        let gold = file(&g, "policies/gold.json").text.trim_end();
        assert!(!gold.contains(char::is_whitespace), "signed as it stands");
        let gold: Value = serde_json::from_str(&gold.replace("${EXPIRES}", "1767225600")).unwrap();
        let statements = gold["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 1);
        assert_eq!(
            statements[0]["Resource"],
            "https://partners.example.com/gold/*"
        );
        assert_eq!(
            statements[0]["Condition"]["DateLessThan"]["AWS:EpochTime"],
            1767225600
        );

        let bucket = json(&g, cloudfront::BUCKET_POLICY);
        let statement = &bucket["Statement"][0];
        assert_eq!(
            statement["Principal"]["Service"],
            "cloudfront.amazonaws.com"
        );
        assert_eq!(
            statement["Condition"]["StringEquals"]["AWS:SourceArn"],
            "arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${DISTRIBUTION_ID}"
        );

        let users_file = file(&g, cloudfront::USERS);
        assert!(users_file.secret);
        let list = json(&g, cloudfront::USERS)["users"].clone();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 3, "the public audience needs none");
        for (entry, password) in
            list.iter()
                .zip(["silver-secret-1", "gold-secret-2", "gold-secret-1"])
        {
            let hash = entry["hash"].as_str().unwrap();
            assert!(hash.starts_with("$2y$"), "{hash}");
            assert!(users::verify(password, hash), "{entry}");
            assert!(!users_file.text.contains(password));
        }

        let function = &file(&g, cloudfront::FUNCTION).text;
        assert!(function.contains("async function handler(event)"));
        assert!(function.contains("var PROTECTED = ['/silver/', '/gold/'];"));
        assert_balanced(&function.replace("//", "#"));
    }

    #[test]
    fn cloudfront_under_a_base_path() {
        let g = generate(Host::Cloudfront, None, "/extranet/");
        let dist = json(&g, cloudfront::DISTRIBUTION);
        assert_eq!(
            dist["CacheBehaviors"]["Items"][1]["PathPattern"],
            "/extranet/gold/*"
        );
        assert!(
            file(&g, "policies/gold.json")
                .text
                .contains("\"https://partners.example.com/extranet/gold/*\"")
        );
        let g = generate(Host::Cloudflare, None, "/extranet/");
        assert_eq!(
            json(&g, cloudflare::PLAN)["applications"][1]["body"]["domain"],
            "partners.example.com/extranet/gold"
        );
    }

    #[test]
    fn a_site_without_audiences_is_signed_at_its_root() {
        let r = request(Host::Cloudfront, None);
        let mut d = deployment(&r, "/");
        d.targets.truncate(2);
        d.targets.remove(0);
        d.targets[0].path = "/".to_owned();
        let g = run(&d).unwrap();
        let dist = json(&g, cloudfront::DISTRIBUTION);
        assert_eq!(dist["CacheBehaviors"]["Quantity"], 0);
        assert_eq!(
            dist["DefaultCacheBehavior"]["TrustedKeyGroups"]["Enabled"],
            true
        );

        let r = request(Host::Cloudflare, None);
        let mut d = deployment(&r, "/");
        d.targets = vec![d.targets[1].clone()];
        d.targets[0].path = "/".to_owned();
        let g = run(&d).unwrap();
        assert_eq!(
            json(&g, cloudflare::PLAN)["applications"][0]["body"]["domain"],
            "partners.example.com"
        );
    }

    #[test]
    fn same_input_same_bytes() {
        for host in [Host::Netlify, Host::Cloudflare, Host::Cloudfront] {
            let a = generate(host, Some("kanava-demo"), "/");
            let b = generate(host, Some("kanava-demo"), "/");
            assert_eq!(paths(&a), paths(&b));
            for (x, y) in a.files.iter().zip(&b.files) {
                // bcrypt hashes are salted.
                if x.path != cloudfront::USERS {
                    assert_eq!(x.text, y.text, "{}", x.path);
                }
            }
        }
    }

    #[test]
    fn snapshots() {
        for (host, project) in [
            (Host::Netlify, None),
            (Host::Cloudflare, Some("kanava-demo")),
            (Host::Cloudfront, None),
        ] {
            let g = generate(host, project, "/");
            for f in &g.files {
                // Salted hashes: checked structurally above.
                if f.path == cloudfront::USERS {
                    continue;
                }
                let name = format!("{}_{}", host.name(), f.path.replace(['/', '.'], "_"));
                let text = f.text.replace(env!("CARGO_PKG_VERSION"), "[version]");
                insta::assert_snapshot!(name, text);
            }
        }
    }
}
