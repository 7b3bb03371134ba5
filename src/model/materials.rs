//! Materials (issue #14; docs/materials.md): files under `content/` with a metadata sidecar
//! `NAME.EXT.yaml`, read strictly like front matter — the same audience and stage keys with
//! the same meaning, plus a material's own. This module reads sidecars; who sees a material
//! is decided in `plan`, like everything else.

use jiff::civil::Date;

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::load::SidecarFile;
use crate::model::audience::AudienceModel;
use crate::model::frontmatter::{self, FrontMatter};
use crate::model::lifecycle::Calendar;
use crate::yaml::{Node, Value};

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
    pub version: Option<String>,
    /// Title, description, `updated`, audience restrictions and stage keys, as a page's.
    pub fm: FrontMatter,
}

/// Reads a sidecar; problems go to `diags` (`None` when it cannot describe a material).
pub fn parse(
    sidecar: &SidecarFile,
    audiences: &AudienceModel,
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
) -> Option<Material> {
    let file = sidecar.path.as_str();
    let mut kind: Option<String> = None;
    let mut language = None;
    let mut products = Vec::new();
    let mut version = None;
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
            match (key, &v.value) {
                ("kind", Value::Str(s)) if KINDS.contains(&s.as_str()) => kind = Some(s.clone()),
                ("kind", Value::Str(s)) => diags.push(
                    Diagnostic::error("unknown-kind", format!("`{s}` is not a kind of material"))
                        .at(file, at(v))
                        .len(s.chars().count())
                        .help(suggest_help(s, KINDS, "kinds")),
                ),
                ("kind", _) => diags.push(wrong(key, "a kind, e.g. `brochure`", v)),
                ("language", Value::Str(s)) => language = Some(s.clone()),
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
    let (Some(title), Some(kind)) = (fm.title.clone(), kind) else {
        let missing: Vec<&str> = [("title", fm.title.is_none())]
            .into_iter()
            .filter_map(|(k, m)| m.then_some(k))
            .collect();
        diags.push(
            Diagnostic::error(
                "incomplete-material",
                format!(
                    "a material needs a title and a kind{}",
                    if missing.is_empty() {
                        String::new()
                    } else {
                        format!(" (no `{}`)", missing.join("`, `"))
                    }
                ),
            )
            .in_file(file)
            .help(format!(
                "e.g. `title: X200 brochure` and `kind: brochure`; kinds: {}",
                KINDS.join(", ")
            )),
        );
        return None;
    };
    Some(Material {
        sidecar: sidecar.path.clone(),
        file: sidecar.file.clone(),
        title,
        kind,
        language,
        products,
        version,
        fm,
    })
}

/// When the material last changed, for what's new and the library's badges.
pub fn updated(material: &Material) -> Option<Date> {
    material.fm.updated
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let m = parse(&sidecar, &model, &Calendar::utc(), &mut diags);
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
        let (m, diags) = read("title: X\nkind: broshure\nweight: 3\ntire: gold\n");
        assert!(m.is_none());
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
                ("incomplete-material", None)
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
