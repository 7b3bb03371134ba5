//! Bad input: every kind of mistake gets a clear diagnostic at the right file:line:col, the
//! build fails (exit code 1), and the previous output stays exactly as it was.

use proptest::prelude::*;

use crate::harness::{Run, TestSite};
use kanava::diag::{self, Diagnostic, Format};

/// The audience setup of the reseller demo, used by the audience tests.
pub const AUDIENCE_CONFIG: &str = "title: T
audience:
  axes:
    tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
    role: { values: [sales, technical, marketing] }
  audiences:
    public: { tier: public }
    silver: { tier: silver, role: [sales] }
    gold: { tier: gold, role: [sales, technical, marketing] }
";

/// A site with a home page and one ordinary page, which builds cleanly.
fn site() -> TestSite {
    let site = TestSite::with_config("title: Test\n");
    site.page(
        "content/other.md",
        "title: Other",
        "## Real heading\n\nText.\n",
    );
    site
}

/// Builds `site` cleanly, lets `break_it` damage it, and builds again — through the library
/// and through the real binary. Both must fail without touching the previous output.
/// Returns the library's failed run for the caller to inspect.
fn fails_and_keeps_output(site: &TestSite, break_it: impl FnOnce(&TestSite)) -> Run {
    site.build().assert_clean();
    let before = site.snapshot_tree("");
    assert!(!before.is_empty(), "the clean build wrote nothing");
    break_it(site);

    let run = site.build();
    assert!(!run.ok(), "expected errors, got:\n{}", run.short());
    assert!(
        !run.outcome.wrote,
        "a failed build says it wrote the output"
    );
    assert_eq!(
        before,
        site.snapshot_tree(""),
        "a failed build changed the previous output"
    );

    let out = site.cli(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "`kanava build` should exit 1:\n{stderr}"
    );
    assert!(stderr.contains("was left as it was"), "{stderr}");
    assert_eq!(
        before,
        site.snapshot_tree(""),
        "`kanava build` changed the previous output"
    );
    assert!(
        !site.root().join(".public.kanava-tmp").exists(),
        "the staging folder was left behind"
    );
    run
}

/// Asserts a diagnostic with this code at exactly `file:line:column`.
fn expect_at<'r>(run: &'r Run, code: &str, file: &str, line: u32, column: u32) -> &'r Diagnostic {
    let d = run.expect_error(code, file, line);
    assert_eq!(
        d.pos.map(|p| p.column),
        Some(column),
        "`{code}` at {file}:{line} has the wrong column; got:\n{}",
        run.short()
    );
    d
}

/// Asserts a diagnostic with this code about `file` (no position: the whole file).
fn expect_in_file<'r>(run: &'r Run, code: &str, file: &str) -> &'r Diagnostic {
    run.diagnostics()
        .iter()
        .find(|d| d.code == code && d.file.as_deref() == Some(file))
        .unwrap_or_else(|| panic!("no `{code}` in {file}; got:\n{}", run.short()))
}

fn help(d: &Diagnostic) -> &str {
    d.help
        .as_deref()
        .unwrap_or_else(|| panic!("`{}` has no help: {d:?}", d.code))
}

/// The rustc-style rendering of only the diagnostics with `code`.
fn human_of(run: &Run, code: &str) -> String {
    let only: Vec<Diagnostic> = run
        .diagnostics()
        .iter()
        .filter(|d| d.code == code)
        .cloned()
        .collect();
    assert!(!only.is_empty(), "no `{code}`; got:\n{}", run.short());
    diag::render(&only, &run.outcome.sources, Format::Human, false)
}

// ---- front matter ----------------------------------------------------------------------

#[test]
fn malformed_yaml_points_at_the_file_line() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "title: A\ntags: [a, b", "Body.\n");
    });
    // Line 1 is `---`, so the second YAML line is line 3 of the file; the caret is on `[`.
    let d = expect_at(&run, "yaml", "content/a.md", 3, 7);
    assert!(d.message.contains("unclosed bracket"), "{}", d.message);
    insta::assert_snapshot!("malformed_yaml", human_of(&run, "yaml"));
}

#[test]
fn yaml_errors_deeper_in_the_front_matter() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/colon.md", "title: Delivery: terms", "")
            .page(
                "content/indent.md",
                "title: A\ndescription: x\n  bad: indent",
                "",
            )
            .page("content/quote.md", "title: \"unclosed", "")
            .page("content/dup.md", "title: A\nweight: 1\ntitle: B", "");
    });
    expect_at(&run, "yaml", "content/colon.md", 2, 16);
    expect_at(&run, "yaml", "content/indent.md", 4, 6);
    expect_at(&run, "yaml", "content/quote.md", 2, 8);
    let dup = expect_at(&run, "yaml", "content/dup.md", 4, 1);
    assert!(dup.message.contains("duplicate"), "{}", dup.message);
    assert_eq!(help(dup), "remove one of the two entries");
}

#[test]
fn front_matter_that_never_closes() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.write(
            "content/a.md",
            "---\ntitle: A\n\nBody without a closing line.\n",
        );
    });
    let d = expect_at(&run, "unclosed-front-matter", "content/a.md", 1, 1);
    assert!(help(d).contains("`---`"), "{}", help(d));
}

#[test]
fn front_matter_that_is_not_a_mapping() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "- a\n- b", "");
    });
    expect_at(&run, "wrong-type", "content/a.md", 2, 1);
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "title: A\ntitel: B", "Body.\n");
    });
    let d = expect_at(&run, "unknown-key", "content/a.md", 3, 1);
    assert_eq!(d.message, "unknown front-matter key `titel`");
    assert!(help(d).contains("did you mean `title`"), "{}", help(d));
}

#[test]
fn wrong_types_point_at_the_value() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page(
            "content/a.md",
            "title: A\nweight: heavy\ntags: ordering",
            "Body.\n",
        );
    });
    let weight = expect_at(&run, "wrong-type", "content/a.md", 3, 9);
    assert_eq!(
        weight.message,
        "`weight` must be a whole number, found a string"
    );
    let tags = expect_at(&run, "wrong-type", "content/a.md", 4, 7);
    assert_eq!(tags.message, "`tags` must be a list, found a string");
    assert!(help(tags).contains("tags: ["), "{}", help(tags));
    assert_eq!(run.codes(), ["wrong-type", "wrong-type"], "{}", run.short());
}

#[test]
fn invalid_date() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "title: A\nupdated: 2026-02-30", "Body.\n");
    });
    let d = expect_at(&run, "bad-date", "content/a.md", 3, 10);
    assert!(d.message.contains("2026-02-30"), "{}", d.message);
    assert!(help(d).contains("YYYY-MM-DD"), "{}", help(d));
    assert_eq!(run.codes(), ["bad-date"]);
}

#[test]
fn front_matter_errors_in_one_page_human_output() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page(
            "content/a.md",
            "title: A\ntitel: B\nweight: heavy\ntags: ordering\nupdated: 2026-02-30",
            "Body.\n",
        );
    });
    assert_eq!(
        run.codes(),
        ["unknown-key", "wrong-type", "wrong-type", "bad-date"],
        "{}",
        run.short()
    );
    insta::assert_snapshot!("front_matter_errors", run.human());
}

#[test]
fn missing_title() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "weight: 1", "Body.\n");
    });
    let d = expect_at(&run, "missing-title", "content/a.md", 1, 1);
    assert!(help(d).contains("title:"), "{}", help(d));
    assert_eq!(run.codes(), ["missing-title"]);
}

// ---- links -----------------------------------------------------------------------------

#[test]
fn broken_links_and_anchors_point_at_the_destination() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page(
            "content/a.md",
            "title: A",
            "See [x](nope.md) and\nalso [y](other.md#nope), [z](othr.md).\n",
        );
    });
    // Body lines start at line 4; the column is the destination's first character.
    let nope = expect_at(&run, "broken-link", "content/a.md", 4, 9);
    assert!(nope.message.contains("`nope.md`"), "{}", nope.message);
    let anchor = expect_at(&run, "broken-anchor", "content/a.md", 5, 10);
    assert_eq!(anchor.message, "`content/other.md` has no heading `#nope`");
    assert!(help(anchor).contains("#real-heading"), "{}", help(anchor));
    let near = expect_at(&run, "broken-link", "content/a.md", 5, 30);
    assert_eq!(help(near), "did you mean `other.md`?");
    assert_eq!(run.codes().len(), 3, "{}", run.short());
}

#[test]
fn link_positions_inside_blocks_tables_lists_and_quotes() {
    let site = audience_site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page(
            "content/a.md",
            "title: A",
            "intro\n\n::: only tier=gold\n\nÄäö [x](nope1.md)\n\n| a | b |\n|---|---|\n| [t](nope2.md) | ok |\n:::\n\n\
             - item\n  - nested [n](nope3.md)\n\n> quote [q](nope4.md)\n\n[ref]: nope5.md\n\nUse [r][ref] here.\n",
        );
    });
    // Columns count characters (`Ääö` is three), after the fence lines and inside containers.
    expect_at(&run, "broken-link", "content/a.md", 8, 9);
    expect_at(&run, "broken-link", "content/a.md", 12, 7);
    expect_at(&run, "broken-link", "content/a.md", 16, 16);
    expect_at(&run, "broken-link", "content/a.md", 18, 13);
    // A reference link is reported where it is used.
    expect_at(&run, "broken-link", "content/a.md", 22, 5);
    assert_eq!(run.codes().len(), 5, "{}", run.short());
}

#[test]
fn near_miss_suggestion_is_relative_to_the_linking_file() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/ordering/delivery.md", "title: Delivery", "Text.\n")
            .page(
                "content/guides/start.md",
                "title: Start",
                "Read [terms](../ordering/delivry.md#lead-times).\n",
            );
    });
    let d = expect_at(&run, "broken-link", "content/guides/start.md", 4, 14);
    assert_eq!(help(d), "did you mean `../ordering/delivery.md`?");
}

#[test]
fn links_human_output() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page(
            "content/a.md",
            "title: A",
            "Intro.\n\nAlso [y](other.md#nope) and [z](othr.md).\n",
        );
    });
    assert_eq!(
        run.codes(),
        ["broken-anchor", "broken-link"],
        "{}",
        run.short()
    );
    insta::assert_snapshot!("broken_link_and_anchor", run.human());
}

#[test]
fn link_climbing_out_of_the_site() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "title: A", "[x](../../../etc/passwd)\n");
    });
    let d = expect_at(&run, "outside-root", "content/a.md", 4, 5);
    assert!(d.message.contains("../../../etc/passwd"), "{}", d.message);
}

#[test]
fn two_pages_with_the_same_url() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "title: A\nslug: b", "A.\n").page(
            "content/b.md",
            "title: B",
            "B.\n",
        );
    });
    let d = expect_in_file(&run, "duplicate-url", "content/b.md");
    assert_eq!(
        d.message,
        "`content/a.md` and `content/b.md` both map to the URL `/b/`"
    );
    assert!(help(d).contains("slug"), "{}", help(d));
}

// ---- files -----------------------------------------------------------------------------

#[test]
fn markdown_that_is_not_utf8() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.write_bytes("content/a.md", b"---\ntitle: x\n---\n\xff\xfe");
    });
    let d = expect_at(&run, "not-utf8", "content/a.md", 4, 1);
    assert!(help(d).contains("UTF-8"), "{}", help(d));
    assert_eq!(run.codes(), ["not-utf8"]);
}

#[test]
fn not_utf8_column_counts_characters() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        // Line 4 starts with five characters (nine bytes) of valid UTF-8, then 0xFF.
        s.write_bytes(
            "content/a.md",
            &["---\ntitle: x\n---\nÄö \u{1F600} ".as_bytes(), b"\xff ok\n"].concat(),
        );
        s.write_bytes("content/b.md", b"---\ntitle: x\n---\nline four\nna\xefve\n");
    });
    expect_at(&run, "not-utf8", "content/a.md", 4, 6);
    expect_at(&run, "not-utf8", "content/b.md", 5, 3);
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_refused() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/sec/a.md", "title: A", "A.\n");
        std::os::unix::fs::symlink("..", s.root().join("content/sec/up")).unwrap();
    });
    let d = expect_in_file(&run, "symlink-loop", "content/sec/up");
    assert!(help(d).contains("remove the link"), "{}", help(d));
    assert_eq!(run.codes(), ["symlink-loop"], "{}", run.short());
}

#[cfg(unix)]
#[test]
fn symlink_to_a_file_outside_the_root_is_never_published() {
    const SECRET: &str = "TOP-SECRET-7f3a9c";
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, SECRET).unwrap();
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        std::os::unix::fs::symlink(&secret, s.root().join("content/secret.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path(), s.root().join("content/elsewhere")).unwrap();
    });
    let d = expect_in_file(&run, "outside-root", "content/secret.txt");
    assert!(d.message.contains("outside the site root"), "{}", d.message);
    expect_in_file(&run, "outside-root", "content/elsewhere");
    // Nothing kanava wrote anywhere in the site (output, staging, leftovers) holds the secret.
    for entry in walkdir::WalkDir::new(site.root()).follow_links(false) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(SECRET),
                "{} holds the outside file's content",
                entry.path().display()
            );
        }
    }
}

#[test]
fn template_syntax_error_in_a_theme_override() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        s.write("kanava.yaml", "title: Test\ntheme: mytheme\n")
            .write(
                "mytheme/templates/page.html",
                "<html>\n<body>\n{% if %}\n</body>\n",
            );
    });
    let d = expect_at(&run, "template", "mytheme/templates/page.html", 3, 1);
    assert!(help(d).contains("{% if"), "{}", help(d));
    assert_eq!(run.codes(), ["template"], "{}", run.short());
}

#[test]
fn content_folder_without_markdown() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        std::fs::remove_file(s.root().join("content/_index.md")).unwrap();
        std::fs::remove_file(s.root().join("content/other.md")).unwrap();
        s.write("content/logo.svg", "<svg/>");
    });
    let d = expect_in_file(&run, "empty-content", "content");
    assert!(help(d).contains("content/_index.md"), "{}", help(d));
}

#[test]
fn no_content_folder() {
    let site = site();
    let run = fails_and_keeps_output(&site, |s| {
        std::fs::remove_dir_all(s.root().join("content")).unwrap();
    });
    assert_eq!(run.codes(), ["empty-content"], "{}", run.short());
    let d = &run.diagnostics()[0];
    assert!(d.message.contains("no `content/` folder"), "{}", d.message);
    assert!(help(d).contains("kanava init"), "{}", help(d));
}

// ---- audiences ---------------------------------------------------------------------------

fn audience_site() -> TestSite {
    let site = TestSite::with_config(AUDIENCE_CONFIG);
    site.page(
        "content/ordering/_index.md",
        "title: Ordering\ntier: silver",
        "Intro.\n",
    )
    .page("content/ordering/terms.md", "title: Terms", "Text.\n");
    site
}

#[test]
fn unknown_axis_value_in_an_audience() {
    let site = audience_site();
    let run = fails_and_keeps_output(&site, |s| {
        s.write(
            "kanava.yaml",
            &AUDIENCE_CONFIG.replace("gold: { tier: gold", "gold: { tier: glod"),
        );
    });
    // `    gold: { tier: glod` — line 9 of kanava.yaml, the value at column 19.
    let d = expect_at(&run, "unknown-axis-value", "kanava.yaml", 9, 19);
    assert_eq!(d.message, "`glod` is not a value of the `tier` axis");
    assert!(help(d).starts_with("did you mean `gold`?"), "{}", help(d));
}

#[test]
fn unknown_axis_in_front_matter_is_an_unknown_key() {
    let site = audience_site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "title: A\nteir: gold", "A.\n");
    });
    let d = expect_at(&run, "unknown-key", "content/a.md", 3, 1);
    assert!(help(d).starts_with("did you mean `tier`?"), "{}", help(d));
    assert!(
        help(d).contains("`role`"),
        "the help lists the axes too: {}",
        help(d)
    );
}

#[test]
fn unknown_axis_value_in_front_matter() {
    let site = audience_site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/a.md", "title: A\ntier: glod", "A.\n").page(
            "content/b.md",
            "title: B\nrole: [sales, tecnical]",
            "B.\n",
        );
    });
    let d = expect_at(&run, "unknown-axis-value", "content/a.md", 3, 7);
    assert!(help(d).starts_with("did you mean `gold`?"), "{}", help(d));
    let d = expect_at(&run, "unknown-axis-value", "content/b.md", 3, 15);
    assert!(
        help(d).starts_with("did you mean `technical`?"),
        "{}",
        help(d)
    );
}

#[test]
fn only_block_errors() {
    let site = audience_site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page(
            "content/a.md",
            "title: A",
            "intro\n\n::: only tierr=gold\nx\n:::\n\n::: only tier=glod\ny\n:::\n\n:::\n\n::: only role=sales\nz\n",
        );
    });
    let axis = expect_at(&run, "unknown-axis", "content/a.md", 6, 10);
    assert!(
        help(axis).starts_with("did you mean `tier`?"),
        "{}",
        help(axis)
    );
    let value = expect_at(&run, "unknown-axis-value", "content/a.md", 10, 15);
    assert!(
        help(value).starts_with("did you mean `gold`?"),
        "{}",
        help(value)
    );
    expect_at(&run, "unmatched-block-end", "content/a.md", 14, 1);
    expect_at(&run, "unclosed-block", "content/a.md", 16, 1);
    assert_eq!(run.codes().len(), 4, "{}", run.short());
}

#[test]
fn fence_lines_inside_code_blocks_are_not_blocks() {
    let site = audience_site();
    site.page(
        "content/a.md",
        "title: A",
        "```\n::: only tierr=gold\n:::\n:::\n```\n",
    );
    site.build().assert_clean();
}

#[test]
fn child_page_widening_its_section() {
    let site = audience_site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page(
            "content/ordering/open.md",
            "title: Open\ntier: registered",
            "Text.\n",
        );
    });
    let d = expect_at(
        &run,
        "widened-restriction",
        "content/ordering/open.md",
        3,
        1,
    );
    assert!(
        d.message.contains("content/ordering/_index.md"),
        "{}",
        d.message
    );
    assert!(d.message.contains("tier registered"), "{}", d.message);
    assert!(d.message.contains("tier silver"), "{}", d.message);
    insta::assert_snapshot!("widened_restriction", run.human());
}

#[test]
fn restricted_home_page() {
    let site = audience_site();
    let run = fails_and_keeps_output(&site, |s| {
        s.page("content/_index.md", "title: Home\ntier: gold", "Hi.\n");
    });
    let d = expect_at(&run, "restricted-home", "content/_index.md", 3, 1);
    assert!(help(d).contains("::: only"), "{}", help(d));
}

// ---- everything at once -----------------------------------------------------------------

/// Three broken links in two files and one unknown key: four problems, none hiding another.
pub fn four_problem_site() -> TestSite {
    let site = site();
    site.page(
        "content/a.md",
        "title: A",
        "First [one](missing-one.md).\n\nThen [two](gone/two.md).\n",
    )
    .page(
        "content/b.md",
        "title: B\ncolour: red",
        "\n[three](other.md#nowhere-at-all)\n",
    );
    site
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let site = four_problem_site();
    let run = site.check();
    assert_eq!(run.diagnostics().len(), 4, "{}", run.short());
    expect_at(&run, "broken-link", "content/a.md", 4, 13);
    expect_at(&run, "broken-link", "content/a.md", 6, 12);
    expect_at(&run, "unknown-key", "content/b.md", 3, 1);
    expect_at(&run, "broken-anchor", "content/b.md", 6, 9);
    assert_eq!(run.outcome.errors(), 4);
    // `check` writes nothing.
    assert!(!site.out_dir().exists());
}

// ---- robustness -------------------------------------------------------------------------

fn check_never_panics(site: &TestSite) {
    let options = kanava::Options {
        root: site.root().to_owned(),
        out: None,
        ..kanava::Options::default()
    };
    let outcome =
        kanava::build(&options).expect("bad content is a diagnostic, not an operational failure");
    // Rendering must not panic either, whatever positions the diagnostics carry.
    for format in [Format::Human, Format::Short, Format::Json] {
        diag::render(&outcome.diagnostics, &outcome.sources, format, false);
    }
}

/// Runs `cases` random inputs from `strategy` through one reused site (a fresh temporary
/// folder per case would cost more than the build).
fn never_panics<S: Strategy>(
    config: &str,
    cases: u32,
    strategy: S,
    write: impl Fn(&TestSite, S::Value),
) {
    let site = TestSite::with_config(config);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&strategy, |value| {
        write(&site, value);
        check_never_panics(&site);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Markdown-ish text: the characters that steer the parsers.
const MARKDOWNISH: &str = "[-a-z0-9 #:*_`~>!|\\[\\]()<>{}=.,/\n\t]{0,300}";
/// Lines of `::: only` fences, headings and links, valid and not.
const FENCED: &str = "(::: only (tier|role|tierr)=[a-z,]{0,16}\n|:::\n|## [a-z ]{0,10}\n|\\[x\\]\\((\\.\\./)?[a-z_#.]{0,12}\\)\n|```\n|[a-z ]{0,20}\n){0,12}";

#[test]
fn arbitrary_markdown_bytes_never_panic() {
    let strategy = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        MARKDOWNISH.prop_map(String::into_bytes),
        MARKDOWNISH.prop_map(|s| format!("---\ntitle: P\n---\n{s}").into_bytes()),
        FENCED.prop_map(|s| format!("---\ntitle: P\n---\n{s}").into_bytes()),
        (MARKDOWNISH, proptest::collection::vec(any::<u8>(), 0..8)).prop_map(|(s, b)| [
            format!("---\ntitle: P\n---\n{s}").into_bytes(),
            b
        ]
        .concat()),
    ];
    never_panics(AUDIENCE_CONFIG, 32, strategy, |site, bytes| {
        site.write_bytes("content/p.md", &bytes);
    });
}

#[test]
fn arbitrary_front_matter_never_panics() {
    let strategy = prop_oneof![
        any::<String>(),
        "[-a-z0-9 :\\[\\]{}#&*!|>'\",.?%@`\n]{0,160}",
        "((title|tags|weight|updated|slug|tier|role|titel): [-a-z0-9 :\\[\\]{},&*'\"]{0,30}\n){0,5}",
    ];
    never_panics(AUDIENCE_CONFIG, 32, strategy, |site, yaml| {
        site.write(
            "content/p.md",
            &format!("---\n{yaml}\n---\nBody with [a link](../_index.md).\n"),
        );
    });
}

// ---- regressions for problems found while writing these tests ---------------------------

#[test]
fn no_nonsense_suggestion_for_a_broken_link() {
    let site = TestSite::with_config("title: T\n");
    site.page("content/a.md", "title: A", "[x](nope1.md)\n")
        .page("content/other.md", "title: O", "x\n");
    let run = site.check();
    let d = run.expect_error("broken-link", "content/a.md", 4);
    assert!(!help(d).contains("did you mean"), "{}", help(d));
}

#[test]
fn no_missing_title_after_unreadable_front_matter() {
    let site = TestSite::with_config("title: T\n");
    site.write("content/a.md", "---\ntitle: A\ntags: [a, b\n---\nx\n");
    site.write("content/b.md", "---\ntitle: B\n");
    let run = site.check();
    assert_eq!(
        run.codes(),
        vec!["yaml", "unclosed-front-matter"],
        "{}",
        run.short()
    );
}

#[test]
fn duplicate_key_message_has_no_parser_internals() {
    let site = TestSite::with_config("title: T\n");
    site.write(
        "content/a.md",
        "---\ntitle: A\nweight: 1\ntitle: B\n---\nx\n",
    );
    let run = site.check();
    let d = run.expect_error("yaml", "content/a.md", 4);
    assert!(!d.message.contains("DuplicateKeyPolicy"), "{}", d.message);
}

#[test]
fn human_format_keeps_the_position_without_source_text() {
    let site = TestSite::with_config("title: T\n");
    site.write_bytes("content/a.md", b"---\ntitle: x\n---\n\xff\xfe");
    let run = site.check();
    assert!(run.human().contains("content/a.md:4:1"), "{}", run.human());
}

#[test]
fn self_and_dangling_symlinks_are_named_as_such() {
    let site = TestSite::with_config("title: T\n");
    std::os::unix::fs::symlink("self", site.root().join("content/self")).unwrap();
    std::os::unix::fs::symlink("missing", site.root().join("content/dangling")).unwrap();
    let run = site.check();
    run.outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "symlink-loop" && d.file.as_deref() == Some("content/self"))
        .unwrap_or_else(|| panic!("{}", run.short()));
    run.outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "broken-symlink" && d.file.as_deref() == Some("content/dangling"))
        .unwrap_or_else(|| panic!("{}", run.short()));
    let root = site.root().to_string_lossy().into_owned();
    assert!(
        !run.short().contains(&root),
        "messages name the temp root:\n{}",
        run.short()
    );
}

#[test]
fn a_link_to_a_refused_symlink_says_so() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
    let site = TestSite::with_config("title: T\n");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.root().join("content/secret.txt"),
    )
    .unwrap();
    site.page("content/a.md", "title: A", "[s](secret.txt)\n");
    let run = site.check();
    let d = run.expect_error("outside-root", "content/a.md", 4);
    assert!(d.message.contains("refuses"), "{}", d.message);
    assert!(!run.codes().contains(&"broken-link"), "{}", run.short());
}

/// Issue #13: blocks that would cut a row, an item or a quote are errors at the fence, each
/// saying what to do; the previous output stays.
#[test]
fn blocks_cutting_items_human_output() {
    let site = TestSite::with_config(
        "title: T\naudience:\n  axes:\n    tier: { values: [silver, gold], ordered: true }\n  audiences:\n    silver: { tier: silver }\n    gold: { tier: gold }\n",
    );
    let run = fails_and_keeps_output(&site, |s| {
        s.page(
            "content/a.md",
            "title: A",
            "- one\n::: only tier=gold\n  part of one\n:::\n- two\n::: only tier=gold\n- three\n:::\n\n> quoted\n::: only tier=gold\n> more\n:::\n\n::: onyl tier=gold\nx\n:::\n",
        );
    });
    assert_eq!(
        run.codes(),
        ["fence-inside-item", "block-splits-quote", "unknown-block"],
        "{}",
        run.short()
    );
    insta::assert_snapshot!("blocks_cutting_items", run.human());
}
