//! Learning paths (issue #15): a page with a `path:` block lists steps — pages, products,
//! materials — in stages; every audience that sees a path must see all its steps; the
//! reader's progress, quizzes and certificate live in the browser (tests/browser/paths.rs).

use crate::harness::{TestSite, pdf};

const CONFIG: &str = "title: Paths
base_url: https://partners.example.com/
audience:
  axes:
    tier: { values: [public, silver], ordered: true, default: silver }
    role: { values: [sales, technical] }
  audiences:
    sales: { tier: silver, role: [sales] }
    tech: { tier: silver, role: [technical] }
catalog:
  files: [data/products.yaml]
  categories:
    units: { title: Units }
";

fn path_site() -> TestSite {
    let site = TestSite::with_config(CONFIG);
    site.write(
        "data/products.yaml",
        "- sku: HP-12\n  name: Ilma 12\n  category: units\n",
    )
    .page(
        "content/welcome.md",
        "title: Welcome\nduration: 5m",
        "Welcome to the program.\n",
    )
    .page(
        "content/ordering.md",
        "title: Ordering",
        &"word ".repeat(450),
    )
    .page(
        "content/learn/quiz.md",
        "title: Ordering quiz\nquiz:\n  - question: When is the cut-off?\n    options: [\"12:00\", \"14:00\"]\n    answer: 2\n    explain: Orders by 14:00 ship today.\n  - question: Which are heat pumps?\n    options: [HP-12, WT-200, GS-8]\n    answer: [1, 3]\npass: 50%",
        "Check yourself.\n",
    )
    .page(
        "content/learn/sales.md",
        "title: Sales onboarding\ndescription: The basics.\npath:\n  stages:\n    - title: Start\n      steps: [../welcome.md, ../ordering.md]\n    - title: Sell\n      steps: [sku:HP-12, ../files/brochure.pdf, quiz.md]\n  badge: Certified seller",
        "Why this path.\n",
    )
    .page(
        "content/learn/tech.md",
        "title: Technical certification\nrole: [technical]\npath:\n  steps: [../welcome.md]\n  requires: [sales.md]\n  badge: Certified installer",
        "For installers.\n",
    )
    .write_bytes("content/files/brochure.pdf", &pdf("brochure", 3))
    .write(
        "content/files/brochure.pdf.yaml",
        "title: Brochure\nkind: brochure\n",
    );
    site
}

/// A path page lists its stages and steps with their minutes (a `duration:`, else words at
/// 200 a minute, a PDF at 2 minutes a page) and the total; each step page says where it
/// is in the path and leads to the path's next step; the index lists role paths first.
#[test]
fn a_path_lists_its_steps_and_its_steps_lead_through_it() {
    let site = path_site();
    site.build().assert_clean();
    let path = site.read("sales/learn/sales/index.html");
    let steps: Vec<&str> = path
        .split("<li class=\"path-step-item\" data-step=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(
        steps,
        [
            "welcome/",
            "ordering/",
            "catalog/units/hp-12/",
            "files/brochure.pdf",
            "learn/quiz/"
        ]
    );
    // 5 (duration) + 3 (450 words) + 1 + 6 (3 PDF pages) + 1 = 16 minutes.
    assert!(
        path.contains("<span>5 steps</span> · <span>about 16 min</span>"),
        "{path}"
    );
    assert!(path.contains(">5 min</span>") || path.contains("5 min</span>"));
    assert!(path.contains("Earns: Certified seller"));
    assert!(path.contains("<h2 class=\"path-stage-title\">Sell</h2>"));
    assert!(path.contains("data-has-quiz"));

    let ordering = site.read("sales/ordering/index.html");
    assert!(
        ordering.contains("Step 2 of 5</span> · <a href=\"../learn/sales/\">Sales onboarding</a>"),
        "{ordering}"
    );
    assert!(
        ordering.contains(
            "href=\"../catalog/units/hp-12/?path=learn%2Fsales%2F\" rel=\"next\">Ilma 12 →</a>"
        ),
        "{ordering}"
    );
    assert!(ordering.contains("href=\"../welcome/?path=learn%2Fsales%2F\" rel=\"prev\""));
    // Two paths: both memberships are in the page (the browser keeps one).
    let welcome = site.read("tech/welcome/index.html");
    assert_eq!(welcome.matches("data-path-where").count(), 2, "{welcome}");
    assert_eq!(
        site.read("sales/welcome/index.html")
            .matches("data-path-where")
            .count(),
        1
    );

    let quiz = site.read("sales/learn/quiz/index.html");
    assert!(quiz.contains("data-quiz data-pass=\"50\""), "{quiz}");
    assert!(quiz.contains("data-answers=\"1 3\""));
    assert!(quiz.contains("type=\"checkbox\" name=\"q2\" value=\"3\""));

    // The index: the technical (role) path first, then the general one.
    let index = site.read("tech/paths/index.html");
    let tech = index.find("Technical certification").unwrap();
    let sales = index.find("Sales onboarding").unwrap();
    assert!(tech < sales, "{index}");
    assert!(site.exists("tech/paths/certificate/index.html"));
    assert!(
        !site
            .read("sales/paths/index.html")
            .contains("Technical certification")
    );
}

/// Every audience that sees a path must see all its steps and the paths it requires: one
/// error per step, naming the audiences and why the step is not theirs.
#[test]
fn a_path_whose_step_an_audience_lacks_is_an_error() {
    let site = path_site();
    site.page(
        "content/tech/install.md",
        "title: Install\nrole: [technical]",
        "Install.\n",
    )
    .page(
        "content/learn/sales.md",
        "title: Sales onboarding\npath:\n  steps: [../welcome.md, ../tech/install.md]",
        "x\n",
    )
    .page(
        "content/learn/tech.md",
        "title: Tech\npath:\n  steps: [../welcome.md]\n  requires: [secret.md]",
        "x\n",
    )
    .page(
        "content/learn/secret.md",
        "title: Secret\nrole: [technical]\npath:\n  steps: [../welcome.md]",
        "x\n",
    );
    let run = site.build();
    let step = run.expect_error("hidden-path-step", "content/learn/sales.md", 4);
    assert!(
        step.message.starts_with("audience `sales` sees this path, but not its step `../tech/install.md`: `content/tech/install.md` is restricted to")
            && step.message.contains("role technical"),
        "{}",
        step.message
    );
    assert_eq!(step.len, "../tech/install.md".len() as u32);
    let required = run.expect_error("hidden-path-step", "content/learn/tech.md", 5);
    assert!(
        required
            .message
            .contains("but not its required path `content/learn/secret.md`"),
        "{}",
        required.message
    );
    assert_eq!(run.outcome.errors(), 2, "{}", run.short());
}

/// Mistakes in paths and quizzes are reported together, each where it is written.
#[test]
fn path_mistakes_are_reported_together() {
    let site = path_site();
    site.write_bytes("content/files/plain.pdf", &pdf("plain", 1))
        .page(
            "content/learn/broken.md",
            "title: Broken\npath:\n  stages:\n    - title: One\n      steps: [../nowhere.md, ../files/plain.pdf, sku:HP-99]\n  requires: [loop.md, ../welcome.md]\n  badge: B",
            "x\n",
        )
        .page(
            "content/learn/loop.md",
            "title: Loop\npath:\n  steps: [../welcome.md]\n  requires: [broken.md]",
            "x\n",
        )
        .page("content/learn/empty.md", "title: Empty\npath: {}", "x\n")
        .page(
            "content/learn/badquiz.md",
            "title: Bad quiz\nquiz:\n  - question: Q?\n    options: [A, B]\n    answer: 3\n  - question: R?\n    options: [A]\n    answer: 1\npass: 120%\nduration: a while",
            "x\n",
        );
    let run = site.build();
    insta::assert_snapshot!("path_mistakes", run.human());
    for code in [
        "unknown-step",
        "plain-file-step",
        "requires-cycle",
        "requires-not-a-path",
        "empty-path",
        "answer-out-of-range",
        "too-few-options",
        "bad-pass",
        "bad-duration",
    ] {
        assert!(run.codes().contains(&code), "no {code}: {}", run.short());
    }
}

/// A path restricted to technical leaves no trace in sales' output: not its title, its
/// step list, its quiz's text or its search record.
#[test]
fn a_technical_path_leaves_no_trace_for_sales() {
    let site = path_site();
    site.page(
        "content/learn/tech.md",
        "title: Technical PTHQ01Z\ndescription: PTHQ02Z\nrole: [technical]\npath:\n  stages:\n    - title: Stage PTHQ03Z\n      steps: [../welcome.md, tech-quiz.md]\n  badge: Badge PTHQ04Z",
        "Body PTHQ05Z.\n",
    )
    .page(
        "content/learn/tech-quiz.md",
        "title: Tech quiz\nrole: [technical]\nquiz:\n  - question: Question PTHQ06Z?\n    options: [Option PTHQ07Z, Other]\n    answer: 1\n    explain: Explain PTHQ08Z",
        "Quiz.\n",
    );
    site.build().assert_clean();
    let markers: Vec<String> = (1..=8).map(|n| format!("PTHQ0{n}Z")).collect();
    let scan = site.scan_markers(&markers);
    for marker in &markers {
        let got: Vec<&str> = scan.found[marker].iter().map(String::as_str).collect();
        assert_eq!(got, ["tech"], "{marker}");
    }
    if cfg!(feature = "search") {
        assert_eq!(
            scan.in_search["PTHQ01Z"].iter().collect::<Vec<_>>(),
            ["tech"]
        );
    }
    // Sales still has its own path, whose step list names no technical step.
    assert!(
        !site
            .read("sales/learn/sales/index.html")
            .contains("tech-quiz")
    );
}
