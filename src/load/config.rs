//! `kanava.yaml`: the site configuration. Unknown keys are errors (with a suggestion), so a
//! typo never silently turns a feature off.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, suggest_help};
use crate::yaml::{self, Node};

pub const CONFIG_FILE: &str = "kanava.yaml";

/// Keys of `kanava.yaml`, for "did you mean" on unknown ones.
const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "theme",
    "language",
    "languages",
    "fallback",
    "timezone",
    "default_status",
    "audience",
    "catalog",
    "materials",
    "hosting",
    "encrypt",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Used only where an absolute URL is unavoidable: sitemap, canonical links, feeds.
    #[serde(default)]
    pub base_url: Option<String>,
    /// A theme folder (relative to the site root, and inside it) whose files override the
    /// embedded default; with its position, for the error when it is outside.
    #[serde(default)]
    pub theme: Option<Spanned<String>>,
    /// The language of the site or view being built (`lang` attribute, search, dates and
    /// prices): `language:`, else the first of `languages:`, else `en`. A language's own
    /// site (issue 18, `model::languages`) has its code here.
    #[serde(skip, default = "default_language")]
    pub language: String,
    /// `language:` as written (a one-language site's code).
    #[serde(default, rename = "language")]
    pub language_key: Option<Spanned<String>>,
    /// `languages: [en, fi, …]` (issue 18), the first the default; read in
    /// `model::languages`, with positions.
    #[serde(default)]
    pub languages: Option<Node>,
    /// What a language's site shows of a page not translated into it: `default` (the
    /// default language's text, with a notice; the default) or `omit`.
    #[serde(default)]
    pub fallback: Option<Spanned<String>>,
    /// IANA name (`Europe/Helsinki`) for dates written without an offset; default UTC.
    #[serde(default)]
    pub timezone: Option<Spanned<String>>,
    /// Status of pages that do not name one (`draft`, `review`, `published`; default published).
    #[serde(default)]
    pub default_status: Option<Spanned<String>>,
    /// Axes and audiences (see `model::audience`); interpreted there, with positions.
    #[serde(default)]
    pub audience: Option<Node>,
    /// The product catalog (see `model::catalog`); interpreted there, with positions.
    #[serde(default)]
    pub catalog: Option<Node>,
    /// Materials' settings (see `model::materials::settings`); interpreted there.
    #[serde(default)]
    pub materials: Option<Node>,
    /// Hosting (see `model::hosting::settings`): the host, users file and root page.
    #[serde(default)]
    pub hosting: Option<Node>,
    /// The key file for encrypted output (issue 20, docs/encryption.md), relative to the
    /// site root: `kanava build` encrypts every protected audience with it (`--encrypt`
    /// overrides it). It must be outside `content/` and the output.
    #[serde(default)]
    pub encrypt: Option<String>,
}

fn default_language() -> String {
    "en".to_owned()
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let mut config: Config = yaml::parse(text, CONFIG_FILE, 0).map_err(improve_unknown_key)?;
        if let Some(code) = &config.language_key {
            config.language = code.value.clone();
        }
        if let Some(url) = &mut config.base_url
            && !url.ends_with('/')
        {
            url.push('/');
        }
        Ok(config)
    }
}

/// serde says "unknown field `x`, expected one of …"; turn that into our wording and help.
fn improve_unknown_key(mut d: Diagnostic) -> Diagnostic {
    if let Some(rest) = d.message.split("unknown field `").nth(1)
        && let Some(key) = rest.split('`').next()
    {
        let key = key.to_owned();
        d.code = "unknown-key";
        d.message = format!("unknown key `{key}` in {CONFIG_FILE}");
        d.len = key.chars().count() as u32;
        d.help = Some(suggest_help(&key, KEYS, "known keys"));
    } else if d.message.contains("missing field `title`") {
        d.code = "missing-title";
        d.message = format!("{CONFIG_FILE} has no `title`");
        d.help = Some("add `title: Your Partner Extranet`".into());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_suggests() {
        let d = Config::parse("title: X\nbase_ur: https://x/\n").unwrap_err();
        assert_eq!(d.code, "unknown-key");
        assert_eq!(d.pos.map(|p| (p.line, p.column)), Some((2, 1)));
        assert!(d.help.unwrap().starts_with("did you mean `base_url`?"));
    }

    #[test]
    fn base_url_gets_trailing_slash() {
        let c = Config::parse("title: X\nbase_url: https://x.example\n").unwrap();
        assert_eq!(c.base_url.as_deref(), Some("https://x.example/"));
    }
}
