//! kanava's own writer of pagefind 1.6.0's index format (issue 17): [`index`] turns a view's
//! [`Record`]s into the same files, with the same names and the same decoded bytes, as
//! pagefind's library would write for them (see `super::library_index`), without its
//! per-document lock, its O(n²) URL scan, its copies of every page and its level-9 gzip.
//!
//! The words come from [`super::fossick`]; this file ports the rest from pagefind 1.6.0 (MIT,
//! © CloudCannon and the Pagefind contributors): `index/mod.rs` (`build_indexes`,
//! `positions_to_packed_page`, `chunk_index`, `chunk_meta`, `get_prefixes`,
//! `meta_positions_to_packed`), `index/index_words.rs`, `index/index_metadata.rs`,
//! `index/index_filter.rs` (the CBOR structs, copied with their `#[n(i)]`), `utils.rs`
//! (`full_hash`), the URL dedup of `lib.rs` (`fossick_one`, `build_indexes`) and
//! `output/mod.rs` + `output/entry.rs` (file names, `pagefind_dcd` gzip, the entry file).
//!
//! Differences from pagefind, none visible after decoding: gzip at level 6 instead of 9
//! (+0.3 % bytes for half the time, issue 17's study), pages processed without cloning, and
//! pagefind's `max_fragments` and sort keys left out (kanava uses neither).
//!
//! pagefind's browser side (`pagefind.js`, the WASM) still comes from the pagefind crate
//! ([`browser_files`]), so the reader always matches the pinned version this writer targets.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use minicbor::Encode;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use sha1::{Digest, Sha1};

use super::Record;
use super::fossick::{
    Fossicked, INCLUDE_CHARACTERS, MetaOccurrence, NO_ORIGINAL, Occurrence, VariantOccurrence,
    WordId, fossick, with_stems, words_of,
};

/// The pagefind version whose format this writer writes; the crate's JS/WASM must be it
/// (checked by the `version_tripwire` test).
pub const PAGEFIND_VERSION: &str = "1.6.0";

/// pagefind's default index chunk size (`options.rs`), in "locations".
const DEFAULT_CHUNK_SIZE: usize = 20000;

/// gzip level for the word chunks and fragments. pagefind hard-codes 9 (zlib's);
/// libdeflate's 6 is within 0.2 % of zlib-rs's 6 in size at 55 % of its time (issue 17's
/// measurement on the 10,000-page corpus). The browser gunzips any level.
const GZIP_LEVEL: i32 = 6;

/// gzip level for the meta and filter files: one of each per view, and the meta file is the
/// first download of every search, so the slowest, smallest level pays (12: 67 KB against
/// zlib's 76 KB for the 10,000-page `staff` view's meta, in 23 ms).
const META_GZIP_LEVEL: i32 = 12;

// ---- The CBOR shapes, copied from pagefind 1.6.0's index/index_*.rs. ----

/// `pagefind/index/*.pf_index`.
#[derive(Encode, minicbor::Decode, Debug, PartialEq)]
pub struct WordIndex {
    #[n(0)]
    pub words: Vec<PackedWord>,
}

#[derive(Encode, minicbor::Decode, Clone, Debug, PartialEq)]
pub struct PackedWord {
    #[n(0)]
    pub word: String,
    #[n(1)]
    pub pages: Vec<PackedPage>,
    #[n(2)]
    pub additional_variants: Vec<PackedVariant>,
}

#[derive(Encode, minicbor::Decode, Clone, Debug, PartialEq)]
pub struct PackedVariant {
    #[n(0)]
    pub form: String,
    #[n(1)]
    pub pages: Vec<PackedPage>,
}

#[derive(Encode, minicbor::Decode, Clone, Debug, PartialEq)]
pub struct PackedPage {
    #[n(0)]
    pub page_number: usize,
    #[n(1)]
    pub locs: Vec<i32>,
    #[n(2)]
    pub meta_locs: Vec<i32>,
}

/// `pagefind/filter/*.pf_filter`.
#[derive(Encode, minicbor::Decode, Debug, PartialEq)]
pub struct FilterIndex {
    #[n(0)]
    pub filter: String,
    #[n(1)]
    pub values: Vec<PackedValue>,
}

#[derive(Encode, minicbor::Decode, Clone, Debug, PartialEq)]
pub struct PackedValue {
    #[n(0)]
    pub value: String,
    #[n(1)]
    pub pages: Vec<usize>,
}

/// `pagefind.*.pf_meta`.
#[derive(Encode, minicbor::Decode, Debug, PartialEq)]
pub struct MetaIndex {
    #[n(0)]
    pub version: String,
    #[n(1)]
    pub pages: Vec<MetaPage>,
    #[n(2)]
    pub index_chunks: Vec<MetaChunk>,
    #[n(3)]
    pub filters: Vec<MetaFilter>,
    #[n(4)]
    pub sorts: Vec<MetaSort>,
    #[n(5)]
    pub meta_fields: Vec<String>,
}

#[derive(Encode, minicbor::Decode, PartialEq, Debug)]
pub struct MetaChunk {
    #[n(0)]
    pub from: String,
    #[n(1)]
    pub to: String,
    #[n(2)]
    pub hash: String,
}

#[derive(Encode, minicbor::Decode, Debug, PartialEq)]
pub struct MetaPage {
    #[n(0)]
    pub hash: String,
    #[n(1)]
    pub word_count: u32,
    #[n(2)]
    pub group_hash: String,
}

#[derive(Encode, minicbor::Decode, Debug, PartialEq)]
pub struct MetaFilter {
    #[n(0)]
    pub filter: String,
    #[n(1)]
    pub hash: String,
}

#[derive(Encode, minicbor::Decode, Debug, PartialEq)]
pub struct MetaSort {
    #[n(0)]
    pub sort: String,
    #[n(1)]
    pub pages: Vec<usize>,
}

/// `output/entry.rs`.
#[derive(serde::Serialize)]
struct EntryMeta<'a> {
    version: &'a str,
    languages: BTreeMap<String, EntryLanguage>,
    include_characters: Vec<char>,
}

#[derive(serde::Serialize)]
struct EntryLanguage {
    hash: String,
    wasm: Option<String>,
    page_count: usize,
}

/// `utils::full_hash`: sha1 as hex *without zero padding* (`{:x?}` per byte), a pagefind
/// quirk that file names depend on.
fn full_hash(bytes: &[u8]) -> String {
    hex_unpadded(&Sha1::digest(bytes).into())
}

/// A sha1 digest as [`full_hash`] writes it.
fn hex_unpadded(digest: &[u8; 20]) -> String {
    let mut out = String::with_capacity(40);
    for b in digest {
        out.push_str(&format!("{b:x}"));
    }
    out
}

fn cbor<T: Encode<()>>(value: &T) -> Vec<u8> {
    // Encoding into a Vec cannot fail (minicbor's only error here is the writer's).
    minicbor::to_vec(value).unwrap_or_default()
}

/// The index of one language: path → file as written (CBOR with the `pagefind_dcd`
/// signature, gzipped) for the word chunks, filters and meta; the fragment files as the
/// pages that hold them ([`Fossicked::fragment`]); the meta file's hash and the page count
/// (for the entry).
pub struct Built<'p> {
    pub files: BTreeMap<String, Vec<u8>>,
    pub fragments: Vec<(String, &'p Fossicked)>,
    /// `None` when no record had a word: pagefind then writes no index for the language.
    pub meta_hash: Option<String>,
    pub page_count: usize,
}

/// The records' analyses, in parallel (each thread with its memo of tokens, see
/// [`with_stems`]). Each record is dropped as soon as it is analysed.
///
/// Analyses are not shared between views: with one view indexed at a time they would have
/// to be kept from one view to the next, which measured +100 MB peak (10,000 pages × 8) for
/// a few seconds of CPU (issue 17, BENCHMARKS.md).
pub fn fossick_all(records: Vec<Record>, lang: &str) -> Result<Vec<Fossicked>> {
    records
        .into_par_iter()
        .map(|r| with_stems(lang, |stems| fossick(&r, stems)))
        .collect()
}

/// Where one page's occurrences of a word (or of one of its forms) are: a run of its body
/// occurrences and a run of its metadata occurrences (`start..end` into the page's lists;
/// empty when none).
#[derive(Clone, Copy)]
struct Entry {
    page: u32,
    body: (u32, u32),
    meta: (u32, u32),
}

/// A word's pages in a view, in page order: pagefind's `PackedWord` before encoding, as
/// positions into the pages' occurrence lists instead of copies of them.
#[derive(Default)]
struct Postings {
    pages: Vec<Entry>,
    /// Other forms (`original`) in order of first sight, each with its pages.
    variants: Vec<(WordId, Vec<Entry>)>,
}

impl Postings {
    fn list(&mut self, original: WordId) -> &mut Vec<Entry> {
        if original == NO_ORIGINAL {
            return &mut self.pages;
        }
        let at = match self.variants.iter().position(|(form, _)| *form == original) {
            Some(at) => at,
            None => {
                self.variants.push((original, Vec::new()));
                self.variants.len() - 1
            }
        };
        &mut self.variants[at].1
    }

    fn body(&mut self, original: WordId, page: u32, run: (u32, u32)) {
        self.list(original).push(Entry {
            page,
            body: run,
            meta: (0, 0),
        });
    }

    /// A page's metadata run joins its body entry for the same form, if any.
    fn meta(&mut self, original: WordId, page: u32, run: (u32, u32)) {
        let list = self.list(original);
        match list.last_mut() {
            Some(entry) if entry.page == page => entry.meta = run,
            _ => list.push(Entry {
                page,
                body: (0, 0),
                meta: run,
            }),
        }
    }

    /// pagefind's `chunk_index` size of the word: one per page plus its locations, one per
    /// variant.
    fn size(&self, page: &[&Fossicked]) -> usize {
        let entry = |e: &Entry, variant: bool| {
            let p = page[e.page as usize];
            locs_len(body(p, e, variant)) + meta_locs_len(&p.meta_words[range(e.meta)]) + 1
        };
        self.pages.iter().map(|e| entry(e, false)).sum::<usize>()
            + self
                .variants
                .iter()
                .flat_map(|(_, v)| v)
                .map(|e| entry(e, true))
                .sum::<usize>()
            + self.variants.len()
    }
}

/// The body occurrences of an entry: a run of the page's plain occurrences, or of its
/// variant forms' (`variant`).
fn body<'p>(page: &'p Fossicked, e: &Entry, variant: bool) -> impl Iterator<Item = &'p Occurrence> {
    let (plain, variants): (&[Occurrence], &[VariantOccurrence]) = if variant {
        (&[], &page.variants[range(e.body)])
    } else {
        (&page.words[range(e.body)], &[])
    };
    plain.iter().chain(variants.iter().map(|v| &v.at))
}

fn range((start, end): (u32, u32)) -> std::ops::Range<usize> {
    start as usize..end as usize
}

/// The runs of `items` with equal `key`, as `(key, (start, end))`.
fn runs<T, K: PartialEq + Copy>(items: &[T], key: impl Fn(&T) -> K) -> Vec<(K, (u32, u32))> {
    let mut out: Vec<(K, (u32, u32))> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let k = key(item);
        match out.last_mut() {
            Some((last, (_, end))) if *last == k => *end = i as u32 + 1,
            _ => out.push((k, (i as u32, i as u32 + 1))),
        }
    }
    out
}

/// Adds one page's runs (body or metadata) to the postings: per word, the plain form's run,
/// and the other forms' in the order of their text (pagefind keeps each page's forms in a
/// `BTreeMap`, so that decides which form comes first in `additional_variants`).
fn add_runs(
    postings: &mut FxHashMap<WordId, Postings>,
    runs: Vec<((WordId, WordId), (u32, u32))>,
    page: u32,
    add: fn(&mut Postings, WordId, u32, (u32, u32)),
) {
    let mut at = 0;
    while at < runs.len() {
        let word = runs[at].0.0;
        let end = runs[at..]
            .iter()
            .position(|((w, _), _)| *w != word)
            .map_or(runs.len(), |n| at + n);
        let mut forms = runs[at..end].to_vec();
        if forms.iter().filter(|((_, o), _)| *o != NO_ORIGINAL).count() > 1 {
            let text = words_of(forms.iter().map(|((_, o), _)| *o));
            let mut by_text: Vec<_> = forms.into_iter().zip(text).collect();
            by_text.sort_by(|(_, a), (_, b)| a.cmp(b));
            forms = by_text.into_iter().map(|(f, _)| f).collect();
        }
        let word_postings = postings.entry(word).or_default();
        for ((_, original), run) in forms {
            add(word_postings, original, page, run);
        }
        at = end;
    }
}

/// `index::build_indexes` for one language, on pages in input order.
pub fn build<'p, P: std::borrow::Borrow<Fossicked>>(
    pages: &'p [P],
    lang: &str,
) -> Result<Built<'p>> {
    // `SearchState::fossick_one`: a later page with the same URL replaces the earlier one in
    // its place. Then `build_indexes` drops pages without body words.
    let mut order: Vec<&Fossicked> = Vec::with_capacity(pages.len());
    let mut by_url: HashMap<&str, usize> = HashMap::new();
    for page in pages {
        let page: &Fossicked = page.borrow();
        match by_url.get(page.url.as_str()) {
            Some(&i) => order[i] = page,
            None => {
                by_url.insert(&page.url, order.len());
                order.push(page);
            }
        }
    }
    let pages: Vec<&Fossicked> = order
        .into_iter()
        .filter(|p| !p.words.is_empty() || !p.variants.is_empty())
        .collect();
    if pages.is_empty() {
        return Ok(Built {
            files: BTreeMap::new(),
            fragments: Vec::new(),
            meta_hash: None,
            page_count: 0,
        });
    }

    let mut meta_fields: Vec<String> = pages
        .iter()
        .flat_map(|p| p.meta_fields.iter().cloned())
        .collect();
    meta_fields.sort();
    meta_fields.dedup();
    // Each page's field numbers in the view's list of fields (both sorted, so the order of
    // a page's metadata occurrences holds).
    let field_maps: Vec<Vec<u16>> = pages
        .iter()
        .map(|p| {
            p.meta_fields
                .iter()
                .map(|name| meta_fields.iter().position(|f| f == name).unwrap_or(0) as u16)
                .collect()
        })
        .collect();

    // The postings, in page order (so variants and pages come out in that order), and the
    // filters and fragment names.
    let mut postings: FxHashMap<WordId, Postings> = FxHashMap::default();
    let mut filter_map: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    let mut fragment_names: HashSet<String> = HashSet::new();
    let mut fragments: Vec<(String, &Fossicked)> = Vec::with_capacity(pages.len());
    let mut meta = MetaIndex {
        version: PAGEFIND_VERSION.to_owned(),
        pages: Vec::with_capacity(pages.len()),
        index_chunks: Vec::new(),
        filters: Vec::new(),
        sorts: Vec::new(),
        meta_fields,
    };
    for (page_number, page) in pages.iter().enumerate() {
        let number = page_number as u32;
        let plain = runs(&page.words, |o| (o.word, NO_ORIGINAL));
        add_runs(&mut postings, plain, number, Postings::body);
        let variants = runs(&page.variants, |o| (o.at.word, o.original));
        add_runs(&mut postings, variants, number, Postings::body);
        let meta_runs = runs(&page.meta_words, |o| (o.word, o.original));
        add_runs(&mut postings, meta_runs, number, Postings::meta);
        for (filter, values) in &page.filters {
            for value in values {
                filter_map
                    .entry(filter)
                    .or_default()
                    .entry(value)
                    .or_default()
                    .push(page_number);
            }
        }
        // Fragment names: `{lang}_` + 7 hex, one more character per collision.
        let hash = format!("{lang}_{}", hex_unpadded(&page.digest));
        let mut len = lang.len() + 8;
        while fragment_names.contains(&hash[..len.min(hash.len())]) && len < hash.len() {
            len += 1;
        }
        let name = hash[..len.min(hash.len())].to_owned();
        fragment_names.insert(name.clone());
        meta.pages.push(MetaPage {
            hash: name.clone(),
            word_count: page.word_count as u32,
            group_hash: String::new(),
        });
        fragments.push((format!("fragment/{name}.pf_fragment"), *page));
    }

    let mut files = BTreeMap::new();
    // Filters, by name; values sorted.
    let mut filter_names: Vec<String> = Vec::new();
    for (filter, values) in filter_map {
        let index = FilterIndex {
            filter: filter.to_owned(),
            values: values
                .into_iter()
                .map(|(value, pages)| PackedValue {
                    value: value.to_owned(),
                    pages,
                })
                .collect(),
        };
        let bytes = cbor(&index);
        let hash = format!("{lang}_{}", full_hash(&bytes));
        let name = extend_on_collision(&hash, lang, &filter_names);
        filter_names.push(name.clone());
        meta.filters.push(MetaFilter {
            filter: filter.to_owned(),
            hash: name.clone(),
        });
        files.insert(
            format!("filter/{name}.pf_filter"),
            gzip_at(&bytes, META_GZIP_LEVEL)?,
        );
    }

    // `chunk_index`: words in byte order, cut after a chunk reaches the chunk size.
    let text = words_of(postings.keys().copied());
    let mut words: Vec<(std::sync::Arc<str>, &Postings)> =
        text.into_iter().zip(postings.values()).collect();
    words.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    let chunk_size = chunk_size();
    let mut chunks: Vec<&[(std::sync::Arc<str>, &Postings)]> = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, (_, word)) in words.iter().enumerate() {
        size += word.size(&pages);
        if size >= chunk_size {
            chunks.push(&words[start..=i]);
            (start, size) = (i + 1, 0);
        }
    }
    if start < words.len() {
        chunks.push(&words[start..]);
    }
    meta.index_chunks = chunk_meta(&chunks);
    // Each chunk compressed as soon as it is encoded (only its hash and the compressed
    // bytes are kept: the plain chunks of a 10,000-page view are 45 MB).
    let encoded: Vec<(String, Vec<u8>)> = chunks
        .into_par_iter()
        .map(|chunk| {
            let bytes = encode_chunk(chunk, &pages, &field_maps);
            Ok((full_hash(&bytes), gzip(&bytes)?))
        })
        .collect::<Result<_>>()?;
    let mut chunk_names: Vec<String> = Vec::new();
    for (i, (hash, gz)) in encoded.into_iter().enumerate() {
        let hash = format!("{lang}_{hash}");
        let name = extend_on_collision(&hash, lang, &chunk_names);
        chunk_names.push(name.clone());
        meta.index_chunks[i].hash = name.clone();
        files.insert(format!("index/{name}.pf_index"), gz);
    }

    let page_count = meta.pages.len();
    let bytes = cbor(&meta);
    let hex = full_hash(&bytes);
    let meta_hash = format!("{lang}_{}", &hex[..(lang.len() + 8).min(hex.len())]);
    files.insert(
        format!("pagefind.{meta_hash}.pf_meta"),
        gzip_at(&bytes, META_GZIP_LEVEL)?,
    );
    Ok(Built {
        files,
        fragments,
        meta_hash: Some(meta_hash),
        page_count,
    })
}

/// A chunk of words as [`WordIndex`] CBOR (the derive's encoding of it: each struct an
/// array of its fields, integers and lengths in their shortest form), written from the
/// pages' occurrences without building the structs. Page numbers are deltas within each
/// list (`delta_pages`). The differential tests hold it to the derive's bytes.
fn encode_chunk(
    chunk: &[(std::sync::Arc<str>, &Postings)],
    pages: &[&Fossicked],
    field_maps: &[Vec<u16>],
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut locs = Vec::new();
    let mut entries = |out: &mut Vec<u8>, list: &[Entry], variant: bool| {
        cbor_head(out, 4, list.len() as u64);
        let mut last = 0;
        for entry in list {
            let page = pages[entry.page as usize];
            cbor_head(out, 4, 3);
            cbor_head(out, 0, u64::from(entry.page - last));
            last = entry.page;
            locs.clear();
            packed_locs(body(page, entry, variant), &mut locs);
            cbor_ints(out, &locs);
            locs.clear();
            let map = &field_maps[entry.page as usize];
            packed_meta_locs(&page.meta_words[range(entry.meta)], map, &mut locs);
            cbor_ints(out, &locs);
        }
    };
    cbor_head(&mut out, 4, 1);
    cbor_head(&mut out, 4, chunk.len() as u64);
    for (word, postings) in chunk {
        cbor_head(&mut out, 4, 3);
        cbor_str(&mut out, word);
        entries(&mut out, &postings.pages, false);
        cbor_head(&mut out, 4, postings.variants.len() as u64);
        let forms = words_of(postings.variants.iter().map(|(form, _)| *form));
        for ((_, list), form) in postings.variants.iter().zip(forms) {
            cbor_head(&mut out, 4, 2);
            cbor_str(&mut out, &form);
            entries(&mut out, list, true);
        }
    }
    out
}

/// A CBOR item head: the major type and its argument, shortest form (RFC 8949 §3).
fn cbor_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let major = major << 5;
    if arg < 24 {
        out.push(major | arg as u8);
    } else if let Ok(arg) = u8::try_from(arg) {
        out.extend_from_slice(&[major | 24, arg]);
    } else if let Ok(arg) = u16::try_from(arg) {
        out.push(major | 25);
        out.extend_from_slice(&arg.to_be_bytes());
    } else if let Ok(arg) = u32::try_from(arg) {
        out.push(major | 26);
        out.extend_from_slice(&arg.to_be_bytes());
    } else {
        out.push(major | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

fn cbor_str(out: &mut Vec<u8>, s: &str) {
    cbor_head(out, 3, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// An array of integers (major type 0 for `n ≥ 0`, 1 with `-1 - n` below).
fn cbor_ints(out: &mut Vec<u8>, ints: &[i32]) {
    cbor_head(out, 4, ints.len() as u64);
    for &n in ints {
        match u64::try_from(n) {
            Ok(n) => cbor_head(out, 0, n),
            Err(_) => cbor_head(out, 1, (-1 - i64::from(n)) as u64),
        }
    }
}

/// pagefind's collision rule for filter and chunk names: `{lang}_` + 7 hex, then *two*
/// more characters per collision (its `0..=len+1`), never past the whole hash.
fn extend_on_collision(hash: &str, lang: &str, taken: &[String]) -> String {
    let mut end = (lang.len() + 8).min(hash.len());
    while taken.iter().any(|t| t == &hash[..end]) {
        end = (end + 2).min(hash.len());
        if end == hash.len() {
            break;
        }
    }
    hash[..end].to_owned()
}

fn chunk_size() -> usize {
    // pagefind's one knob for this, read the same way so both writers agree in tests.
    std::env::var("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CHUNK_SIZE)
}

/// `positions_to_packed_page`: weight groups (the common weight assumed to be 25, though
/// the default is 24 — so every list starts with a `-25` marker), a weight change written
/// as `-(w)-1` followed by an absolute position, deltas after it. `words` are one page's
/// occurrences of one form, in the order of [`Occurrence`] (weight group, position).
fn packed_locs<'o>(words: impl Iterator<Item = &'o Occurrence>, out: &mut Vec<i32>) {
    let mut current_weight = 25;
    let mut last_position = 0;
    for w in words {
        if w.weight != current_weight {
            out.push(-(w.weight as i32) - 1);
            out.push(w.position as i32);
            current_weight = w.weight;
        } else {
            out.push(w.position.wrapping_sub(last_position) as i32);
        }
        last_position = w.position;
    }
}

/// The length [`packed_locs`] gives `words`.
fn locs_len<'o>(words: impl Iterator<Item = &'o Occurrence>) -> usize {
    let mut current_weight = 25;
    let mut len = 0;
    for w in words {
        len += if w.weight != current_weight { 2 } else { 1 };
        current_weight = w.weight;
    }
    len
}

/// `meta_positions_to_packed`: `-(field+1)` switches field, then deltas within it; the
/// page's field numbers mapped to the view's (`field_map`).
fn packed_meta_locs(words: &[MetaOccurrence], field_map: &[u16], out: &mut Vec<i32>) {
    let mut current_field = None;
    let mut last_position = 0;
    for p in words {
        if Some(p.field) != current_field {
            let field = field_map.get(p.field as usize).copied().unwrap_or(0);
            out.push(-(field as i32 + 1));
            current_field = Some(p.field);
            last_position = 0;
        }
        out.push(p.position.wrapping_sub(last_position) as i32);
        last_position = p.position;
    }
}

/// The length [`packed_meta_locs`] gives `words`.
fn meta_locs_len(words: &[MetaOccurrence]) -> usize {
    let mut current_field = None;
    let mut len = 0;
    for p in words {
        len += if Some(p.field) != current_field { 2 } else { 1 };
        current_field = Some(p.field);
    }
    len
}

/// `chunk_meta`: each chunk's `from`/`to`, trimmed against its neighbours to the shortest
/// distinguishing prefixes, in order (the trims feed each other).
fn chunk_meta(chunks: &[&[(std::sync::Arc<str>, &Postings)]]) -> Vec<MetaChunk> {
    let mut named: Vec<MetaChunk> = chunks
        .iter()
        .map(|chunk| MetaChunk {
            from: chunk.first().map_or(String::new(), |(w, _)| w.to_string()),
            to: chunk.last().map_or(String::new(), |(w, _)| w.to_string()),
            hash: String::new(),
        })
        .collect();
    for i in 0..named.len().saturating_sub(1) {
        let (a, b) = get_prefixes(&named[i].to, &named[i + 1].from);
        if a >= named[i].from {
            named[i].to = a;
        }
        named[i + 1].from = b;
    }
    named
}

fn get_prefixes(a: &str, b: &str) -> (String, String) {
    let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
    (
        a.chars().take(common + 1).collect(),
        b.chars().take(common + 1).collect(),
    )
}

/// `b"pagefind_dcd"` + payload, gzipped (pagefind's `Compress::GZ`), by libdeflate: its
/// header has no timestamp, so the bytes are deterministic.
pub fn gzip(payload: &[u8]) -> Result<Vec<u8>> {
    gzip_at(payload, GZIP_LEVEL)
}

/// [`gzip`] at `level` (libdeflate's 1–12).
fn gzip_at(payload: &[u8], level: i32) -> Result<Vec<u8>> {
    thread_local! {
        static COMPRESSORS: RefCell<Vec<(i32, libdeflater::Compressor)>> = const { RefCell::new(Vec::new()) };
    }
    let mut input = Vec::with_capacity(SIGNATURE.len() + payload.len());
    input.extend_from_slice(SIGNATURE);
    input.extend_from_slice(payload);
    COMPRESSORS.with(|compressors| {
        let mut compressors = compressors.borrow_mut();
        let at = match compressors.iter().position(|(l, _)| *l == level) {
            Some(at) => at,
            None => {
                let lvl = libdeflater::CompressionLvl::new(level)
                    .map_err(|e| anyhow::anyhow!("gzip level {level}: {e:?}"))?;
                compressors.push((level, libdeflater::Compressor::new(lvl)));
                compressors.len() - 1
            }
        };
        let compressor = &mut compressors[at].1;
        let mut out = vec![0; compressor.gzip_compress_bound(input.len())];
        let len = compressor
            .gzip_compress(&input, &mut out)
            .map_err(|e| anyhow::anyhow!("cannot gzip a search file: {e:?}"))?;
        out.truncate(len);
        Ok(out)
    })
}

const SIGNATURE: &[u8] = b"pagefind_dcd";

/// Files by path inside the bundle folder.
type Files = BTreeMap<String, Vec<u8>>;

/// pagefind's browser files for `lang`: `pagefind.js`, `wasm.unknown.pagefind` and, when
/// pagefind has a stemmer WASM for the language, `wasm.{lang}.pagefind`. Taken from the
/// pagefind crate itself (by indexing one dummy record, once per language and process) so
/// that the reader is always the pinned version's.
fn browser_files(lang: &str) -> Result<Arc<Files>> {
    static CACHE: Mutex<BTreeMap<String, Arc<Files>>> = Mutex::new(BTreeMap::new());
    if let Some(files) = CACHE.lock().ok().and_then(|c| c.get(lang).cloned()) {
        return Ok(files);
    }
    let dummy = Record {
        url: String::new(),
        title: String::new(),
        kind: super::Kind::Guide,
        sku: None,
        summary: None,
        text: "kanava".into(),
        sections: Vec::new(),
    };
    let files: BTreeMap<String, Vec<u8>> = super::library_index(&[dummy], lang)?
        .into_iter()
        .filter(|(name, _)| name == "pagefind.js" || name.starts_with("wasm."))
        .collect();
    let files = Arc::new(files);
    if let Ok(mut cache) = CACHE.lock() {
        cache.insert(lang.to_owned(), Arc::clone(&files));
    }
    Ok(files)
}

/// The files of the index of `records`, by path inside the bundle folder: what
/// `super::library_index` returns for the same records, written by kanava.
pub fn index(records: &[Record], lang: &str) -> Result<BTreeMap<String, Vec<u8>>> {
    Ok(index_view(records.to_vec(), lang)?
        .into_iter()
        .map(|(name, bytes)| (name, Arc::unwrap_or_clone(bytes)))
        .collect())
}

/// [`index`] for one view of a build; the records are dropped as soon as they are analysed.
pub fn index_view(records: Vec<Record>, lang: &str) -> Result<BTreeMap<String, Arc<Vec<u8>>>> {
    let pages = fossick_all(records, lang)?;
    let built = build(&pages, lang).context("cannot compress the search index")?;
    let browser = browser_files(lang)?;
    let mut out: BTreeMap<String, Arc<Vec<u8>>> = built
        .files
        .into_iter()
        .map(|(name, gz)| (name, Arc::new(gz)))
        .chain(
            built
                .fragments
                .into_iter()
                .map(|(name, page)| (name, Arc::clone(&page.fragment))),
        )
        .collect();
    let mut languages = BTreeMap::new();
    let wasm_name = format!("wasm.{lang}.pagefind");
    if let Some(hash) = built.meta_hash {
        let wasm = browser.get(&wasm_name);
        if let Some(bytes) = wasm {
            out.insert(wasm_name.clone(), Arc::new(bytes.clone()));
        }
        languages.insert(
            lang.to_owned(),
            EntryLanguage {
                hash,
                wasm: (wasm.is_some() && lang != "unknown").then(|| lang.to_owned()),
                page_count: built.page_count,
            },
        );
    }
    for (name, bytes) in browser.iter() {
        if name == "pagefind.js" || name == "wasm.unknown.pagefind" {
            out.insert(name.clone(), Arc::new(bytes.clone()));
        }
    }
    let entry = EntryMeta {
        version: PAGEFIND_VERSION,
        languages,
        include_characters: INCLUDE_CHARACTERS.to_vec(),
    };
    out.insert(
        "pagefind-entry.json".to_owned(),
        Arc::new(serde_json::to_vec(&entry).context("cannot write the search entry file")?),
    );
    Ok(out)
}

/// Reading the files back, for the differential tests (here and in `tests/it/pfwriter.rs`).
#[doc(hidden)]
pub mod inspect {
    use super::{FilterIndex, MetaIndex, WordIndex};
    use anyhow::{Context, Result};

    /// The payload of a file: a `.pf_*` file gunzipped and without its `pagefind_dcd`
    /// signature; any other file as it is.
    pub fn payload(name: &str, bytes: &[u8]) -> Result<Vec<u8>> {
        if !name.contains(".pf_") {
            return Ok(bytes.to_vec());
        }
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out)
            .with_context(|| format!("{name} is not gzip"))?;
        out.strip_prefix(b"pagefind_dcd".as_slice())
            .map(<[u8]>::to_vec)
            .with_context(|| format!("{name} does not start with pagefind_dcd"))
    }

    /// A view's index as a reader sees it, for leak checks (the canary suite): every word
    /// and variant form of its word index, and every chunk bound (`from`, `to`) of its
    /// metadata — the bounds are prefixes a reader downloads before any chunk. `files` are
    /// the view's search files by name, as written.
    pub fn words_and_bounds<'f>(
        files: impl IntoIterator<Item = (&'f str, &'f [u8])>,
    ) -> Result<(std::collections::BTreeSet<String>, Vec<String>)> {
        let mut words = std::collections::BTreeSet::new();
        let mut bounds = Vec::new();
        for (name, bytes) in files {
            if name.ends_with(".pf_index") {
                let index: WordIndex = minicbor::decode(&payload(name, bytes)?)
                    .with_context(|| format!("{name} is not a word index"))?;
                for w in index.words {
                    words.extend(w.additional_variants.into_iter().map(|v| v.form));
                    words.insert(w.word);
                }
            } else if name.ends_with(".pf_meta") {
                let meta: MetaIndex = minicbor::decode(&payload(name, bytes)?)
                    .with_context(|| format!("{name} is not a metadata file"))?;
                for chunk in meta.index_chunks {
                    bounds.push(chunk.from);
                    bounds.push(chunk.to);
                }
            }
        }
        Ok((words, bounds))
    }

    /// A readable form of a payload (CBOR decoded with the writer's structs, JSON pretty),
    /// for a diff when two files differ.
    pub fn decoded(name: &str, payload: &[u8]) -> String {
        if name.ends_with(".pf_meta") {
            format!("{:#?}", minicbor::decode::<MetaIndex>(payload))
        } else if name.ends_with(".pf_index") {
            format!("{:#?}", minicbor::decode::<WordIndex>(payload))
        } else if name.ends_with(".pf_filter") {
            format!("{:#?}", minicbor::decode::<FilterIndex>(payload))
        } else if name.ends_with(".pf_fragment") || name.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(payload)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or_else(|e| format!("not JSON: {e}"))
        } else {
            format!("{} bytes", payload.len())
        }
    }
}

/// Differential tests: kanava's files against pagefind's own for the same records, compared
/// after gunzip (gzip levels differ) and decoded (CBOR with the structs above, JSON).
#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::post::search::{Kind, Section, library_index};

    use super::inspect::{decoded, payload as payload_of};

    fn payload(name: &str, bytes: &[u8]) -> Vec<u8> {
        payload_of(name, bytes).expect("a pagefind file")
    }

    /// Panics with the first difference between the two writers' files for `records`.
    pub(crate) fn assert_same(records: &[Record], lang: &str) {
        let ours = index(records, lang).expect("kanava's writer");
        let theirs = library_index(records, lang).expect("pagefind");
        let ours_names: Vec<&String> = ours.keys().collect();
        let theirs_names: Vec<&String> = theirs.keys().collect();
        if ours_names != theirs_names {
            // Names come from hashes: show the decoded files of both to find the cause.
            let dump = |files: &BTreeMap<String, Vec<u8>>| {
                files
                    .iter()
                    .filter(|(n, _)| n.contains(".pf_") || n.ends_with(".json"))
                    .map(|(n, b)| format!("== {n}\n{}", decoded(n, &payload(n, b))))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "file names differ\nkanava: {ours_names:?}\npagefind: {theirs_names:?}\n--- kanava\n{}\n--- pagefind\n{}",
                dump(&ours),
                dump(&theirs)
            );
        }
        for (name, bytes) in &ours {
            let a = payload(name, bytes);
            let b = payload(name, &theirs[name]);
            if a != b {
                panic!(
                    "{name} differs\n--- kanava\n{}\n--- pagefind\n{}",
                    decoded(name, &a),
                    decoded(name, &b)
                );
            }
        }
    }

    fn guide(url: &str, title: &str, text: &str) -> Record {
        Record {
            url: url.into(),
            title: title.into(),
            kind: Kind::Guide,
            sku: None,
            summary: None,
            text: text.into(),
            sections: Vec::new(),
        }
    }

    #[test]
    fn hand_written_records() {
        let mut product = guide(
            "products/hp-12/",
            "Lämpöpumppu HP-12 <pro>",
            "Café crème, ThreeAntelopes and sysconfig.is_python_build; 3.5 kW \"quoted\" it's 🎉 ok",
        );
        product.kind = Kind::Product;
        product.sku = Some(" hp-12 ".into());
        product.summary = Some("A heat pump & more".into());
        product.sections = vec![
            Section {
                id: "lead-times".into(),
                level: 2,
                title: "Lead times & <delivery>".into(),
                text: "Five days.".into(),
            },
            Section {
                id: "specs".into(),
                level: 3,
                title: "Specs".into(),
                text: String::new(),
            },
            Section {
                id: "empty".into(),
                level: 7,
                title: String::new(),
                text: "tail text a.b_c".into(),
            },
        ];
        let records = vec![
            guide("", "Home", "Welcome to the extranet"),
            product,
            guide("title-only/", "Only a title", ""),
            guide("ordering/", "Ordering", "Order online; delivery in 5 days!"),
        ];
        for lang in ["en", "fi", "fr", "de", "it", "sv"] {
            assert_same(&records, lang);
        }
        // The comparison compares something: three pages with words, one filter per name.
        let files = index(&records, "en").unwrap();
        let count = |prefix: &str| files.keys().filter(|k| k.starts_with(prefix)).count();
        assert_eq!(
            (count("fragment/"), count("filter/"), count("index/")),
            (3, 2, 1)
        );
        assert!(files.contains_key("wasm.en.pagefind") && files.contains_key("pagefind.js"));
    }

    #[test]
    fn empty_and_duplicate() {
        assert_same(&[], "en");
        assert_same(&[guide("a/", "Only title", "")], "en");
        assert_same(
            &[
                guide("a/", "First", "one two"),
                guide("b/", "B", "three"),
                guide("a/", "Second", "four five"),
            ],
            "en",
        );
    }

    /// Words that exercise pagefind's splitting: punctuation, camelCase, dotted and
    /// underscored names, digits and codes, diacritics, emoji, entities and quotes (escaped
    /// by `Record::html`), pagefind's own sentinels typed as text, odd white space.
    const WORDS: &[&str] = &[
        "heat",
        "pumps",
        "running",
        "delivery",
        "Ordering",
        "ThreeAntelopes",
        "camelCaseWord",
        "a.b_c",
        "sysconfig.is_python_build",
        "x.Y",
        "3.5",
        "42",
        "HP-12",
        "hp-12",
        "X20",
        "ABC-123/4",
        "Lämpöpumppu",
        "Café",
        "crème",
        "naïve",
        "Straße",
        "Ærø",
        "ÅÄÖ",
        "ﬁne",
        "🎉",
        "👍🏽",
        "ok🎉",
        "1️⃣",
        "&amp;",
        "&",
        "<b>",
        "\"quoted\"",
        "it's",
        "'",
        "(x)",
        "$5",
        "*",
        "—",
        "–",
        "...",
        "?",
        "!",
        "_under",
        "__init__",
        "___PAGEFIND_WEIGHT___3",
        "___END_PAGEFIND_WEIGHT___",
        "___PAGEFIND_ANCHOR___h2:9:x",
        "a\u{200B}b",
        "\u{200B}",
        "tab\tsep",
        "nb\u{a0}sp",
        "line\nbreak",
        "dots.",
        "end,",
        "ÉCOLE",
        "İstanbul",
        "ǅ",
        "Ⅻ",
        "１２３",
        "ｶﾀｶﾅ",
        "カタカナ語",
        "über-cool",
        "e-mail",
        "co-op",
        "re:invent",
        "foo@bar.com",
        "https://x.fi/a?b=c",
        "#tag",
        "C++",
        "C#",
        ".NET",
        "v1.2.3-beta",
    ];

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop::collection::vec(
            (
                prop::sample::select(WORDS),
                prop::sample::select(&[" ", " ", " ", "", "  ", "\n"][..]),
            ),
            0..12,
        )
        .prop_map(|ws| {
            ws.into_iter()
                .map(|(w, sep)| format!("{w}{sep}"))
                .collect::<String>()
        })
    }

    fn record() -> impl proptest::strategy::Strategy<Value = Record> {
        use proptest::prelude::*;
        let section = (
            prop::sample::select(
                &["intro", "lead-times", "a b", "x&y", "q\"t", "c:d", "", "Ö"][..],
            ),
            1u8..8,
            text(),
            text(),
        )
            .prop_map(|(id, level, title, text)| Section {
                id: id.into(),
                level,
                title,
                text,
            });
        (
            prop::sample::select(&["", "a/", "b/", "c/d/", "e/", "f/", "g/"][..]),
            text(),
            prop::option::of(prop::sample::select(
                &["HP-12", " x20 ", "ABC-123/4", "", "Café-1", "a:b", "q,r"][..],
            )),
            prop::option::of(text()),
            text(),
            prop::collection::vec(section, 0..4),
            prop::sample::select(&[Kind::Guide, Kind::Product, Kind::Material, Kind::Path][..]),
        )
            .prop_map(|(url, title, sku, summary, text, sections, kind)| Record {
                url: url.into(),
                title,
                kind,
                sku: sku.map(str::to_owned),
                summary,
                text,
                sections,
            })
    }

    /// Generated records in every language kanava's demo and corpus use; a fixed seed so
    /// every `cargo test` checks the same cases.
    #[test]
    fn generated_records_match_pagefind() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, RngSeed, TestRunner};
        let mut runner = TestRunner::new(Config {
            cases: 48,
            rng_seed: RngSeed::Fixed(17),
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = (
            prop::collection::vec(record(), 0..7),
            prop::sample::select(&["en", "fi", "fr", "de", "it", "sv"][..]),
        );
        runner
            .run(&strategy, |(records, lang)| {
                assert_same(&records, lang);
                Ok(())
            })
            .unwrap();
    }

    /// Enough words for several index chunks (20000 locations each), so that chunk bounds
    /// and their prefix trimming are compared too.
    #[test]
    fn several_chunks_match_pagefind() {
        let mut records = Vec::new();
        for i in 0..260 {
            let text: Vec<String> = (0..90)
                .map(|j| format!("{}{}", WORDS[(i * 7 + j) % WORDS.len()], (i * j) % 97))
                .collect();
            records.push(guide(
                &format!("p{i}/"),
                &format!("Page {i}"),
                &text.join(" "),
            ));
        }
        let files = index(&records, "en").unwrap();
        assert!(files.keys().filter(|k| k.starts_with("index/")).count() >= 2);
        assert_same(&records, "en");
    }

    /// A pagefind upgrade must not ship a reader that misreads these files (the format
    /// changed incompatibly in 1.5 and 1.6): Cargo.lock's pagefind, the version in its
    /// `pagefind.js` and the one this writer puts in the index must all be the same.
    #[test]
    fn version_tripwire() {
        let lock = include_str!("../../../Cargo.lock");
        let locked = lock
            .split("[[package]]")
            .find(|p| p.contains("\nname = \"pagefind\"\n"))
            .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
            .map(|v| v.trim_matches('"'));
        assert_eq!(locked, Some(PAGEFIND_VERSION), "Cargo.lock's pagefind");
        let manifest = include_str!("../../../Cargo.toml");
        assert!(
            manifest.contains(&format!("pagefind = {{ version = \"={PAGEFIND_VERSION}\"")),
            "Cargo.toml must pin pagefind exactly (`={PAGEFIND_VERSION}`)"
        );
        let files = index(&[guide("a/", "A", "words")], "en").unwrap();
        let js = String::from_utf8_lossy(&files["pagefind.js"]).into_owned();
        assert!(
            js.contains(&format!("pagefind_version=\"{PAGEFIND_VERSION}\""))
                || js.contains(&format!("pagefind_version = \"{PAGEFIND_VERSION}\"")),
            "pagefind.js is not version {PAGEFIND_VERSION}"
        );
        let entry: serde_json::Value =
            serde_json::from_slice(&files["pagefind-entry.json"]).unwrap();
        assert_eq!(entry["version"], PAGEFIND_VERSION);
        let meta = files.keys().find(|k| k.ends_with(".pf_meta")).unwrap();
        let meta: MetaIndex = minicbor::decode(&payload(meta, &files[meta])).unwrap();
        assert_eq!(meta.version, PAGEFIND_VERSION);
    }
}
