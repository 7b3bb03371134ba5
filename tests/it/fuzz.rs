//! Fuzzing on stable Rust (issue #12): an isolation oracle over generated sites, and
//! bounded fuzz targets for every parser of user input.
//!
//! - [`isolation_oracle`]: random sites ([`sitegen`]) — axes, audiences, sections with
//!   cascading `_index.md` restrictions, pages with lifecycles, materials with sidecars
//!   (issue #14) under those sections, bodies of random Markdown constructs and links to
//!   pages and materials with nested and hostile `::: only` blocks — built for a fixed
//!   `--at`. Every marker must reach exactly the audiences the oracle computes, in every
//!   output file (search index decoded; a material's file too); a build may be refused
//!   only for what kanava documents as an error, and must be refused for those, naming
//!   the ones the oracle is sure of.
//! - Parser targets: front matter, fences + Markdown (directly and through a site),
//!   catalog YAML and CSV, and `kanava.yaml`, fed mutations of valid documents and raw
//!   input ([`mutate`]). No input may panic, and every error must be a diagnostic with a
//!   file of the site and a position inside it.
//!
//! cargo-fuzz needs nightly; these run on stable under proptest, so CI runs them on every
//! push. Each target's default case count keeps this module well under two minutes on two
//! cores, with one fixed seed, so every run of `cargo test` (CI's too) checks the same
//! cases and a failure reproduces. `KANAVA_FUZZ_CASES=N` sets the cases of every batch;
//! `KANAVA_FUZZ_SECONDS=S` turns on the long-run mode: each target runs fresh batches (new
//! random seeds) until it has run for `S` seconds. A failure names its seed;
//! `KANAVA_FUZZ_SEED=N` reruns it. Counts are printed (`--nocapture` shows them).
//!
//! What the targets found and is not fixed yet is pinned by regression tests at the end of
//! this file, ignored while they fail; the targets skip exactly those shapes
//! ([`known_gap`], [`forges_hole`]) so that they keep looking for new ones.

mod mutate;
mod sitegen;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kanava::diag::Diagnostic;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::harness::TestSite;

// ---- the runner ----------------------------------------------------------------------

/// The seed of every `cargo test` run of the targets.
const DEFAULT_SEED: u64 = 0x6b61_6e61_7661;

/// Runs `test` on values of `strategy`: `default_cases` of them, or `KANAVA_FUZZ_CASES`;
/// with `KANAVA_FUZZ_SECONDS`, batch after batch until that many seconds have passed.
/// Panics with the minimal failing input when a case fails (a panic inside kanava is
/// caught and shrunk like any failure).
fn fuzz<S>(
    name: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let env = |key: &str| std::env::var(key).ok().and_then(|v| v.parse::<u64>().ok());
    let cases = env("KANAVA_FUZZ_CASES").map_or(default_cases, |n| n as u32);
    let budget = env("KANAVA_FUZZ_SECONDS").map(Duration::from_secs);
    // `cargo test` (and so CI) runs the same cases every time, so a red run is a finding
    // that reproduces, never a coin toss; the long-run mode draws a fresh seed per batch.
    // Either way a failure names its seed for `KANAVA_FUZZ_SEED`.
    let fixed = env("KANAVA_FUZZ_SEED");
    let fresh = |batch: u64| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        now ^ batch.rotate_left(32)
    };
    let started = Instant::now();
    let mut total = 0u64;
    // The slowest case, reported (never asserted): a parser gone quadratic shows here.
    let slowest = Mutex::new(Duration::ZERO);
    let timed = |value: S::Value| {
        let t = Instant::now();
        let result = test(value);
        let mut slowest = slowest.lock().expect("not poisoned");
        *slowest = (*slowest).max(t.elapsed());
        result
    };
    for batch in 0u64.. {
        let seed = match (fixed, budget) {
            (Some(seed), _) => seed.wrapping_add(batch),
            (None, None) => DEFAULT_SEED,
            (None, Some(_)) => fresh(batch),
        };
        let config = Config {
            cases,
            rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
            // Failures are reported with their minimal input; nothing is written to disk.
            failure_persistence: None,
            max_shrink_iters: 1024,
            max_shrink_time: 180_000,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, timed) {
            panic!(
                "fuzz target `{name}` failed after {total} earlier cases (KANAVA_FUZZ_SEED={seed}): {e}"
            );
        }
        total += u64::from(cases);
        if budget.is_none_or(|b| started.elapsed() >= b) {
            break;
        }
    }
    println!(
        "fuzz {name}: {total} cases in {:.1} s (slowest {:.2} s)",
        started.elapsed().as_secs_f64(),
        slowest.into_inner().expect("not poisoned").as_secs_f64()
    );
}

/// `prop_assert!` with a message built only on failure.
fn check(ok: bool, message: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if ok {
        Ok(())
    } else {
        Err(TestCaseError::fail(message()))
    }
}

// ---- the isolation oracle ------------------------------------------------------------

#[test]
fn isolation_oracle() {
    let built = AtomicUsize::new(0);
    let refused: Mutex<BTreeMap<&'static str, usize>> = Mutex::new(BTreeMap::new());
    // Materials written, materials some audience gets, links to materials.
    let materials = [const { AtomicUsize::new(0) }; 3];
    fuzz("isolation_oracle", 32, sitegen::model(), |model| {
        let generated = sitegen::write(&model);
        let (all, shown, links) = generated.oracle.materials;
        for (count, n) in materials.iter().zip([all, shown, links]) {
            count.fetch_add(n, Ordering::Relaxed);
        }
        let outcome = isolation_case(&generated)?;
        match outcome {
            None => {
                built.fetch_add(1, Ordering::Relaxed);
            }
            Some(code) => {
                *refused
                    .lock()
                    .expect("not poisoned")
                    .entry(code)
                    .or_default() += 1
            }
        }
        Ok(())
    });
    let refused = refused.into_inner().expect("not poisoned");
    let [all, shown, links] = materials.map(AtomicUsize::into_inner);
    println!(
        "isolation_oracle: {} built, {} refused {refused:?}; {all} materials ({shown} seen by \
         some audience), {links} links to them (counting shrinking)",
        built.into_inner(),
        refused.values().sum::<usize>()
    );
}

/// Builds one generated site and holds it to its oracle. `Ok(None)`: built and isolated;
/// `Ok(Some(code))`: refused as the oracle allows (the first error's code).
fn isolation_case(generated: &sitegen::Generated) -> Result<Option<&'static str>, TestCaseError> {
    let site = TestSite::new();
    for (path, bytes) in &generated.files {
        site.write_bytes(path, bytes);
    }
    let run = site.build_with(|o| {
        o.at = Some(sitegen::AT.to_owned());
        o.stage = generated.stage;
    });
    let oracle = &generated.oracle;
    let sources = || {
        generated
            .files
            .iter()
            .filter(|(p, _)| p.ends_with(".md") || p.ends_with(".yaml"))
            .map(|(p, b)| format!("==> {p}\n{}", String::from_utf8_lossy(b)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let errors: Vec<&Diagnostic> = run.diagnostics().iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        let unexpected: Vec<&&Diagnostic> = errors
            .iter()
            .filter(|d| !oracle.may_fail.contains(d.code))
            .collect();
        check(unexpected.is_empty(), || {
            format!(
                "kanava refused the site for what the oracle does not know as an error \
                 (documented errors in it: {:?}):\n{}\n{}",
                oracle.must_fail,
                run.short(),
                sources()
            )
        })?;
        let unreported: Vec<&&str> = oracle
            .must_report
            .iter()
            .filter(|code| !errors.iter().any(|d| d.code == **code))
            .collect();
        check(unreported.is_empty(), || {
            format!(
                "kanava refused the site but did not report {unreported:?} \
                 (documented errors in it: {:?}):\n{}\n{}",
                oracle.must_fail,
                run.short(),
                sources()
            )
        })?;
        return Ok(Some(errors[0].code));
    }
    check(oracle.must_fail.is_empty(), || {
        format!(
            "kanava built a site with documented errors: {:?}\n{}",
            oracle.must_fail,
            sources()
        )
    })?;
    let markers: Vec<&str> = oracle.markers.keys().map(String::as_str).collect();
    let scan = site.scan_markers(&markers);
    let mut problems = Vec::new();
    for (marker, want) in &oracle.markers {
        let want: BTreeSet<String> = want.iter().map(|a| sitegen::audience_name(*a)).collect();
        let got = &scan.found[marker];
        for leak in got.difference(&want) {
            problems.push(format!("LEAK: {marker} reached `{leak}`"));
        }
        for missing in want.difference(got) {
            problems.push(format!("MISSING: {marker} should reach `{missing}`"));
        }
    }
    // Heading ids are made unique among the headings a view shows, so they never count
    // hidden ones (issue #12's heading-id side channel).
    for (file, counts) in &oracle.dup_headings {
        for (audience, n) in counts {
            let path = format!("{}/{file}", sitegen::audience_name(*audience));
            let html = match std::fs::read_to_string(site.out_dir().join(&path)) {
                Ok(html) => html,
                Err(e) => {
                    problems.push(format!("MISSING: {path}: {e}"));
                    continue;
                }
            };
            let ids = dup_ids(&html);
            let want: BTreeSet<String> = (0..*n)
                .map(|i| match i {
                    0 => "overview-dup".to_owned(),
                    i => format!("overview-dup-{i}"),
                })
                .collect();
            if ids != want {
                problems.push(format!("HEADING IDS of {path}: {ids:?}, expected {want:?}"));
            }
        }
    }
    check(problems.is_empty(), || {
        format!(
            "{}\n\nwarnings: {}\n{}",
            problems.join("\n"),
            run.short(),
            sources()
        )
    })?;
    Ok(None)
}

/// The ids of "Overview dup" headings in a page.
fn dup_ids(html: &str) -> BTreeSet<String> {
    html.match_indices("id=\"overview-dup")
        .map(|(i, _)| {
            let rest = &html[i + 4..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_owned()
        })
        .collect()
}

// ---- diagnostics must point into the site ----------------------------------------------

/// Diagnostics whose place is wrong in a way these targets found, and the regression test
/// (below, ignored while it fails) that pins each. The position check skips exactly these
/// shapes until they are fixed; whoever fixes one deletes its arm here.
fn known_gap(d: &Diagnostic, file: &str, facts: &Facts) -> Option<&'static str> {
    match (d.code, d.pos) {
        // A CSV whose header record runs over lines (a quoted field with a line break):
        // its problems are placed on the header's first line.
        (_, Some(_)) if file.ends_with(".csv") && facts.header_not_first_line => {
            Some("a CSV header with a quoted line break")
        }
        _ => None,
    }
}

/// What the position check needs to know about a file, worked out once per file (an
/// input may have thousands of diagnostics).
struct Facts {
    /// Characters per line, lines ending at `\n`, `\r\n` or a lone `\r`.
    widths: Vec<usize>,
    header_not_first_line: bool,
}

impl Facts {
    fn of(bytes: &[u8]) -> Facts {
        let text = String::from_utf8_lossy(bytes);
        let widths = split_lines(&text)
            .iter()
            .map(|l| l.chars().count())
            .collect();
        Facts {
            widths,
            header_not_first_line: header_not_first_line(&text),
        }
    }
}

fn header_not_first_line(text: &str) -> bool {
    // A quoted field running over lines in the header: its problems are reported on the
    // header's first line.
    split_lines(text.trim_start_matches('\u{feff}'))
        .into_iter()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.matches('"').count() % 2 == 1)
}

/// Every error names a file of `files` and a position inside it (line 1 to the last
/// line, column 1 to one past the line's last character); so does every warning that has
/// a position. Lines end at `\n`, `\r\n` or a lone `\r`, as CommonMark and YAML read them.
fn located(diags: &[Diagnostic], files: &BTreeMap<String, Vec<u8>>) -> Result<(), TestCaseError> {
    let mut facts: BTreeMap<&str, Facts> = BTreeMap::new();
    for d in diags {
        let Some(file) = &d.file else {
            check(!d.is_error(), || format!("an error names no file: {d:?}"))?;
            continue;
        };
        let Some(bytes) = files.get(file) else {
            return Err(TestCaseError::fail(format!(
                "a diagnostic names `{file}`, which the site does not have: {d:?}"
            )));
        };
        let facts = facts.entry(file).or_insert_with(|| Facts::of(bytes));
        if known_gap(d, file, facts).is_some() {
            continue;
        }
        let Some(pos) = d.pos else {
            check(!d.is_error(), || {
                format!("an error names no position in `{file}`: {d:?}")
            })?;
            continue;
        };
        let inside = |widths: &[usize]| {
            pos.line >= 1
                && (pos.line as usize) <= widths.len()
                && pos.column >= 1
                && pos.column as usize <= widths[pos.line as usize - 1] + 1
        };
        check(inside(&facts.widths), || {
            format!(
                "{}:{} is outside `{file}` ({} lines; that line: {:?} characters): {d:?}",
                pos.line,
                pos.column,
                facts.widths.len(),
                facts.widths.get((pos.line as usize).wrapping_sub(1)),
            )
        })?;
    }
    Ok(())
}

fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    loop {
        match rest.find(['\n', '\r']) {
            None => {
                lines.push(rest);
                return lines;
            }
            Some(i) => {
                lines.push(&rest[..i]);
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
        }
    }
}

// ---- parser targets through a site ------------------------------------------------------

/// The configuration of the parser targets' sites: the canary's axes plus the generator's,
/// so that generated bodies and hand-written front matter both mean something.
const FUZZ_CONFIG: &str = "title: Fuzz
base_url: https://fuzz.example/
audience:
  axes:
    tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
    role: { values: [sales, technical] }
    ax0: { values: [a0v0, a0v1, a0v2], ordered: true }
    ax1: { values: [a1v0, a1v1, a1v2] }
    ax2: { values: [a2v0, a2v1] }
  audiences:
    public: { tier: public }
    silver: { tier: silver, role: [sales], ax0: a0v1, ax1: [a1v0] }
    gold: { tier: gold, role: [sales, technical], ax0: a0v2, ax1: [a1v1, a1v2], ax2: [a2v0] }
    staff: { all: true }
catalog:
  files: [data/products.yaml, data/erp.csv]
  currency: EUR
  categories:
    pumps: { title: Heat pumps, description: Air-to-water units. }
    parts: { title: Spare parts, role: [technical] }
";

const PRODUCTS_YAML: &str = "- sku: HP-12
  name: Ilma HP-12
  category: pumps
  summary: The 12 kW unit.
  description: |
    Replaces an oil boiler. See [delivery](../content/other.md).

    ::: only tier=gold
    Gold note.
    :::
  status: active
  datasheet: ../content/files/hp-12.pdf
  image: ../content/img/a.svg
  specs:
    Output: 12.1 kW
    SCOP: \"4.80\"
  prices: { list: 999.99, silver: 927.31, gold: 913.57 }
- sku: HP-8
  name: Ilma HP-8
  category: pumps
  status: new
  prices: { list: 750, gold: 700.01 }
- sku: HP-7
  name: Ilma HP-7
  category: pumps
  status: eol
  replaced_by: HP-8
  tier: silver
  role: [sales]
  prices: { list: 650 }
";

const ERP_CSV: &str = "\u{feff}sku;name;category;summary;role;prices.list;prices.gold;specs.Weight\nSP-1;\"Fan; outdoor\";parts;\"Fan motor; 230 V\";technical;1 234,50;1 111,11;2 kg\nSP-2;Valve;parts;;technical|sales;12,00;;\n";

/// The files every parser target's site starts from.
fn base_files() -> BTreeMap<String, Vec<u8>> {
    [
        ("kanava.yaml", FUZZ_CONFIG.as_bytes()),
        (
            "content/_index.md",
            b"---\ntitle: Home\n---\nWelcome. [Product](sku:HP-12).\n".as_slice(),
        ),
        (
            "content/other.md",
            b"---\ntitle: Other\ntier: public\n---\n## Part\n\nText.\n".as_slice(),
        ),
        (
            "content/x.md",
            b"---\ntitle: X\ntier: public\n---\nX.\n".as_slice(),
        ),
        (
            "content/img/a.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".as_slice(),
        ),
        ("content/files/hp-12.pdf", b"%PDF-1.4\n".as_slice()),
        ("data/products.yaml", PRODUCTS_YAML.as_bytes()),
        ("data/erp.csv", ERP_CSV.as_bytes()),
    ]
    .into_iter()
    .map(|(p, b)| (p.to_owned(), b.to_vec()))
    .collect()
}

/// A site for one parser target: the base files, rewritten per case.
struct FuzzSite {
    site: TestSite,
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl FuzzSite {
    fn new() -> FuzzSite {
        let site = TestSite::new();
        let files = base_files();
        for (p, b) in &files {
            site.write_bytes(p, b);
        }
        FuzzSite {
            site,
            files: Mutex::new(files),
        }
    }

    /// Replaces `path` with `bytes` (the base version back for every other file), checks
    /// the site — load, model, check and one page of each kind rendered per view, the
    /// way `kanava check` does — and holds its diagnostics to [`located`].
    fn check_with(&self, path: &str, bytes: Vec<u8>) -> Result<(), TestCaseError> {
        let files = self.put(path, bytes);
        let options = kanava::Options {
            root: self.site.root().to_owned(),
            out: None,
            at: Some(sitegen::AT.to_owned()),
            ..kanava::Options::default()
        };
        let outcome = kanava::build(&options).map_err(|e| {
            TestCaseError::fail(format!("an operational failure from user input: {e:#}"))
        })?;
        located(&outcome.diagnostics, &files)
    }
}

impl FuzzSite {
    /// The base files, with `path` replaced by `bytes`; the files, locked for the case.
    fn put(
        &self,
        path: &str,
        bytes: Vec<u8>,
    ) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        let mut files = self.files.lock().expect("not poisoned");
        for (p, b) in base_files() {
            if files.get(&p) != Some(&b) {
                self.site.write_bytes(&p, &b);
                files.insert(p, b);
            }
        }
        self.site.write_bytes(path, &bytes);
        files.insert(path.to_owned(), bytes);
        files
    }
}

/// The reports run on sites with content errors (issue #13), planning views no build
/// plans: no page or catalog data, however broken, may make `audiences`, `explain`, `diff`
/// or `status` panic or fail.
#[test]
fn reports_never_panic_on_broken_sites() {
    let site = FuzzSite::new();
    let inputs = prop_oneof![
        mutate::mutated(page_text()).prop_map(|i| ("content/guide/page.md", i)),
        mutate::input(&[PRODUCTS_YAML]).prop_map(|i| ("data/products.yaml", i)),
        mutate::input(&[ERP_CSV]).prop_map(|i| ("data/erp.csv", i)),
    ];
    fuzz("reports", 48, inputs, |(path, input)| {
        let _files = site.put(path, input.bytes());
        site.site
            .every_report(sitegen::AT)
            .map_err(TestCaseError::fail)
    });
}

const FRONT_MATTER_SEEDS: &[&str] = &[
    "---\ntitle: Delivery terms\ndescription: When things ship\nweight: 3\nslug: delivery\ntags: [orders, shipping]\nupdated: 2026-10-01\nstatus: review\npublish: 2026-11-01\nexpires: 2027-01-01T09:00\ntier: silver\nrole: [sales, technical]\n---\n# Delivery\n\nShips in 3 days.\n",
    "---\ntitle: \"Quoted: title\"\ntags:\n  - a\n  - b\nax1: [a1v0, a1v2]\nax0: a0v1\n---\nBody [x](x.md).\n",
    "---\ntitle: Gold\ntier: gold\nrole: technical\n---\n::: only role=sales\nx\n:::\n",
    "---\ntitle: >\n  folded\n  title\npublish: 2026-11-28 09:00\n...\nbody\n",
    "---\ntitle: Draft\nstatus: draft\nexpires: 2026-12-01\n---\n",
    "---\n---\nNo title.\n",
    // Learning paths (issue #15): a path, a quiz, a duration.
    "---\ntitle: Path\npath:\n  stages:\n    - title: One\n      steps: [../x.md, sku:HP-12, ../files/hp-12.pdf]\n  requires: [page.md]\n  badge: B\nduration: 1h 30m\n---\nx\n",
    "---\ntitle: Quiz\nquiz:\n  - question: Q?\n    options: [A, B, C]\n    answer: [1, 3]\n    explain: E\n  - { question: R, options: [x, y], answer: 2 }\npass: 80%\n---\nx\n",
    "---\ntitle: Flat\npath: { steps: [../other.md, page.md] }\n---\nx\n",
];

#[test]
fn front_matter_never_panics_and_errors_point_into_the_page() {
    let site = FuzzSite::new();
    fuzz(
        "front_matter",
        128,
        mutate::input(FRONT_MATTER_SEEDS),
        |input| site.check_with("content/guide/page.md", input.bytes()),
    );
}

/// Page bodies: hand-written shapes of the `only-fence-ignored` report and the
/// generator's random bodies, under a valid front matter.
const BODY_SEEDS: &[&str] = &[
    "# Top\n\nintro\n\n::: only tier=silver\n## Silver\nS [x](x.md)\n::: only role=technical\nT\n:::\n:::\nend\n",
    "```kanava build``` writes\n::: only tier=gold\nsecret\n:::\n",
    "- a\n\n  ```\n  code\n- b\n\n::: only tier=gold\nsecret\n:::\n",
    "1. step\n\n    ::: only tier=gold\n    secret\n    :::\n",
    "> ::: only tier=gold\n> secret\n> :::\n",
    "```\nunclosed\n\n::: only tier=gold\nsecret\n:::\n",
    "\u{200B}::: only tier=gold\nsecret\n:::\n",
    "<div>\n::: only tier=gold\nsecret\n:::\n</div>\n",
    "see [the site][x]\n\n::: only tier=gold\n[x]: https://gold.example\n:::\n",
    "## Terms\n::: only tier=gold\n## Terms\n:::\n## Terms {#own}\n[t](#terms) [o](other.md#part) ![i](img/a.svg)\n",
    "Text[^1].\n\n[^1]: Note.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> [!NOTE]\n> n\n",
    "<a href=\"x.md\">x</a> <img src=\"img/a.svg\"> [p](sku:HP-12) [](sku:hp-8)\n",
    "::: only from=2026-11-01 until=2026-12-31 ax0=a0v1 ax1=a1v0,a1v2\nx\n:::\n",
];

fn page_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => proptest::sample::select(BODY_SEEDS)
            .prop_map(|b| format!("---\ntitle: Fuzzed\ntier: public\n---\n{b}")),
        1 => generated_body().prop_map(|b| format!("---\ntitle: Fuzzed\n---\n{b}")),
    ]
}

/// A body from the isolation oracle's generator (markers, nested and hostile blocks).
fn generated_body() -> impl Strategy<Value = String> {
    sitegen::body().prop_map(|model| {
        let generated = sitegen::write(&model);
        let (_, home) = generated
            .files
            .iter()
            .find(|(p, _)| p == "content/_index.md")
            .expect("a home page");
        let text = String::from_utf8_lossy(home).into_owned();
        text.splitn(3, "---\n").nth(2).unwrap_or("").to_owned()
    })
}

#[test]
fn pages_never_panic_and_errors_point_into_the_page() {
    let site = FuzzSite::new();
    fuzz("pages", 128, mutate::mutated(page_text()), |input| {
        site.check_with("content/guide/page.md", input.bytes())
    });
}

#[test]
fn catalog_yaml_never_panics_and_errors_point_into_the_data() {
    let site = FuzzSite::new();
    fuzz(
        "catalog_yaml",
        96,
        mutate::input(&[PRODUCTS_YAML]),
        |input| site.check_with("data/products.yaml", input.bytes()),
    );
}

#[test]
fn catalog_csv_never_panics_and_errors_point_into_the_data() {
    let site = FuzzSite::new();
    fuzz(
        "catalog_csv",
        96,
        mutate::input(&[ERP_CSV, "sku,name,category,prices.list\nA-1,One,pumps,10\n"]),
        |input| site.check_with("data/erp.csv", input.bytes()),
    );
}

#[test]
fn config_never_panics_and_errors_point_into_it() {
    let site = FuzzSite::new();
    fuzz(
        "config",
        128,
        mutate::input(&[
            FUZZ_CONFIG,
            "title: Minimal\n",
            "title: T\ntimezone: Europe/Helsinki\ndefault_status: review\nlanguage: fi\ndescription: d\n",
        ]),
        |input| site.check_with("kanava.yaml", input.bytes()),
    );
}

// ---- the users file (issue #16), parsed directly --------------------------------------------

const USERS_CSV: &str = "user,audience,password,hash\nanna,gold,gold-secret-1,\n\"bo\",gold,,$2y$10$abcdefghijklmnopqrstuu5dCn6Zd.ZP6wmOAMwqxVxSmh5S.hQPi\n# a comment\n";
const USERS_YAML: &str = "- { user: anna, audience: gold, password: gold-secret-1 }\n- user: bo\n  audience: gold\n  hash: \"$6$abc$def\"\n";

#[test]
fn users_files_never_panic_and_errors_point_into_them() {
    let model = audience_model();
    const FILES: [(&str, &[&str]); 2] =
        [("users.csv", &[USERS_CSV]), ("users.yaml", &[USERS_YAML])];
    for (name, seeds) in FILES {
        fuzz(name, 192, mutate::input(seeds), |input| {
            let bytes = input.bytes();
            // `deploy-config` refuses a users file that is not UTF-8 before parsing it.
            let Ok(text) = String::from_utf8(bytes.clone()) else {
                return Ok(());
            };
            let (_, diags) = kanava::deploy::users::parse(&text, name, &model);
            located(&diags, &BTreeMap::from([(name.to_owned(), bytes)]))
        });
    }
}

// ---- Markdown directly --------------------------------------------------------------------

/// The fuzz site's audience model, built by hand (the library's YAML types are private).
fn audience_model() -> kanava::model::audience::AudienceModel {
    use kanava::model::audience::{Audience, AudienceModel, Axis, Has};
    let axis = |name: &str, values: &[&str], ordered| Axis {
        name: name.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
        ordered,
        default: None,
    };
    AudienceModel {
        axes: vec![
            axis("tier", &["public", "registered", "silver", "gold"], true),
            axis("role", &["sales", "technical"], false),
            axis("ax0", &["a0v0", "a0v1", "a0v2"], true),
            axis("ax1", &["a1v0", "a1v1", "a1v2"], false),
            axis("ax2", &["a2v0", "a2v1"], false),
        ],
        audiences: vec![Audience {
            name: "gold".into(),
            title: None,
            all: false,
            public: None,
            has: vec![
                Some(Has::Level(3)),
                Some(Has::Set(0b11)),
                Some(Has::Level(2)),
                Some(Has::Set(0b110)),
                Some(Has::Set(0b1)),
            ],
        }],
        configured: true,
    }
}

/// `*.md` links are pages, `img/…` files, `#…` anchors; the rest is external.
struct Links;

impl kanava::markdown::LinkResolver for Links {
    fn resolve(
        &self,
        dest: &str,
    ) -> Result<Option<kanava::markdown::Resolved>, kanava::markdown::LinkError> {
        use kanava::markdown::{LinkTarget, Resolved};
        let target = if let Some(anchor) = dest.strip_prefix('#') {
            LinkTarget::SelfAnchor(anchor.to_owned())
        } else if dest.starts_with("img/") {
            LinkTarget::Asset(0)
        } else if dest.split('#').next().is_some_and(|p| p.ends_with(".md")) {
            LinkTarget::Page {
                page: 0,
                anchor: dest.split_once('#').map(|(_, a)| a.to_owned()),
            }
        } else {
            return Ok(None);
        };
        Ok(Some(Resolved {
            target,
            labelled: false,
        }))
    }
}

#[test]
fn markdown_never_panics_and_errors_point_into_the_body() {
    let model = audience_model();
    let calendar = kanava::model::lifecycle::Calendar::utc();
    let body = prop_oneof![
        4 => mutate::mutated(prop_oneof![
            proptest::sample::select(BODY_SEEDS).prop_map(str::to_owned),
            generated_body()
        ]),
        1 => any::<String>().prop_map(mutate::Input::Text),
    ];
    fuzz("markdown", 1024, body, |input| {
        let body = String::from_utf8_lossy(&input.bytes()).into_owned();
        let header = "---\ntitle: P\n---\n";
        let mut diags = Vec::new();
        let doc = kanava::markdown::parse(
            &kanava::markdown::Input {
                file: "content/p.md",
                body: &body,
                line_offset: 3,
                column_offset: 0,
            },
            &model,
            &calendar,
            &Links,
            &mut diags,
        );
        let files = BTreeMap::from([(
            "content/p.md".to_owned(),
            format!("{header}{body}").into_bytes(),
        )]);
        located(&diags, &files)?;
        // The document is well formed: blocks nest in order, fragments and headings name
        // blocks and fragments that exist, and no hole marker is left in the HTML.
        for (i, b) in doc.blocks.iter().enumerate() {
            check(b.parent.is_none_or(|p| p < i), || {
                format!("block {i} has a later parent")
            })?;
        }
        for (i, f) in doc.fragments.iter().enumerate() {
            check(f.block.is_none_or(|b| b < doc.blocks.len()), || {
                format!("fragment {i} names no block")
            })?;
            let mut html = String::new();
            f.write(&mut html, &mut |_, _| {});
            check(!html.contains('\u{FFFF}'), || {
                format!("a hole marker is left in fragment {i}: {html:?}")
            })?;
        }
        for h in &doc.headings {
            check(h.fragment < doc.fragments.len(), || {
                format!("heading {h:?} names no fragment")
            })?;
        }
        Ok(())
    });
}

// ---- findings ----------------------------------------------------------------------------
//
// What the targets found, minimal inputs, as regression tests. They are ignored while they
// fail; whoever fixes one removes its `#[ignore]` and its arm in `known_gap`.

/// Found by `catalog_yaml` and `catalog_csv`: a data file that is not UTF-8 is reported
/// without a position, while a Markdown file gets the line and column of the bad byte.
#[test]
fn a_data_file_that_is_not_utf8_is_reported_at_the_bad_byte() {
    let site = TestSite::with_config(FUZZ_CONFIG);
    for (path, bytes) in base_files() {
        if path != "kanava.yaml" {
            site.write_bytes(&path, &bytes);
        }
    }
    site.write_bytes(
        "data/erp.csv",
        b"sku;name;category;prices.list\nSP-9;Fan \xff;parts;10\n",
    );
    site.write_bytes("data/products.yaml", b"- sku: HP-1\n  name: caf\xe9\n");
    let run = site.check();
    let d = run.expect_error("not-utf8", "data/erp.csv", 2);
    assert_eq!(d.pos.map(|p| p.column), Some(10), "{}", run.short());
    let d = run.expect_error("not-utf8", "data/products.yaml", 2);
    assert_eq!(d.pos.map(|p| p.column), Some(12), "{}", run.short());
}

/// Found by `config`: a kanava.yaml that is not UTF-8 is `unreadable` ("stream did not
/// contain valid UTF-8"), without a position, where a page would be `not-utf8` at the byte.
#[test]
fn a_config_that_is_not_utf8_is_reported_at_the_bad_byte() {
    let site = TestSite::new();
    site.write_bytes("kanava.yaml", b"title: T\ndescription: caf\xe9\n");
    let run = site.check();
    let d = run.expect_error("not-utf8", "kanava.yaml", 2);
    assert_eq!(d.pos.map(|p| p.column), Some(17), "{}", run.short());
}

/// Found by `front_matter` and `pages`: in a file with lone `\r` line endings, `not-utf8`
/// counts lines at `\n` only (here line 1, column 21), while Markdown positions — and
/// CommonMark and YAML — take a lone `\r` as a line break (line 4, column 4).
#[test]
fn not_utf8_counts_lines_as_the_rest_of_kanava_does() {
    let site = TestSite::new();
    site.write_bytes("content/cr.md", b"---\rtitle: T\r---\rcaf\xe9\r");
    let run = site.check();
    let d = run.expect_error("not-utf8", "content/cr.md", 4);
    assert_eq!(d.pos.map(|p| p.column), Some(4), "{}", run.short());
}

/// Found by `catalog_csv`: the csv reader skips a blank first line, but kanava takes the
/// header line (for the delimiter and for positions) from the first line of the file. A
/// `;` file is then read as `,` — one unknown field `sku;name;category;prices.list` — and
/// header problems are reported on line 1 (`unknown product field \`bogus\`` at 1:2,
/// not 2:19).
#[test]
fn a_csv_with_a_blank_first_line_is_read_from_its_header() {
    let site = TestSite::with_config(
        "title: T\ncatalog:\n  files: [data/p.csv]\n  categories:\n    pumps: { title: Pumps }\n",
    );
    site.write(
        "data/p.csv",
        "\nsku;name;category;prices.list\nSP-1;Fan;pumps;10\n",
    );
    site.check().assert_clean();
    site.write(
        "data/p.csv",
        "\nsku,name,category,bogus\nSP-1,Fan,pumps,10\n",
    );
    let run = site.check();
    let d = run.expect_error("unknown-key", "data/p.csv", 2);
    assert_eq!(d.pos.map(|p| p.column), Some(19), "{}", run.short());
}

/// Found by `catalog_yaml`: a product `description: |` whose first line is blank reports
/// what is inside it as many lines too low as there are blank lines (here line 7, not 6).
#[test]
fn a_description_starting_with_a_blank_line_is_located() {
    let site = TestSite::with_config(
        "title: T\ncatalog:\n  files: [data/p.yaml]\n  categories:\n    pumps: { title: Pumps }\n",
    );
    site.write(
        "data/p.yaml",
        "- sku: HP-1\n  name: One\n  category: pumps\n  description: |\n\n    ::: only Gold\n    :::\n",
    );
    let run = site.check();
    let d = run.expect_error("bad-condition", "data/p.yaml", 6);
    assert_eq!(d.pos.map(|p| p.column), Some(14), "{}", run.short());
}

/// Found while writing the `Cr` endings of the isolation oracle, and by `front_matter`:
/// a lone `\r` is a line break in a page's body (`markdown::normalize`) but not where the
/// front matter is split, which looks for `\n`. A page saved with `\r` line endings is
/// refused as having no front matter; a lone `\r` inside the front matter moves every
/// position in the body up a line (here the broken link is reported on line 4, which is
/// the closing `---`; it is on line 5).
#[test]
fn a_page_with_cr_line_endings_is_read() {
    let site = TestSite::new();
    site.write("content/_index.md", "---\rtitle: Old Mac\r---\rText.\r");
    site.check().assert_clean();
    site.write(
        "content/_index.md",
        "---\ntitle: T\rdescription: D\n---\n[x](nope.md)\n",
    );
    site.check()
        .expect_error("broken-link", "content/_index.md", 5);
}

/// Found by `front_matter`: front matter that is one integer too large for i64 is
/// `invalid YAML: number too large` without a position (the same number as a value,
/// `weight: 9223372036854775808`, is reported at 3:9).
#[test]
fn a_yaml_number_too_large_is_located() {
    let site = TestSite::new();
    site.write("content/_index.md", "---\n9223372036854775808\n---\nx\n");
    let run = site.check();
    // Fixed: a number beyond i64 stays text, so the front matter is reported as not a
    // mapping, at its place.
    let d = run.expect_error("wrong-type", "content/_index.md", 2);
    assert_eq!(d.pos.map(|p| p.column), Some(1), "{}", run.short());
}

/// Found by `markdown`: `normalize` replaces U+FFFF, the hole marker, in the text, but an
/// HTML entity for it is decoded by pulldown-cmark afterwards, so a page can forge holes:
/// `&#xFFFF;a0&#xFFFF;` (a link hole) panics in `plan::Links::write` (index out of
/// bounds), `&#65535;c0&#65535;` (a code hole) in `Fragment::write`, and one in a code
/// block's info string leaves the marker in the HTML (`data-lang="\u{FFFF}markdown"`). A
/// forged heading hole is filled with the view's id of that heading (nothing where it is
/// hidden), so no leak was found — but any page can crash the build.
#[test]

fn an_entity_cannot_forge_a_hole() {
    let site = TestSite::new();
    site.page(
        "content/forged.md",
        "title: Forged",
        "Link &#xFFFF;a0&#xFFFF;, code &#65535;c0&#65535;.\n\n```&#xFFFF;rust\nx\n```\n",
    );
    site.build().assert_clean();
    let html = site.read("forged/index.html");
    assert!(!html.contains('\u{FFFF}'), "{html}");
    assert!(html.contains("Link"), "{html}");
}

/// The skips above recognise exactly the shapes they name.
#[test]
fn known_gap_shapes_are_recognised() {
    assert!(!header_not_first_line("\nsku;name\n"));
    assert!(header_not_first_line("\u{feff}\"\nsku\n"));
    assert!(!header_not_first_line("sku;\"a;b\"\n"));
    assert_eq!(split_lines("a\r\nb\rc\n"), vec!["a", "b", "c", ""]);
}

// ---- the language oracle (issue 18) ----------------------------------------------------

/// A page of the language oracle's site: its minimum tier (0 public, 1 silver, 2 gold),
/// an optional `only` block's minimum tier, and a translation per other language.
#[derive(Debug, Clone)]
struct LangPage {
    min: u8,
    block: Option<u8>,
    translations: [Option<LangTranslation>; 2],
}

/// A translation: narrowed to a tier at least the source's, its own `only` block, its own
/// tags, and maybe still in review (so in no production site).
#[derive(Debug, Clone)]
struct LangTranslation {
    narrow: Option<u8>,
    block: Option<u8>,
    tags: bool,
    review: bool,
}

const ORACLE_LANGUAGES: [&str; 3] = ["en", "fi", "it"];
const ORACLE_AUDIENCES: [(&str, u8); 4] = [
    ("public", 0),
    ("silver", 1),
    ("gold", 2),
    ("staff", u8::MAX),
];

fn lang_page() -> impl Strategy<Value = LangPage> {
    (0u8..3, proptest::option::of(0u8..3)).prop_flat_map(|(min, block)| {
        let translation = proptest::option::of(
            (
                proptest::option::of(min..3),
                proptest::option::of(0u8..3),
                any::<bool>(),
                proptest::bool::weighted(0.2),
            )
                .prop_map(|(narrow, block, tags, review)| LangTranslation {
                    narrow,
                    block,
                    tags,
                    review,
                }),
        );
        (translation.clone(), translation).prop_map(move |(fi, it)| LangPage {
            min,
            block,
            translations: [fi, it],
        })
    })
}

fn tier_name(t: u8) -> &'static str {
    ["public", "silver", "gold"][usize::from(t)]
}

/// Markers of page `i`: `kind` is `s` (source text), `b` (source block), `d` (source
/// description), `g` (source tag), `t`/`k`/`h` (a translation's text, block and tag).
fn lang_marker(i: usize, kind: char, language: &str) -> String {
    format!("lzq{i}x{kind}{language}z")
}

/// Random pages with random translations, narrowings, blocks, tags and review states, in
/// `fallback: default` or `omit`, against an oracle of what each view (audience ×
/// language) shows written from the rules in docs/languages.md, not from kanava's code.
#[test]
fn language_oracle() {
    let strategy = (proptest::collection::vec(lang_page(), 1..6), any::<bool>());
    fuzz("language_oracle", 24, strategy, |(pages, omit)| {
        let site = TestSite::with_config(&format!(
            "title: Oracle\nlanguages: [en, fi, it]\nfallback: {}\naudience:\n  axes:\n    tier: {{ values: [public, silver, gold], ordered: true, default: public }}\n  audiences:\n    public: {{ tier: public }}\n    silver: {{ tier: silver }}\n    gold: {{ tier: gold }}\n    staff: {{ all: true }}\n",
            if omit { "omit" } else { "default" }
        ));
        // Every marker, with the views that must show it.
        let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut expect = |marker: String, view: Option<String>| {
            let set = expected.entry(marker).or_default();
            set.extend(view);
        };
        for (i, page) in pages.iter().enumerate() {
            let block = |min: Option<u8>, marker: &str| match min {
                Some(m) => format!("\n::: only tier={}\n{marker}\n:::\n", tier_name(m)),
                None => String::new(),
            };
            site.page(
                &format!("content/p{i}.md"),
                &format!(
                    "title: Page {i}\ndescription: {}\ntags: [{}]\ntier: {}",
                    lang_marker(i, 'd', ""),
                    lang_marker(i, 'g', ""),
                    tier_name(page.min)
                ),
                &format!(
                    "{}\n{}",
                    lang_marker(i, 's', ""),
                    block(page.block, &lang_marker(i, 'b', ""))
                ),
            );
            for (l, tr) in page.translations.iter().enumerate() {
                let Some(tr) = tr else { continue };
                let code = ORACLE_LANGUAGES[l + 1];
                let mut fm = format!("title: Sivu {i}");
                if let Some(n) = tr.narrow {
                    fm.push_str(&format!("\ntier: {}", tier_name(n)));
                }
                if tr.tags {
                    fm.push_str(&format!("\ntags: [{}]", lang_marker(i, 'h', code)));
                }
                if tr.review {
                    fm.push_str("\nstatus: review");
                }
                site.page(
                    &format!("content/p{i}.{code}.md"),
                    &fm,
                    &format!(
                        "{}\n{}",
                        lang_marker(i, 't', code),
                        block(tr.block, &lang_marker(i, 'k', code))
                    ),
                );
            }
            for (audience, tier) in ORACLE_AUDIENCES {
                for (l, code) in ORACLE_LANGUAGES.iter().enumerate() {
                    let view = format!("{audience}/{code}");
                    let sees = |min: u8| tier >= min;
                    let translation = l.checked_sub(1).and_then(|l| page.translations[l].as_ref());
                    // The source's markers, where the source's text is shown.
                    let source_shown = match translation {
                        None if l == 0 || !omit => sees(page.min),
                        _ => false,
                    };
                    let at = |shown: bool| shown.then(|| view.clone());
                    expect(lang_marker(i, 's', ""), at(source_shown));
                    expect(lang_marker(i, 'd', ""), at(source_shown));
                    expect(
                        lang_marker(i, 'b', ""),
                        at(source_shown && page.block.is_some_and(sees)),
                    );
                    let mut source_tag = source_shown;
                    for (tl, other) in page.translations.iter().enumerate() {
                        let Some(tr) = other else { continue };
                        let tcode = ORACLE_LANGUAGES[tl + 1];
                        let shown =
                            l == tl + 1 && !tr.review && sees(page.min.max(tr.narrow.unwrap_or(0)));
                        expect(lang_marker(i, 't', tcode), at(shown));
                        expect(
                            lang_marker(i, 'k', tcode),
                            at(shown && tr.block.is_some_and(sees)),
                        );
                        if tr.tags {
                            expect(lang_marker(i, 'h', tcode), at(shown));
                        } else if shown {
                            // Without tags of its own, a translation keeps its source's.
                            source_tag = true;
                        }
                    }
                    expect(lang_marker(i, 'g', ""), at(source_tag));
                }
            }
        }
        let run = site.build();
        check(run.ok() && run.diagnostics().is_empty(), || {
            format!("the build is not clean:\n{}", run.short())
        })?;
        let markers: Vec<&String> = expected.keys().collect();
        let scan = site.scan_view_markers(&markers, &ORACLE_LANGUAGES);
        let mut problems = Vec::new();
        for (marker, want) in &expected {
            let got = &scan.found[marker];
            for leak in got.difference(want) {
                problems.push(format!("LEAK: {marker} reached `{leak}`"));
            }
            for missing in want.difference(got) {
                problems.push(format!("MISSING: {marker} should reach `{missing}`"));
            }
        }
        check(problems.is_empty(), || problems.join("\n"))
    });
}
