//! Same input, same bytes (issue #12): a site with several audiences, tags, code, `only`
//! blocks (some dated), a catalog and a `base_url` is built by two separate processes of
//! the real binary at a fixed `--at`, and every byte of every file must agree.
//!
//! The two processes differ in what must not matter: their hash seeds (every process
//! draws its own), their number of worker threads, and the machine's local time zone.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::TestSite;

const CONFIG: &str = "title: Determinism
base_url: https://partners.example.com/
timezone: Europe/Helsinki
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
  title: Products
  files: [data/*.yaml, data/erp.csv]
  currency: EUR
  public_prices: list
  categories:
    pumps: { title: Heat pumps, description: Air-to-water units. }
    parts: { title: Spare parts, role: [technical] }
";

fn site() -> TestSite {
    let site = TestSite::with_config(CONFIG);
    site.page(
        "content/guides/_index.md",
        "title: Guides\ntier: public\nweight: 2",
        "Start here.\n",
    )
    .page(
        "content/guides/install.md",
        "title: Installing\ntags: [install, heat-pumps]\nupdated: 2026-10-01",
        "## Steps\n\n```rust\nfn main() { println!(\"install\"); }\n```\n\n::: only tier=gold\n## Steps\n\nGold steps with [the datasheet](../files/hp-12.pdf).\n\n```yaml\nrebate: 12\n```\n:::\n\n::: only role=technical from=2026-11-01 until=2026-12-31\nTechnical note[^1].\n\n[^1]: Dated.\n:::\n\n![Unit](img/unit.svg)\n",
    )
    .page(
        "content/guides/service.md",
        "title: Service\ntier: silver\ntags: [service, install]",
        "| Code | Meaning |\n|---|---|\n| E1 | Pressure |\n\n> [!WARNING]\n> Hot.\n\nSee [installing](install.md#steps) and [](sku:HP-12).\n",
    )
    .page(
        "content/news.md",
        "title: News\ntier: public\npublish: 2026-11-20\ntags: [news]",
        "::: only from=2026-12-01\nNot yet.\n:::\nNow.\n",
    )
    .write(
        "content/guides/img/unit.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .write_bytes("content/files/hp-12.pdf", &crate::harness::pdf("datasheet", 2))
    .write(
        "data/pumps.yaml",
        "- sku: HP-12\n  name: Ilma HP-12\n  category: pumps\n  summary: The 12 kW unit.\n  description: |\n    Replaces an oil boiler.\n  datasheet: ../content/files/hp-12.pdf\n  specs:\n    Output: 12.1 kW\n    SCOP: \"4.80\"\n  prices: { list: 999.99, silver: 927.31, gold: 913.57 }\n- sku: HP-8\n  name: Ilma HP-8\n  category: pumps\n  status: new\n  prices: { list: 750, gold: 700.01 }\n",
    )
    .write(
        "data/erp.csv",
        "sku;name;category;role;prices.list;prices.gold;specs.Weight\nSP-1;\"Fan; outdoor\";parts;technical;1 234,50;1 111,11;2 kg\n",
    );
    site
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("under the output")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read output"))
        })
        .collect()
}

#[test]
fn two_processes_build_the_same_bytes() {
    let site = site();
    // Outputs outside the site root: kanava refuses outputs that overlap the sources.
    let outputs = tempfile::tempdir().expect("temp dir");
    let (a, b) = (outputs.path().join("a"), outputs.path().join("b"));
    let spawn = |out: &Path, threads: &str, tz: &str| {
        Command::new(env!("CARGO_BIN_EXE_kanava"))
            .args(["build", "--at", "2026-11-28", "--out"])
            .arg(out)
            .current_dir(site.root())
            .env("NO_COLOR", "1")
            .env("KANAVA_CACHE_DIR", crate::harness::test_cache_dir())
            .env("RAYON_NUM_THREADS", threads)
            .env("TZ", tz)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kanava")
    };
    // Both at once: nothing one process leaves behind can reach the other's output.
    let first = spawn(&a, "1", "UTC");
    let second = spawn(&b, "3", "Pacific/Kiritimati");
    for (name, child) in [("first", first), ("second", second)] {
        let out = child.wait_with_output().expect("wait for kanava");
        assert!(
            out.status.success(),
            "the {name} build failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (a, b) = (tree(&a), tree(&b));
    // The site really has what the test is about, in every audience.
    for audience in ["public", "registered", "silver", "gold", "staff"] {
        let mut files = vec![
            "index.html",
            "sitemap.xml",
            "robots.txt",
            "tags/news/index.html",
        ];
        if audience != "public" {
            files.extend(["tags/install/index.html", "catalog/price-list.csv"]);
        }
        for file in files {
            let path = format!("{audience}/{file}");
            assert!(a.contains_key(&path), "no `{path}` in the output");
        }
        if cfg!(feature = "search") {
            assert!(
                a.keys()
                    .any(|p| p.starts_with(&format!("{audience}/_kanava/search/"))),
                "no search index for `{audience}`"
            );
        }
    }
    assert!(
        a["gold/guides/install/index.html"]
            .windows(6)
            .any(|w| w == b"rebate")
    );
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the two builds wrote different files");
    let differing: Vec<&String> = a.keys().filter(|p| a[*p] != b[*p]).collect();
    assert!(
        differing.is_empty(),
        "{} of {} files differ between the two builds: {differing:?}",
        differing.len(),
        a.len()
    );
}
