//! Post: the view's Atom feed (`feed.xml`, RFC 4287) of what's new — the plan's `news`,
//! newest first, so it lists exactly what the view's what's new page lists and nothing the
//! plan removed (issue #14).
//!
//! Deterministic: the feed's `updated` is its newest entry's date, never the build clock;
//! ids are derived from URLs (with `base_url`) or from the site title, audience and page
//! URL (without), so they are stable across builds. A view with no dated item gets no feed
//! (a feed needs an `updated`), and its pages do not link one.
//!
//! Without `base_url` the feed's links are relative: feed readers resolve them against the
//! feed's own address (RFC 4287 §4.2.7.1 and xml:base), which works because `feed.xml` is
//! at the view's root, beside the pages it links. There is no `rel="self"` link then.

use std::fmt::Write as _;

use anyhow::Result;

use crate::diag::Diagnostic;
use crate::html::escape;
use crate::model::percent_encode_path;
use crate::plan::Plan;
use crate::post::ViewOutput;
use crate::write::Destination;

/// `feed.xml`, for views with at least one dated guide or product.
pub struct Feed;

impl ViewOutput for Feed {
    fn write(&self, plan: &Plan, dest: &dyn Destination, folder: &str) -> Result<Vec<Diagnostic>> {
        if let Some(xml) = atom(plan) {
            dest.view(folder)
                .write(crate::paths::FEED, xml.as_bytes())?;
        }
        Ok(Vec::new())
    }
}

/// The view's Atom feed, none when nothing in it has a date.
pub fn atom(plan: &Plan) -> Option<String> {
    let newest = plan.news_entry(*plan.news.first()?)?.changed;
    let cal = plan.calendar;
    let site_url = plan.site_url();
    let title = &plan.config.title;
    // The view's own name for ids without base_url: stable as long as the site's title
    // and the audience's name are.
    let urn = format!(
        "urn:kanava:{}:{}",
        urn_part(title),
        urn_part(plan.audience.unwrap_or("site"))
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        text(&plan.config.language)
    );
    let feed_title = match plan.audience_title {
        Some(audience) => format!("{title} · {audience}: what's new"),
        None => format!("{title}: what's new"),
    };
    let _ = writeln!(xml, "  <title>{}</title>", text(&feed_title));
    let whats_new = crate::paths::WHATS_NEW;
    match &site_url {
        Some(url) => {
            let _ = writeln!(xml, "  <id>{}</id>", text(url));
            let _ = writeln!(
                xml,
                "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
                text(&format!("{url}{}", crate::paths::FEED))
            );
            let _ = writeln!(
                xml,
                "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                text(&format!("{url}{whats_new}"))
            );
        }
        None => {
            let _ = writeln!(xml, "  <id>{}</id>", text(&urn));
            let _ = writeln!(
                xml,
                "  <link rel=\"alternate\" type=\"text/html\" href=\"{whats_new}\"/>"
            );
        }
    }
    let _ = writeln!(xml, "  <updated>{}</updated>", cal.iso(newest));
    let _ = writeln!(xml, "  <author><name>{}</name></author>", text(title));
    for &item in &plan.news {
        let Some(entry) = plan.news_entry(item) else {
            continue;
        };
        let path = percent_encode_path(entry.url);
        let (id, href) = match &site_url {
            Some(url) => (format!("{url}{path}"), format!("{url}{path}")),
            None => (format!("{urn}:{}", urn_part(entry.url)), path),
        };
        xml.push_str("  <entry>\n");
        let _ = writeln!(xml, "    <id>{}</id>", text(&id));
        let _ = writeln!(xml, "    <title>{}</title>", text(entry.title));
        let _ = writeln!(xml, "    <updated>{}</updated>", cal.iso(entry.changed));
        match entry.file {
            // A material's entry links the file itself, with its size (RFC 4287 4.2.7).
            Some(file) => {
                let _ = writeln!(
                    xml,
                    "    <link rel=\"enclosure\" href=\"{}\" length=\"{}\"/>",
                    text(&href),
                    file.info.bytes
                );
                let _ = writeln!(
                    xml,
                    "    <link rel=\"alternate\" href=\"{}\"/>",
                    text(&href)
                );
            }
            None => {
                let _ = writeln!(
                    xml,
                    "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                    text(&href)
                );
            }
        }
        let _ = writeln!(xml, "    <category term=\"{}\"/>", entry.kind);
        let summary = match (entry.summary, entry.file) {
            (Some(s), Some(file)) => Some(format!("{s} ({})", file.info.label())),
            (None, Some(file)) => Some(file.info.label()),
            (s, None) => s.map(str::to_owned),
        };
        if let Some(summary) = summary.as_deref() {
            let _ = writeln!(xml, "    <summary>{}</summary>", text(summary));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Some(xml)
}

/// Escaped XML text, without the control characters XML 1.0 cannot hold.
fn text(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    escape(&clean)
}

/// A part of a `urn:` (RFC 8141): unreserved characters and `/` as they are, the rest
/// percent-encoded (so `:` cannot split it).
fn urn_part(s: &str) -> String {
    crate::model::percent_encode(s, b"-._~/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urn_parts_keep_their_separators_their_own() {
        assert_eq!(urn_part("Kaamos Heat"), "Kaamos%20Heat");
        assert_eq!(urn_part("a:b/c/"), "a%3Ab/c/");
        assert_eq!(urn_part("Ä"), "%C3%84");
    }

    #[test]
    fn text_is_escaped_and_valid_xml() {
        assert_eq!(text("a < b & \"c\"\u{1}"), "a &lt; b &amp; &quot;c&quot;");
    }
}
