//! Configuration and data safety (issue #12): the reproducers of a hostile trial as
//! regression tests, each a fixture site under `tests/fixtures/<name>/` — axes named like
//! reserved keys, duplicate and empty catalog data, a product its category hides, YAML
//! aliases — and the rules made explicit with them: the price axis, no clock in production
//! output, staff's prices, restrictions on the home page.

use kanava::model::lifecycle::Stage;

use crate::harness::{Run, TestSite};

/// Every output file whose text contains `needle`.
fn files_containing(site: &TestSite, needle: &str) -> Vec<String> {
    site.listing()
        .into_iter()
        .filter(|f| {
            std::fs::read_to_string(site.out_dir().join(f))
                .unwrap_or_default()
                .contains(needle)
        })
        .collect()
}

/// A failed build wrote nothing, and no diagnostic came from a template.
fn refused(site: &TestSite, run: &Run) {
    assert!(!run.ok(), "expected errors, got:\n{}", run.short());
    assert!(!run.outcome.wrote, "a failed build wrote output");
    assert!(!site.out_dir().exists(), "a failed build left output");
    assert!(
        !run.codes().contains(&"template"),
        "reported inside a template:\n{}",
        run.short()
    );
}

// ---- axis-named-tags ---------------------------------------------------------------------

/// The reproducer: an axis named `tags` was accepted, and `tags: [internal]` on a page was
/// read as the page's tags, so the page went to every audience. Now the axis is refused at
/// its name in kanava.yaml, and nothing is published.
#[test]
fn axis_named_tags_is_refused() {
    let site = TestSite::fixture("axis-named-tags");
    let run = site.build();
    refused(&site, &run);
    let d = run.expect_error("reserved-axis-name", "kanava.yaml", 5);
    assert_eq!(d.pos.map(|p| p.column), Some(5), "{}", run.short());
    assert!(
        d.message.contains("`tags`") && d.message.contains("front-matter key"),
        "{}",
        d.message
    );
    // One error: the audiences naming the refused axis are not reported again.
    assert_eq!(run.codes(), ["reserved-axis-name"], "{}", run.short());
}

/// The variant: axes named `tags` and `description`, both refused in one run.
#[test]
fn axis_named_description_is_refused() {
    let site = TestSite::fixture("axis-named-tags/description-variant");
    let run = site.build();
    refused(&site, &run);
    run.expect_error("reserved-axis-name", "kanava.yaml", 5);
    run.expect_error("reserved-axis-name", "kanava.yaml", 6);
}

/// Every reserved name — each key a reader matches before axis names (front matter,
/// `::: only` dates, product fields, category and audience keys) — is refused as an axis,
/// at its name. The list comes from the readers' own constants, so this covers a key added
/// to them later.
#[test]
fn every_reserved_name_is_refused_as_an_axis() {
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in kanava::model::audience::reserved_names() {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    for must in [
        "title", "tags", "status", "from", "until", "sku", "prices", "all",
    ] {
        assert!(names.contains(&must), "`{must}` is not reserved: {names:?}");
    }
    for name in names {
        let site = TestSite::with_config(&format!(
            "title: T\naudience:\n  axes:\n    {name}: {{ values: [a, b] }}\n  audiences:\n    x: {{ {name}: [a] }}\n"
        ));
        let run = site.check();
        let d = run.expect_error("reserved-axis-name", "kanava.yaml", 4);
        assert_eq!(
            d.pos.map(|p| p.column),
            Some(5),
            "`{name}`: {}",
            run.short()
        );
        assert!(
            d.message.contains(&format!("`{name}`")),
            "`{name}`: {}",
            d.message
        );
    }
}

// ---- csv-duplicate-column-widens ---------------------------------------------------------

/// The reproducer: `tier` twice in the header (`gold`, then `public`); the last cell won and
/// a gold-only product went public. Now the second column is an error at its header cell.
#[test]
fn csv_duplicate_column_is_an_error_at_the_header() {
    let site = TestSite::fixture("csv-duplicate-column-widens");
    let run = site.build();
    refused(&site, &run);
    // sku;name;category;tier;prices.list;prices.gold;tier — the second `tier` at column 48.
    let d = run.expect_error("duplicate-column", "data/erp.csv", 1);
    assert_eq!(d.pos.map(|p| p.column), Some(48), "{}", run.short());
    assert!(
        d.message.contains("`tier`") && d.message.contains("column 4"),
        "{}",
        d.message
    );
}

// ---- csv-empty-silently-drops-products ---------------------------------------------------

/// The reproducer: a 0-byte `data/erp.csv` (a failed ERP export) dropped its products from
/// every catalog without a word. It is an error at the file.
#[test]
fn empty_data_file_is_an_error() {
    let site = TestSite::fixture("csv-empty-silently-drops-products");
    let run = site.build();
    refused(&site, &run);
    let d = run
        .diagnostics()
        .iter()
        .find(|d| d.code == "no-products")
        .unwrap_or_else(|| panic!("no `no-products`:\n{}", run.short()));
    assert_eq!(d.file.as_deref(), Some("data/erp.csv"));
    assert_eq!(run.codes(), ["no-products"], "{}", run.short());
}

/// A header row and no products, and a YAML file with no products, are errors too; with
/// products the fixture builds.
#[test]
fn data_files_without_products_are_errors() {
    let site = TestSite::fixture("csv-empty-silently-drops-products");
    site.write("data/erp.csv", "sku;name;category\n");
    site.check().expect_error("no-products", "data/erp.csv", 1);
    site.write("data/erp.csv", "sku;name;category\nHP-2;Pump two;pumps\n");
    site.write("data/products/empty.yaml", "# nothing yet\n");
    let run = site.check();
    assert_eq!(run.codes(), ["no-products"], "{}", run.short());
    site.write("data/products/empty.yaml", "[]\n");
    site.check()
        .expect_error("no-products", "data/products/empty.yaml", 1);
    std::fs::remove_file(site.root().join("data/products/empty.yaml")).expect("remove");
    site.build().assert_clean();
    site.assert_file_contains("gold/catalog/pumps/hp-2/index.html", "Pump two");
}

// ---- template-error-public-product -------------------------------------------------------

/// The reproducer: a `tier: public` product in a category that gets the axis default
/// `registered`. `public` saw the product but not its category, and the built-in product
/// template failed with "undefined value". Now the data is blamed, before rendering.
#[test]
fn public_product_in_a_hidden_category_is_reported_at_the_data() {
    let site = TestSite::fixture("template-error-public-product");
    let run = site.build();
    refused(&site, &run);
    let d = run.expect_error("product-outside-category", "data/products.yaml", 4);
    assert_eq!(d.pos.map(|p| p.column), Some(3), "{}", run.short());
    for part in ["`HP-1`", "`public`", "`pumps`", "the axis default"] {
        assert!(d.message.contains(part), "{part}: {}", d.message);
    }
    assert_eq!(run.codes(), ["product-outside-category"], "{}", run.short());
    // The fix the help names: the category admits public too.
    site.write(
        "kanava.yaml",
        &std::fs::read_to_string(site.root().join("kanava.yaml"))
            .expect("read")
            .replace(
                "pumps: { title: Pumps }",
                "pumps: { title: Pumps, tier: public }",
            ),
    );
    site.build().assert_clean();
    site.assert_file_contains("public/catalog/pumps/hp-1/index.html", "Pump one");
}

// ---- YAML aliases in catalog data --------------------------------------------------------

/// Aliases give the anchored values: numbers as written at the anchor (`4.80`, not `*scop`),
/// an aliased price, an aliased mapping of specs, an aliased description.
#[test]
fn yaml_aliases_in_catalog_data_give_their_values() {
    let site = TestSite::fixture("yaml-aliases-in-catalog");
    site.build().assert_clean();
    let two = site.read("catalog/pumps/hp-2/index.html");
    assert!(two.contains("4.80"), "{two}");
    assert!(two.contains("1,234.50"), "{two}");
    assert!(two.contains("<strong>quiet</strong>"), "{two}");
    let three = site.read("catalog/pumps/hp-3/index.html");
    for value in ["4.80", "12 kW", "98"] {
        assert!(three.contains(value), "{value}: {three}");
    }
    for alias in ["*scop", "*price", "*common", "*text"] {
        assert_eq!(
            files_containing(&site, alias),
            Vec::<String>::new(),
            "{alias}"
        );
    }
}

// ---- the price axis ----------------------------------------------------------------------

const TWO_ORDERED_AXES: &str = "title: T
audience:
  axes:
    tier: { values: [public, silver, gold], ordered: true }
    level: { values: [basic, expert], ordered: true }
    role: { values: [sales, technical] }
  audiences:
    public: { tier: public, level: basic }
    gold: { tier: gold, level: basic }
    expert: { tier: public, level: expert }
catalog:
  files: [data/products.yaml]
  currency: EUR
  categories:
    pumps: { title: Pumps }
";

fn priced_site(config: &str) -> TestSite {
    let site = TestSite::with_config(config);
    site.write(
        "data/products.yaml",
        "- sku: HP-1\n  name: Pump\n  category: pumps\n  prices: { list: 100, gold: 80.01, expert: 70.02 }\n",
    );
    site
}

/// With two ordered axes, which one names tier prices must be said (it used to be whichever
/// came first); one error, at the catalog, not one per price.
#[test]
fn two_ordered_axes_need_a_price_axis() {
    let site = priced_site(TWO_ORDERED_AXES);
    let run = site.check();
    let d = run.expect_error("price-axis-required", "kanava.yaml", 12);
    assert!(
        d.message.contains("`tier`") && d.message.contains("`level`"),
        "{}",
        d.message
    );
    assert_eq!(run.codes(), ["price-axis-required"], "{}", run.short());
}

#[test]
fn price_axis_names_the_tier_axis() {
    let site = priced_site(&TWO_ORDERED_AXES.replace(
        "  currency: EUR\n",
        "  currency: EUR\n  price_axis: level\n",
    ));
    // `gold` is not a value of `level`: its price is refused, `expert`'s is read.
    let run = site.check();
    run.expect_error("unknown-axis-value", "data/products.yaml", 4);
    assert_eq!(run.codes(), ["unknown-axis-value"], "{}", run.short());
    site.write(
        "data/products.yaml",
        "- sku: HP-1\n  name: Pump\n  category: pumps\n  prices: { list: 100, expert: 70.02 }\n",
    );
    site.build().assert_clean();
    site.assert_file_contains("expert/catalog/pumps/hp-1/index.html", "70.02");
    assert!(
        !site
            .read("gold/catalog/pumps/hp-1/index.html")
            .contains("70.02")
    );
}

#[test]
fn price_axis_must_be_an_ordered_axis() {
    for (value, code) in [("role", "price-axis-unordered"), ("teir", "unknown-axis")] {
        let site = priced_site(&TWO_ORDERED_AXES.replace(
            "  currency: EUR\n",
            &format!("  currency: EUR\n  price_axis: {value}\n"),
        ));
        let run = site.check();
        let d = run.expect_error(code, "kanava.yaml", 14);
        assert_eq!(d.pos.map(|p| p.column), Some(15), "{}", run.short());
        assert_eq!(run.codes(), [code], "{}", run.short());
    }
}

/// `list` is the list price's key, so no tier may be called that.
#[test]
fn no_tier_is_called_list() {
    let site = priced_site(
        &TWO_ORDERED_AXES
            .replace("[public, silver, gold]", "[public, list, gold]")
            .replace("  currency: EUR\n", "  currency: EUR\n  price_axis: tier\n"),
    );
    let run = site.check();
    run.expect_error("reserved-tier-name", "kanava.yaml", 14);
    assert_eq!(run.codes(), ["reserved-tier-name"], "{}", run.short());
}

// ---- no clock in production output -------------------------------------------------------

/// The price list printed the build clock ("As of …") in production, so two builds of the
/// same input differed. Production output now holds no moment at all; staging's ribbon still
/// says which moment it previews.
#[test]
fn production_output_holds_no_build_moment() {
    let site = priced_site(
        &TWO_ORDERED_AXES.replace("  currency: EUR\n", "  currency: EUR\n  price_axis: tier\n"),
    );
    site.write(
        "data/products.yaml",
        "- sku: HP-1\n  name: Pump\n  category: pumps\n  tier: public\n  prices: { list: 100, gold: 80.01 }\n",
    );
    site.write(
        "kanava.yaml",
        &std::fs::read_to_string(site.root().join("kanava.yaml"))
            .expect("read")
            .replace(
                "pumps: { title: Pumps }",
                "pumps: { title: Pumps, tier: public }",
            )
            .replace("currency: EUR", "currency: EUR\n  public_prices: list"),
    );
    site.build_stage(Stage::Production, "2031-05-17")
        .assert_clean();
    let list = site.read("gold/catalog/price-list/index.html");
    assert!(!list.contains("As of"), "{list}");
    assert!(list.contains("80.01"), "{list}");
    for moment in ["2031", "17 May"] {
        assert_eq!(
            files_containing(&site, moment),
            Vec::<String>::new(),
            "{moment}"
        );
    }
    site.build_stage(Stage::Staging, "2031-05-17")
        .assert_clean();
    site.assert_file_contains("gold/catalog/price-list/index.html", "17 May 2031");
}

// ---- restrictions on the home page -------------------------------------------------------

const HOME_CONFIG: &str = "title: T
audience:
  axes:
    tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
    role: { values: [sales, technical] }
  audiences:
    public: { tier: public }
    registered: { tier: registered, role: [sales] }
    gold: { tier: gold, role: [sales, technical] }
    staff: { all: true }
";

/// Public content must say `tier: public`, and the home page may too: a restriction that
/// admits every audience is accepted. It does not cascade: an unmarked page below still
/// gets the axis default.
#[test]
fn home_page_may_say_tier_public() {
    let site = TestSite::with_config(HOME_CONFIG);
    site.page(
        "content/_index.md",
        "title: Home\ntier: public",
        "Welcome KXHOME.\n",
    )
    .page("content/unmarked.md", "title: Unmarked", "KXUNMARKED\n");
    site.build().assert_clean();
    for audience in ["public", "registered", "gold", "staff"] {
        site.assert_file_contains(&format!("{audience}/index.html"), "KXHOME");
    }
    assert!(!site.exists("public/unmarked/index.html"));
    site.assert_file_contains("registered/unmarked/index.html", "KXUNMARKED");
}

/// A home restriction that excludes audiences is an error naming them, at its key.
#[test]
fn home_page_restriction_that_excludes_is_an_error_naming_them() {
    let site = TestSite::with_config(HOME_CONFIG);
    site.page(
        "content/_index.md",
        "title: Home\ntier: silver\nrole: [sales]",
        "Hi.\n",
    );
    let run = site.check();
    let tier = run.expect_error("restricted-home", "content/_index.md", 3);
    assert!(
        tier.message.contains("`public`, `registered`") && !tier.message.contains("`gold`"),
        "{}",
        tier.message
    );
    // `public` names no role, so it satisfies no role restriction.
    let role = run.expect_error("restricted-home", "content/_index.md", 4);
    assert!(
        role.message.contains("`public`") && !role.message.contains("`registered`"),
        "{}",
        role.message
    );
}
