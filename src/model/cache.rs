//! Parsed and highlighted documents kept from one build for the next (issue 19):
//! `kanava serve` rebuilds after every save, and most pages did not change.
//!
//! A page's document depends on its own text and on its **context**: the configuration
//! (audiences, calendar) and the tree its links resolve against (every page's source,
//! folder, URL and kind in order — a link's target is a page's number —, the assets, the
//! refused paths). [`context`] hashes all of that; when it differs from the last build's,
//! nothing is reused. Within one context, a document is reused only for the same file with
//! byte-identical text at the same line offset, with the diagnostics its parse gave. A
//! highlighted document is reused for the same parsed document and the same fragments to
//! highlight. Everything a build did not use is dropped, so the cache holds one build.
//!
//! `tests/it/incremental.rs` holds it to this: after random edits, a build through the
//! cache writes exactly the bytes and diagnostics of a clean build.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use crate::diag::Diagnostic;
use crate::markdown::Document;

use super::{Asset, Page};

/// One build's documents, for the next build (see the module's documentation).
#[derive(Default)]
pub struct DocCache {
    /// The files' texts, read again only when they changed (`load::Texts`).
    pub texts: crate::load::Texts,
    inner: Mutex<Inner>,
    hits: std::sync::atomic::AtomicUsize,
}

#[derive(Default)]
struct Inner {
    context: u64,
    docs: HashMap<String, Parsed>,
    /// Each Markdown file's front matter, by path, with the hash of kanava.yaml it was
    /// read under (audiences and calendar give it its meaning).
    fronts: HashMap<String, Front>,
    /// By the address of the parsed document (kept alive in `Highlighted::from`).
    highlighted: HashMap<usize, Highlighted>,
}

/// A file's parse: its text, where its body is in it and its first line, the document and
/// diagnostics.
#[derive(Clone)]
pub struct Parsed {
    text: Arc<str>,
    body: std::ops::Range<usize>,
    line_offset: u32,
    pub doc: Arc<Document>,
    pub diags: Vec<Diagnostic>,
}

/// A file's front matter as read: its whole text, the configuration's hash, where its
/// body starts (byte and line) and what reading gave.
#[derive(Clone)]
pub struct Front {
    text: Arc<str>,
    config: u64,
    pub body_start: usize,
    pub body_offset: u32,
    /// Shared with the page's node, and the next build's when this is reused.
    pub fm: Arc<super::frontmatter::FrontMatter>,
    pub diags: Vec<Diagnostic>,
}

impl Front {
    pub fn new(
        text: &Arc<str>,
        config: u64,
        body_start: usize,
        body_offset: u32,
        fm: super::frontmatter::FrontMatter,
        diags: Vec<Diagnostic>,
    ) -> Front {
        Front {
            text: Arc::clone(text),
            config,
            body_start,
            body_offset,
            fm: Arc::new(fm),
            diags,
        }
    }
}

#[derive(Clone)]
struct Highlighted {
    /// Holds the parsed document, so no other can take its address while this is kept.
    from: Arc<Document>,
    shown: Vec<bool>,
    doc: Arc<Document>,
}

/// A hash of kanava.yaml's text: what gives front matter and documents their meaning
/// (audiences, calendar).
pub fn config_hash(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Hashes what every parse depends on besides the file's own text (`config`: [`config_hash`]).
pub fn context<'s>(
    config: u64,
    pages: &[Page],
    assets: &[Asset],
    refused: &[String],
    skus: impl Iterator<Item = &'s str>,
) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    config.hash(&mut h);
    for p in pages {
        (p.kind as u8, &p.source, &p.dir, &p.url, p.parent, p.data).hash(&mut h);
    }
    for sku in skus {
        sku.hash(&mut h);
    }
    for a in assets {
        (&a.path, a.material).hash(&mut h);
    }
    refused.hash(&mut h);
    h.finish()
}

/// One build's use of the cache: what the last build left (if its context was the same)
/// and what this build parses, which replaces it at [`DocCache::finish`].
pub struct Session<'c> {
    cache: &'c DocCache,
    context: u64,
    old: HashMap<String, Parsed>,
    new: Mutex<HashMap<String, Parsed>>,
}

impl DocCache {
    /// Starts a build whose documents have `context`.
    pub fn begin(&self, context: u64) -> Session<'_> {
        let old = match self.inner.lock() {
            Ok(mut inner) if inner.context == context => std::mem::take(&mut inner.docs),
            _ => HashMap::new(),
        };
        Session {
            cache: self,
            context,
            old,
            new: Mutex::new(HashMap::new()),
        }
    }

    /// The last build's front matter of every file (taken: [`DocCache::keep_fronts`] puts
    /// this build's back).
    pub fn take_fronts(&self) -> HashMap<String, Front> {
        self.inner
            .lock()
            .map(|mut i| std::mem::take(&mut i.fronts))
            .unwrap_or_default()
    }

    /// `file`'s front matter from `old`, when its text and the configuration are the same.
    pub fn front<'o>(
        &self,
        old: &'o HashMap<String, Front>,
        file: &str,
        text: &Arc<str>,
        config: u64,
    ) -> Option<&'o Front> {
        let f = old.get(file)?;
        (f.config == config && (Arc::ptr_eq(&f.text, text) || *f.text == **text)).then(|| {
            self.hit();
            f
        })
    }

    pub fn keep_fronts(&self, fronts: HashMap<String, Front>) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.fronts = fronts;
        }
    }

    /// How many documents builds took from the cache so far (parsed and highlighted).
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn hit(&self) {
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// The highlighted version of `doc` for `shown`, if the last build made it.
    pub fn highlighted(&self, doc: &Arc<Document>, shown: &[bool]) -> Option<Arc<Document>> {
        let inner = self.inner.lock().ok()?;
        let h = inner.highlighted.get(&(Arc::as_ptr(doc) as usize))?;
        (Arc::ptr_eq(&h.from, doc) && h.shown == shown).then(|| {
            self.hit();
            Arc::clone(&h.doc)
        })
    }

    /// Keeps this build's highlighted documents (and only them) for the next.
    pub fn keep_highlighted(&self, done: Vec<(Arc<Document>, Vec<bool>, Arc<Document>)>) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.highlighted = done
                .into_iter()
                .map(|(from, shown, doc)| {
                    (
                        Arc::as_ptr(&from) as usize,
                        Highlighted { from, shown, doc },
                    )
                })
                .collect();
        }
    }
}

impl Session<'_> {
    /// `file`'s document: the last build's, when its body and offset are the same, else
    /// `parse`'s (kept for the next build either way). `body` is a part of `text`, the
    /// file's whole text; the same text (the last build's, unchanged on disk) needs no
    /// comparison.
    pub fn parse(
        &self,
        file: &str,
        text: &Arc<str>,
        body: &str,
        line_offset: u32,
        parse: impl FnOnce(&mut Vec<Diagnostic>) -> Document,
    ) -> (Arc<Document>, Vec<Diagnostic>) {
        let start = (body.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        let range = start..start + body.len();
        let same = |p: &Parsed| {
            p.line_offset == line_offset
                && if Arc::ptr_eq(&p.text, text) {
                    p.body == range
                } else {
                    p.text.get(p.body.clone()) == Some(body)
                }
        };
        let parsed = match self.old.get(file) {
            Some(p) if same(p) => {
                self.cache.hit();
                p.clone()
            }
            _ => {
                let mut diags = Vec::new();
                let doc = Arc::new(parse(&mut diags));
                let (text, body) = match text.get(range.clone()) {
                    Some(_) => (Arc::clone(text), range),
                    // Not a part of `text` after all: keep a copy.
                    None => (Arc::from(body), 0..body.len()),
                };
                Parsed {
                    text,
                    body,
                    line_offset,
                    doc,
                    diags,
                }
            }
        };
        let out = (Arc::clone(&parsed.doc), parsed.diags.clone());
        if let Ok(mut new) = self.new.lock() {
            new.insert(file.to_owned(), parsed);
        }
        out
    }

    /// This build's documents replace the last build's.
    pub fn finish(self) {
        let docs = self.new.into_inner().unwrap_or_default();
        if let Ok(mut inner) = self.cache.inner.lock() {
            inner.context = self.context;
            inner.docs = docs;
        }
    }
}
