//! Interface strings of the theme (issue 18): `i18n/<language>.yaml` in a site's theme
//! folder overrides the default theme's strings key by key, strictly; `t()` in templates.

use crate::harness::TestSite;

/// A site whose theme folder is `theme/`, in `language`.
fn site(language: &str) -> TestSite {
    TestSite::with_config(&format!(
        "title: Test\ntheme: theme\nlanguage: {language}\n"
    ))
}

#[test]
fn a_site_override_changes_one_string() {
    let site = site("en");
    site.write("theme/i18n/en.yaml", "nav.all_pages: \"Every page\"\n");
    site.build().assert_clean();
    let home = site.read("index.html");
    assert!(home.contains(">Every page</span>"), "{home}");
    // The other strings stay the theme's.
    assert!(home.contains(">Skip to main content</a>"), "{home}");
}

#[test]
fn a_shipped_language_is_used_and_overridden_key_by_key() {
    let site = site("fi");
    site.write("theme/i18n/fi.yaml", "nav.skip: \"Hyppää sisältöön\"\n");
    site.build().assert_clean();
    let home = site.read("index.html");
    assert!(home.contains(">Hyppää sisältöön</a>"), "{home}");
    assert!(home.contains(">Kaikki sivut</span>"), "{home}");
}

/// A language the theme does not ship: the site's keys, English for the rest.
#[test]
fn a_site_may_add_a_language() {
    let site = site("es");
    site.write(
        "theme/i18n/es.yaml",
        "nav.all_pages: \"Todas las páginas\"\n",
    );
    site.build().assert_clean();
    let home = site.read("index.html");
    assert!(home.contains(">Todas las páginas</span>"), "{home}");
    assert!(home.contains(">Skip to main content</a>"), "{home}");
}

#[test]
fn an_unknown_key_is_an_error_with_a_suggestion() {
    let site = site("en");
    site.write(
        "theme/i18n/en.yaml",
        "# Our wording\nnav.skip: \"Skip\"\nnav.al_pages: \"Every page\"\nnav.menu: 3\n",
    );
    let run = site.build();
    assert!(!run.ok());
    let d = run.expect_error("unknown-string", "theme/i18n/en.yaml", 3);
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean `nav.all_pages`?")),
        "{d:?}"
    );
    run.expect_error("theme-strings", "theme/i18n/en.yaml", 4);
    assert!(!site.exists("index.html"));
    insta::assert_snapshot!("i18n_override_errors", run.short());
}

#[test]
fn malformed_yaml_and_foreign_placeholders_are_errors() {
    let site = site("en");
    site.write("theme/i18n/en.yaml", "nav.skip: \"Skip\n");
    site.write(
        "theme/i18n/fi.yaml",
        "path.step_of: \"Vaihe {step}/{count}\"\nnav:\n  skip: x\n",
    );
    let run = site.build();
    assert!(run.codes().contains(&"yaml"), "{}", run.short());
    let d = run.expect_error("theme-strings", "theme/i18n/fi.yaml", 1);
    assert!(d.message.contains("`{count}`"), "{d:?}");
    // `nav:` as a mapping: keys are flat.
    assert!(
        run.short()
            .contains("theme/i18n/fi.yaml:1:1: error[unknown-string]")
            || run
                .short()
                .contains("theme/i18n/fi.yaml:2:1: error[unknown-string]"),
        "{}",
        run.short()
    );
}

/// `t()` with `count` picks the plural form by the language's rule: French counts 0 as one.
#[test]
fn t_with_count_picks_the_plural() {
    let template = "{% extends \"default/home.html\" %}{% block main %}<p id=\"n\">{{ t(\"count.products\", count=0) }}|{{ t(\"count.products\", count=1) }}|{{ t(\"count.products\", count=1234) }}</p>{% endblock %}";
    let en = site("en");
    en.write("theme/templates/home.html", template);
    en.build().assert_clean();
    en.assert_file_contains(
        "index.html",
        "<p id=\"n\">0 products|1 product|1,234 products</p>",
    );
    let fr = site("fr");
    fr.write("theme/templates/home.html", template);
    fr.build().assert_clean();
    fr.assert_file_contains(
        "index.html",
        "<p id=\"n\">0 produit|1 produit|1\u{202f}234 produits</p>",
    );
}

/// A typo in a key fails the build (strict, like undefined variables); the result of `t()`
/// is escaped like any text.
#[test]
fn an_unknown_key_in_a_template_fails_and_results_are_escaped() {
    let site = site("en");
    site.write(
        "theme/templates/home.html",
        "{% extends \"default/home.html\" %}{% block main %}{{ t(\"nav.catalogg\") }}{% endblock %}",
    );
    let run = site.build();
    let d = run.expect_error("template", "theme/templates/home.html", 1);
    assert!(d.message.contains("did you mean `nav.catalog`?"), "{d:?}");

    let site = self::site("en");
    site.write(
        "theme/i18n/en.yaml",
        "nav.all_pages: \"<b>All</b> & more\"\n",
    );
    site.build().assert_clean();
    site.assert_file_contains("index.html", "&lt;b&gt;All&lt;/b&gt; &amp; more");
}
