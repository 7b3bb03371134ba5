//! Search: one [pagefind](https://pagefind.app) index per view, built from the [`Plan`] alone
//! (so it can hold nothing the view's audience may not see — the same guarantee as the
//! pages), written through the view's [`Sink`] under `_kanava/search/`.
//!
//! The index is made of [`Record`]s, one per thing a reseller can find. [`records`] turns the
//! plan into records; pagefind indexes each as a tiny synthetic HTML document ([`Record::html`])
//! so that it weights titles and headings and links results to headings (`#id`).
//!
//! **Adding a kind of record** (products, materials, learning paths): add a `Kind` variant
//! and build its records from the plan's own list in [`records`] (see the comment there). A
//! product sets `sku`: the code is then searchable as a word, shown in results, and stored as
//! the exact-match filter `sku` (upper-cased), which the theme's `search.js` looks up before
//! anything else so that typing a product code puts that product first.
//!
//! pagefind's browser side (`pagefind.js` and its WebAssembly) is embedded in the crate and
//! written next to the index: no network at build or search time. Its ready-made UIs and
//! web worker are not written (the theme has its own UI, `static/search.js`; see [`unused`]).
//!
//! Determinism: pagefind names files by content hash, sorts words before chunking, and
//! gzips with a zero timestamp, so the same records in the same order give the same bytes
//! (checked by the `same_input_same_bytes` build test). Records are fed in plan order.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::html::escape;

pub mod fossick;
pub mod writer;
use crate::plan::{Plan, PlanPage};
use crate::write::Sink;

/// What a result is; shown in the result list ("guide", "product", …) and stored as the
/// pagefind filter `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Pages and sections of the site.
    Guide,
    /// A product of the catalog (`sku` set).
    Product,
    /// A downloadable material (brochure, data sheet…).
    Material,
    /// A learning path.
    Path,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Guide => "guide",
            Kind::Product => "product",
            Kind::Material => "material",
            Kind::Path => "path",
        }
    }
}

/// One searchable thing, built from the plan only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Site-relative URL (`ordering/delivery/`; home is `""`).
    pub url: String,
    pub title: String,
    pub kind: Kind,
    /// A product code, matched exactly (see the module docs).
    pub sku: Option<String>,
    /// Short text shown under the title when nothing in the body matches (a description).
    pub summary: Option<String>,
    /// The visible text before the first heading.
    pub text: String,
    /// The visible headings, each with the text up to the next one.
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's `id` (results link to `url#id`).
    pub id: String,
    pub level: u8,
    pub title: String,
    pub text: String,
}

/// Every record of a view, in plan order.
pub fn records(plan: &Plan) -> Vec<Record> {
    // Products are pages of the plan (`PlanPage::product`), so `page_record` covers them.
    // Materials come from the plan's own list (learning paths will too), after the pages.
    let mut records: Vec<Record> = (0..plan.pages.len())
        .into_par_iter()
        .map(|i| page_record(plan, i))
        .collect();
    records.extend(plan.materials.iter().map(|m| material_record(plan, m)));
    records
}

/// A material: found by its title, description, kind, language, version and the codes
/// and names of the products it names (those the view sees); the result opens the file.
fn material_record(plan: &Plan, pm: &crate::plan::PlanMaterial) -> Record {
    let m = pm.material;
    let mut words = vec![m.kind.replace('-', " ")];
    words.extend(m.language.iter().cloned());
    words.extend(m.version.iter().map(|v| format!("version {v}")));
    for &p in &pm.products {
        let page = &plan.pages[p];
        if let Some(product) = &page.product {
            words.push(product.sku.to_owned());
        }
        words.push(page.title.to_owned());
    }
    words.push(pm.asset.info.label());
    Record {
        url: pm.asset.url.clone(),
        title: m.title.clone(),
        kind: Kind::Material,
        sku: None,
        summary: m.fm.description.clone(),
        text: words.join(" "),
        sections: Vec::new(),
    }
}

/// A page or section: its title, description, and its visible HTML cut at its visible
/// headings (the plan's `toc`), reduced to text. A product page adds its code (`sku`), its
/// category and its specifications.
fn page_record(plan: &Plan, i: usize) -> Record {
    let page: &PlanPage = &plan.pages[i];
    let html = &plan.content(i);
    let mut sections = Vec::new();
    let mut text = String::new();
    let mut at = 0;
    let mut open: Option<&crate::plan::TocItem> = None;
    for heading in &page.toc {
        // `markdown::heading_html` writes `<hN id="ID">…</hN>`; a heading not found this way
        // (there is none today) simply stays part of the text around it.
        let start_tag = format!("<h{} id=\"{}\">", heading.level, escape(&heading.id));
        let Some(found) = html[at..].find(&start_tag).map(|i| at + i) else {
            continue;
        };
        let end_tag = format!("</h{}>", heading.level);
        let Some(end) = html[found..]
            .find(&end_tag)
            .map(|i| found + i + end_tag.len())
        else {
            continue;
        };
        let before = visible_text(&html[at..found]);
        match open.take() {
            None => text = before,
            Some(h) => sections.push(Section {
                id: h.id.clone(),
                level: h.level,
                title: h.title.to_owned(),
                text: before,
            }),
        }
        open = Some(heading);
        at = end;
    }
    let mut rest = visible_text(&html[at..]);
    if let Some(product) = &page.product {
        let category = page.parent.map(|p| plan.pages[p].title);
        let specs = product.specs.iter().map(|(k, v)| format!("{k} {v}"));
        let extra: Vec<String> = category
            .map(str::to_owned)
            .into_iter()
            .chain(specs)
            .collect();
        for part in extra {
            if !rest.is_empty() {
                rest.push(' ');
            }
            rest.push_str(&part);
        }
    }
    match open {
        None => text = rest,
        Some(h) => sections.push(Section {
            id: h.id.clone(),
            level: h.level,
            title: h.title.to_owned(),
            text: rest,
        }),
    }
    Record {
        url: page.url.to_owned(),
        title: page.title.to_owned(),
        kind: if page.product.is_some() {
            Kind::Product
        } else if page.path.is_some() {
            Kind::Path
        } else {
            Kind::Guide
        },
        sku: page.product.as_ref().map(|p| p.sku.to_owned()),
        summary: page.description.map(str::to_owned),
        text,
        sections,
    }
}

/// HTML → text with single spaces (the heading anchors' `#` removed): tags dropped, a
/// space where a paragraph, list item, cell or line ends (so that words the tags alone
/// would glue together stay apart), the five entities the renderer writes decoded.
///
/// Two passes over the page instead of a dozen: this runs for every page of every view.
/// `tests::visible_text_is_the_reference` holds it to the plain definition.
fn visible_text(html: &str) -> String {
    const ANCHOR: &str = "aria-label=\"Link to this heading\">";
    const BLOCK_ENDS: [&str; 5] = ["</p>", "</li>", "</td>", "</th>", "<br"];
    // Pass 1: the text outside tags, with the block ends' spaces.
    let mut text = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for (i, c) in html.char_indices() {
        match c {
            '<' => {
                let rest = &html[i..];
                if !in_tag && BLOCK_ENDS.iter().any(|end| rest.starts_with(end)) {
                    text.push(' ');
                }
                in_tag = true;
            }
            '>' => in_tag = false,
            '#' if !in_tag && html[..i].ends_with(ANCHOR) && html[i + 1..].starts_with("</a>") => {}
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    // Pass 2: entities decoded (`html::strip_tags`' five, in one left-to-right pass, which
    // gives what its replacements in turn give), white space runs made one space, trimmed.
    const ENTITIES: [(&str, char); 5] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        let (c, len) = match c {
            '&' => ENTITIES
                .iter()
                .find(|(entity, _)| rest.starts_with(entity))
                .map_or(('&', 1), |(entity, c)| (*c, entity.len())),
            c => (c, c.len_utf8()),
        };
        rest = &rest[len..];
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

impl Record {
    /// The document pagefind indexes: title (metadata), the summary, the text
    /// and the sections under their headings (which become `#id` sub-results). Everything is
    /// escaped text; `kind` and `sku` are pagefind filters and metadata.
    pub fn html(&self, lang: &str) -> String {
        let mut html = format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"></head><body>\n",
            escape(lang)
        );
        html += &format!(
            "<span data-pagefind-filter=\"kind:{}\"></span>\n",
            self.kind.as_str()
        );
        // The title is metadata (searched, and ranked with pagefind's title weight) but not
        // body text, so excerpts do not all begin with it.
        html += &format!(
            "<h1 data-pagefind-ignore data-pagefind-meta=\"title\">{}</h1>\n",
            escape(&self.title)
        );
        if let Some(sku) = &self.sku {
            let code = escape(sku.trim());
            html += &format!(
                "<p data-pagefind-weight=\"10\" data-pagefind-meta=\"sku\">{code}</p>\n<span data-pagefind-filter=\"sku:{}\"></span>\n",
                escape(&sku.trim().to_uppercase())
            );
        }
        if let Some(summary) = &self.summary {
            html += &format!("<p>{}</p>\n", escape(summary));
        }
        if !self.text.is_empty() {
            html += &format!("<p>{}</p>\n", escape(&self.text));
        }
        for s in &self.sections {
            let level = s.level.clamp(2, 6);
            html += &format!(
                "<h{level} id=\"{}\">{}</h{level}>\n",
                escape(&s.id),
                escape(&s.title)
            );
            if !s.text.is_empty() {
                html += &format!("<p>{}</p>\n", escape(&s.text));
            }
        }
        html += "</body></html>\n";
        html
    }
}

/// pagefind's ready-made UIs, highlighter and web worker: not used by the theme (its
/// `search.js` runs pagefind on the main thread, which saves a download before the first
/// answer), so not published. Without the worker file pagefind falls back to the main thread
/// by itself, so a theme calling pagefind's defaults still works.
fn unused(name: &str) -> bool {
    name == "pagefind-worker.js"
        || name.starts_with("pagefind-ui.")
        || name.starts_with("pagefind-modular-ui.")
        || name.starts_with("pagefind-component-ui.")
        || name == "pagefind-highlight.js"
}

/// Builds the view's index and writes it (and pagefind's browser files) into `sink`.
pub fn write(plan: &Plan, sink: &dyn Sink) -> Result<()> {
    Job::new(plan).run(sink)
}

/// A view's index to build: its records (owned, so the plan can go) and language.
pub struct Job {
    records: Vec<Record>,
    lang: String,
}

impl Job {
    pub fn new(plan: &Plan) -> Job {
        Job {
            records: records(plan),
            lang: plan.config.language.to_ascii_lowercase(),
        }
    }

    /// Indexes the records and writes the index (and pagefind's browser files) into `sink`.
    pub fn run(self, sink: &dyn Sink) -> Result<()> {
        for (name, bytes) in writer::index_view(self.records, &self.lang)? {
            sink.write(&crate::paths::search_file(&name), &bytes)?;
        }
        Ok(())
    }
}

/// Builds the views' indexes on threads of their own while the pages of the views render
/// on the others. At scale indexing outlasts rendering; [`INDEXERS`] views are indexed at a
/// time and at most one more waits in the queue (rendering waits for room), which bounds
/// the memory the indexes and the queued records take.
pub struct Indexer<'scope, S: Sink + Send + 'scope> {
    jobs: Option<std::sync::mpsc::SyncSender<(Job, S)>>,
    threads: Vec<std::thread::ScopedJoinHandle<'scope, Result<()>>>,
}

impl crate::post::ViewOutput for Indexer<'_, Box<dyn Sink + Send>> {
    /// Queues the view's index; [`Indexer::finish`] waits for it.
    fn write(
        &self,
        plan: &Plan,
        dest: &dyn crate::write::Destination,
        folder: &str,
    ) -> Result<Vec<crate::diag::Diagnostic>> {
        self.add(plan, dest.view(folder));
        Ok(Vec::new())
    }
}

/// How many views are indexed at once: each holds its whole index in memory, and each
/// index is built in parallel inside (rayon), so one at a time keeps the cores busy. Two
/// peaked 15–20 % higher (1.27–1.36 against 1.11 GiB on the 10,000-page corpus, 8 views) for
/// no measurable gain in time on 2 cores.
pub const INDEXERS: usize = 1;

impl<'scope, S: Sink + Send + 'scope> Indexer<'scope, S> {
    pub fn spawn<'env>(scope: &'scope std::thread::Scope<'scope, 'env>) -> Self {
        let (jobs, queue) = std::sync::mpsc::sync_channel::<(Job, S)>(1);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        let threads = (0..INDEXERS)
            .map(|_| {
                let queue = std::sync::Arc::clone(&queue);
                scope.spawn(move || {
                    loop {
                        // A poisoned lock means the other indexer panicked: stop too.
                        let next = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => break,
                        };
                        let Ok((job, sink)) = next else { break };
                        // After a failure this thread stops; `finish` reports the error.
                        job.run(&sink)?;
                    }
                    Ok(())
                })
            })
            .collect();
        Indexer {
            jobs: Some(jobs),
            threads,
        }
    }

    /// Queues the index of `plan`'s view, to be written into `sink`.
    pub fn add(&self, plan: &Plan, sink: S) {
        if let Some(jobs) = &self.jobs {
            // A closed queue means the thread stopped on an error, which `finish` returns.
            let _ = jobs.send((Job::new(plan), sink));
        }
    }

    /// Waits for every queued index; the first error, if any.
    pub fn finish(mut self) -> Result<()> {
        self.jobs = None;
        let mut result = Ok(());
        for thread in self.threads {
            let done = thread.join().unwrap_or_else(|_| {
                Err(anyhow::anyhow!("the search indexer stopped unexpectedly"))
            });
            if result.is_ok() {
                result = done;
            }
        }
        result
    }
}

/// [`index`] through pagefind's own library (`PagefindIndex`), one document at a time: what
/// kanava's writer must match (the differential tests) and where the browser files come
/// from (`writer::browser_files`). Builds never index with it: it keeps ~95 KB per page and
/// cannot share work between views (issue 17).
pub fn library_index(records: &[Record], lang: &str) -> Result<BTreeMap<String, Vec<u8>>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the search indexer's runtime")?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(lang.to_owned())
            .build();
        let mut index =
            PagefindIndex::new(Some(config)).context("cannot set up the search indexer")?;
        for record in records {
            index
                .add_html_file(None, Some(format!("/{}", record.url)), record.html(lang))
                .await
                .with_context(|| format!("cannot index `/{}` for search", record.url))?;
        }
        let files = index
            .get_files()
            .await
            .context("cannot build the search index")?;
        Ok(files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .filter(|(name, _)| !unused(name))
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            url: "ordering/delivery/".into(),
            title: "Delivery <terms>".into(),
            kind: Kind::Guide,
            sku: None,
            summary: Some("Lead times".into()),
            text: "Intro text".into(),
            sections: vec![Section {
                id: "lead-times".into(),
                level: 2,
                title: "Lead times".into(),
                text: "Five days.".into(),
            }],
        }
    }

    #[test]
    fn html_escapes_and_marks_kind() {
        let html = record().html("en");
        assert!(html.contains(">Delivery &lt;terms&gt;</h1>"));
        assert!(html.contains("data-pagefind-filter=\"kind:guide\""));
        assert!(html.contains("<h2 id=\"lead-times\">Lead times</h2>\n<p>Five days.</p>"));
    }

    /// The plain definition of [`visible_text`], in the steps it names.
    fn visible_text_reference(html: &str) -> String {
        let html = html.replace(
            "aria-label=\"Link to this heading\">#</a>",
            "aria-label=\"Link to this heading\"></a>",
        );
        let html = html
            .replace("</p>", " </p>")
            .replace("</li>", " </li>")
            .replace("</td>", " </td>")
            .replace("</th>", " </th>")
            .replace("<br", " <br");
        crate::html::strip_tags(&html)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    proptest::proptest! {
        #[test]
        fn visible_text_is_the_reference(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "<p>", "</p>", "<li>", "</li>", "</td>", "</th>", "<br>", "<br/>", "<a href=\"#x\" ",
                "aria-label=\"Link to this heading\">", "#", "</a>", "<h2 id=\"a\">", "</h2>",
                "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&amp;lt;", "&", "amp;", "lt;", "<", ">",
                " ", "\n", "\t", "\u{a0}", "word", "Ääkköset", "🎉", "x", "\"", "'",
            ]),
            0..40,
        )) {
            let html = parts.concat();
            proptest::prop_assert_eq!(visible_text(&html), visible_text_reference(&html));
        }
    }

    #[test]
    fn visible_text_drops_anchors_and_keeps_words_apart() {
        let html = "<p>One</p><p>two</p><ul><li>a</li><li>b</li></ul>";
        assert_eq!(visible_text(html), "One two a b");
        let h = "<h2 id=\"x\">X<a class=\"anchor\" href=\"#x\" aria-label=\"Link to this heading\">#</a></h2>";
        assert_eq!(visible_text(h), "X");
    }

    #[test]
    fn same_records_same_bytes() {
        let records = vec![record(), {
            let mut r = record();
            r.url = "products/hp-12/".into();
            r.kind = Kind::Product;
            r.sku = Some("hp-12".into());
            r
        }];
        let a = writer::index(&records, "en").unwrap();
        let b = writer::index(&records, "en").unwrap();
        assert_eq!(a, b);
        assert!(a.contains_key("pagefind.js") && a.contains_key("pagefind-entry.json"));
        assert!(a.keys().any(|k| k.starts_with("fragment/")));
        assert!(!a.keys().any(|k| unused(k)));
    }

    /// The product's fragment carries its type and code as pagefind filters and metadata
    /// (what `search.js` shows and matches exactly).
    #[test]
    fn kind_and_sku_reach_the_fragments() {
        let mut product = record();
        product.kind = Kind::Product;
        product.sku = Some("hp-12".into());
        product.url = "products/hp-12/".into();
        let files = writer::index(&[record(), product], "en").unwrap();
        let fragments: Vec<serde_json::Value> = files
            .iter()
            .filter(|(k, _)| k.starts_with("fragment/"))
            .map(|(_, gz)| {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out)
                    .unwrap();
                let json = out.strip_prefix(b"pagefind_dcd".as_slice()).unwrap();
                serde_json::from_slice(json).unwrap()
            })
            .collect();
        let product = fragments
            .iter()
            .find(|f| f["url"] == "/products/hp-12/")
            .expect("product fragment");
        assert_eq!(product["filters"]["kind"][0], "product");
        assert_eq!(product["filters"]["sku"][0], "HP-12");
        assert_eq!(product["meta"]["sku"], "hp-12");
        assert_eq!(product["meta"]["title"], "Delivery <terms>");
        let guide = fragments
            .iter()
            .find(|f| f["url"] == "/ordering/delivery/")
            .expect("guide fragment");
        assert_eq!(guide["filters"]["kind"][0], "guide");
        assert!(guide["filters"].get("sku").is_none());
        // The title is metadata, not the start of every excerpt.
        assert!(!guide["content"].as_str().unwrap().starts_with("Delivery"));
    }
}
