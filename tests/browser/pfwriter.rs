//! Issue 17's behavioural test: pagefind's own `pagefind.js` and WebAssembly, in Chromium,
//! answer a set of queries the same on the index kanava writes as on the index pagefind's
//! library writes for the same records (gold's view of the demo): the same results in the
//! same order, with the same scores, excerpts, sub-results and filter counts. The files
//! already decode identically (the differential tests); this proves it where readers are.

use std::path::Path;

use crate::*;

/// Queries covering stems, prefixes, diacritics, SKUs, several words, filters and a miss.
const QUERIES: &[&str] = &[
    "warranty",
    "heat pump",
    "install",
    "HP-12",
    "lämpöpumppu",
    "delivery time",
    "price",
    "refrigerant R290",
    "quiz",
    "zzznothing",
];

pub fn same_results_on_both_indexes(chromium: PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut diags = Vec::new();
    let loaded = kanava::load_site(site, Default::default(), Some("2026-11-28"), &mut diags)
        .expect("the demo loads");
    let model = loaded.site.expect("the demo's model");
    let view = kanava::plan::View {
        language: 0,
        audience: model.audiences.audience_id("gold").expect("gold"),
        stage: Default::default(),
        at: loaded.at,
    };
    let records = kanava::post::search::records(&kanava::plan::make(&model, view));
    let lang = model.config.language.to_ascii_lowercase();
    let ours = kanava::post::search::writer::index(&records, &lang).expect("kanava's writer");
    let theirs = kanava::post::search::library_index(&records, &lang).expect("pagefind");
    for (folder, files) in [("ours", &ours), ("theirs", &theirs)] {
        for (name, bytes) in files.iter() {
            let path = dir.path().join(folder).join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, bytes).expect("write");
        }
    }
    write(
        dir.path(),
        "index.html",
        "<!doctype html><html lang=\"en\"><body></body></html>",
    );
    let base = serve(dir.path());
    let chrome = launch(chromium);
    let tab = chrome.browser.new_tab().expect("tab");
    tab.navigate_to(&base).expect("navigate");
    tab.wait_until_navigated().expect("loaded");
    let run = |folder: &str| -> serde_json::Value {
        let js = format!(
            "(async () => {{
              const pf = await import('/{folder}/pagefind.js');
              await pf.options({{ basePath: '/{folder}/' }});
              const out = [];
              for (const q of {queries}) {{
                const r = await pf.search(q);
                const data = await Promise.all(r.results.map(x => x.data()));
                out.push({{ q, filters: r.filters, results: r.results.map((x, i) => ({{
                  score: x.score, words: x.words, url: data[i].url, excerpt: data[i].excerpt,
                  title: data[i].meta.title, sub: data[i].sub_results.map(s => [s.url, s.title, s.excerpt]) }})) }});
              }}
              return JSON.stringify(out);
            }})()",
            queries = serde_json::to_string(QUERIES).expect("JSON")
        );
        let text = tab
            .evaluate(&js, true)
            .expect("search ran")
            .value
            .and_then(|v| v.as_str().map(str::to_owned))
            .expect("results as JSON");
        serde_json::from_str(&text).expect("JSON results")
    };
    let (a, b) = (run("ours"), run("theirs"));
    let hits: usize = a
        .as_array()
        .expect("a list")
        .iter()
        .map(|q| q["results"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(hits > 20, "the queries should find things: {a}");
    for (x, y) in a.as_array().unwrap().iter().zip(b.as_array().unwrap()) {
        assert_eq!(x, y, "query {}", x["q"]);
    }
}
