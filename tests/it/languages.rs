//! Languages (issue 18): translations beside their sources, one site per audience and
//! language, narrowing never widening, fallback and omission, the switcher's links, and
//! bad input. The canary scan here counts every view (`gold/fi`) on its own.

use std::collections::{BTreeMap, BTreeSet};

use crate::harness::TestSite;

const LANGUAGES: &[&str] = &["en", "fi", "it"];
const AUDIENCES: &[&str] = &["public", "silver", "gold", "staff"];

/// A site of [`config`] with a product, so its catalog has data.
fn site(fallback: &str) -> TestSite {
    let site = TestSite::with_config(&config(fallback));
    site.write(
        "data/products.yaml",
        "- sku: A1\n  name: Unit\n  category: units\n",
    );
    site
}

fn config(fallback: &str) -> String {
    format!(
        "title: Languages
languages: [en, fi, it]
fallback: {fallback}
audience:
  axes:
    tier: {{ values: [public, silver, gold], ordered: true, default: public }}
  audiences:
    public: {{ tier: public }}
    silver: {{ tier: silver }}
    gold: {{ tier: gold }}
    staff: {{ all: true }}
catalog:
  files: [data/products.yaml]
  categories:
    units: {{ title: Units, translations: {{ fi: {{ title: Yksiköt LQA12Z }} }} }}
"
    )
}

/// Every view of `audiences` in `languages`, as `audience/language`.
fn views(audiences: &[&str], languages: &[&str]) -> BTreeSet<String> {
    audiences
        .iter()
        .flat_map(|a| languages.iter().map(move |l| format!("{a}/{l}")))
        .collect()
}

fn canary_site() -> (TestSite, BTreeMap<&'static str, BTreeSet<String>>) {
    let site = TestSite::with_config(&config("default"));
    site.page("content/_index.fi.md", "title: Etusivu", "Tervetuloa.\n")
        .page(
            "content/guide.md",
            "title: Guide",
            "Guide LQA01Z.\n\n::: only tier=gold\nGold text LQA02Z.\n:::\n",
        )
        .page(
            "content/guide.fi.md",
            "title: Opas",
            "Opas LQA03Z.\n\n::: only tier=gold\nKultateksti LQA04Z.\n:::\n",
        )
        .page("content/terms.md", "title: Terms\ntier: silver", "Terms LQA05Z.\n")
        // Narrowed: the Finnish terms are for gold only, and so in no other Finnish site.
        .page(
            "content/terms.fi.md",
            "title: Ehdot\ntier: gold",
            "Ehdot LQA06Z.\n",
        )
        .write_bytes("content/files/kit.pdf", &crate::harness::pdf("LQA07Z", 1))
        .write(
            "content/files/kit.pdf.yaml",
            "title: Kit LQA08Z\nkind: brochure\ntier: gold\ntranslations:\n  fi: { title: Paketti LQA09Z }\n",
        )
        .write(
            "data/products.yaml",
            "- sku: LQA10Z\n  name: Unit\n  category: units\n  tier: silver\n  translations:\n    fi: { name: Yksikkö LQA11Z }\n",
        );
    let of = |audiences: &[&str], languages: &[&str]| views(audiences, languages);
    let expected = BTreeMap::from([
        // The English guide: every view in English, and Italian (not translated: shown in
        // English, with a notice); the Finnish one in Finnish.
        ("LQA01Z", of(AUDIENCES, &["en", "it"])),
        ("LQA02Z", of(&["gold", "staff"], &["en", "it"])),
        ("LQA03Z", of(AUDIENCES, &["fi"])),
        ("LQA04Z", of(&["gold", "staff"], &["fi"])),
        ("LQA05Z", of(&["silver", "gold", "staff"], &["en", "it"])),
        ("LQA06Z", of(&["gold", "staff"], &["fi"])),
        // The material's file in every language of gold; its title translated in Finnish.
        ("LQA07Z", of(&["gold", "staff"], LANGUAGES)),
        ("LQA08Z", of(&["gold", "staff"], &["en", "it"])),
        ("LQA09Z", of(&["gold", "staff"], &["fi"])),
        // The product's SKU everywhere it is seen; its Finnish name in Finnish only.
        ("LQA10Z", of(&["silver", "gold", "staff"], LANGUAGES)),
        ("LQA11Z", of(&["silver", "gold", "staff"], &["fi"])),
        ("LQA12Z", of(&["silver", "gold", "staff"], &["fi"])),
    ]);
    (site, expected)
}

fn problems(
    found: &BTreeMap<String, BTreeSet<String>>,
    expected: &BTreeMap<&'static str, BTreeSet<String>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (marker, want) in expected {
        let got = &found[*marker];
        for leak in got.difference(want) {
            problems.push(format!("LEAK: {marker} reached `{leak}`"));
        }
        for missing in want.difference(got) {
            problems.push(format!("MISSING: {marker} should reach `{missing}`"));
        }
    }
    problems
}

#[test]
fn canary_every_language_of_every_audience_gets_exactly_what_it_may_see() {
    let (site, expected) = canary_site();
    site.build().assert_clean();
    let markers: Vec<_> = expected.keys().copied().collect();
    let scan = site.scan_view_markers(&markers, LANGUAGES);
    let found = problems(&scan.found, &expected);
    assert!(found.is_empty(), "{}", found.join("\n"));
    // Every view was there to be scanned, its search index decoded.
    for view in views(AUDIENCES, LANGUAGES) {
        let (audience, language) = view.split_once('/').unwrap();
        let home = match language {
            "en" => format!("{audience}/index.html"),
            l => format!("{audience}/{l}/index.html"),
        };
        site.assert_file_contains(&home, &format!("<html lang=\"{language}\""));
        if cfg!(feature = "search") {
            let n = scan.decoded.get(&view).copied().unwrap_or(0);
            assert!(
                n >= 3,
                "only {n} search index files of `{view}` were decoded"
            );
        }
    }
}

#[test]
fn planted_leak_into_another_language_is_caught() {
    let (site, expected) = canary_site();
    site.build().assert_clean();
    // A Finnish gold-only text planted in silver's Finnish site: the scan must see it.
    std::fs::write(
        site.out_dir().join("silver/fi/planted.html"),
        "<p>LQA04Z</p>",
    )
    .unwrap();
    let markers: Vec<_> = expected.keys().copied().collect();
    let scan = site.scan_view_markers(&markers, LANGUAGES);
    assert_eq!(
        problems(&scan.found, &expected),
        vec!["LEAK: LQA04Z reached `silver/fi`"]
    );
}

#[test]
fn each_language_has_its_own_folder_search_and_switcher() {
    let (site, _) = canary_site();
    site.build().assert_clean();
    let fi = site.read("gold/fi/guide/index.html");
    // hreflang alternates and the switcher: the same page in each language.
    assert!(fi.contains("hreflang=\"en\" href=\"../../guide/\""), "{fi}");
    assert!(
        fi.contains("hreflang=\"it\" href=\"../../it/guide/\""),
        "{fi}"
    );
    // silver has no Finnish terms (narrowed to gold): its switcher leads to the Finnish
    // home instead, and the page is not there.
    let silver_en = site.read("silver/terms/index.html");
    assert!(
        silver_en.contains("hreflang=\"it\" href=\"../it/terms/\""),
        "{silver_en}"
    );
    assert!(!silver_en.contains("href=\"../fi/terms/\""), "{silver_en}");
    site.assert_no_file("silver/fi/terms/index.html");
    site.assert_file_contains("gold/fi/terms/index.html", "Ehdot");
    // Untranslated in Italian: the English text, said to be so.
    let it = site.read("gold/it/guide/index.html");
    assert!(it.contains("<html lang=\"it\""), "{it}");
    // (`hreflang="en"` would match a bare `lang="en"`: the attribute is looked for on <main>.)
    assert!(
        it.contains("<main id=\"main\" class=\"main\" tabindex=\"-1\" lang=\"en\">"),
        "the English text is marked as English: {it}"
    );
    assert!(it.contains("page-note-fallback"), "no notice: {it}");
    // The translated Finnish page is not marked as another language.
    assert!(
        fi.contains("<main id=\"main\" class=\"main\" tabindex=\"-1\">"),
        "{fi}"
    );
    if cfg!(feature = "search") {
        assert!(site.exists("gold/fi/_kanava/search/wasm.fi.pagefind"));
        assert!(site.exists("gold/it/_kanava/search/wasm.it.pagefind"));
    }
}

#[test]
fn omitted_pages_are_absent_and_links_to_them_are_errors() {
    let site = site("omit");
    site.page(
        "content/_index.fi.md",
        "title: Etusivu",
        "Katso [ohje](guide.md).\n",
    )
    .page("content/guide.md", "title: Guide", "Guide.\n")
    .page("content/other.md", "title: Other", "Other.\n")
    .page("content/other.fi.md", "title: Muu", "Muu.\n");
    let run = site.build();
    let d = run.expect_error("hidden-link-target", "content/_index.fi.md", 4);
    assert!(
        d.message.contains("no translation into `fi`"),
        "{}",
        d.message
    );
    // Without the link the build passes, and the Finnish site lacks the page.
    site.page("content/_index.fi.md", "title: Etusivu", "Tervetuloa.\n");
    site.build().assert_clean();
    site.assert_no_file("public/fi/guide/index.html");
    site.assert_file_contains("public/fi/other/index.html", "Muu");
    site.assert_file_contains("public/it/index.html", "<html lang=\"it\"");
    site.assert_no_file("public/it/other/index.html");
}

#[test]
fn a_translated_path_keeps_its_steps_and_translates_its_titles() {
    let site = site("default");
    site.page("content/a.md", "title: A", "A.\n")
        .page("content/b.md", "title: B", "B.\n")
        .page(
            "content/path.md",
            "title: Path\npath:\n  stages:\n    - title: Start here\n      steps: [a.md, b.md]\n  badge: Certified",
            "The path.\n",
        )
        .page(
            "content/path.fi.md",
            "title: Polku\npath:\n  stages:\n    - title: Aloita tästä\n      steps: [a.md, b.md]\n  badge: Sertifioitu",
            "Polku.\n",
        );
    site.build().assert_clean();
    site.assert_file_contains("public/fi/path/index.html", "Aloita tästä");
    site.assert_file_contains("public/path/index.html", "Start here");
    // Other steps than the source's: an error.
    site.page(
        "content/path.fi.md",
        "title: Polku\npath:\n  stages:\n    - title: Aloita\n      steps: [b.md, a.md]",
        "Polku.\n",
    );
    site.build()
        .expect_error_in("translated-path-differs", "content/path.fi.md");
}

#[test]
fn bad_language_input_is_reported_in_one_run() {
    let site = site("default");
    site.page("content/guide.md", "title: Guide\ntier: silver", "Guide.\n")
        // Widens its source's audience, and sets what only the source may.
        .page(
            "content/guide.fi.md",
            "title: Opas\ntier: public\nslug: opas",
            "Opas.\n",
        )
        // No source.
        .page("content/missing.fi.md", "title: Puuttuu", "Ei lähdettä.\n")
        // A language the site does not have, and the default language's own code.
        .page("content/guide.de.md", "title: Anleitung", "Text.\n")
        .page("content/guide.en.md", "title: Guide", "Text.\n")
        // A mistyped code: not a page of its own, which would drop the source's restriction.
        .page("content/guide.fl.md", "title: Opas", "Teksti.\n")
        // The home page is in every site: its translation can be neither restricted nor
        // scheduled, and a translation's `expires` may not outlast its source's.
        .page(
            "content/_index.fi.md",
            "title: Etusivu\ntier: gold",
            "Tervetuloa.\n",
        )
        .page(
            "content/terms.md",
            "title: Terms\nexpires: 2027-01-01",
            "Terms.\n",
        )
        .page(
            "content/terms.fi.md",
            "title: Ehdot\nexpires: 2027-06-01",
            "Ehdot.\n",
        );
    let run = site.build();
    run.expect_error("restricted-home", "content/_index.fi.md", 3);
    run.expect_error("translation-widens", "content/terms.fi.md", 3);
    run.expect_error("translation-widens", "content/guide.fi.md", 3);
    run.expect_error("translation-key", "content/guide.fi.md", 4);
    run.expect_error_in("translation-without-source", "content/missing.fi.md");
    run.expect_error_in("unknown-language", "content/guide.de.md");
    run.expect_error_in("default-language-file", "content/guide.en.md");
    let d = run.expect_error_in("unknown-language", "content/guide.fl.md");
    assert!(d.help.as_deref().unwrap_or("").contains("`fi`"), "{d:?}");
    insta::assert_snapshot!(run.short());
}

#[test]
fn bad_language_config_is_reported() {
    let site = TestSite::with_config(
        "title: X\nlanguage: en\nlanguages: [en, fi, fi, english]\nfallback: nothing\n",
    );
    let run = site.build();
    run.expect_error("language-and-languages", "kanava.yaml", 2);
    run.expect_error("duplicate-language", "kanava.yaml", 3);
    let d = run.expect_error("unknown-language", "kanava.yaml", 3);
    assert!(d.help.as_deref().unwrap_or("").contains("`en`"), "{d:?}");
    run.expect_error("bad-fallback", "kanava.yaml", 4);
}

#[test]
fn translations_in_data_name_the_sites_languages() {
    let site = TestSite::with_config(&config("default"));
    site.write(
        "data/products.yaml",
        "- sku: A1\n  name: Unit\n  category: units\n  translations:\n    sv: { name: Enhet }\n    fi: { nmae: Yksikkö }\n",
    );
    let run = site.build();
    run.expect_error("unknown-language", "data/products.yaml", 5);
    let d = run.expect_error("unknown-key", "data/products.yaml", 6);
    assert!(d.help.as_deref().unwrap_or("").contains("`name`"), "{d:?}");
}

#[test]
fn a_page_may_not_take_a_languages_folder() {
    let site = site("default");
    site.page("content/fi/_index.md", "title: Finland", "Text.\n")
        .write(
            "content/it/brochure.txt",
            "A file in the Italian site's folder.\n",
        );
    let run = site.build();
    run.expect_error_in("reserved-url", "content/fi/_index.md");
    run.expect_error_in("reserved-url", "content/it/brochure.txt");
}

#[test]
fn status_reports_missing_and_outdated_translations() {
    let site = site("default");
    site.page(
        "content/guide.md",
        "title: Guide\nupdated: 2026-11-20",
        "Guide.\n",
    )
    .page(
        "content/guide.fi.md",
        "title: Opas\nupdated: 2026-11-10",
        "Opas.\n",
    )
    .page(
        "content/terms.md",
        "title: Terms\nupdated: 2026-11-01",
        "Terms.\n",
    )
    .page(
        "content/terms.fi.md",
        "title: Ehdot\nupdated: 2026-11-02",
        "Ehdot.\n",
    );
    let out = site.cli(&["status", "--translations"]);
    crate::harness::assert_exit(&out, 0);
    let text = crate::harness::stdout(&out);
    assert!(
        text.contains("fi: 2 of 3 translated, 1 outdated, 1 missing"),
        "{text}"
    );
    assert!(
        text.contains("content/guide.fi.md  source updated 2026-11-20, translation 2026-11-10"),
        "{text}"
    );
    assert!(text.contains("content/_index.fi.md  (Home)"), "{text}");
    assert!(text.contains("it: 0 of 3 translated"), "{text}");
    let out = site.cli(&["status", "--translations", "--format", "csv"]);
    crate::harness::assert_exit(&out, 0);
    let csv = crate::harness::stdout(&out);
    assert!(
        csv.contains("fi,outdated,content/guide.md,content/guide.fi.md,Opas,2026-11-20,2026-11-10"),
        "{csv}"
    );
    assert!(
        csv.contains("it,missing,content/terms.md,content/terms.it.md,Terms,,"),
        "{csv}"
    );
    let out = site.cli(&["status", "--translations", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&crate::harness::stdout(&out)).unwrap();
    assert_eq!(json["languages"][0]["outdated"][0]["by"], "updated");
    // CSV is the translation report's only.
    crate::harness::assert_exit(&site.cli(&["status", "--format", "csv"]), 2);
}

#[test]
fn csv_products_translate_in_columns() {
    let site = TestSite::with_config(
        &config("default").replace("data/products.yaml", "data/products.csv"),
    );
    site.write(
        "data/products.csv",
        "sku,name,category,name.fi,summary.it,name.de\nA1,Unit,units,Yksikkö,Unità compatta,Einheit\n",
    );
    let run = site.build();
    // `de` is a language code, but not one of the site's: said at its column.
    run.expect_error("unknown-language", "data/products.csv", 1);
    site.write(
        "data/products.csv",
        "sku,name,category,name.fi,summary.it\nA1,Unit,units,Yksikkö,Unità compatta\n",
    );
    site.build().assert_clean();
    site.assert_file_contains("public/fi/catalog/units/a1/index.html", "Yksikkö");
    site.assert_file_contains("public/it/catalog/units/a1/index.html", "Unità compatta");
    site.assert_file_contains("public/catalog/units/a1/index.html", "<h1>Unit");
}

#[test]
fn a_file_linked_in_one_language_only_is_published_and_not_reported() {
    let site = site("default");
    site.page(
        "content/guide.md",
        "title: Guide",
        "Get [the sheet](files/sheet.txt).\n",
    )
    .page("content/guide.fi.md", "title: Opas", "Ei liitettä.\n")
    .write("content/files/sheet.txt", "sheet\n");
    // Found while building the encrypted tests in two languages: the Finnish site's check
    // called the file unpublished, though the English site publishes it.
    site.build().assert_clean();
    site.assert_file_contains("public/files/sheet.txt", "sheet");
    site.assert_no_file("public/fi/files/sheet.txt");
}
