//! S3 + CloudFront: a private bucket read only by the distribution (Origin Access Control),
//! one cache behaviour per protected audience that requires signed cookies (a trusted key
//! group), a signed-cookie custom policy template per audience, a CloudFront Function that
//! serves folders' `index.html`, and what a sign-in endpoint (the signer) needs: the users'
//! bcrypt hashes and the steps in `cloudfront/signer.md`.
//!
//! Values only known once the AWS resources exist are `${PLACEHOLDERS}`, for `envsubst`.

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::super::users::{self, Hash};
use super::super::{Deployment, Generated, Target, header};
use super::{hostname, origin};

pub const DISTRIBUTION: &str = "distribution.json";
pub const BUCKET_POLICY: &str = "bucket-policy.json";
pub const FUNCTION: &str = "index-rewrite.js";
pub const USERS: &str = "users.json";
pub const SIGNER: &str = "signer.md";

/// The managed cache policy CachingOptimized: signed cookies are checked by CloudFront
/// itself, so they need not be part of the cache key or reach the origin.
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";

const ORIGIN_ID: &str = "kanava-s3";

pub fn generate(d: &Deployment) -> Result<Generated> {
    let mut g = Generated::default();
    let origin = origin(d, "CloudFront")?;
    let host = hostname(origin);
    if !origin.starts_with("https://") {
        g.warnings.push(format!(
            "the site's address {origin} is not https: CloudFront's behaviours redirect to https, and the signed-cookie policies name https://{host}/"
        ));
    }
    let protected: Vec<&Target> = d.protected().collect();
    g.file(
        DISTRIBUTION,
        serde_json::to_string_pretty(&distribution(d, host, &protected))? + "\n",
    );
    for t in &protected {
        g.file(policy_path(t), policy(host, t));
    }
    g.file(
        BUCKET_POLICY,
        serde_json::to_string_pretty(&bucket_policy())? + "\n",
    );
    g.file(FUNCTION, function(d, &protected));
    g.secret(USERS, users_file(d, &protected)?);
    g.file(SIGNER, signer(d, host, &protected));
    g.warnings.push(format!(
        "{USERS} holds the users' password hashes for the sign-in endpoint: keep it out of git and out of the bucket"
    ));
    g.next_steps.push(format!(
        "create the bucket (Block Public Access on), an Origin Access Control, a key group with your signing key's public key, and the CloudFront Function {FUNCTION}; then fill in the ${{PLACEHOLDERS}} (`envsubst`) and create the distribution from {DISTRIBUTION}"
    ));
    g.next_steps.push(format!(
        "upload the publish folder without its dotfiles: `aws s3 sync <publish folder>/ s3://$BUCKET{} --delete --exclude '.*' --exclude '*/.*'`",
        d.base_path
    ));
    g.next_steps.push(format!(
        "set up the sign-in endpoint that sets the signed cookies: {SIGNER}"
    ));
    Ok(g)
}

pub fn policy_path(t: &Target) -> String {
    format!("policies/{}.json", t.name)
}

/// The DistributionConfig for `aws cloudfront create-distribution --distribution-config`.
/// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html
/// Restricting access with signed cookies and trusted key groups:
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
fn distribution(d: &Deployment, host: &str, protected: &[&Target]) -> Value {
    // A protected audience at the site's root (a site without audiences at `/`) makes the
    // default behaviour itself the signed one.
    let root_protected = protected.iter().any(|t| t.path == "/");
    let behaviours: Vec<Value> = protected
        .iter()
        .filter(|t| t.path != "/")
        .map(|t| {
            // `/gold/*` leaves `/gold` to the default behaviour: the function redirects it
            // to `/gold/` rather than serving gold's home page there.
            behaviour(Some(&format!("{}*", t.path)), true)
        })
        .collect();
    json!({
        "CallerReference": format!("kanava {host}"),
        "Comment": format!("kanava: {}", d.site_title.chars().take(100).collect::<String>()),
        "Enabled": true,
        "Aliases": { "Quantity": 1, "Items": [host] },
        "DefaultRootObject": "index.html",
        "Origins": {
            "Quantity": 1,
            "Items": [{
                "Id": ORIGIN_ID,
                "DomainName": "${BUCKET}.s3.${REGION}.amazonaws.com",
                // With Origin Access Control, the legacy identity stays empty.
                // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
                "OriginAccessControlId": "${OAC_ID}",
                "S3OriginConfig": { "OriginAccessIdentity": "" },
            }],
        },
        "DefaultCacheBehavior": behaviour(None, root_protected),
        "CacheBehaviors": { "Quantity": behaviours.len(), "Items": behaviours },
        "ViewerCertificate": {
            "ACMCertificateArn": "${CERTIFICATE_ARN}",
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        },
        "HttpVersion": "http2and3",
        "PriceClass": "PriceClass_100",
    })
}

/// A cache behaviour: `pattern` (none for the default one), signed or open.
fn behaviour(pattern: Option<&str>, signed: bool) -> Value {
    let mut b = json!({
        "TargetOriginId": ORIGIN_ID,
        "ViewerProtocolPolicy": "redirect-to-https",
        "TrustedKeyGroups": if signed {
            json!({ "Enabled": true, "Quantity": 1, "Items": ["${KEY_GROUP_ID}"] })
        } else {
            json!({ "Enabled": false, "Quantity": 0 })
        },
        "AllowedMethods": {
            "Quantity": 2,
            "Items": ["GET", "HEAD"],
            "CachedMethods": { "Quantity": 2, "Items": ["GET", "HEAD"] },
        },
        "CachePolicyId": CACHING_OPTIMIZED,
        "Compress": true,
        // A function runs only for the behaviours it is associated with: every one needs it.
        "FunctionAssociations": {
            "Quantity": 1,
            "Items": [{ "EventType": "viewer-request", "FunctionARN": "${INDEX_FUNCTION_ARN}" }],
        },
    });
    if let (Some(pattern), Value::Object(map)) = (pattern, &mut b) {
        map.insert("PathPattern".to_owned(), json!(pattern));
    }
    b
}

/// A signed-cookie custom policy for everything in `t`'s folder; the signer replaces
/// `${EXPIRES}` (Unix time) and signs it as it stands, without white space.
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html
fn policy(host: &str, t: &Target) -> String {
    format!(
        "{{\"Statement\":[{{\"Resource\":\"https://{host}{}*\",\"Condition\":{{\"DateLessThan\":{{\"AWS:EpochTime\":${{EXPIRES}}}}}}}}]}}\n",
        t.path
    )
}

/// The bucket lets only this distribution read it (Origin Access Control).
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
fn bucket_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowCloudFrontServicePrincipalReadOnly",
            "Effect": "Allow",
            "Principal": { "Service": "cloudfront.amazonaws.com" },
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::${BUCKET}/*",
            "Condition": {
                "StringEquals": {
                    "AWS:SourceArn": "arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${DISTRIBUTION_ID}",
                },
            },
        }],
    })
}

/// The viewer-request function: a folder's URL is served its `index.html`, and a path that
/// reaches a protected folder only once percent-decoded is refused.
fn function(d: &Deployment, protected: &[&Target]) -> String {
    let folders: Vec<String> = protected
        .iter()
        .map(|t| format!("'{}'", t.path.replace('\\', "\\\\").replace('\'', "\\'")))
        .collect();
    let mut out = header(d, "//");
    out.push_str(&format!(
        "//
// CloudFront Function (JavaScript runtime 2.0), viewer request, associated with EVERY
// behaviour of the distribution. Adapted from AWS's example:
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/example-function-add-index.html
//
// CloudFront serves its default root object only at `/`: without this, /gold/ordering/
// asks S3 for the key `gold/ordering/`, which does not exist. Unlike AWS's example, a path
// without a trailing slash or a file extension is redirected, not rewritten: `/gold` does
// not match the signed behaviour `/gold/*`, so rewriting it to /gold/index.html would serve
// gold's home page through the unsigned default behaviour.

// The protected folders, each signed by its own behaviour.
var PROTECTED = [{folders}];

function protectedPath(path) {{
    for (var i = 0; i < PROTECTED.length; i++) {{
        if (path.indexOf(PROTECTED[i]) === 0 || path + '/' === PROTECTED[i]) {{
            return true;
        }}
    }}
    return false;
}}

async function handler(event) {{
    var request = event.request;
    var uri = request.uri;
    // S3 decodes percent-escapes in the key it is asked for (`/%67old/` and `/gold%2F` both
    // mean gold's folder); behaviours match the path as it comes. Refuse a path that is in a
    // protected folder only once decoded, whether or not CloudFront decodes it first.
    var decoded;
    try {{
        decoded = decodeURIComponent(uri);
    }} catch (e) {{
        return {{ statusCode: 400, statusDescription: 'Bad Request' }};
    }}
    if (decoded !== uri && protectedPath(decoded) && !protectedPath(uri)) {{
        return {{ statusCode: 403, statusDescription: 'Forbidden' }};
    }}
    if (uri.endsWith('/')) {{
        request.uri = uri + 'index.html';
        return request;
    }}
    var name = uri.substring(uri.lastIndexOf('/') + 1);
    if (name.indexOf('.') === -1) {{
        return {{
            statusCode: 301,
            statusDescription: 'Moved Permanently',
            headers: {{ location: {{ value: uri + '/' }} }},
        }};
    }}
    return request;
}}
",
        folders = folders.join(", ")
    ));
    out
}

/// `users.json`: who may sign in to which folder, with bcrypt hashes for the signer to check.
fn users_file(d: &Deployment, protected: &[&Target]) -> Result<String> {
    let mut list = Vec::new();
    for t in protected {
        for user in &t.users {
            let hash = match (&user.hash, &user.password) {
                (Some(hash), _) if users::hash_kind(hash) == Some(Hash::Bcrypt) => hash.clone(),
                (_, Some(password)) => users::hash_password(password, Hash::Bcrypt)?,
                (Some(_), None) => bail!(
                    "user `{}` of audience `{}` has a SHA-512-crypt hash, and the CloudFront signer checks bcrypt: give the password or a bcrypt (`$2y$`) hash in the users file",
                    user.name,
                    t.name
                ),
                (None, None) => bail!("user `{}` has no password", user.name),
            };
            list.push(json!({
                "user": user.name,
                "audience": t.name,
                "path": t.path,
                "hash": hash,
            }));
        }
    }
    let file = json!({
        "about": format!(
            "Users of \"{}\" for the CloudFront sign-in endpoint (cloudfront/signer.md), generated by kanava {}. Secret: keep it out of git and out of the bucket.",
            d.site_title,
            env!("CARGO_PKG_VERSION")
        ),
        "users": list,
    });
    Ok(serde_json::to_string_pretty(&file)? + "\n")
}

/// The steps for a sign-in endpoint, with this site's paths and files.
fn signer(d: &Deployment, host: &str, protected: &[&Target]) -> String {
    let mut audiences = String::new();
    for t in protected {
        audiences.push_str(&format!(
            "| `{}` | `https://{host}{}*` | `{}` | `Path={}` |\n",
            t.name,
            t.path,
            policy_path(t),
            t.path
        ));
    }
    let signin = format!("{}_signin/", d.base_path);
    let example = protected.first().map_or("/gold/", |t| t.path.as_str());
    format!(
        r#"<!-- Generated by `kanava deploy-config --host cloudfront` (kanava {version}) for "{title}". -->
# Signing in to {host}: the signer

CloudFront lets a request into a protected audience's folder only with three signed
cookies, `CloudFront-Policy`, `CloudFront-Signature` and `CloudFront-Key-Pair-Id`, made with
a private key whose public key is in the distribution's key group. Something must check a
reader's password and set those cookies: the signer. kanava writes its data; you deploy it.
AWS's reference: [signed cookies with a custom policy][custom].

| audience | policy `Resource` | policy template | cookie path |
| --- | --- | --- | --- |
{audiences}
## 1. A key pair and a key group

    openssl genrsa -out private_key.pem 2048
    openssl rsa -pubout -in private_key.pem -out public_key.pem

Upload `public_key.pem` as a CloudFront public key, put it in a key group, and give the key
group's id as `KEY_GROUP_ID` to `distribution.json`. Keep `private_key.pem` in a secret store
(AWS Secrets Manager), never in the bucket. [Key groups][keys].

## 2. The endpoint

A small function (AWS Lambda, or API Gateway) served by the same distribution, so that
the cookies it sets are for {host}: add it as a second origin, and a cache behaviour
`{signin}*` that is not signed, uses the managed `CachingDisabled` cache policy, allows
`POST`, and passes the request body on. (A Lambda function URL behind Origin Access Control
needs a hash of each `POST` body from the browser; a function URL without authentication
is simpler, since the function checks passwords itself.) On `POST {signin}` with `user`,
`password` and the `audience` (or the page the reader wanted):

1. Find the entry of `users.json` with that `user` and `audience`, and check the password
   against its `hash` with bcrypt. The hashes are `$2y$`; a library that only knows `$2b$`
   reads the same hash with the prefix changed. Answer the same way whether the user or the
   password was wrong, and slow down repeated failures.
2. Read the audience's policy template, replace `${{EXPIRES}}` with the time the sign-in
   ends (Unix seconds, e.g. now + 8 hours), and keep it without white space.
3. Sign the policy with the private key (RSA, SHA-1; or SHA-256 with a fourth cookie
   `CloudFront-Hash-Algorithm=SHA256`), and encode both the policy and the signature in
   CloudFront's base64: `+` → `-`, `=` → `_`, `/` → `~`.
4. Answer with a redirect to the audience's folder and three cookies, each scoped to it:

       Set-Cookie: CloudFront-Policy=<policy>; Path={example}; Secure; HttpOnly; SameSite=Lax
       Set-Cookie: CloudFront-Signature=<signature>; Path={example}; Secure; HttpOnly; SameSite=Lax
       Set-Cookie: CloudFront-Key-Pair-Id=<public key id>; Path={example}; Secure; HttpOnly; SameSite=Lax

   (with the audience's own path from the table above). No `Expires` or `Max-Age`: the
   cookies end with the browser session, and the policy's `DateLessThan` ends them anyway.

Scoping the cookies to the audience's path keeps a reader of two audiences signed in to both,
and never sends one audience's signature to another's folder (it would not match there:
each policy names its own folder).

## 3. What readers see

Without valid cookies CloudFront answers 403 to anything in a protected folder. Link the
site's root page (it lists the audiences) to `{signin}`, or map the 403 to a sign-in page
with a custom error response; that mapping applies to the whole distribution, public
folders' 403s included.

## 4. Check

After each deploy, run `kanava probe https://{host}{base}`: anonymous requests into
every protected folder must be refused.

[custom]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html
[keys]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
"#,
        version = env!("CARGO_PKG_VERSION"),
        title = d.site_title.replace(['\n', '\r'], " "),
        base = d.base_path,
    )
}
