//! Staged publishing (issue #4): stage × status × window through cascades and blocks, the
//! link rule for stages and dates, banners and robots, canary scans across stages, and the
//! `status` and `diff` reports. All with fixed `--at` dates.

use std::collections::BTreeSet;

use kanava::model::lifecycle::Stage::{self, Preview, Production, Staging};

use crate::harness::TestSite;

const AT: &str = "2026-11-22T10:00";

fn lifecycle_site() -> TestSite {
    let site = TestSite::with_config("title: Stages\ntimezone: Europe/Helsinki\n");
    site.page("content/live.md", "title: Live", "Live text MARKLIVE.\n")
        .page("content/review.md", "title: Review\nstatus: review", "Review text MARKREVIEW.\n")
        .page("content/draft.md", "title: Draft\nstatus: draft", "Draft text MARKDRAFT.\n")
        .page("content/launch.md", "title: Launch\npublish: 2026-12-01 09:00", "Launch text MARKLAUNCH.\n")
        .page("content/old.md", "title: Old\nexpires: 2026-11-01", "Old text MARKOLD.\n")
        .page("content/wip/_index.md", "title: WIP section\nstatus: draft", "WIP intro.\n")
        .page("content/wip/inner.md", "title: Inner", "Inner text MARKWIPINNER.\n")
        .page("content/campaign/_index.md", "title: Campaign\npublish: 2026-11-01\nexpires: 2026-12-01", "Campaign.\n")
        .page("content/campaign/offer.md", "title: Offer", "Offer text MARKOFFER.\n")
        .page(
            "content/blocks.md",
            "title: Blocks",
            "Always.\n\n::: only from=2026-12-01\nSoon MARKFROM.\n:::\n\n::: only until=2026-11-21\nGone MARKUNTIL.\n:::\n\n::: only from=2026-11-01 until=2026-11-22\nToday MARKTODAY.\n:::\n",
        );
    site
}

/// Which markers each stage's output holds.
fn markers_in(site: &TestSite) -> BTreeSet<String> {
    let all = [
        "MARKLIVE",
        "MARKREVIEW",
        "MARKDRAFT",
        "MARKLAUNCH",
        "MARKOLD",
        "MARKWIPINNER",
        "MARKOFFER",
        "MARKFROM",
        "MARKUNTIL",
        "MARKTODAY",
    ];
    let mut found = BTreeSet::new();
    for file in site.listing() {
        let text = std::fs::read_to_string(site.out_dir().join(&file)).unwrap_or_default();
        for m in all {
            if text.contains(m) {
                found.insert(m.to_owned());
            }
        }
    }
    found
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn each_stage_shows_what_it_should_and_nothing_else() {
    let site = lifecycle_site();
    let cases: &[(Stage, &[&str])] = &[
        // The campaign section's window cascades to its offer; `until=2026-11-22` (a date)
        // keeps its block through that day in Helsinki.
        (Production, &["MARKLIVE", "MARKOFFER", "MARKTODAY"]),
        (
            Staging,
            &[
                "MARKLIVE",
                "MARKOFFER",
                "MARKTODAY",
                "MARKREVIEW",
                "MARKLAUNCH",
                "MARKFROM",
            ],
        ),
        (
            Preview,
            &[
                "MARKLIVE",
                "MARKOFFER",
                "MARKTODAY",
                "MARKREVIEW",
                "MARKLAUNCH",
                "MARKFROM",
                "MARKDRAFT",
                "MARKOLD",
                "MARKWIPINNER",
                "MARKUNTIL",
            ],
        ),
    ];
    for (stage, expected) in cases {
        let run = site.build_stage(*stage, AT);
        run.assert_clean();
        assert_eq!(markers_in(&site), set(expected), "{stage:?}");
    }
}

#[test]
fn time_travel_moves_the_window() {
    let site = lifecycle_site();
    site.build_stage(Production, "2026-12-01T09:00")
        .assert_clean();
    let found = markers_in(&site);
    assert!(
        found.contains("MARKLAUNCH") && found.contains("MARKFROM"),
        "{found:?}"
    );
    assert!(
        !found.contains("MARKOFFER"),
        "the campaign expired at 2026-12-01 00:00: {found:?}"
    );
    site.build_stage(Production, "2026-12-01T08:59")
        .assert_clean();
    assert!(
        !markers_in(&site).contains("MARKLAUNCH"),
        "goes live at 09:00 Helsinki time"
    );
}

#[test]
fn non_production_stages_are_bannered_and_not_indexed() {
    let site = lifecycle_site();
    site.build_stage(Staging, AT).assert_clean();
    site.assert_file_contains("launch/index.html", "Goes live 1 Dec 2026 09:00");
    site.assert_file_contains("review/index.html", "In review");
    site.assert_file_contains(
        "live/index.html",
        "<meta name=\"robots\" content=\"noindex\">",
    );
    site.assert_file_contains("robots.txt", "Disallow: /");
    site.build_stage(Production, AT).assert_clean();
    assert!(!site.read("live/index.html").contains("noindex"));
    site.assert_file_contains("robots.txt", "Allow: /");
    site.build_stage(Preview, AT).assert_clean();
    site.assert_file_contains("draft/index.html", "Draft");
    site.assert_file_contains("old/index.html", "Expired 1 Nov 2026 00:00");
}

#[test]
fn a_link_to_content_missing_from_a_stage_is_an_error_naming_stage_and_date() {
    let site = TestSite::with_config("title: T\n");
    site.page(
        "content/a.md",
        "title: A",
        "See [the launch](launch.md) and [the draft](draft.md).\n",
    )
    .page(
        "content/launch.md",
        "title: Launch\npublish: 2026-12-01",
        "x\n",
    )
    .page("content/draft.md", "title: Draft\nstatus: draft", "x\n");
    let run = site.build_stage(Production, "2026-11-22");
    let d = run.expect_error("hidden-link-target", "content/a.md", 4);
    assert!(
        d.message
            .contains("not in production on 22 Nov 2026 00:00: it goes live 1 Dec 2026 00:00"),
        "{}",
        d.message
    );
    assert!(run.short().contains("it is a draft"), "{}", run.short());
    // In staging the scheduled page is there; the draft still is not.
    let run = site.build_stage(Staging, "2026-11-22");
    assert_eq!(run.codes(), vec!["hidden-link-target"], "{}", run.short());
    // In preview everything is there.
    site.build_stage(Preview, "2026-11-22").assert_clean();
}

#[test]
fn an_expiring_target_is_caught_for_a_future_date() {
    let site = TestSite::with_config("title: T\n");
    site.page("content/a.md", "title: A", "See [prices](prices.md).\n")
        .page(
            "content/prices.md",
            "title: Prices 2026\nexpires: 2027-01-01",
            "x\n",
        );
    site.check().assert_clean();
    let run = site.build_stage(Production, "2027-01-02");
    let d = run.expect_error("hidden-link-target", "content/a.md", 4);
    assert!(
        d.message.contains("it expired 1 Jan 2027 00:00"),
        "{}",
        d.message
    );
}

#[test]
fn stages_and_audiences_are_isolated_together() {
    let config = "title: T
audience:
  axes:
    tier: { values: [public, gold], ordered: true, default: gold }
  audiences:
    public: { tier: public }
    gold: { tier: gold }
";
    let site = TestSite::with_config(config);
    site.page(
        "content/p.md",
        "title: P\ntier: public",
        "::: only tier=gold from=2026-12-01\nGOLDSOON\n:::\n",
    )
    .page("content/g.md", "title: G\nstatus: review", "GOLDREVIEW\n");
    let has = |site: &TestSite, audience: &str, marker: &str| {
        site.listing()
            .iter()
            .filter(|f| f.starts_with(&format!("{audience}/")))
            .any(|f| {
                std::fs::read_to_string(site.out_dir().join(f))
                    .unwrap_or_default()
                    .contains(marker)
            })
    };
    site.build_stage(Staging, AT).assert_clean();
    assert!(has(&site, "gold", "GOLDSOON") && has(&site, "gold", "GOLDREVIEW"));
    assert!(!has(&site, "public", "GOLDSOON") && !has(&site, "public", "GOLDREVIEW"));
    site.build_stage(Production, AT).assert_clean();
    assert!(!has(&site, "gold", "GOLDSOON") && !has(&site, "gold", "GOLDREVIEW"));
}

#[test]
fn bad_lifecycle_input() {
    let site = TestSite::with_config("title: T\ntimezone: Europe/Helsnki\n");
    site.page("content/a.md", "title: A\nstatus: publised", "x\n")
        .page("content/b.md", "title: B\npublish: 2026-13-01", "x\n")
        .page(
            "content/c.md",
            "title: C\npublish: 2026-12-01\nexpires: 2026-11-01",
            "x\n",
        )
        .page(
            "content/s/_index.md",
            "title: S\npublish: 2026-12-01\nexpires: 2027-01-01",
            "x\n",
        )
        .page(
            "content/s/early.md",
            "title: Early\npublish: 2026-11-01",
            "x\n",
        )
        .page(
            "content/s/late.md",
            "title: Late\nexpires: 2027-06-01",
            "x\n",
        )
        .page("content/d.md", "title: D", "::: only from=soon\nx\n:::\n");
    let run = site.check();
    let d = run.expect_error("unknown-status", "content/a.md", 3);
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("did you mean `published`")
    );
    run.expect_error("bad-date", "content/b.md", 3);
    run.expect_error("expires-before-publish", "content/c.md", 4);
    let d = run.expect_error("widened-window", "content/s/early.md", 3);
    assert!(d.message.contains("content/s/_index.md"), "{}", d.message);
    run.expect_error("widened-window", "content/s/late.md", 3);
    run.expect_error("bad-date", "content/d.md", 4);
    let d = run.expect_error("bad-timezone", "kanava.yaml", 2);
    assert_eq!(d.pos.unwrap().column, 11);
    insta::assert_snapshot!("bad_lifecycle_input", run.short());
}

/// `default_status` is the status of a page (or material) that names none. A folder
/// without `_index.md` is no page: it passes its section's status on. (Found by the
/// isolation oracle: the folder took `default_status` itself, and as the least published
/// of its chain it hid the pages below it that say `status: published`, and the
/// materials beside them; `status` listed those pages as in review.)
#[test]
fn default_status_is_for_pages_not_folders_without_index() {
    let site = TestSite::with_config("title: Defaults\ndefault_status: review\n");
    site.page(
        "content/guides/ready.md",
        "title: Ready\nstatus: published",
        "Ready MARKREADY.\n",
    )
    .page(
        "content/guides/unsaid.md",
        "title: Unsaid",
        "Unsaid MARKUNSAID.\n",
    )
    .page(
        "content/wip/_index.md",
        "title: WIP",
        "The section names no status: in review.\n",
    )
    .page(
        "content/wip/done.md",
        "title: Done\nstatus: published",
        "Done MARKDONE.\n",
    );
    site.write_bytes(
        "content/guides/sheet.pdf",
        &crate::harness::pdf("MARKSHEET", 1),
    );
    site.write(
        "content/guides/sheet.pdf.yaml",
        "title: Sheet\nkind: datasheet\nstatus: published\n",
    );
    site.build_stage(Production, AT).assert_clean();
    assert!(site.exists("guides/ready/index.html"));
    assert!(site.exists("guides/sheet.pdf"));
    assert!(
        !site.exists("guides/unsaid/index.html"),
        "in review by default"
    );
    // A section's own `_index.md` does take the default, and its pages stay below it.
    assert!(!site.exists("wip/done/index.html"));
    let out = site.cli(&["status", "--at", AT]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("content/guides/unsaid.md") && !text.contains("content/guides/ready.md"),
        "{text}"
    );
}

#[test]
fn status_report() {
    let site = lifecycle_site();
    let out = site.cli(&["status", "--at", AT, "--days", "30"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("status_report", String::from_utf8_lossy(&out.stdout));
    let json = site.cli(&["status", "--at", AT, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    // The block with `until=2026-11-22` leaves production at midnight.
    assert_eq!(v["next_production_change"], "2026-11-23T00:00:00+02:00");
}

#[test]
fn diff_report() {
    let site = lifecycle_site();
    let out = site.cli(&[
        "diff",
        "--from",
        "production",
        "--to",
        "staging",
        "--from-at",
        AT,
        "--to-at",
        AT,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(
        "diff_production_to_staging",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = site.cli(&["diff", "--from-at", AT, "--to-at", "2026-12-01T09:00"]);
    insta::assert_snapshot!("diff_launch_morning", String::from_utf8_lossy(&out.stdout));
}

/// Issue #13: with no flags `diff` compared production with itself. Now it shows what
/// publishing would change: production → staging, at one and the same moment.
#[test]
fn diff_with_no_flags_is_production_to_staging_now() {
    let site = lifecycle_site();
    let out = site.cli(&["diff"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let head = text.lines().next().unwrap_or("");
    let (from, to) = head
        .strip_prefix("diff from production at ")
        .and_then(|rest| rest.split_once(" to staging at "))
        .unwrap_or_else(|| panic!("{head}"));
    assert_eq!(from, to, "both sides are now, the same now");
    // In review: in staging whatever the date, never in production; drafts in neither.
    assert!(text.contains("  + content/review.md\n"), "{text}");
    assert!(!text.contains("draft.md"), "{text}");

    // Given a moment, one stage over time (the `--from` stage).
    let out = site.cli(&["diff", "--from-at", AT, "--to-at", "2026-12-01T09:00"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("diff from production at 2026-11-22T10:00:00+02:00 to production at 2026-12-01T09:00:00+02:00\n"), "{text}");

    // Both sides the same: nothing to compare, said so.
    for args in [
        &["diff", "--from", "staging"][..],
        &["diff", "--to", "production"],
    ] {
        let out = site.cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("nothing to compare"), "{args:?}: {err}");
    }
}

/// "1 changes", "looking 1 days ahead" (issue #13).
#[test]
fn reports_count_in_words() {
    let site = TestSite::with_config("title: One\n");
    site.page("content/next.md", "title: Next\nstatus: review", "Soon.\n");
    let out = site.cli(&["diff"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\nsite (1 change)\n  + content/next.md\n"),
        "{text}"
    );
    let out = site.cli(&["status", "--days", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(", looking 1 day ahead\n"), "{text}");
    assert!(text.contains("in review (1)"), "{text}");

    // Thirteen new lines: twelve shown, and one more.
    let lines: String = (0..13).map(|n| format!("Line {n}.\n\n")).collect();
    site.page(
        "content/long.md",
        "title: Long",
        &format!("Always.\n\n::: only from=2026-12-01\n{lines}:::\n"),
    );
    let out = site.cli(&["diff", "--from-at", AT, "--to-at", "2026-12-02"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("      +Line 11.\n      … 1 more changed line\n"),
        "{text}"
    );
}

#[test]
fn explain_names_the_stage_reason() {
    let site = lifecycle_site();
    let out = site.cli(&[
        "explain",
        "content/launch.md",
        "--audience",
        "default",
        "--at",
        AT,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("is NOT in"), "{text}");
    assert!(
        text.contains("production: it goes live 1 Dec 2026 09:00"),
        "{text}"
    );
    let out = site.cli(&[
        "explain",
        "content/launch.md",
        "--audience",
        "default",
        "--at",
        AT,
        "--stage",
        "staging",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("is in the site"),
        "staging shows it"
    );
}
