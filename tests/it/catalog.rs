//! The product catalog (issue #6): YAML and CSV data, product/category/catalog pages,
//! `sku:` links, per-tier prices (each audience sees the list price and its own tier's
//! only, in every file), and bad data reported all at once.

use std::collections::BTreeSet;

use crate::harness::TestSite;

const CONFIG: &str = "title: Catalog test
audience:
  axes:
    tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
    role: { values: [sales, technical] }
  audiences:
    public: { tier: public }
    registered: { tier: registered }
    silver: { tier: silver, role: [sales] }
    gold: { tier: gold, role: [sales, technical] }
    staff: { all: true }
catalog:
  title: Product catalog
  files: [data/*.yaml, data/erp.csv]
  currency: EUR
  categories:
    pumps: { title: Heat pumps, description: Air-to-water units. }
    parts: { title: Spare parts, role: [technical] }
";

pub(crate) fn catalog_site() -> TestSite {
    let site = TestSite::with_config(CONFIG);
    site.write(
        "data/pumps.yaml",
        "- sku: HP-12
  name: Ilma HP-12
  category: pumps
  summary: The 12 kW unit.
  description: |
    Replaces an oil boiler. See [delivery](../content/delivery.md).
  status: active
  datasheet: ../content/files/hp-12.pdf
  specs:
    Output: 12.1 kW
    SCOP: 4.80
  prices: { list: 999.99, silver: 927.31, gold: 913.57 }
- sku: HP-8
  name: Ilma HP-8
  category: pumps
  status: new
  specs:
    Output: 8 kW
    Weight: 98 kg
  prices: { list: 750, gold: 700.01 }
- sku: HP-7
  name: Ilma HP-7
  category: pumps
  status: eol
  replaced_by: HP-8
  prices: { list: 650 }
- sku: BND-1
  name: Gold bundle
  category: pumps
  tier: gold
  prices: { list: 1500, gold: 1377.77 }
",
    )
    .write(
        "data/erp.csv",
        "\u{feff}sku;name;category;summary;role;prices.list;prices.gold;specs.Weight\nSP-1;\"Fan; outdoor\";parts;\"Fan motor; 230 V\";technical;1 234,50;1 111,11;2 kg\n",
    )
    .write_bytes("content/files/hp-12.pdf", &crate::harness::pdf("datasheet", 2))
    .page("content/delivery.md", "title: Delivery", "Ships in 3 days. The [](sku:HP-12) and [the small one](sku:hp-8).\n");
    site
}

fn audiences_containing(site: &TestSite, needle: &str) -> BTreeSet<String> {
    site.listing()
        .into_iter()
        .filter(|f| {
            std::fs::read_to_string(site.out_dir().join(f))
                .unwrap_or_default()
                .contains(needle)
        })
        .map(|f| f.split('/').next().unwrap_or("").to_owned())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn pages_from_yaml_and_csv() {
    let site = catalog_site();
    site.build().assert_clean();
    site.assert_file_contains("gold/catalog/pumps/hp-12/index.html", "Ilma HP-12");
    site.assert_file_contains(
        "gold/catalog/pumps/hp-12/index.html",
        "Replaces an oil boiler",
    );
    site.assert_file_contains(
        "gold/catalog/pumps/hp-12/index.html",
        "../../../files/hp-12.pdf",
    );
    assert!(
        site.exists("gold/files/hp-12.pdf"),
        "the datasheet follows the product"
    );
    assert!(
        !site.exists("public/files/hp-12.pdf"),
        "public sees no products, so no datasheet"
    );
    // CSV: BOM, `;`, quoted `;`, comma decimals and a thousands space.
    site.assert_file_contains("gold/catalog/parts/sp-1/index.html", "Fan; outdoor");
    site.assert_file_contains(
        "gold/catalog/price-list.csv",
        "SP-1,Fan; outdoor,Spare parts,1234.50,1111.11,EUR,Available",
    );
    // The comparison table has every spec of the category, first-seen in display order:
    // HP-8 (Output, Weight) comes before HP-12 (Output, SCOP).
    let category = site.read("gold/catalog/pumps/index.html");
    let (output, weight, scop) = (
        category.find("Output"),
        category.find("Weight"),
        category.find("SCOP"),
    );
    assert!(
        output.is_some() && output < weight && weight < scop,
        "{category}"
    );
    // Natural order: HP-7, HP-8 before HP-12 ("Ilma HP-…" titles).
    let list = site.read("gold/catalog/index.html");
    let (p7, p8, p12) = (list.find("HP-7"), list.find("HP-8"), list.find("HP-12"));
    assert!(p7 < p8 && p8 < p12, "natural order");
    // EOL links its replacement.
    site.assert_file_contains("gold/catalog/pumps/hp-7/index.html", "hp-8/");
    // sku: links show the product's name when the text is empty.
    let delivery = site.read("registered/delivery/index.html");
    assert!(
        delivery.contains(">Ilma HP-12</a>")
            && delivery.contains("href=\"../catalog/pumps/hp-12/\""),
        "{delivery}"
    );
    assert!(delivery.contains(">the small one</a>"), "{delivery}");
}

/// The price canary: every tier's price reaches its own tier's audiences and staff (who
/// review every price, issue #12), and no other audience, in any file.
#[test]
fn each_audience_sees_the_list_price_and_its_own_tier_only() {
    let site = catalog_site();
    site.build().assert_clean();
    // Amounts under 1,000 so every format contains the same digits.
    assert_eq!(
        audiences_containing(&site, "913.57"),
        set(&["gold", "staff"]),
        "gold's price"
    );
    assert_eq!(
        audiences_containing(&site, "700.01"),
        set(&["gold", "staff"]),
        "gold's price"
    );
    assert_eq!(
        audiences_containing(&site, "927.31"),
        set(&["silver", "staff"]),
        "silver's price"
    );
    assert_eq!(
        audiences_containing(&site, "999.99"),
        set(&["registered", "silver", "gold", "staff"]),
        "the list price"
    );
    assert_eq!(
        audiences_containing(&site, "1377.77"),
        set(&["gold", "staff"]),
        "gold bundle, CSV"
    );
    assert_eq!(
        audiences_containing(&site, "1,377.77"),
        set(&["gold", "staff"]),
        "gold bundle, HTML"
    );
    assert_eq!(
        audiences_containing(&site, "Gold bundle"),
        set(&["gold", "staff"]),
        "a gold-only product"
    );
    assert!(
        !site.exists("public/catalog/index.html"),
        "public sees no product, so no catalog"
    );
    assert!(
        !site.exists("registered/catalog/parts/index.html"),
        "parts are technical-only"
    );
    assert!(
        site.exists("silver/catalog/price-list.csv")
            && !site.exists("public/catalog/price-list.csv")
    );
    // Registered sees list prices but no tier price: no empty "your price" column.
    assert!(
        site.read("registered/catalog/price-list.csv")
            .starts_with("SKU,Name,Category,List price,Currency,Status\n")
    );
}

/// Staff (`all: true`) review every tier's price, as docs/catalog-format.md says (issue #12):
/// a column per priced tier in the price list and its CSV, every price on product pages.
#[test]
fn staff_see_every_tier_price() {
    let site = catalog_site();
    site.build().assert_clean();
    let csv = site.read("staff/catalog/price-list.csv");
    assert!(
        csv.starts_with(
            "SKU,Name,Category,List price,Price (silver),Price (gold),Currency,Status\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("HP-12,Ilma HP-12,Heat pumps,999.99,927.31,913.57,EUR,Available\n"),
        "{csv}"
    );
    // HP-8 has no silver price: an empty cell, not another tier's.
    assert!(
        csv.contains("HP-8,Ilma HP-8,Heat pumps,750.00,,700.01,EUR,New\n"),
        "{csv}"
    );
    let list = site.read("staff/catalog/price-list/index.html");
    assert!(
        list.contains("Price (silver)") && list.contains("Price (gold)"),
        "{list}"
    );
    let product = site.read("staff/catalog/pumps/hp-12/index.html");
    for price in ["999.99", "927.31", "913.57"] {
        assert!(product.contains(price), "{price} missing:\n{product}");
    }
    // Nobody else gets tier columns.
    assert!(
        !site
            .read("gold/catalog/price-list.csv")
            .contains("Price (silver)")
    );
}

#[test]
fn public_prices_can_show_list_prices() {
    let config = CONFIG
        .replace(
            "  currency: EUR\n",
            "  currency: EUR\n  public_prices: list\n",
        )
        .replace(
            "    pumps: { title: Heat pumps, description: Air-to-water units. }",
            "    pumps: { title: Heat pumps, tier: public }",
        );
    let site = catalog_site();
    site.write("kanava.yaml", &config);
    // HP-12's description links the delivery page: public must see it too now.
    site.page(
        "content/delivery.md",
        "title: Delivery\ntier: public",
        "Ships in 3 days.\n",
    );
    site.build().assert_clean();
    assert!(audiences_containing(&site, "999.99").contains("public"));
    assert!(!audiences_containing(&site, "927.31").contains("public"));
}

#[test]
fn amounts_follow_the_site_language() {
    let site = catalog_site();
    site.write("kanava.yaml", &format!("language: fi\n{CONFIG}"));
    site.build().assert_clean();
    site.assert_file_contains("gold/catalog/pumps/hp-12/index.html", "999,99\u{a0}€");
    site.assert_file_contains("gold/catalog/parts/sp-1/index.html", "1\u{a0}234,50\u{a0}€");
}

#[test]
fn sku_link_errors() {
    let site = catalog_site();
    site.page(
        "content/bad.md",
        "title: Bad",
        "[x](sku:HP-13) and [gold](sku:BND-1)\n",
    );
    let run = site.check();
    let d = run.expect_error("unknown-product", "content/bad.md", 4);
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `HP-12`"),
        "{d:?}"
    );
    let d = run.expect_error("hidden-link-target", "content/bad.md", 4);
    assert!(
        d.message.contains("`registered`") && d.message.contains("`silver`"),
        "{}",
        d.message
    );
}

#[test]
fn bad_catalog_data_is_reported_in_one_run() {
    let site = TestSite::with_config(CONFIG);
    site.write(
        "data/a.yaml",
        "- sku: A-1
  name: First
  category: pumps
- sku: A-1
  name: Again
  category: pumps
- sku: A-2
  category: pumps
- sku: A-3
  name: Bad price
  category: pumps
  prices: { list: 12.345, platinum: 5 }
- sku: A-4
  name: Unknown category
  category: pums
- sku: A-5
  name: Status
  category: pumps
  status: discontinued
  tier: glod
- sku: A-6
  name: Replaced by nothing
  category: pumps
  replaced_by: A-99
- sku: A-7
  name: Cycle one
  category: pumps
  replaced_by: A-8
- sku: A-8
  name: Cycle two
  category: pumps
  replaced_by: A-7
- sku: A-9
  name: Missing datasheet
  category: pumps
  datasheet: ../content/nope.pdf
- sku: A-10
  name: Escaping datasheet
  category: pumps
  datasheet: ../../etc/passwd
- sku: A-11
  name: Wider than its category
  category: parts
  role: [sales, technical]
",
    )
    .write(
        "data/erp.csv",
        "sku,name,category\nA-1,Duplicate in CSV,pumps\nB-1,Too,many,fields\n",
    );
    let run = site.check();
    run.expect_error("duplicate-sku", "data/a.yaml", 4);
    run.expect_error("duplicate-sku", "data/erp.csv", 2);
    run.expect_error("missing-field", "data/a.yaml", 7);
    run.expect_error("bad-price", "data/a.yaml", 12);
    run.expect_error("unknown-axis-value", "data/a.yaml", 12);
    run.expect_error("unknown-category", "data/a.yaml", 15);
    run.expect_error("unknown-status", "data/a.yaml", 19);
    run.expect_error("unknown-axis-value", "data/a.yaml", 20);
    run.expect_error("unknown-product", "data/a.yaml", 24);
    run.expect_error("replacement-cycle", "data/a.yaml", 25);
    run.expect_error("broken-link", "data/a.yaml", 36);
    run.expect_error("outside-root", "data/a.yaml", 40);
    run.expect_error("bad-csv", "data/erp.csv", 3);
    let d = run.expect_error("widened-restriction", "data/a.yaml", 44);
    assert!(d.message.contains("its category `parts`"), "{}", d.message);
    insta::assert_snapshot!("bad_catalog_data", run.short());
}

/// Issue #13: catalog.js is loaded only where it works: the catalog (quick-find and filters)
/// and the price list (its Print button).
#[test]
fn only_the_catalog_and_price_list_load_catalog_js() {
    let site = catalog_site();
    site.build().assert_clean();
    let loading: BTreeSet<String> = site
        .listing()
        .into_iter()
        .filter(|f| f.starts_with("gold/") && f.ends_with(".html"))
        .filter(|f| site.read(f).contains("_kanava/catalog.js"))
        .collect();
    assert_eq!(
        loading,
        set(&[
            "gold/catalog/index.html",
            "gold/catalog/price-list/index.html"
        ])
    );
}
