//! Files as content (issue #14): what a link to a file says it downloads.

use crate::harness::{TestSite, pdf};

/// Links to files say what they download: type, size, and a PDF's pages. A PDF that cannot
/// be read still links, with its size, and each link to it gets a warning at its place.
#[test]
fn links_to_files_say_what_they_download() {
    let site = TestSite::new();
    site.write_bytes("content/files/brochure.pdf", &pdf("brochure", 12));
    site.write_bytes("content/files/one.pdf", &pdf("one page", 1));
    site.write_bytes("content/files/logo.png", &[0u8; 2_500]);
    site.page(
        "content/_index.md",
        "title: Home",
        "Get the [brochure](files/brochure.pdf), the [short one](files/one.pdf) and the [logo](files/logo.png).\n",
    );
    let run = site.build();
    run.assert_clean();
    let home = site.read("index.html");
    let size = std::fs::metadata(site.root().join("content/files/brochure.pdf"))
        .unwrap()
        .len();
    assert!(
        home.contains(&format!(
            "<a href=\"files/brochure.pdf\">brochure <span class=\"file-meta\">PDF · {} KB · 12 pages</span></a>",
            size.div_ceil(1000)
        )),
        "{home}"
    );
    assert!(home.contains("1 page</span></a>"), "{home}");
    assert!(
        home.contains(">logo <span class=\"file-meta\">PNG · 3 KB</span></a>"),
        "{home}"
    );

    site.write_bytes("content/files/brochure.pdf", b"%PDF-1.4\nnot really\n");
    let run = site.build();
    let warning = run.expect_error("unreadable-pdf", "content/_index.md", 4);
    assert!(
        warning.message.contains("content/files/brochure.pdf"),
        "{}",
        warning.message
    );
    assert_eq!(run.outcome.errors(), 0, "a warning, not an error");
    assert!(
        site.read("index.html")
            .contains("brochure <span class=\"file-meta\">PDF · 20 bytes</span></a>")
    );
}

/// Two audiences over a tier axis, a catalog with one product, a public section and a
/// silver section (`_index.md` restrictions cascade to the materials below them).
const CONFIG: &str = "title: Materials
base_url: https://partners.example.com/
audience:
  axes:
    tier: { values: [public, silver, gold], ordered: true, default: silver }
    role: { values: [sales, technical] }
  audiences:
    public: { tier: public }
    silver: { tier: silver, role: [sales, technical] }
    gold: { tier: gold, role: [sales, technical] }
catalog:
  files: [data/products.yaml]
  categories:
    units: { title: Units, tier: public }
";

fn material_site() -> TestSite {
    let site = TestSite::with_config(CONFIG);
    site.write(
        "data/products.yaml",
        "- sku: HP-12\n  name: Ilma 12\n  category: units\n  tier: public\n",
    )
    .page(
        "content/library/_index.md",
        "title: Downloads\ntier: public",
        "Our files.\n",
    )
    .page(
        "content/pricing/_index.md",
        "title: Pricing\ntier: silver",
        "Prices.\n",
    );
    site
}

/// A material: its file (a PDF holding `marker`) and its sidecar.
fn material(site: &TestSite, path: &str, marker: &str, sidecar: &str) {
    site.write_bytes(path, &pdf(marker, 2));
    site.write(&format!("{path}.yaml"), sidecar);
}

/// A material reaches exactly the views its own metadata (cascaded from its section)
/// admits, at the build's moment: its bytes, title, description, library entry, feed entry
/// and search record. Nothing links these files: materials are published by metadata.
#[test]
fn materials_reach_exactly_the_views_their_metadata_admits() {
    let site = material_site();
    material(
        &site,
        "content/library/gold-brochure.pdf",
        "MATQ01Z",
        "title: Gold brochure MATQ02Z\ndescription: For gold MATQ03Z\nkind: brochure\ntier: gold\nupdated: 2026-01-10\n",
    );
    material(
        &site,
        "content/library/public-sheet.pdf",
        "MATQ04Z",
        "title: Public sheet MATQ05Z\nkind: datasheet\nproducts: [HP-12]\nupdated: 2026-01-09\n",
    );
    // Inherits `tier: silver` from its section.
    material(
        &site,
        "content/pricing/price-sheet.pdf",
        "MATQ06Z",
        "title: Price sheet MATQ07Z\nkind: price-sheet\n",
    );
    material(
        &site,
        "content/library/expired.pdf",
        "MATQ08Z",
        "title: Old brochure MATQ09Z\nkind: brochure\nexpires: 2020-01-01\n",
    );
    material(
        &site,
        "content/library/scheduled.pdf",
        "MATQ10Z",
        "title: Next year MATQ11Z\nkind: brochure\npublish: 2099-01-01\n",
    );
    material(
        &site,
        "content/library/draft.pdf",
        "MATQ12Z",
        "title: Draft MATQ13Z\nkind: brochure\nstatus: draft\n",
    );
    let run = site.build();
    run.assert_clean();
    let all = ["public", "silver", "gold"];
    let expected: [(&str, &[&str]); 13] = [
        ("MATQ01Z", &["gold"]),
        ("MATQ02Z", &["gold"]),
        ("MATQ03Z", &["gold"]),
        ("MATQ04Z", &all),
        ("MATQ05Z", &all),
        ("MATQ06Z", &["silver", "gold"]),
        ("MATQ07Z", &["silver", "gold"]),
        ("MATQ08Z", &[]),
        ("MATQ09Z", &[]),
        ("MATQ10Z", &[]),
        ("MATQ11Z", &[]),
        ("MATQ12Z", &[]),
        ("MATQ13Z", &[]),
    ];
    let markers: Vec<&str> = expected.iter().map(|(m, _)| *m).collect();
    let scan = site.scan_markers(&markers);
    for (marker, want) in expected {
        let got: Vec<&str> = scan.found[marker].iter().map(String::as_str).collect();
        let mut want = want.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "{marker}");
    }
    // The gold brochure: its bytes at its stable name, in gold's library and feed only.
    assert_eq!(
        std::fs::read(site.out_dir().join("gold/library/gold-brochure.pdf")).unwrap(),
        pdf("MATQ01Z", 2)
    );
    assert!(!site.exists("silver/library/gold-brochure.pdf"));
    site.assert_file_contains("gold/materials/index.html", "Gold brochure MATQ02Z");
    let feed = site.read("gold/feed.xml");
    assert!(
        feed.contains("<title>Gold brochure MATQ02Z</title>")
            && feed.contains(
                "<link rel=\"enclosure\" href=\"https://partners.example.com/gold/library/gold-brochure.pdf\""
            ),
        "{feed}"
    );
    // The feed stays valid Atom: the material's entry links its file, with its length.
    let parsed: atom_syndication::Feed = feed.parse().expect("valid Atom");
    let entry = parsed
        .entries()
        .iter()
        .find(|e| e.title().as_str() == "Gold brochure MATQ02Z")
        .expect("the brochure's entry");
    let enclosure = entry
        .links()
        .iter()
        .find(|l| l.rel() == "enclosure")
        .expect("an enclosure link");
    assert_eq!(
        enclosure.length(),
        Some(pdf("MATQ01Z", 2).len().to_string().as_str())
    );
    assert_eq!(entry.categories()[0].term(), "material");
    for view in ["public", "silver"] {
        assert!(!site.read(&format!("{view}/feed.xml")).contains("MATQ02Z"));
    }
    if cfg!(feature = "search") {
        assert_eq!(
            scan.in_search["MATQ02Z"].iter().collect::<Vec<_>>(),
            ["gold"]
        );
        assert!(scan.in_search["MATQ05Z"].contains("public"));
    }
    // In preview, drafts and scheduled materials are shown, with a note.
    let run = site.build_stage(kanava::model::lifecycle::Stage::Preview, "2026-06-01");
    run.assert_clean();
    let library = site.read("gold/materials/index.html");
    assert!(library.contains("Draft MATQ13Z") && library.contains("Next year MATQ11Z"));
    assert!(library.contains("status-note\">Draft</span>"), "{library}");
    assert!(site.exists("gold/library/scheduled.pdf"));
}

/// A page that links a material its audience cannot have — restricted away, expired, not
/// yet published — gets the error a link to a hidden page gets, at the link; wrapped in a
/// matching `only` block it is fine, and no view writes a link to a file it lacks.
#[test]
fn links_to_materials_a_view_lacks_are_errors() {
    let site = material_site();
    material(
        &site,
        "content/library/gold.pdf",
        "g",
        "title: Gold\nkind: brochure\ntier: gold\n",
    );
    material(
        &site,
        "content/library/old.pdf",
        "o",
        "title: Old\nkind: brochure\nexpires: 2025-12-01\n",
    );
    site.page(
        "content/library/files.md",
        "title: Files\ntier: public",
        "Get [gold](gold.pdf).\n\nAnd the [old one](old.pdf).\n",
    );
    let run = site.build();
    let gold = run.expect_error("hidden-link-target", "content/library/files.md", 5);
    assert!(
        gold.message
            .contains("audiences `public`, `silver` see this link to `gold.pdf`")
            && gold.message.contains(
                "the material `content/library/gold.pdf` is restricted to tier gold and above"
            ),
        "{}",
        gold.message
    );
    assert!(
        gold.help
            .as_deref()
            .unwrap()
            .contains("content/library/gold.pdf.yaml"),
        "{gold:?}"
    );
    let old = run.expect_error("hidden-link-target", "content/library/files.md", 7);
    assert!(
        old.message.contains("it expired 1 Dec 2025"),
        "{}",
        old.message
    );
    assert_eq!(run.outcome.errors(), 2, "{}", run.short());

    site.page(
        "content/library/files.md",
        "title: Files\ntier: public",
        "::: only tier=gold\nGet [gold](gold.pdf).\n:::\n",
    );
    site.build().assert_clean();
    site.assert_file_contains(
        "gold/library/files/index.html",
        "href=\"../../library/gold.pdf\"",
    );
    assert!(
        !site
            .read("silver/library/files/index.html")
            .contains("gold.pdf")
    );
}

/// A product's datasheet that is a material follows the material: a view that lacks it
/// gets no datasheet link (and the check says so); the product page lists the materials
/// naming its SKU.
#[test]
fn product_pages_list_their_materials() {
    let site = material_site();
    site.write(
        "data/products.yaml",
        "- sku: HP-12\n  name: Ilma 12\n  category: units\n  tier: public\n  datasheet: ../content/library/hp-12-datasheet.pdf\n",
    );
    material(
        &site,
        "content/library/hp-12-datasheet.pdf",
        "d",
        "title: HP-12 datasheet\nkind: datasheet\nproducts: [HP-12]\n",
    );
    material(
        &site,
        "content/library/hp-12-manual.pdf",
        "m",
        "title: HP-12 manual\nkind: manual\nproducts: [hp-12]\ntier: silver\n",
    );
    let run = site.build();
    run.assert_clean();
    let silver = site.read("silver/catalog/units/hp-12/index.html");
    assert!(silver.contains("Download datasheet"), "{silver}");
    assert!(silver.contains("HP-12 manual"), "{silver}");
    assert_eq!(silver.matches("hp-12-datasheet.pdf\" download").count(), 1);
    let public = site.read("public/catalog/units/hp-12/index.html");
    assert!(!public.contains("HP-12 manual"));

    // The datasheet restricted to gold: public and silver would link a file they lack.
    site.write(
        "content/library/hp-12-datasheet.pdf.yaml",
        "title: HP-12 datasheet\nkind: datasheet\nproducts: [HP-12]\ntier: gold\n",
    );
    let run = site.build();
    let d = run.expect_error("hidden-link-target", "data/products.yaml", 5);
    assert!(d.message.contains("`public`, `silver`"), "{}", d.message);
}

/// Everything wrong in sidecars is reported in one run, each at its file:line:col, with
/// help; the previous output stays.
#[test]
fn sidecar_mistakes_are_reported_together() {
    let site = material_site();
    material(
        &site,
        "content/library/ok.pdf",
        "ok",
        "title: Fine\nkind: brochure\n",
    );
    site.build().assert_clean();
    let before = site.snapshot_tree("");
    material(
        &site,
        "content/library/a.pdf",
        "a",
        "title: A\nkind: broshure\nlanguage: english\nproducts: [HP-21]\n",
    );
    material(
        &site,
        "content/pricing/b.pdf",
        "b",
        "title: B\nkind: manual\ntier: public\npublish: 2026-02-30\n",
    );
    site.write(
        "content/library/ghost.pdf.yaml",
        "title: Ghost\nkind: logo\n",
    );
    let run = site.build();
    let kind = run.expect_error("unknown-kind", "content/library/a.pdf.yaml", 2);
    assert!(
        kind.help
            .as_deref()
            .unwrap()
            .contains("did you mean `brochure`")
    );
    let lang = run.expect_error("unknown-language", "content/library/a.pdf.yaml", 3);
    assert!(lang.help.as_deref().unwrap().contains("did you mean `en`"));
    let sku = run.expect_error("unknown-sku", "content/library/a.pdf.yaml", 4);
    assert_eq!(sku.pos.map(|p| p.column), Some(12));
    assert!(
        sku.help
            .as_deref()
            .unwrap()
            .contains("did you mean `HP-12`")
    );
    let widened = run.expect_error("widened-restriction", "content/pricing/b.pdf.yaml", 3);
    assert!(
        widened
            .message
            .contains("this material allows tier public and above but its section `content/pricing/_index.md` allows only tier silver and above"),
        "{}",
        widened.message
    );
    run.expect_error("bad-date", "content/pricing/b.pdf.yaml", 4);
    assert!(
        run.codes().contains(&"material-without-file"),
        "{}",
        run.short()
    );
    insta::assert_snapshot!("sidecar_mistakes", run.human());
    assert_eq!(
        site.snapshot_tree(""),
        before,
        "a failed build changed the output"
    );
}

/// `version_in_name` puts a material's version in its file name; two files written to one
/// name are an error naming both.
#[test]
fn versions_in_names_and_duplicate_names() {
    let site = material_site();
    site.write(
        "kanava.yaml",
        &format!("{CONFIG}materials:\n  version_in_name: true\n  kinds: [campaign-kit]\n"),
    );
    material(
        &site,
        "content/library/kit.pdf",
        "k",
        "title: Kit\nkind: campaign-kit\nversion: \"2026.2\"\n",
    );
    site.build().assert_clean();
    assert!(site.exists("silver/library/kit-2026.2.pdf"));
    site.assert_file_contains("silver/materials/index.html", "Campaign kit");

    site.write_bytes("content/library/kit-2026.2.pdf", &pdf("plain", 1));
    site.page(
        "content/library/x.md",
        "title: X\ntier: public",
        "[plain](kit-2026.2.pdf)\n",
    );
    let run = site.build();
    assert!(
        run.diagnostics().iter().any(|d| d.code == "duplicate-url"
            && d.message.contains("`content/library/kit-2026.2.pdf` and `content/library/kit.pdf` would both be written to `library/kit-2026.2.pdf`")),
        "{}",
        run.short()
    );
}

/// The library: grouped by kind (the list works without JavaScript), newest first, with
/// filters for kind, product and language, and badges for what is new or updated.
#[test]
fn the_library_groups_filters_and_badges() {
    let site = material_site();
    let today = jiff::Zoned::now().date();
    let recent = today.checked_sub(jiff::Span::new().days(3)).unwrap();
    material(
        &site,
        "content/library/new.pdf",
        "n",
        &format!(
            "title: Fresh brochure\nkind: brochure\nlanguage: fi\nproducts: [HP-12]\nupdated: {recent}\npublish: {recent}\n"
        ),
    );
    material(
        &site,
        "content/library/older.pdf",
        "o",
        "title: Older brochure\nkind: brochure\nlanguage: en\nupdated: 2025-03-01\n",
    );
    // Published long ago, changed lately: "updated".
    material(
        &site,
        "content/library/revised.pdf",
        "r",
        &format!("title: Revised manual\nkind: manual\npublish: 2025-01-01\nupdated: {recent}\n"),
    );
    site.write(
        "content/library/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write("content/library/logo.svg.yaml", "title: Logo\nkind: logo\n");
    site.build().assert_clean();
    let html = site.read("public/materials/index.html");
    let groups: Vec<&str> = html
        .split("<h2 id=\"kind-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(groups, ["brochure", "manual", "logo"], "{html}");
    let fresh = html.find("Fresh brochure").unwrap();
    let older = html.find("Older brochure").unwrap();
    assert!(fresh < older, "newest first");
    assert!(
        html[fresh..older].contains("status-new\">New</span>"),
        "{html}"
    );
    let revised = html.find("Revised manual").unwrap();
    assert!(
        html[revised..].contains("status-updated\">Updated</span>")
            && !html[older..]
                .split("</li>")
                .next()
                .unwrap()
                .contains("status-"),
        "{html}"
    );
    assert!(html.contains("<option value=\"HP-12\">HP-12 · Ilma 12 (1)</option>"));
    assert!(html.contains("<option value=\"fi\">FI (1)</option>"));
    assert!(
        html.contains("data-library-filters hidden"),
        "filters wait for JavaScript"
    );
    assert!(html.contains("class=\"material-thumb\" src=\"../library/logo.svg\""));
    assert!(html.contains("materials.js"));
    // What's new lists materials with what they download.
    let news = site.read("public/whats-new/index.html");
    assert!(
        news.contains("Fresh brochure</a> <span class=\"file-meta\">PDF"),
        "{news}"
    );
}

/// `status` lists materials' drafts and events with the pages'; `diff` lists the files a
/// release adds; `explain` says why a material is or is not in a view.
#[test]
fn reports_know_materials() {
    let site = material_site();
    material(
        &site,
        "content/library/soon.pdf",
        "s",
        "title: Soon\nkind: brochure\npublish: 2026-12-10\n",
    );
    material(
        &site,
        "content/library/wip.pdf",
        "w",
        "title: Work in progress\nkind: brochure\nstatus: draft\n",
    );
    let out = site.cli(&["status", "--at", "2026-12-01", "--days", "30"]);
    let text = crate::harness::stdout(&out);
    assert!(
        text.contains(
            "goes-live        content/library/soon.pdf.yaml  \"Soon\"  [public, silver, gold]"
        ),
        "{text}"
    );
    assert!(
        text.contains("content/library/wip.pdf.yaml  \"Work in progress\""),
        "{text}"
    );
    let out = site.cli(&[
        "diff",
        "--from",
        "production",
        "--from-at",
        "2026-12-01",
        "--to",
        "production",
        "--to-at",
        "2026-12-11",
    ]);
    let text = crate::harness::stdout(&out);
    assert!(text.contains("content/library/soon.pdf"), "{text}");
    let out = site.cli(&[
        "explain",
        "library/soon.pdf",
        "--audience",
        "gold",
        "--at",
        "2026-12-01",
    ]);
    let text = crate::harness::stdout(&out);
    assert!(
        text.contains("content/library/soon.pdf (brochure, described in content/library/soon.pdf.yaml) is NOT in the site of `gold`.")
            && text.contains("✓ tier: requires tier public and above — inherited from its section `content/library/_index.md`")
            && text.contains("✗ production: it goes live 10 Dec 2026"),
        "{text}"
    );
}

/// A material's file or sidecar that is a link leading outside the site is refused before
/// anything reads it — one error each, nothing more said of the material.
#[cfg(unix)]
#[test]
fn materials_leading_outside_the_site_are_refused() {
    let site = material_site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.pdf"), pdf("OUTQ01Z", 1)).unwrap();
    std::fs::write(
        outside.path().join("x.pdf.yaml"),
        "title: Outside OUTQ02Z\nkind: brochure\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.pdf"),
        site.root().join("content/library/secret.pdf"),
    )
    .unwrap();
    site.write(
        "content/library/secret.pdf.yaml",
        "title: Secret\nkind: brochure\n",
    );
    site.write_bytes("content/library/x.pdf", &pdf("inside", 1));
    std::os::unix::fs::symlink(
        outside.path().join("x.pdf.yaml"),
        site.root().join("content/library/x.pdf.yaml"),
    )
    .unwrap();
    let run = site.build();
    let mut codes = run.codes();
    codes.sort_unstable();
    assert_eq!(
        codes,
        ["outside-root", "outside-root", "unpublished-asset"],
        "{}",
        run.short()
    );
    assert!(!run.short().contains("OUTQ02Z"));
}
