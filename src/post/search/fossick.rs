//! A [`Record`]'s words, as pagefind 1.6.0 would find them in [`Record::html`] (issue 17):
//! the first half of kanava's own index writer ([`super::writer`] is the second).
//!
//! pagefind reads a page with lol_html (`fossick/parser.rs`), folds the text into one
//! "digest" string with sentinel tokens for weights and anchors, then splits, normalizes and
//! stems it (`Fossicker::parse_digest`, `fossick/splitting.rs`). kanava's records all have the
//! one fixed shape of [`Record::html`], so instead of parsing HTML we write the digest that
//! the parser would produce for that shape ([`digest`]) and run a port of `parse_digest` on
//! it. Ported from pagefind 1.6.0 (MIT, © CloudCannon and the Pagefind contributors):
//! `fossick/splitting.rs` (whole, minus the segmented-language paths, which need the
//! `extended` feature kanava's pagefind does not have), `fossick/mod.rs` (`parse_digest`,
//! `parse_meta_words`, `tidy_meta_and_filters`, `normalize_content`, `get_stemmer`) and the
//! element rules of `fossick/parser.rs` that the record shape reaches.
//!
//! Fidelity matters more than elegance here: the browser (pagefind's WASM) normalizes and
//! stems the query with the same crates, and a word indexed differently is a word not found.
//! The quirks are kept on purpose (an anchor's text is entity-decoded twice, its id in the
//! digest once, the `.` after a block depends on the *escaped* text's last character); the
//! differential tests in `tests` below and in `tests/it/pfwriter.rs` compare against pagefind.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use convert_case::{Case, Casing};
use pagefind_stem::{Algorithm, Stemmer};
use regex::Regex;
use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use sha1::Digest;

use super::Record;
use crate::html::escape;

const MAX_KATAKANA_SUFFIX_CHARS: usize = 16;
const MAX_DOTTED_TAIL_CHARS: usize = 64;

/// pagefind's `utils::WORD_SYMBOLS`: the "Punctuation, Connector" characters that count as
/// part of a word. kanava sets no extra `include_characters`, so this is the whole list
/// (also written into `pagefind-entry.json`).
pub const INCLUDE_CHARACTERS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

// The patterns are pagefind's own (constants; they compile).
static EMOJI: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\p{Emoji}").unwrap());
static NEWLINES: LazyLock<Regex> = LazyLock::new(|| Regex::new("(\n|\r\n)+").unwrap());
static TRIM_NEWLINES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("^[\n\r\\s]+|[\n\r\\s]+$").unwrap());
static EXTRANEOUS_SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s{2,}").unwrap());
static PRIVATE_PAGEFIND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("___PAGEFIND_[\\S]+\\s?").unwrap());
static ALL_SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s").unwrap());
static SENTENCE_CHARS: LazyLock<Regex> = LazyLock::new(|| Regex::new("[\\w'\"\\)\\$\\*]").unwrap());

/// A word's number in the process's [`Vocabulary`]: records and indexes hold numbers, and
/// each distinct word's text is stored once.
pub type WordId = u32;

/// [`Occurrence::original`] when the word had no other form.
pub const NO_ORIGINAL: WordId = WordId::MAX;

/// Every stemmed word and original form seen, numbered in order of first sight. Process-wide
/// so that the per-thread token memos ([`Stems`]) can keep numbers across views and builds;
/// it grows with the distinct words of the sites built, nothing else.
pub struct Vocabulary {
    ids: FxHashMap<std::sync::Arc<str>, WordId>,
    words: Vec<std::sync::Arc<str>>,
}

static VOCABULARY: LazyLock<std::sync::RwLock<Vocabulary>> = LazyLock::new(|| {
    std::sync::RwLock::new(Vocabulary {
        ids: FxHashMap::default(),
        words: Vec::new(),
    })
});

/// The number of `word`, given one on first sight.
fn intern(word: &str) -> WordId {
    // A poisoned lock holds a consistent vocabulary (entries are added whole): go on.
    if let Some(&id) = VOCABULARY
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .ids
        .get(word)
    {
        return id;
    }
    let mut vocabulary = VOCABULARY.write().unwrap_or_else(|e| e.into_inner());
    if let Some(&id) = vocabulary.ids.get(word) {
        return id;
    }
    let id = WordId::try_from(vocabulary.words.len()).unwrap_or(NO_ORIGINAL - 1);
    let word: std::sync::Arc<str> = word.into();
    vocabulary.words.push(std::sync::Arc::clone(&word));
    vocabulary.ids.insert(word, id);
    id
}

/// The text of each of `ids`, in order.
pub fn words_of(ids: impl IntoIterator<Item = WordId>) -> Vec<std::sync::Arc<str>> {
    let vocabulary = VOCABULARY.read().unwrap_or_else(|e| e.into_inner());
    ids.into_iter()
        .map(|id| {
            vocabulary
                .words
                .get(id as usize)
                .cloned()
                .unwrap_or_else(|| "".into())
        })
        .collect()
}

/// One occurrence of a (stemmed) word in the body text (12 bytes: a 10,000-page view holds
/// about eleven million).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub word: WordId,
    /// 0 for pagefind's common weight 25, else the weight: the writer's order of positions.
    pub weight_key: u8,
    pub position: u32,
    /// On pagefind's ×24 scale (weight 1.0 = 24).
    pub weight: u8,
}

/// An occurrence of a word whose form before diacritics were removed differs (`café` for
/// `cafe`): rare, so kept apart and the common [`Occurrence`] stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantOccurrence {
    pub original: WordId,
    pub at: Occurrence,
}

impl VariantOccurrence {
    /// The writer's order: by word, form, then as [`Occurrence`]s.
    fn key(&self) -> (WordId, WordId, Occurrence) {
        (self.at.word, self.original, self.at)
    }
}

/// One occurrence of a word in a metadata field (fields by name, in sorted order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MetaOccurrence {
    pub word: WordId,
    pub original: WordId,
    /// Index into [`Fossicked::meta_fields`] (remapped per index by the writer).
    pub field: u16,
    pub position: u32,
}

/// A heading that results link to (pagefind's `PageAnchorData`, same field order).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Anchor {
    pub element: String,
    pub id: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub location: u32,
}

/// The fragment file's JSON (pagefind's `PageFragmentData`, same field order).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fragment {
    pub url: String,
    pub content: String,
    pub word_count: usize,
    pub filters: BTreeMap<String, Vec<String>>,
    pub meta: BTreeMap<String, String>,
    pub anchors: Vec<Anchor>,
}

/// Everything the index needs from one record (pagefind's `FossickedData`), compact: the
/// fragment file already serialized, and the words as numbered occurrences.
#[derive(Debug, Clone, PartialEq)]
pub struct Fossicked {
    /// The URL as fed to pagefind (`/` + the record's): a later record with the same URL
    /// replaces an earlier one.
    pub url: String,
    /// The fragment file as written: its JSON ([`Fragment`]) gzipped; and the sha1 of the
    /// JSON (the file's name).
    pub fragment: std::sync::Arc<Vec<u8>>,
    pub digest: [u8; 20],
    pub word_count: usize,
    pub filters: BTreeMap<String, Vec<String>>,
    /// The metadata fields' names, sorted.
    pub meta_fields: Vec<String>,
    /// Sorted: each word's occurrences together, in the order the index lists them (weight
    /// group, position). Without the variant forms, which are in `variants`.
    pub words: Vec<Occurrence>,
    /// Sorted: by word, original form, then as `words`.
    pub variants: Vec<VariantOccurrence>,
    /// Sorted: by word, original form, field and position.
    pub meta_words: Vec<MetaOccurrence>,
}

/// A word as it goes into the index (pagefind's `IndexableWord`).
#[derive(Debug, Clone, PartialEq)]
struct IndexableWord {
    stemmed: String,
    is_compound_part: bool,
    original: Option<String>,
}

/// An [`IndexableWord`] numbered: what the token memo keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TokenWord {
    word: WordId,
    original: WordId,
    is_compound_part: bool,
}

impl IndexableWord {
    fn numbered(&self) -> TokenWord {
        TokenWord {
            word: intern(&self.stemmed),
            original: self.original.as_deref().map_or(NO_ORIGINAL, intern),
            is_compound_part: self.is_compound_part,
        }
    }
}

/// pagefind's `get_stemmer` (fossick/mod.rs): the Snowball algorithm for a language code.
fn algorithm(lang: &str) -> Option<Algorithm> {
    Some(match lang.split('-').next().unwrap_or_default() {
        "ar" => Algorithm::Arabic,
        "hy" => Algorithm::Armenian,
        "eu" => Algorithm::Basque,
        "ca" => Algorithm::Catalan,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "eo" => Algorithm::Esperanto,
        "et" => Algorithm::Estonian,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hi" => Algorithm::Hindi,
        "hu" => Algorithm::Hungarian,
        "id" => Algorithm::Indonesian,
        "ga" => Algorithm::Irish,
        "it" => Algorithm::Italian,
        "lt" => Algorithm::Lithuanian,
        "nb" | "nn" | "no" => Algorithm::Norwegian,
        "ne" => Algorithm::Nepali,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sr" => Algorithm::Serbian,
        "pl" => Algorithm::Polish,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        "yi" => Algorithm::Yiddish,
        _ => return None,
    })
}

/// A language's word analysis with two memos: a word's stem, and a whole token's indexable
/// words. The same few tens of thousands of words recur across a site's pages, and Snowball
/// is the costly part of splitting (issue 17's study: 87 k distinct stems in 10 M words);
/// the token memo saves the rest (normalizing, compound splitting, dotted tails) for each
/// repeat of a token, which is most of them.
///
/// Per thread ([`with_stems`]): the memos need no lock, and a thread's memo serves every view
/// of a build (and the next build's, in `kanava serve`).
pub struct Stems {
    stemmer: Option<Stemmer>,
    memo: RefCell<FxHashMap<String, String>>,
    tokens: RefCell<FxHashMap<String, std::rc::Rc<[TokenWord]>>>,
}

/// Past this many memoized tokens a thread forgets them and starts again (a bound for a
/// long `kanava serve`; a 10,000-page site has about a quarter of it).
const TOKEN_MEMO_LIMIT: usize = 1_000_000;

thread_local! {
    static STEMS: RefCell<Vec<(String, std::rc::Rc<Stems>)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's [`Stems`] for `lang`.
pub fn with_stems<R>(lang: &str, f: impl FnOnce(&Stems) -> R) -> R {
    let stems = STEMS.with(|all| {
        let mut all = all.borrow_mut();
        match all.iter().find(|(l, _)| l == lang) {
            Some((_, stems)) => std::rc::Rc::clone(stems),
            None => {
                let stems = std::rc::Rc::new(Stems::new(lang));
                all.push((lang.to_owned(), std::rc::Rc::clone(&stems)));
                stems
            }
        }
    });
    f(&stems)
}

impl Stems {
    pub fn new(lang: &str) -> Stems {
        Stems {
            stemmer: algorithm(lang).map(Stemmer::create),
            memo: RefCell::new(FxHashMap::default()),
            tokens: RefCell::new(FxHashMap::default()),
        }
    }

    /// The stem of `word`, or `word` itself for a language without a stemmer.
    fn stem(&self, word: &str) -> String {
        let Some(stemmer) = &self.stemmer else {
            return word.to_owned();
        };
        if let Some(stem) = self.memo.borrow().get(word) {
            return stem.clone();
        }
        let stem = stemmer.stem(word).into_owned();
        self.memo.borrow_mut().insert(word.to_owned(), stem.clone());
        stem
    }

    /// A body token's indexable words with its dotted tails (`parse_digest`'s
    /// `get_indexable_words` + `get_dotted_tails`), memoized per token.
    fn token(&self, raw_word: &str) -> std::rc::Rc<[TokenWord]> {
        if let Some(words) = self.tokens.borrow().get(raw_word) {
            return std::rc::Rc::clone(words);
        }
        let mut words = indexable_words(raw_word, self);
        let tails = dotted_tails(raw_word, self, &words);
        words.extend(tails);
        let words: std::rc::Rc<[TokenWord]> = words.iter().map(IndexableWord::numbered).collect();
        let mut tokens = self.tokens.borrow_mut();
        if tokens.len() >= TOKEN_MEMO_LIMIT {
            tokens.clear();
        }
        tokens.insert(raw_word.to_owned(), std::rc::Rc::clone(&words));
        words
    }
}

/// `splitting::get_indexable_words`.
fn indexable_words(raw_word: &str, stems: &Stems) -> Vec<IndexableWord> {
    let mut results = Vec::new();
    let normalized_word = normalize_word(raw_word);
    if !normalized_word.is_empty() {
        results.push(stem_word(&normalized_word, stems, false));
    }
    for suffix in katakana_suffixes(raw_word) {
        let suffix_diacritic = normalize_diacritics(suffix);
        results.push(IndexableWord {
            stemmed: suffix_diacritic
                .clone()
                .unwrap_or_else(|| suffix.to_string()),
            original: suffix_diacritic.map(|_| suffix.to_string()),
            is_compound_part: true,
        });
    }
    let possibly_compound = raw_word.chars().any(|c| !c.is_alphanumeric())
        || raw_word.chars().skip(1).any(|c| c.is_uppercase());
    if !possibly_compound {
        return results;
    }
    let (word_parts, extras) = discrete_words(raw_word);
    if !normalized_word.is_empty()
        && (word_parts.contains(|c: char| c.is_whitespace())
            || !normalized_word.starts_with(&word_parts))
    {
        // Only two+ byte words (pagefind's `w.len() > 1`, bytes not characters).
        for part_word in word_parts.split_whitespace().filter(|w| w.len() > 1) {
            let part_diacritic = normalize_diacritics(part_word);
            let stemmed = match &stems.stemmer {
                Some(_) => stems.stem(part_diacritic.as_deref().unwrap_or(part_word)),
                None => part_diacritic
                    .clone()
                    .unwrap_or_else(|| part_word.to_string()),
            };
            results.push(IndexableWord {
                stemmed,
                original: part_diacritic.map(|_| part_word.to_string()),
                is_compound_part: true,
            });
        }
    }
    for extra in extras.into_iter().flatten() {
        results.push(IndexableWord {
            stemmed: extra,
            original: None,
            is_compound_part: false,
        });
    }
    results
}

/// `splitting::get_dotted_tails`: `is_python_build` out of `sysconfig.is_python_build`.
fn dotted_tails(raw_word: &str, stems: &Stems, existing: &[IndexableWord]) -> Vec<IndexableWord> {
    let mut tails = Vec::new();
    if !raw_word.contains('.') {
        return tails;
    }
    let seen: HashSet<&str> = existing.iter().map(|w| w.stemmed.as_str()).collect();
    let mut seen_tails: HashSet<String> = HashSet::new();
    for (i, _) in raw_word.match_indices('.') {
        let rest = &raw_word[i + 1..];
        let tail = match rest.char_indices().nth(MAX_DOTTED_TAIL_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let tail_is_compound = tail.chars().any(|c| !c.is_alphanumeric())
            || tail.chars().skip(1).any(|c| c.is_uppercase());
        if !tail_is_compound {
            continue;
        }
        let tail_normalized = normalize_word(tail);
        if tail_normalized.chars().count() < 2 {
            continue;
        }
        let tail_word = stem_word(&tail_normalized, stems, true);
        if !seen.contains(tail_word.stemmed.as_str())
            && seen_tails.insert(tail_word.stemmed.clone())
        {
            tails.push(tail_word);
        }
    }
    tails
}

/// `splitting::normalize_word`: alphanumerics and the include characters, lower-cased.
fn normalize_word(raw_word: &str) -> String {
    let mut normalized_word = String::with_capacity(raw_word.len());
    for mut c in raw_word.chars() {
        if c.is_alphanumeric() || INCLUDE_CHARACTERS.contains(&c) {
            c.make_ascii_lowercase();
            if c.is_uppercase() {
                normalized_word.extend(c.to_lowercase());
            } else {
                normalized_word.push(c);
            }
        }
    }
    normalized_word
}

/// `splitting::stem_word`.
fn stem_word(normalized_word: &str, stems: &Stems, is_compound_part: bool) -> IndexableWord {
    let diacritic_normalized = normalize_diacritics(normalized_word);
    let base = diacritic_normalized.as_deref().unwrap_or(normalized_word);
    IndexableWord {
        stemmed: stems.stem(base),
        original: diacritic_normalized.map(|_| normalized_word.to_string()),
        is_compound_part,
    }
}

/// `splitting::katakana_suffixes`.
fn katakana_suffixes(word: &str) -> Vec<&str> {
    fn is_katakana(c: char) -> bool {
        matches!(c as u32,
            0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
    }
    if word.chars().count() < 3 || !word.chars().all(is_katakana) {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut suffixes = Vec::new();
    for (i, _) in word.char_indices().skip(1) {
        let rest = &word[i..];
        let suffix = match rest.char_indices().nth(MAX_KATAKANA_SUFFIX_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        if suffix.chars().count() >= 2 && seen.insert(suffix) {
            suffixes.push(suffix);
        }
    }
    suffixes
}

/// `splitting::normalize_diacritics`: `café` → `cafe` (the JS does the same to the query).
fn normalize_diacritics(word: &str) -> Option<String> {
    if word.is_ascii() || !has_decomposition(word) {
        return None;
    }
    let stripped: String = word
        .nfd()
        .filter(|c| {
            !unicode_normalization::char::is_combining_mark(*c)
                || matches!(*c, '\u{3099}' | '\u{309A}')
        })
        .collect();
    let normalized = if stripped
        .chars()
        .any(|c| matches!(c, '\u{3099}' | '\u{309A}'))
    {
        stripped.nfc().collect::<String>()
    } else {
        stripped
    };
    (normalized != word).then_some(normalized)
}

fn has_decomposition(word: &str) -> bool {
    word.chars().any(|c| {
        unicode_normalization::char::is_combining_mark(c) || {
            let mut decomposes = false;
            unicode_normalization::char::decompose_canonical(c, |part| {
                decomposes = decomposes || part != c;
            });
            decomposes
        }
    })
}

/// `splitting::get_discrete_words`: ASCII punctuation to spaces, camelCase split by
/// `convert_case` (pinned to pagefind's version), and emoji as extra words.
fn discrete_words(s: &str) -> (String, Option<Vec<String>>) {
    let words = s
        .replace(|c: char| c.is_ascii_punctuation(), " ")
        .to_case(Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let extras = EMOJI.is_match(s).then(|| {
        s.graphemes(true)
            .filter(|x| emojis::get(x).is_some())
            .map(str::to_string)
            .collect()
    });
    (words, extras)
}

/// pagefind's `normalize_content`: entities decoded, trimmed, line breaks and runs of
/// white space made single spaces.
pub fn normalize_content(content: &str) -> String {
    let content = html_escape::decode_html_entities(content);
    let content = TRIM_NEWLINES.replace_all(&content, "");
    let content = NEWLINES.replace_all(&content, " ");
    let content = EXTRANEOUS_SPACES.replace_all(&content, " ");
    content.to_string()
}

/// What pagefind's parser makes of [`Record::html`]: the digest (before
/// `normalize_content`), the raw text of each anchor (keyed `{n}:{id}` as the parser keys
/// them), the filters and the meta.
struct Parsed {
    digest: String,
    anchor_content: HashMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
    meta: BTreeMap<String, String>,
}

/// A block element's text as the parser leaves it at the end tag (parser.rs: a leading
/// space; a `.` when the *source* text's last character is a word character, quote,
/// bracket, `$` or `*`; a trailing space).
fn block(out: &mut String, escaped: &str) {
    out.push(' ');
    out.push_str(escaped);
    if escaped
        .chars()
        .last()
        .is_some_and(|c| SENTENCE_CHARS.is_match(c.encode_utf8(&mut [0; 4])))
    {
        out.push('.');
    }
    out.push(' ');
}

/// The parser's result for the record's fixed shape; each line mirrors one element of
/// [`Record::html`]. Text reaches the parser as the escaped source, unchanged (lol_html
/// hands text and attribute values over raw), so everything here works on escaped text.
fn parse(record: &Record) -> Parsed {
    let mut digest = String::new();
    let mut anchor_content = HashMap::new();
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut meta = BTreeMap::new();
    // `<span data-pagefind-filter="kind:…">`: a filter with a literal value.
    filters
        .entry("kind".to_owned())
        .or_default()
        .push(normalize_content(record.kind.as_str()));
    // `<h1 data-pagefind-ignore data-pagefind-meta="title">`: ignored text, but meta still
    // taken from it (only when it has any text at all).
    let title = escape(&record.title);
    if !title.is_empty() {
        meta.insert("title".to_owned(), normalize_content(&title));
    }
    if let Some(sku) = &record.sku {
        // `<p data-pagefind-weight="10" data-pagefind-meta="sku">`, then the filter span.
        let code = escape(sku.trim());
        if !code.is_empty() {
            meta.insert("sku".to_owned(), normalize_content(&code));
        }
        digest.push_str(" ___PAGEFIND_WEIGHT___10 ");
        block(&mut digest, &code);
        digest.push_str(" ___END_PAGEFIND_WEIGHT___ \n");
        filters
            .entry("sku".to_owned())
            .or_default()
            .push(normalize_content(&escape(&sku.trim().to_uppercase())));
    }
    if let Some(summary) = &record.summary {
        block(&mut digest, &escape(summary));
        digest.push('\n');
    }
    if !record.text.is_empty() {
        block(&mut digest, &escape(&record.text));
        digest.push('\n');
    }
    for (n, s) in record.sections.iter().enumerate() {
        let level = s.level.clamp(2, 6);
        // The id as lol_html reads it (raw), white space removed (parser.rs).
        let id = ALL_SPACES.replace_all(&escape(&s.id), "").into_owned();
        digest.push_str(&format!(" ___PAGEFIND_ANCHOR___h{level}:{n}:{id} "));
        let title = escape(&s.title);
        if !title.is_empty() {
            anchor_content.insert(format!("{n}:{id}"), title.clone());
        }
        digest.push_str(&format!(" ___PAGEFIND_AUTO_WEIGHT___{} ", 8 - level));
        block(&mut digest, &title);
        digest.push_str(" ___END_PAGEFIND_WEIGHT___ \n");
        if !s.text.is_empty() {
            block(&mut digest, &escape(&s.text));
            digest.push('\n');
        }
    }
    Parsed {
        digest: normalize_content(&digest),
        anchor_content,
        filters,
        meta,
    }
}

/// pagefind's whole per-page analysis of [`Record::html`] (`Fossicker::fossick_sync` with a
/// forced language): the fragment file (gzipped, as written), the words and the meta
/// words. `url` is the URL as fed
/// to pagefind (`/` + the record's).
pub fn fossick(record: &Record, stems: &Stems) -> anyhow::Result<Fossicked> {
    let mut parsed = parse(record);
    let (content, words, variants, anchors, word_count) = parse_digest(&parsed, stems);
    // `tidy_meta_and_filters`: pagefind's private sentinels never reach meta or filters.
    for values in parsed.filters.values_mut() {
        for value in values.iter_mut() {
            if let std::borrow::Cow::Owned(s) = PRIVATE_PAGEFIND.replace_all(value, "") {
                *value = s;
            }
        }
    }
    for value in parsed.meta.values_mut() {
        if let std::borrow::Cow::Owned(s) = PRIVATE_PAGEFIND.replace_all(value, "") {
            *value = s;
        }
    }
    let meta_words = parse_meta_words(&parsed.meta, stems);
    let fragment = Fragment {
        url: format!("/{}", record.url),
        content,
        word_count,
        filters: parsed.filters,
        meta: parsed.meta,
        anchors,
    };
    // A fragment of strings, maps and numbers always serializes.
    let json = serde_json::to_vec(&fragment).unwrap_or_default();
    Ok(Fossicked {
        digest: sha1::Sha1::digest(&json).into(),
        fragment: std::sync::Arc::new(super::writer::gzip(&json)?),
        url: fragment.url,
        word_count: fragment.word_count,
        filters: fragment.filters,
        meta_fields: fragment.meta.into_keys().collect(),
        words,
        variants,
        meta_words,
    })
}

type Digested = (
    String,
    Vec<Occurrence>,
    Vec<VariantOccurrence>,
    Vec<Anchor>,
    usize,
);

/// `Fossicker::parse_digest` (without the segmented languages' paths).
fn parse_digest(data: &Parsed, stems: &Stems) -> Digested {
    let mut words: Vec<Occurrence> = Vec::new();
    let mut variants: Vec<VariantOccurrence> = Vec::new();
    let mut anchors = Vec::new();
    let mut content = String::with_capacity(data.digest.len());
    let mut total_word_index: usize = 0;
    let mut max_word_index = 0;
    let weight_multiplier = 24.0_f32;
    let weight_max = 10.0_f32;
    let mut weight_stack: Vec<u8> = vec![24];

    for word in data.digest.split_whitespace() {
        if word.starts_with('_') {
            if word.starts_with("___PAGEFIND_ANCHOR___") {
                if let Some((element_name, anchor_id)) =
                    word.replace("___PAGEFIND_ANCHOR___", "").split_once(':')
                {
                    let element_text = data
                        .anchor_content
                        .get(anchor_id)
                        .map(|t| normalize_content(t))
                        .unwrap_or_default();
                    if let Some((_, element_id)) = anchor_id.split_once(':') {
                        anchors.push(Anchor {
                            element: element_name.to_string(),
                            id: element_id.to_string(),
                            // Decoded a second time, as pagefind does.
                            text: normalize_content(&element_text),
                            location: total_word_index as u32,
                            title: None,
                        });
                    }
                }
                continue;
            }
            if word.starts_with("___PAGEFIND_WEIGHT___") {
                let weight = word
                    .replace("___PAGEFIND_WEIGHT___", "")
                    .parse::<f32>()
                    .ok()
                    .unwrap_or(1.0);
                if weight <= 0.0 {
                    weight_stack.push(0);
                } else {
                    weight_stack
                        .push(((weight.clamp(0.0, weight_max) * weight_multiplier) as u8).max(1));
                }
                continue;
            }
            if word.starts_with("___PAGEFIND_AUTO_WEIGHT___") {
                if weight_stack.len() == 1 {
                    let weight = word
                        .replace("___PAGEFIND_AUTO_WEIGHT___", "")
                        .parse::<f32>()
                        .ok()
                        .unwrap_or(1.0);
                    weight_stack.push((weight.clamp(0.0, weight_max) * weight_multiplier) as u8);
                } else {
                    weight_stack.push(weight_stack.last().cloned().unwrap_or_default());
                }
                continue;
            }
            if word.starts_with("___END_PAGEFIND_WEIGHT___") {
                weight_stack.pop();
                continue;
            }
        }
        // pagefind uses zero-width spaces as boundaries for some languages.
        let base_word: std::borrow::Cow<str> = if word.contains('\u{200B}') {
            word.replace('\u{200B}', "").into()
        } else {
            word.into()
        };
        if base_word.is_empty() {
            continue;
        }
        content.push_str(&base_word);
        content.push(' ');
        let word_weight = *weight_stack.last().unwrap_or(&1);
        let indexable = stems.token(&base_word);
        let compound_count = indexable.iter().filter(|w| w.is_compound_part).count();
        let partial_weight = if compound_count > 0 && word_weight > 0 {
            (word_weight / u8::try_from(compound_count).unwrap_or(u8::MAX)).max(1)
        } else {
            0
        };
        for w in indexable.iter() {
            let weight = if w.is_compound_part {
                partial_weight
            } else {
                word_weight
            };
            let at = Occurrence {
                word: w.word,
                weight_key: if weight == 25 { 0 } else { weight },
                position: total_word_index as u32,
                weight,
            };
            if w.original == NO_ORIGINAL {
                words.push(at);
            } else {
                variants.push(VariantOccurrence {
                    original: w.original,
                    at,
                });
            }
        }
        max_word_index = total_word_index;
        total_word_index += 1;
    }
    if content.ends_with(' ') {
        content.pop();
    }
    words.sort_unstable();
    variants.sort_unstable_by_key(VariantOccurrence::key);
    (content, words, variants, anchors, max_word_index + 1)
}

/// `Fossicker::parse_meta_words`: each meta value's words, by field (sorted names) and
/// word number.
fn parse_meta_words(meta: &BTreeMap<String, String>, stems: &Stems) -> Vec<MetaOccurrence> {
    let mut words = Vec::new();
    for (field, value) in meta.values().enumerate() {
        for (position, word) in value.split_whitespace().enumerate() {
            for w in indexable_words(word, stems) {
                let w = w.numbered();
                words.push(MetaOccurrence {
                    word: w.word,
                    original: w.original,
                    field: field as u16,
                    position: position as u32,
                });
            }
        }
    }
    words.sort_unstable();
    words
}
