//! A tiny-site harness: each test writes a few files into a temporary folder, builds it
//! through the library (or the real binary), and asserts on output files and diagnostics.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use kanava::diag::{self, Diagnostic, Format};

pub struct TestSite {
    dir: tempfile::TempDir,
}

/// The result of a build or check.
pub struct Run {
    pub outcome: kanava::Outcome,
}

/// Where the `kanava` processes of the tests keep their cache of parsed pages: one place
/// for all tests in the system's temporary folder, not the user's cache folder.
pub fn test_cache_dir() -> PathBuf {
    std::env::temp_dir().join("kanava-tests-cache")
}

impl TestSite {
    /// A site with `kanava.yaml` saying only `title: Test` and nothing in `content/`.
    pub fn new() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write("kanava.yaml", "title: Test\n");
        site
    }

    /// A site with the given config and a home page.
    pub fn with_config(config: &str) -> TestSite {
        let site = TestSite::new();
        site.write("kanava.yaml", config);
        site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
        site
    }

    /// A copy of the fixture site `tests/fixtures/<name>/` (a regression test's site, e.g. a
    /// reproducer of a bug report) in a temporary folder of its own.
    pub fn fixture(name: &str) -> TestSite {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        assert!(from.is_dir(), "no fixture folder {}", from.display());
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        for entry in walkdir::WalkDir::new(&from).min_depth(1) {
            let entry = entry.expect("walk fixture");
            let rel = entry.path().strip_prefix(&from).expect("under fixture");
            let to = site.root().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("mkdir");
            } else {
                std::fs::copy(entry.path(), &to).expect("copy fixture file");
            }
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out_dir(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes a file (creating folders); returns self for chaining.
    pub fn write(&self, path: &str, text: &str) -> &TestSite {
        self.write_bytes(path, text.as_bytes())
    }

    pub fn write_bytes(&self, path: &str, bytes: &[u8]) -> &TestSite {
        let p = self.root().join(path);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
        self
    }

    /// A page with front matter `fm` (YAML lines) and `body`.
    pub fn page(&self, path: &str, fm: &str, body: &str) -> &TestSite {
        self.write(path, &format!("---\n{fm}\n---\n{body}"))
    }

    pub fn build(&self) -> Run {
        self.run(Some(self.out_dir()), &[])
    }

    pub fn build_audiences(&self, audiences: &[&str]) -> Run {
        self.run(Some(self.out_dir()), audiences)
    }

    pub fn check(&self) -> Run {
        self.run(None, &[])
    }

    /// Builds into `public/` with options adjusted by `f` (stage, `--at`…).
    pub fn build_with(&self, f: impl FnOnce(&mut kanava::Options)) -> Run {
        let mut options = kanava::Options {
            root: self.root().to_owned(),
            out: Some(self.out_dir()),
            ..kanava::Options::default()
        };
        f(&mut options);
        Run {
            outcome: kanava::build(&options).expect("no operational failure"),
        }
    }

    /// Builds `stage` as of `at` (e.g. "2026-11-22").
    pub fn build_stage(&self, stage: kanava::model::lifecycle::Stage, at: &str) -> Run {
        self.build_with(|o| {
            o.stage = stage;
            o.at = Some(at.to_owned());
        })
    }

    fn run(&self, out: Option<PathBuf>, audiences: &[&str]) -> Run {
        let options = kanava::Options {
            root: self.root().to_owned(),
            out,
            audiences: audiences.iter().map(|s| s.to_string()).collect(),
            ..kanava::Options::default()
        };
        Run {
            outcome: kanava::build(&options).expect("no operational failure"),
        }
    }

    /// Runs the real `kanava` binary in the site's folder.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_kanava"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env("KANAVA_CACHE_DIR", test_cache_dir())
            .output()
            .expect("run kanava")
    }

    /// The text of an output file (relative to `public/`); panics with a listing if missing.
    pub fn read(&self, path: &str) -> String {
        let p = self.out_dir().join(path);
        std::fs::read_to_string(&p).unwrap_or_else(|e| {
            panic!(
                "cannot read output `{path}`: {e}\noutput files:\n{}",
                self.listing().join("\n")
            )
        })
    }

    pub fn exists(&self, path: &str) -> bool {
        self.out_dir().join(path).exists()
    }

    pub fn assert_file_contains(&self, path: &str, needle: &str) {
        let text = self.read(path);
        assert!(
            text.contains(needle),
            "`{path}` does not contain {needle:?}:\n{text}"
        );
    }

    pub fn assert_no_file(&self, path: &str) {
        assert!(!self.exists(path), "`{path}` should not exist");
    }

    /// Every output file, relative to `public/`, sorted.
    pub fn listing(&self) -> Vec<String> {
        let mut files: Vec<String> = walkdir::WalkDir::new(self.out_dir())
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(self.out_dir())
                    .expect("under out")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        files.sort();
        files
    }

    /// Every output file's bytes under `public/<prefix>`, keyed by path.
    pub fn snapshot_tree(&self, prefix: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
        self.listing()
            .into_iter()
            .filter(|p| p.starts_with(prefix))
            .map(|p| {
                let bytes = std::fs::read(self.out_dir().join(&p)).expect("read");
                (p, bytes)
            })
            .collect()
    }
}

impl TestSite {
    /// Runs every report (`audiences`, `diff`, `status`, and `explain` of every page,
    /// product and data file for every audience) through the library, as of `at`. Reports
    /// run on sites with content errors (issue #13), so they plan views of models that no
    /// build would plan; this is how tests hold them to never panicking. `Err` names an
    /// operational failure or a subject `explain` could not find.
    pub fn every_report(&self, at: &str) -> Result<(), String> {
        use kanava::model::lifecycle::Stage;
        let mut diags = Vec::new();
        let loaded = kanava::load_site(self.root(), Stage::Production, Some(at), &mut diags)
            .map_err(|e| format!("{e:#}"))?;
        let Some(site) = loaded.site else {
            return Ok(());
        };
        let at = loaded.at;
        let _ = kanava::report::matrix(&site, Stage::Staging, at);
        let _ = kanava::report::diff::make(&site, (Stage::Production, at), (Stage::Staging, at));
        let _ = kanava::report::status::make(&site, at, 30);
        let mut subjects: Vec<String> =
            site.pages.iter().filter_map(|p| p.source.clone()).collect();
        for product in site.catalog.iter().flat_map(|c| &c.products) {
            subjects.push(format!("sku:{}", product.sku));
            subjects.push(product.file.clone());
        }
        for audience in &site.audiences.audiences {
            for subject in &subjects {
                let view_of = |audience| kanava::plan::View {
                    language: 0,
                    audience,
                    stage: Stage::Production,
                    at,
                };
                kanava::report::explain(&site, view_of, subject, &audience.name)
                    .map_err(|e| format!("explain {subject} --audience {}: {e}", audience.name))?;
            }
        }
        Ok(())
    }
}

/// What [`TestSite::scan_markers`] found.
pub struct MarkerScan {
    /// For each marker, the top-level output folders (audiences) it occurs in: in a file's
    /// bytes (decoded when compressed) or in its path.
    pub found: BTreeMap<String, BTreeSet<String>>,
    /// The same, counting only decoded search index files.
    pub in_search: BTreeMap<String, BTreeSet<String>>,
    /// How many search index files of each folder were decoded and scanned.
    pub decoded: BTreeMap<String, usize>,
}

impl TestSite {
    /// Scans every output file for every marker (case-insensitive: tags and folders become
    /// lowercase URLs, search indexes lowercase words). Every file is read as bytes,
    /// compressed ones decompressed ([`decode`]); nothing is skipped. This is the one marker
    /// scan of the test suite, so that no scan can forget the search index (issue #12).
    pub fn scan_markers<S: AsRef<str>>(&self, markers: &[S]) -> MarkerScan {
        self.scan_markers_by(markers, |path| {
            path.split_once('/').map_or("", |(f, _)| f).to_owned()
        })
    }

    /// [`Self::scan_markers`] per view of a site with `languages` (issue 18): an output
    /// file of `gold/fi/…` counts for the view `gold/fi`, of `gold/…` for `gold/en` (the
    /// first language is the default, at the audience's root).
    pub fn scan_view_markers<S: AsRef<str>>(
        &self,
        markers: &[S],
        languages: &[&str],
    ) -> MarkerScan {
        self.scan_markers_by(markers, |path| {
            let mut parts = path.splitn(3, '/');
            let audience = parts.next().unwrap_or("");
            match parts.next() {
                None => audience.to_owned(),
                Some(second) if parts.next().is_some() && languages[1..].contains(&second) => {
                    format!("{audience}/{second}")
                }
                Some(_) => format!("{audience}/{}", languages[0]),
            }
        })
    }

    fn scan_markers_by<S: AsRef<str>>(
        &self,
        markers: &[S],
        folder_of: impl Fn(&str) -> String,
    ) -> MarkerScan {
        let needles: Vec<(String, String)> = markers
            .iter()
            .map(|m| (m.as_ref().to_owned(), m.as_ref().to_ascii_lowercase()))
            .collect();
        let mut scan = MarkerScan {
            found: needles
                .iter()
                .map(|(m, _)| (m.clone(), BTreeSet::new()))
                .collect(),
            in_search: needles
                .iter()
                .map(|(m, _)| (m.clone(), BTreeSet::new()))
                .collect(),
            decoded: BTreeMap::new(),
        };
        for path in self.listing() {
            let folder = folder_of(&path);
            let bytes = std::fs::read(self.out_dir().join(&path)).expect("read output");
            let (bytes, index) = decode(&path, bytes);
            if index {
                *scan.decoded.entry(folder.clone()).or_default() += 1;
            }
            // Markers are ASCII, so a lossy conversion cannot split or forge one.
            let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
            let lower_path = path.to_ascii_lowercase();
            for (marker, needle) in &needles {
                if text.contains(needle.as_str()) || lower_path.contains(needle.as_str()) {
                    scan.found
                        .get_mut(marker)
                        .expect("known marker")
                        .insert(folder.clone());
                    if index && text.contains(needle.as_str()) {
                        scan.in_search
                            .get_mut(marker)
                            .expect("known marker")
                            .insert(folder.clone());
                    }
                }
            }
        }
        scan
    }
}

/// Compressed or encoded output must be decoded before scanning, so a leak cannot hide
/// inside it. pagefind's index files (`_kanava/search/`: `*.pf_meta`, `fragment/*.pf_fragment`,
/// `index/*.pf_index`, `filter/*.pf_filter`) are gzip streams that decompress to the marker
/// `pagefind_dcd` followed by JSON (fragments) or CBOR (word and filter indexes, metadata),
/// whose strings are stored as plain UTF-8. Returns the bytes to scan, and whether they were
/// such a decoded index file.
pub fn decode(path: &str, bytes: Vec<u8>) -> (Vec<u8>, bool) {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return (bytes, false);
    }
    let mut out = Vec::new();
    let mut gz = flate2::read::MultiGzDecoder::new(bytes.as_slice());
    std::io::Read::read_to_end(&mut gz, &mut out)
        .unwrap_or_else(|e| panic!("`{path}` looks gzipped but does not decompress: {e}"));
    let index = out.starts_with(b"pagefind_dcd");
    (out, index)
}

impl Run {
    pub fn ok(&self) -> bool {
        self.outcome.errors() == 0
    }

    /// Panics (showing the diagnostics) unless the run had no errors and no warnings.
    pub fn assert_clean(&self) -> &Run {
        assert!(
            self.outcome.diagnostics.is_empty(),
            "expected a clean run, got:\n{}",
            self.short()
        );
        self
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.outcome.diagnostics
    }

    /// Diagnostics one per line (`file:line:col: error[code]: message (help: …)`).
    pub fn short(&self) -> String {
        diag::render(
            &self.outcome.diagnostics,
            &self.outcome.sources,
            Format::Short,
            false,
        )
    }

    /// Diagnostics as a user sees them in a terminal (rustc style, no colour).
    pub fn human(&self) -> String {
        diag::render(
            &self.outcome.diagnostics,
            &self.outcome.sources,
            Format::Human,
            false,
        )
    }

    /// Asserts a diagnostic with this code exists at `file:line` and returns it.
    /// An error about `file` as a whole (no position).
    pub fn expect_error_in(&self, code: &str, file: &str) -> &Diagnostic {
        self.outcome
            .diagnostics
            .iter()
            .find(|d| d.code == code && d.file.as_deref() == Some(file) && d.pos.is_none())
            .unwrap_or_else(|| panic!("no `{code}` in {file}; got:\n{}", self.short()))
    }

    pub fn expect_error(&self, code: &str, file: &str, line: u32) -> &Diagnostic {
        self.outcome
            .diagnostics
            .iter()
            .find(|d| {
                d.code == code
                    && d.file.as_deref() == Some(file)
                    && d.pos.map(|p| p.line) == Some(line)
            })
            .unwrap_or_else(|| panic!("no `{code}` at {file}:{line}; got:\n{}", self.short()))
    }

    pub fn codes(&self) -> Vec<&str> {
        self.outcome.diagnostics.iter().map(|d| d.code).collect()
    }
}

/// A minimal valid PDF with `pages` pages, `comment` in a comment line (a marker a scan
/// can find); the xref offsets are worked out here.
pub fn pdf(comment: &str, pages: usize) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Count {pages} /Kids [{}] >>",
            (0..pages)
                .map(|i| format!("{} 0 R", i + 3))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    ];
    for _ in 0..pages {
        objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_owned());
    }
    let mut out = format!("%PDF-1.4\n% {comment}\n").into_bytes();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// A command's standard output, as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A command's standard error, as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The command exited with `code`; shows both outputs when not.
pub fn assert_exit(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "expected exit code {code}\n--- stdout\n{}\n--- stderr\n{}",
        stdout(out),
        stderr(out)
    );
}
