//! The public shell of an encrypted audience (issue 20): the only plain files in its folder.
//! The login page (the site's title, never anything from the audience's content), the
//! shared WebCrypto code, the login script, the logout button, the service worker and the
//! slot file (the content key wrapped once per partner credential).

use super::keys::{AudienceKeys, public_slots};
use super::{LOCK, SERVICE_WORKER};
use crate::html::escape;

const COMMON: &str = include_str!("js/common.js");
const LOADER: &str = include_str!("js/loader.js");
const SESSION: &str = include_str!("js/session.js");
const WORKER: &str = include_str!("js/sw.js");

/// The shell's files of `audience`, by path inside its folder.
pub fn files(
    site_title: &str,
    language: &str,
    audience: &str,
    keys: &AudienceKeys,
) -> Vec<(String, Vec<u8>)> {
    let slots = serde_json::to_string(&public_slots(audience, keys)).unwrap_or_default();
    vec![
        (
            "index.html".to_owned(),
            login_page(site_title, language).into_bytes(),
        ),
        (SERVICE_WORKER.to_owned(), WORKER.as_bytes().to_vec()),
        (format!("{LOCK}common.js"), COMMON.as_bytes().to_vec()),
        (format!("{LOCK}loader.js"), LOADER.as_bytes().to_vec()),
        (format!("{LOCK}session.js"), SESSION.as_bytes().to_vec()),
        (
            format!("{LOCK}slots.js"),
            format!("kanavaSlots({slots});\n").into_bytes(),
        ),
    ]
}

fn login_page(site_title: &str, language: &str) -> String {
    let title = escape(site_title);
    let lang = escape(language);
    format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; background: #f6f7f9; color: #1d2330; }}
main {{ max-width: 26rem; padding: 2rem; background: #fff; border-radius: .5rem; box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.4rem; margin: 0 0 1rem; }}
label {{ display: block; font-weight: 600; margin-bottom: .3rem; }}
input {{ width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; margin-bottom: .8rem; }}
button {{ font: inherit; padding: .4rem 1.2rem; }}
#kanava-lock-error {{ color: #a4161a; font-weight: 600; }}
@media (prefers-color-scheme: dark) {{ body {{ background: #151821; color: #e6e8ee; }} main {{ background: #1f2430; }} #kanava-lock-error {{ color: #ff8a8a; }} }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p id="kanava-lock-status">This part of the site is encrypted. Open it with the link you were sent, or with your passphrase.</p>
<form id="kanava-lock-form" hidden>
<label for="kanava-lock-passphrase">Passphrase</label>
<input id="kanava-lock-passphrase" type="password" autocomplete="current-password" required>
<button type="submit">Open</button>
</form>
<p id="kanava-lock-error" role="alert" hidden></p>
<noscript><p>Opening this site needs JavaScript.</p></noscript>
</main>
<script src="{LOCK}common.js"></script>
<script src="{LOCK}loader.js"></script>
<script src="{LOCK}slots.js"></script>
</body>
</html>
"#
    )
}
