//! Materials (issue #14; docs/materials.md): files under `content/` with a metadata sidecar
//! `NAME.EXT.yaml`, read strictly like front matter — the same audience and stage keys with
//! the same meaning, plus a material's own. This module reads sidecars; who sees a material
//! is decided in `plan`, like everything else.

use jiff::Timestamp;

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::load::{CONFIG_FILE, SidecarFile};
use crate::model::audience::{AudienceModel, AxisId, Restriction};
use crate::model::catalog::{self, settings_map, unknown_key, wrong_type};
use crate::model::frontmatter::{self, FrontMatter};
use crate::model::lifecycle::{Calendar, Lifecycle};
use crate::model::{AssetId, Origin, PageId};
use crate::yaml::{Node, Value};

pub type MaterialId = usize;

/// The keys a sidecar may use besides the audience axes. The material's own (`kind`,
/// `language`, `products`, `version`) are reserved as axis names like front-matter keys.
pub const KEYS: &[&str] = &[
    "title",
    "description",
    "kind",
    "language",
    "products",
    "version",
    "updated",
    "status",
    "publish",
    "expires",
    "translations",
];

/// The kinds of material a site knows without configuration.
pub const KINDS: &[&str] = &[
    "brochure",
    "datasheet",
    "manual",
    "price-sheet",
    "logo",
    "image",
    "video",
    "other",
];

/// How many days a material counts as new or updated, unless `kanava.yaml` says.
pub const NEW_DAYS: i64 = 30;

/// `materials:` in `kanava.yaml`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The built-in kinds, then the site's own.
    pub kinds: Vec<String>,
    /// Output names carry the version (`x200-brochure-2026.2.pdf`).
    pub version_in_name: bool,
    /// The library's "new" and "updated" badges last this many days.
    pub new_days: i64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            kinds: KINDS.iter().map(|&k| k.to_owned()).collect(),
            version_in_name: false,
            new_days: NEW_DAYS,
        }
    }
}

/// Reads `materials:` of `kanava.yaml`.
pub fn settings(node: Option<&Node>, diags: &mut Vec<Diagnostic>) -> Settings {
    const SETTINGS_KEYS: &[&str] = &["kinds", "version_in_name", "new_days"];
    let mut settings = Settings::default();
    let Some(entries) = settings_map(node, "materials", diags) else {
        return settings;
    };
    for (k, v) in entries {
        let Value::Str(key) = &k.value else { continue };
        match (key.as_str(), &v.value) {
            ("kinds", Value::Seq(items)) => {
                for item in items {
                    match &item.value {
                        Value::Str(s) if crate::model::frontmatter::is_url_segment(s) => {
                            if !settings.kinds.contains(s) {
                                settings.kinds.push(s.clone());
                            }
                        }
                        _ => diags.push(
                            wrong_type(CONFIG_FILE, 0, item, "a kind's name")
                                .help("a kind is a lowercase word, e.g. `campaign-kit`"),
                        ),
                    }
                }
            }
            ("version_in_name", Value::Bool(b)) => settings.version_in_name = *b,
            ("new_days", Value::Int(n)) if (0..=3660).contains(n) => settings.new_days = *n,
            ("kinds" | "version_in_name" | "new_days", _) => diags.push(
                wrong_type(CONFIG_FILE, 0, v, &format!("a proper value for `{key}`")).help(
                    "e.g. `materials: { kinds: [campaign-kit], version_in_name: false, new_days: 30 }`",
                ),
            ),
            (other, _) => diags.push(unknown_key(
                CONFIG_FILE,
                0,
                k,
                other,
                SETTINGS_KEYS,
                "materials",
            )),
        }
    }
    settings
}

#[derive(Debug, Clone)]
pub struct Material {
    /// The sidecar: `content/marketing/files/x200.pdf.yaml`.
    pub sidecar: String,
    /// The file: `content/marketing/files/x200.pdf`.
    pub file: String,
    pub title: String,
    pub kind: String,
    pub language: Option<String>,
    /// SKUs, where each was written (checked against the catalog when the site is made).
    pub products: Vec<(String, Pos)>,
    /// The products named, in the catalog (set by `model`).
    pub product_ids: Vec<catalog::ProductId>,
    pub version: Option<String>,
    /// Title, description, `updated`, audience restrictions and stage keys, as a page's.
    pub fm: FrontMatter,
    /// `title` and `description` in other languages (issue 18).
    pub translations: super::languages::Translations,
    /// The file, among the site's assets (set by `model`).
    pub asset: AssetId,
    /// The section whose `_index.md` cascades to it: the nearest folder above it with pages.
    pub section: PageId,
    /// The restriction in force: its own, its sections', and the axis defaults.
    pub restriction: Restriction,
    /// Where each restricted axis's restriction comes from.
    pub origins: Vec<(AxisId, Origin)>,
    /// Status and publish window in force (cascaded from its sections).
    pub lifecycle: Lifecycle,
    /// The later of the last git commits of the file and its sidecar.
    pub committed: Option<Timestamp>,
    /// The first git commit of the file (when it was added), for the "new" badge.
    pub added: Option<Timestamp>,
}

impl Material {
    /// When the material last changed (what's new, the feed, the "updated" badge):
    /// `updated` (the start of that day), else the last commit of it or its sidecar.
    pub fn changed(&self, calendar: &Calendar) -> Option<Timestamp> {
        self.fm
            .updated
            .and_then(|d| calendar.start_of(d))
            .or(self.committed)
    }

    /// When it first appeared, for the "new" badge: `publish`, else the earlier of its
    /// file's first commit and its `updated` day (a file older than the repository says so
    /// with `updated`).
    pub fn since(&self, calendar: &Calendar) -> Option<Timestamp> {
        let updated = self.fm.updated.and_then(|d| calendar.start_of(d));
        self.lifecycle.window.from.or(match (self.added, updated) {
            (Some(a), Some(u)) => Some(a.min(u)),
            (a, u) => a.or(u),
        })
    }

    /// Says where the restriction on `axis` comes from, for messages.
    pub fn describe_origin(&self, axis: AxisId, site: &crate::model::Site) -> String {
        match self
            .origins
            .iter()
            .find(|(a, _)| *a == axis)
            .map(|(_, o)| *o)
        {
            Some(Origin::Own) => "set in its sidecar".into(),
            Some(Origin::Inherited(p)) => format!("inherited from {}", site.pages[p].label()),
            Some(Origin::Default) | None => format!(
                "the axis default, since the material names no {}",
                site.audiences.axes[axis].name
            ),
        }
    }
}

/// Reads a sidecar; problems go to `diags` (`None` when it cannot describe a material).
pub fn parse(
    sidecar: &SidecarFile,
    settings: &Settings,
    audiences: &AudienceModel,
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
) -> Option<Material> {
    let file = sidecar.path.as_str();
    let kinds: Vec<&str> = settings.kinds.iter().map(String::as_str).collect();
    let mut kind: Option<String> = None;
    let mut language = None;
    let mut products = Vec::new();
    let mut version = None;
    let mut translations = super::languages::Translations::default();
    // Keys written, valid or not: a missing one is reported once, a wrong one already was.
    let mut written: Vec<String> = Vec::new();
    let at = |n: &Node| Pos::new(n.line, n.column);
    let wrong = |key: &str, expected: &str, v: &Node| {
        Diagnostic::error(
            "wrong-type",
            format!("`{key}` must be {expected}, found {}", v.value.kind()),
        )
        .at(file, at(v))
    };
    let fm = frontmatter::parse_with(
        &sidecar.text,
        file,
        0,
        audiences,
        calendar,
        diags,
        KEYS,
        &mut |key, v, diags| {
            written.push(key.to_owned());
            match (key, &v.value) {
                ("kind", Value::Str(s)) if kinds.contains(&s.as_str()) => kind = Some(s.clone()),
                ("kind", Value::Str(s)) => diags.push(
                    Diagnostic::error("unknown-kind", format!("`{s}` is not a kind of material"))
                        .at(file, at(v))
                        .len(s.chars().count())
                        .help(match crate::diag::did_you_mean(s, kinds.iter().copied()) {
                            Some(_) => suggest_help(s, &kinds, "kinds"),
                            None => format!(
                                "{}; a site adds its own with `materials: {{ kinds: [{s}] }}` in {CONFIG_FILE}",
                                suggest_help(s, &kinds, "kinds")
                            ),
                        }),
                ),
                ("kind", _) => diags.push(wrong(key, "a kind, e.g. `brochure`", v)),
                ("translations", _) => {
                    translations = super::languages::read_translations(
                        v,
                        &["title", "description"],
                        file,
                        0,
                        diags,
                    );
                }
                ("language", Value::Str(s)) if super::languages::is_language(s) => language = Some(s.clone()),
                ("language", Value::Str(s)) => {
                    let lower = s.to_lowercase();
                    let known = super::languages::LANGUAGE_NAMES.iter().find(|(name, _)| *name == lower);
                    diags.push(
                        Diagnostic::error(
                            "unknown-language",
                            format!("`{s}` is not a language code"),
                        )
                        .at(file, at(v))
                        .len(s.chars().count())
                        .help(match known {
                            Some((_, code)) => format!("did you mean `{code}`? A language is written as its ISO 639-1 code"),
                            None => "write the ISO 639-1 code, e.g. `en`, `fi`, `it`, `fr`, `sv`, `de` (a region may follow: `pt-BR`)".to_owned(),
                        }),
                    );
                }
                ("language", _) => diags.push(wrong(key, "a language code, e.g. `fi`", v)),
                ("version", Value::Str(s)) => version = Some(s.clone()),
                ("version", Value::Int(n)) => version = Some(n.to_string()),
                ("version", _) => diags.push(wrong(key, "text, e.g. `\"2026.2\"`", v)),
                ("products", Value::Seq(items)) => {
                    for item in items {
                        match &item.value {
                            Value::Str(s) if !s.trim().is_empty() => {
                                products.push((s.trim().to_owned(), at(item)))
                            }
                            _ => diags.push(wrong("products", "a list of product codes", item)),
                        }
                    }
                }
                ("products", _) => diags.push(
                    wrong(key, "a list of product codes", v)
                        .help("write `products: [HP-8, HP-12]`"),
                ),
                _ => return false,
            }
            true
        },
    );
    if fm.unreadable {
        return None;
    }
    let missing: Vec<&str> = ["title", "kind"]
        .into_iter()
        .filter(|k| !written.iter().any(|w| w == k))
        .collect();
    if !missing.is_empty() {
        diags.push(
            Diagnostic::error(
                "incomplete-material",
                format!(
                    "a material needs a title and a kind (no `{}`)",
                    missing.join("`, `")
                ),
            )
            .at(file, Pos::new(1, 1))
            .help(format!(
                "e.g. `title: X200 brochure` and `kind: brochure`; kinds: {}",
                kinds.join(", ")
            )),
        );
    }
    // A material with a mistake (reported: the build stops) is still checked further —
    // its products, its section's restrictions — so that one run reports everything.
    let title = fm.title.clone().unwrap_or_else(|| sidecar.file.clone());
    let kind = kind.unwrap_or_else(|| "other".to_owned());
    Some(Material {
        sidecar: sidecar.path.clone(),
        file: sidecar.file.clone(),
        title,
        kind,
        language,
        products,
        product_ids: Vec::new(),
        version,
        fm,
        translations,
        asset: 0,
        section: 0,
        restriction: Restriction::default(),
        origins: Vec::new(),
        lifecycle: Lifecycle::default(),
        committed: None,
        added: None,
    })
}

/// The output name of a material with `version` when names carry versions:
/// `files/x200-brochure.pdf` → `files/x200-brochure-2026.2.pdf`. Characters that do not
/// belong in a file name become `-`.
pub fn versioned_url(url: &str, version: &str) -> String {
    let version: String = version
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let (dir, name) = match url.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), url),
    };
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{dir}{stem}-{version}.{ext}"),
        _ => format!("{dir}{name}-{version}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_join_the_name_before_the_extension() {
        assert_eq!(
            versioned_url("files/x200-brochure.pdf", "2026.2"),
            "files/x200-brochure-2026.2.pdf"
        );
        assert_eq!(versioned_url("README", "v 2/3"), "README-v-2-3");
    }

    #[test]
    fn languages_are_codes() {
        use crate::model::languages::is_language;
        assert!(is_language("fi") && is_language("pt-BR"));
        assert!(!is_language("english") && !is_language("xx") && !is_language("en-"));
    }

    #[test]
    fn a_missing_title_or_kind_is_named() {
        let (_, diags) = read("description: no title\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("(no `title`, `kind`)"));
    }

    fn read(text: &str) -> (Option<Material>, Vec<Diagnostic>) {
        let yaml = "axes:\n  tier: { values: [public, silver, gold], ordered: true }\naudiences:\n  a: { tier: gold }\n";
        let node = crate::yaml::parse(yaml, "kanava.yaml", 0).unwrap();
        let mut diags = Vec::new();
        let model = crate::model::audience::from_config(Some(&node), &mut diags);
        let sidecar = SidecarFile {
            path: "content/files/x.pdf.yaml".into(),
            file: "content/files/x.pdf".into(),
            text: text.into(),
        };
        let m = parse(
            &sidecar,
            &Settings::default(),
            &model,
            &Calendar::utc(),
            &mut diags,
        );
        (m, diags)
    }

    #[test]
    fn a_sidecar_reads_like_front_matter() {
        let (m, diags) = read(
            "title: X200 brochure\nkind: brochure\nlanguage: fi\nproducts: [HP-8, HP-12]\nversion: \"2026.2\"\nupdated: 2026-11-02\ntier: gold\nexpires: 2027-03-31\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let m = m.unwrap();
        assert_eq!(
            (m.title.as_str(), m.kind.as_str()),
            ("X200 brochure", "brochure")
        );
        assert_eq!(m.language.as_deref(), Some("fi"));
        assert_eq!(m.products.len(), 2);
        assert_eq!(m.products[1].1, Pos::new(4, 18));
        assert_eq!(m.fm.restrictions.len(), 1);
        assert!(m.fm.expires.is_some());
    }

    #[test]
    fn sidecar_errors_are_located() {
        let (_, diags) = read("title: X\nkind: broshure\nweight: 3\ntire: gold\n");
        let codes: Vec<_> = diags
            .iter()
            .map(|d| (d.code, d.pos.map(|p| p.line)))
            .collect();
        assert_eq!(
            codes,
            [
                ("unknown-kind", Some(2)),
                ("unknown-key", Some(3)),
                ("unknown-key", Some(4)),
            ],
            "{diags:?}"
        );
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `brochure`")
        );
        assert!(
            diags[2]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `tier`")
        );
    }
}
