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
//!
//! `kanava build` keeps it on disk between runs, in the user's cache folder and never in
//! the site (`load::cache_file`, [`Taken::write_to`], [`DocCache::read_from`]): the
//! documents whose parse gave no diagnostic, with their highlighted code and the context
//! they were parsed in, stamped with the program that made them ([`PROGRAM`]: another
//! version or build of kanava reads none of it). A cache that cannot be read is no cache. The same property test
//! round-trips the cache through those bytes between builds.

use std::borrow::Cow;
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
    /// The last build's model (`model::keep`), once the build handed its site back.
    model: Mutex<ModelSlot>,
    /// How many builds started from the last one's model.
    models_kept: std::sync::atomic::AtomicUsize,
}

#[derive(Default)]
struct ModelSlot {
    /// What this build's `model::build` left, waiting for its site.
    parts: Option<super::keep::Parts>,
    kept: Option<super::keep::Kept>,
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
    /// How many documents the last build had, and took from the one before.
    documents: usize,
    reused: usize,
    /// A build has finished with this cache.
    used: bool,
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

    /// Is `other` (the same file, read again) the same front matter at the same line,
    /// under the same configuration, so that reading it gives what this gave?
    pub fn same_front_matter(&self, other: &Front) -> bool {
        self.config == other.config
            && self.body_offset == other.body_offset
            && self.text.get(..self.body_start) == other.text.get(..other.body_start)
    }
}

#[derive(Clone)]
struct Highlighted {
    /// Holds the parsed document, so no other can take its address while this is kept.
    from: Arc<Document>,
    shown: Vec<bool>,
    doc: Arc<Document>,
}

/// The last build's highlighted documents ([`DocCache::take_highlighted`]), looked up
/// without a lock by the threads that highlight.
pub struct Highlights<'c> {
    cache: &'c DocCache,
    map: HashMap<usize, Highlighted>,
}

impl Highlights<'_> {
    /// The highlighted version of `doc` for `shown`, if the last build made it.
    pub fn get(&self, doc: &Arc<Document>, shown: &[bool]) -> Option<Arc<Document>> {
        let h = self.map.get(&(Arc::as_ptr(doc) as usize))?;
        (Arc::ptr_eq(&h.from, doc) && h.shown == shown).then(|| {
            self.cache.hit();
            Arc::clone(&h.doc)
        })
    }
}

/// The program that wrote a stored cache: its version and a hash of its sources
/// (`build.rs`), so that no other build of kanava, which might parse differently, reads it.
pub const PROGRAM: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("KANAVA_SOURCE_HASH"));

/// A [`DocCache`] as stored ([`DocCache::read_from`] reads its fields one at a time).
#[derive(serde::Serialize)]
struct Stored<'a, D> {
    program: Cow<'a, str>,
    context: u64,
    docs: Vec<StoredDoc<'a, D>>,
}

/// `D` is `&Document` when written, `Document` when read.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredDoc<'a, D> {
    file: Cow<'a, str>,
    body: Cow<'a, str>,
    line_offset: u32,
    doc: D,
    /// The fragments it was highlighted for, and each fragment's highlighted code blocks
    /// (`None`: left plain): highlighting changes nothing else.
    highlighted: Option<(Vec<bool>, HighlightedCode<'a>)>,
}

/// Per fragment, per code block: its highlighted HTML, or `None` where it stayed plain.
type HighlightedCode<'a> = Vec<Vec<Option<Cow<'a, str>>>>;

/// A cache's documents taken out of it to be stored ([`DocCache::take`]): `kanava build`
/// writes them on a thread of their own while it renders, without holding them twice.
pub struct Taken {
    context: u64,
    docs: HashMap<String, Parsed>,
    highlighted: HashMap<usize, Highlighted>,
}

impl DocCache {
    /// Takes the last build's documents out of the cache (to store them).
    pub fn take(&self) -> Taken {
        let (context, docs, highlighted) = match self.inner.lock() {
            Ok(mut inner) => (
                inner.context,
                std::mem::take(&mut inner.docs),
                std::mem::take(&mut inner.highlighted),
            ),
            Err(_) => Default::default(),
        };
        Taken {
            context,
            docs,
            highlighted,
        }
    }

    /// A cache from what [`Taken::write_to`] wrote; `None` when it is not one, or was
    /// written by another build of kanava. Read as a stream: only the longest text is ever
    /// held twice (a text over 64 MiB makes it no cache).
    pub fn read_from(from: impl std::io::Read) -> Option<DocCache> {
        let mut scratch = vec![0u8; 64 << 20];
        // Postcard writes a struct's fields one after the other: the program and context
        // are read (and another program's cache refused) before any document.
        let ((program, context), (from, scratch)): ((String, u64), _) =
            postcard::from_io((from, &mut scratch[..])).ok()?;
        if program != PROGRAM {
            return None;
        }
        let (docs, _): (Vec<StoredDoc<'_, Document>>, _) =
            postcard::from_io((from, scratch)).ok()?;
        let mut inner = Inner {
            context,
            ..Inner::default()
        };
        for d in docs {
            let body: Arc<str> = Arc::from(d.body.as_ref());
            let doc = Arc::new(d.doc);
            if let Some((shown, code)) = d.highlighted {
                let mut highlighted = Document::clone(&doc);
                if code.len() != highlighted.fragments.len() {
                    return None;
                }
                for (fragment, code) in highlighted.fragments.iter_mut().zip(code) {
                    if code.len() != fragment.code.len() {
                        return None;
                    }
                    for (block, html) in fragment.code.iter_mut().zip(code) {
                        if let Some(html) = html {
                            block.html = html.into_owned();
                            block.highlighted = true;
                        }
                    }
                }
                inner.highlighted.insert(
                    Arc::as_ptr(&doc) as usize,
                    Highlighted {
                        from: Arc::clone(&doc),
                        shown,
                        doc: Arc::new(highlighted),
                    },
                );
            }
            let parsed = Parsed {
                body: 0..body.len(),
                text: body,
                line_offset: d.line_offset,
                doc,
                diags: Vec::new(),
            };
            inner.docs.insert(d.file.into_owned(), parsed);
        }
        Some(DocCache {
            inner: Mutex::new(inner),
            ..DocCache::default()
        })
    }
}

impl Taken {
    /// Writes the documents whose parse gave no diagnostic, with their highlighted code,
    /// for [`DocCache::read_from`] (in file order: the same documents give the same bytes).
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
        let mut files: Vec<(&String, &Parsed)> = self
            .docs
            .iter()
            .filter(|(_, p)| p.diags.is_empty())
            .collect();
        files.sort_by(|a, b| a.0.cmp(b.0));
        let docs = files
            .into_iter()
            .map(|(file, p)| StoredDoc {
                file: file.as_str().into(),
                body: p.text.get(p.body.clone()).unwrap_or_default().into(),
                line_offset: p.line_offset,
                doc: &*p.doc,
                highlighted: self
                    .highlighted
                    .get(&(Arc::as_ptr(&p.doc) as usize))
                    .filter(|h| Arc::ptr_eq(&h.from, &p.doc))
                    .map(|h| {
                        let code = h.doc.fragments.iter().map(|f| {
                            f.code
                                .iter()
                                .map(|c| c.highlighted.then_some(c.html.as_str().into()))
                                .collect()
                        });
                        (h.shown.clone(), code.collect())
                    }),
            })
            .collect();
        let stored = Stored {
            program: PROGRAM.into(),
            context: self.context,
            docs,
        };
        postcard::to_io(&stored, out)?;
        Ok(())
    }
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
    reused: std::sync::atomic::AtomicUsize,
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
            reused: Default::default(),
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

    /// The last build's files with a document: how many were taken from the cache, and
    /// how many there were.
    pub fn reused(&self) -> (usize, usize) {
        self.inner
            .lock()
            .map(|i| (i.reused, i.documents))
            .unwrap_or_default()
    }

    /// Has a build used this cache (so that it holds that build's documents)?
    pub fn used(&self) -> bool {
        self.inner.lock().is_ok_and(|i| i.used)
    }

    /// How many documents builds took from the cache so far (parsed and highlighted).
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn hit(&self) {
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// The last build's highlighted documents, taken out for this build to look up (the
    /// build keeps its own with [`DocCache::keep_highlighted`]).
    pub fn take_highlighted(&self) -> Highlights<'_> {
        let map = self
            .inner
            .lock()
            .map(|mut i| std::mem::take(&mut i.highlighted))
            .unwrap_or_default();
        Highlights { cache: self, map }
    }

    /// The last build's model, taken (a build takes it whether or not it can use it, so
    /// that no later build uses one older than its last).
    pub fn take_model(&self) -> Option<super::keep::Kept> {
        let mut slot = self.model.lock().ok()?;
        slot.parts = None;
        slot.kept.take()
    }

    /// How many builds so far started from the last build's model (`model::keep`).
    pub fn models_kept(&self) -> usize {
        self.models_kept.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(super) fn kept_a_model(&self) {
        self.models_kept
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// What this build's model leaves for the next, until [`DocCache::keep_site`].
    pub fn keep_parts(&self, parts: super::keep::Parts) {
        if let Ok(mut slot) = self.model.lock() {
            slot.parts = Some(parts);
        }
    }

    /// The site this build made, once it is done with it: kept with its parts.
    pub fn keep_site(&self, site: super::Site) {
        if let Ok(mut slot) = self.model.lock()
            && let Some(parts) = slot.parts.take()
        {
            slot.kept = Some(super::keep::Kept { parts, site });
        }
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
                self.reused
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                match text.get(range.clone()) {
                    // Held through this build's text, so a stored copy is dropped.
                    Some(_) if !Arc::ptr_eq(&p.text, text) => Parsed {
                        text: Arc::clone(text),
                        body: range,
                        ..p.clone()
                    },
                    _ => p.clone(),
                }
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

    /// This build's documents replace the last build's, and the last build's other
    /// documents stay (a build that parsed only the pages that changed: `model::keep`).
    pub fn finish_keeping_the_rest(mut self) {
        // The few parsed now go into the last build's many, not the other way round.
        let mut docs = std::mem::take(&mut self.old);
        let new = std::mem::take(self.new.get_mut().unwrap_or_else(|e| e.into_inner()));
        let mut carried = docs.len();
        for (file, parsed) in new {
            if docs.insert(file, parsed).is_some() {
                carried -= 1;
            }
        }
        *self.reused.get_mut() += carried;
        *self.new.get_mut().unwrap_or_else(|e| e.into_inner()) = docs;
        self.finish();
    }

    /// This build's documents replace the last build's.
    pub fn finish(self) {
        let docs = self.new.into_inner().unwrap_or_default();
        if let Ok(mut inner) = self.cache.inner.lock() {
            inner.context = self.context;
            inner.docs = docs;
            inner.reused = self.reused.into_inner();
            inner.documents = inner.docs.len();
            inner.used = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(program: &str) -> Vec<u8> {
        let doc = Document::default();
        let stored: Stored<'_, &Document> = Stored {
            program: program.into(),
            context: 7,
            docs: vec![StoredDoc {
                file: "content/a.md".into(),
                body: "Text.\n".into(),
                line_offset: 3,
                doc: &doc,
                highlighted: None,
            }],
        };
        postcard::to_stdvec(&stored).expect("encoded")
    }

    #[test]
    fn a_cache_is_read_only_by_the_program_that_wrote_it() {
        let cache = DocCache::read_from(&stored(PROGRAM)[..]).expect("ours");
        let inner = cache.inner.lock().expect("lock");
        assert_eq!(inner.context, 7);
        assert_eq!(inner.docs["content/a.md"].line_offset, 3);
        drop(inner);
        assert!(DocCache::read_from(&stored("0.1.0+0000000000000000")[..]).is_none());
        // Cut short, or not a cache at all.
        let bytes = stored(PROGRAM);
        assert!(DocCache::read_from(&bytes[..bytes.len() - 2]).is_none());
        assert!(DocCache::read_from(&b"not a cache"[..]).is_none());
    }
}
