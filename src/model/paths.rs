//! Learning paths (issue #15; docs/paths.md): a page whose front matter has a `path:` block
//! lists, in stages, the pages, products and materials to go through, the paths to finish
//! first and the badge earned. Step pages may carry a self-check `quiz:` (with `pass:`) and
//! a `duration:`. This module reads those keys strictly, with positions, and ties steps and
//! prerequisites to what they name; which views show a path, and that every step it shows
//! is there too, is decided in `plan` and checked in `check::paths`.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::markdown::{LinkResolver, LinkTarget, Resolved};
use crate::model::frontmatter::Learning;
use crate::model::materials::MaterialId;
use crate::model::{Asset, PageId};
use crate::yaml::{Node, Value};

/// Reading speed for a step's estimated duration when it names none.
pub const WORDS_PER_MINUTE: usize = 200;
/// A material step's estimate: minutes per PDF page (other files count one page).
pub const MINUTES_PER_PDF_PAGE: u32 = 2;
/// The pass mark of a quiz that names none, in percent.
pub const DEFAULT_PASS: u8 = 80;

pub type PathId = usize;

/// A learning path: the page that declares it and what it lists.
#[derive(Debug, Clone)]
pub struct LearningPath {
    pub page: PageId,
    pub stages: Vec<PathStage>,
    /// Paths to finish first, by their pages.
    pub requires: Vec<(PageId, Pos)>,
    /// What finishing it earns ("Certified sales partner"): the certificate's title.
    pub badge: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PathStage {
    /// None for a path written as a flat `steps:` list.
    pub title: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub target: StepTarget,
    /// As written (`../ordering/quick-order.md`, `sku:HP-12`).
    pub dest: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepTarget {
    Page(PageId),
    Material(MaterialId),
}

/// A self-check quiz, graded in the reader's browser (docs/paths.md: self-assessment).
#[derive(Debug, Clone)]
pub struct Quiz {
    pub questions: Vec<Question>,
    /// Percent of questions to get right.
    pub pass: u8,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub question: String,
    pub options: Vec<String>,
    /// The right options, 0-based here (written 1-based: "the second option" is `2`).
    pub answers: Vec<usize>,
    pub explain: Option<String>,
}

/// A stage as written: its title (none for a flat `steps:` list) and its step destinations
/// with their positions.
pub type StageSpec = (Option<String>, Vec<(String, Pos)>);

/// A `path:` block as written: stages of step destinations, before they are resolved.
#[derive(Debug, Clone)]
pub struct PathSpec {
    pub stages: Vec<StageSpec>,
    pub requires: Vec<(String, Pos)>,
    pub badge: Option<String>,
    /// Where `path:` is written.
    pub pos: Pos,
}

const PATH_KEYS: &[&str] = &["stages", "steps", "requires", "badge"];
const STAGE_KEYS: &[&str] = &["title", "steps"];
const QUESTION_KEYS: &[&str] = &["question", "options", "answer", "explain"];

/// Reads a page's learning-path keys: its `path:` block (unresolved), its quiz and its
/// duration in minutes.
pub fn read(
    learning: &Learning,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> (Option<PathSpec>, Option<Quiz>, Option<u32>) {
    let r = Reader {
        file,
        offset: learning.line_offset,
    };
    let spec = learning.path.as_ref().and_then(|n| r.path(n, diags));
    let quiz = r.quiz(learning.quiz.as_ref(), learning.pass.as_ref(), diags);
    let duration = learning
        .duration
        .as_ref()
        .and_then(|n| r.duration(n, diags));
    (spec, quiz, duration)
}

struct Reader<'a> {
    file: &'a str,
    offset: u32,
}

impl Reader<'_> {
    fn at(&self, n: &Node) -> Pos {
        Pos::new(n.line + self.offset, n.column)
    }

    fn wrong(&self, key: &str, expected: &str, v: &Node) -> Diagnostic {
        Diagnostic::error(
            "wrong-type",
            format!("`{key}` must be {expected}, found {}", v.value.kind()),
        )
        .at(self.file, self.at(v))
    }

    fn unknown(&self, k: &Node, key: &str, known: &[&str], under: &str) -> Diagnostic {
        Diagnostic::error(
            "unknown-key",
            format!("unknown key `{key}` under `{under}`"),
        )
        .at(self.file, self.at(k))
        .len(key.chars().count())
        .help(suggest_help(key, known, "known keys"))
    }

    fn text(&self, key: &str, v: &Node, diags: &mut Vec<Diagnostic>) -> Option<String> {
        match &v.value {
            Value::Str(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Int(n) => Some(n.to_string()),
            _ => {
                diags.push(self.wrong(key, "text", v));
                None
            }
        }
    }

    /// A list of destinations (`steps:`, `requires:`).
    fn dests(&self, key: &str, v: &Node, diags: &mut Vec<Diagnostic>) -> Vec<(String, Pos)> {
        let Value::Seq(items) = &v.value else {
            diags.push(
                self.wrong(key, "a list", v)
                    .help(format!("write `{key}: [../welcome.md, sku:HP-12]`")),
            );
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match &item.value {
                Value::Str(s) if !s.trim().is_empty() => Some((s.trim().to_owned(), self.at(item))),
                _ => {
                    diags.push(self.wrong(key, "a list of pages, products or files", item));
                    None
                }
            })
            .collect()
    }

    fn path(&self, node: &Node, diags: &mut Vec<Diagnostic>) -> Option<PathSpec> {
        let Value::Map(entries) = &node.value else {
            diags.push(
                self.wrong("path", "a mapping", node)
                    .help("write `path: { steps: [../welcome.md, ../ordering/quick-order.md] }`"),
            );
            return None;
        };
        let mut spec = PathSpec {
            stages: Vec::new(),
            requires: Vec::new(),
            badge: None,
            pos: self.at(node),
        };
        let mut flat: Option<&Node> = None;
        let mut staged: Option<&Node> = None;
        for (k, v) in entries {
            let Value::Str(key) = &k.value else { continue };
            match key.as_str() {
                "steps" => flat = Some(v),
                "stages" => staged = Some(v),
                "requires" => spec.requires = self.dests("requires", v, diags),
                "badge" => spec.badge = self.text("badge", v, diags),
                other => diags.push(self.unknown(k, other, PATH_KEYS, "path")),
            }
        }
        match (flat, staged) {
            (Some(_), Some(stages)) => diags.push(
                Diagnostic::error(
                    "path-steps-and-stages",
                    "a path has either `steps:` or `stages:`, not both",
                )
                .at(self.file, self.at(stages))
                .help("put every step in a stage, or drop the stages for one flat list"),
            ),
            (Some(steps), None) => spec.stages.push((None, self.dests("steps", steps, diags))),
            (None, Some(stages)) => self.stages(stages, &mut spec, diags),
            (None, None) => {}
        }
        if spec.stages.iter().all(|(_, steps)| steps.is_empty()) {
            diags.push(
                Diagnostic::error("empty-path", "this path has no steps")
                    .at(self.file, spec.pos)
                    .help(
                        "list them: `path: { steps: [../welcome.md, ../ordering/quick-order.md] }`",
                    ),
            );
        }
        Some(spec)
    }

    fn stages(&self, v: &Node, spec: &mut PathSpec, diags: &mut Vec<Diagnostic>) {
        let Value::Seq(items) = &v.value else {
            diags.push(
                self.wrong("stages", "a list", v)
                    .help("write `stages: [{ title: Get started, steps: [../welcome.md] }]`"),
            );
            return;
        };
        for item in items {
            let Value::Map(entries) = &item.value else {
                diags.push(self.wrong("stages", "a list of `{ title, steps }`", item));
                continue;
            };
            let mut title = None;
            let mut steps = Vec::new();
            for (k, v) in entries {
                let Value::Str(key) = &k.value else { continue };
                match key.as_str() {
                    "title" => title = self.text("title", v, diags),
                    "steps" => steps = self.dests("steps", v, diags),
                    other => diags.push(self.unknown(k, other, STAGE_KEYS, "stages")),
                }
            }
            if title.is_none() {
                diags.push(
                    Diagnostic::error("untitled-stage", "a stage needs a `title`")
                        .at(self.file, self.at(item))
                        .help("e.g. `- title: Get started`"),
                );
            }
            spec.stages.push((title, steps));
        }
    }

    fn quiz(
        &self,
        quiz: Option<&Node>,
        pass: Option<&Node>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Quiz> {
        let pass_value = pass.and_then(|p| self.pass(p, diags));
        let Some(node) = quiz else {
            if let Some(p) = pass {
                diags.push(
                    Diagnostic::error(
                        "pass-without-quiz",
                        "`pass` is set but the page has no `quiz`",
                    )
                    .at(self.file, self.at(p))
                    .help("add a `quiz:`, or remove `pass`"),
                );
            }
            return None;
        };
        let Value::Seq(items) = &node.value else {
            diags.push(
                self.wrong("quiz", "a list of questions", node)
                    .help("write `quiz: [{ question: …, options: [A, B], answer: 1 }]`"),
            );
            return None;
        };
        let questions: Vec<Question> = items
            .iter()
            .filter_map(|item| self.question(item, diags))
            .collect();
        if items.is_empty() {
            diags.push(
                Diagnostic::error("empty-quiz", "this quiz has no questions")
                    .at(self.file, self.at(node)),
            );
        }
        Some(Quiz {
            questions,
            pass: pass_value.unwrap_or(DEFAULT_PASS),
        })
    }

    fn question(&self, item: &Node, diags: &mut Vec<Diagnostic>) -> Option<Question> {
        let Value::Map(entries) = &item.value else {
            diags.push(self.wrong("quiz", "a list of `{ question, options, answer }`", item));
            return None;
        };
        let mut question = None;
        let mut options: Option<(Vec<String>, Pos)> = None;
        let mut answer: Option<&Node> = None;
        let mut explain = None;
        for (k, v) in entries {
            let Value::Str(key) = &k.value else { continue };
            match key.as_str() {
                "question" => question = self.text("question", v, diags),
                "explain" => explain = self.text("explain", v, diags),
                "answer" => answer = Some(v),
                "options" => match &v.value {
                    Value::Seq(opts) => {
                        let texts: Vec<String> = opts
                            .iter()
                            .filter_map(|o| self.text("options", o, diags))
                            .collect();
                        options = Some((texts, self.at(v)));
                    }
                    _ => diags.push(
                        self.wrong("options", "a list", v)
                            .help("write `options: [Monday, Friday]`"),
                    ),
                },
                other => diags.push(self.unknown(k, other, QUESTION_KEYS, "quiz")),
            }
        }
        let missing: Vec<&str> = [
            ("question", question.is_none()),
            ("options", options.is_none()),
            ("answer", answer.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, m)| m.then_some(k))
        .collect();
        if !missing.is_empty() {
            diags.push(
                Diagnostic::error(
                    "incomplete-question",
                    format!("a question needs `{}`", missing.join("`, `")),
                )
                .at(self.file, self.at(item))
                .help("e.g. `{ question: When is the cut-off?, options: [\"12:00\", \"16:00\"], answer: 2 }`"),
            );
            return None;
        }
        let (options, options_pos) = options?;
        if options.len() < 2 {
            diags.push(
                Diagnostic::error("too-few-options", "a question needs at least two options")
                    .at(self.file, options_pos),
            );
            return None;
        }
        let answer = answer?;
        let numbers: Vec<&Node> = match &answer.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![answer],
        };
        let mut answers = Vec::new();
        for n in numbers {
            match &n.value {
                Value::Int(i) if *i >= 1 && (*i as usize) <= options.len() => {
                    let i = *i as usize - 1;
                    if !answers.contains(&i) {
                        answers.push(i);
                    }
                }
                Value::Int(i) => diags.push(
                    Diagnostic::error(
                        "answer-out-of-range",
                        format!("answer {i} is not one of the {} options", options.len()),
                    )
                    .at(self.file, self.at(n))
                    .help(format!(
                        "options are counted from 1: write a number from 1 to {}",
                        options.len()
                    )),
                ),
                _ => diags.push(self.wrong(
                    "answer",
                    "the number of the right option (from 1), or a list of them",
                    n,
                )),
            }
        }
        if answers.is_empty() {
            return None;
        }
        answers.sort_unstable();
        Some(Question {
            question: question?,
            options,
            answers,
            explain,
        })
    }

    /// `pass: 80%` or `pass: 80`.
    fn pass(&self, v: &Node, diags: &mut Vec<Diagnostic>) -> Option<u8> {
        let number = match &v.value {
            Value::Int(n) => Some(*n),
            Value::Str(s) => s
                .trim()
                .strip_suffix('%')
                .and_then(|n| n.trim().parse().ok()),
            _ => None,
        };
        match number {
            Some(n) if (0..=100).contains(&n) => Some(n as u8),
            Some(n) => {
                diags.push(
                    Diagnostic::error(
                        "bad-pass",
                        format!("`pass: {n}%` is not between 0 and 100 %"),
                    )
                    .at(self.file, self.at(v))
                    .help("the share of questions to get right, e.g. `pass: 80%`"),
                );
                None
            }
            None => {
                diags.push(
                    self.wrong("pass", "a percentage, e.g. `80%`", v)
                        .help("the share of questions to get right, e.g. `pass: 80%`"),
                );
                None
            }
        }
    }

    /// `duration: 15m`, `1h`, `1h 30m`, `90min` or `90` (minutes).
    fn duration(&self, v: &Node, diags: &mut Vec<Diagnostic>) -> Option<u32> {
        let minutes = match &v.value {
            Value::Int(n) if (1..=10_000).contains(n) => Some(*n as u32),
            Value::Str(s) => parse_duration(s),
            _ => None,
        };
        if minutes.is_none() {
            diags.push(
                Diagnostic::error("bad-duration", "`duration` is not a duration")
                    .at(self.file, self.at(v))
                    .len(scalar_len(v))
                    .help("write minutes or hours: `15m`, `1h`, `1h 30m`"),
            );
        }
        minutes
    }
}

/// How many characters to underline for a scalar (one for anything else).
fn scalar_len(v: &Node) -> usize {
    match &v.value {
        Value::Str(s) => s.chars().count(),
        Value::Int(n) => n.to_string().len(),
        _ => 1,
    }
}

/// `15m`, `15 min`, `1h`, `1h 30m`, `2 hours` → minutes (1 to 10,000).
fn parse_duration(s: &str) -> Option<u32> {
    let mut total: u32 = 0;
    let mut rest = s.trim();
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let n: u32 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "" if !any && unit_end == rest.len() => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 1,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(factor)?)?;
        rest = rest[unit_end..].trim_start();
        any = true;
    }
    (any && (1..=10_000).contains(&total)).then_some(total)
}

/// Resolves a step's or prerequisite's `dest` for a path of the page `resolver` belongs to: a page, a product or a
/// material; anything else is an error at `pos` in `file`.
pub fn resolve(
    resolver: &dyn LinkResolver,
    assets: &[Asset],
    dest: &str,
    file: &str,
    pos: Pos,
    diags: &mut Vec<Diagnostic>,
) -> Option<StepTarget> {
    match resolver.resolve(dest) {
        Ok(Some(Resolved {
            target: LinkTarget::Page { page, anchor: None },
            ..
        })) => Some(StepTarget::Page(page)),
        Ok(Some(Resolved {
            target: LinkTarget::Asset(a),
            ..
        })) => match assets[a].material {
            Some(m) => Some(StepTarget::Material(m)),
            None => {
                diags.push(
                    Diagnostic::error(
                        "plain-file-step",
                        format!("`{dest}` is a plain file, not a material"),
                    )
                    .at(file, pos)
                    .len(dest.chars().count())
                    .help(format!(
                        "a step is a page, a product (`sku:…`) or a material: give the file a sidecar `{}.yaml` (docs/materials.md)",
                        assets[a].path
                    )),
                );
                None
            }
        },
        Ok(Some(_)) => {
            diags.push(
                Diagnostic::error(
                    "bad-step",
                    format!("`{dest}` is not a page, product or material"),
                )
                .at(file, pos)
                .len(dest.chars().count())
                .help("a step names a whole page: drop the `#anchor`"),
            );
            None
        }
        Ok(None) => {
            diags.push(
                Diagnostic::error("bad-step", format!("`{dest}` is outside the site"))
                    .at(file, pos)
                    .len(dest.chars().count())
                    .help("a step is a page of the site (`../welcome.md`), a product (`sku:HP-12`) or a material"),
            );
            None
        }
        Err(e) => {
            diags.push(
                Diagnostic::error("unknown-step", e.message)
                    .at(file, pos)
                    .len(dest.chars().count())
                    .help(e.help),
            );
            None
        }
    }
}

/// The cycles among `requires`: for each path in one, the path whose `requires` closes it
/// (reported once per cycle, at that `requires` entry).
pub fn cycles(paths: &[LearningPath]) -> Vec<(PathId, usize, Vec<PathId>)> {
    let by_page: HashMap<PageId, PathId> =
        paths.iter().enumerate().map(|(i, p)| (p.page, i)).collect();
    // 0: unvisited, 1: on the stack, 2: done.
    let mut state = vec![0u8; paths.len()];
    let mut found = Vec::new();
    fn visit(
        at: PathId,
        paths: &[LearningPath],
        by_page: &HashMap<PageId, PathId>,
        state: &mut [u8],
        stack: &mut Vec<PathId>,
        found: &mut Vec<(PathId, usize, Vec<PathId>)>,
    ) {
        state[at] = 1;
        stack.push(at);
        for (r, (page, _)) in paths[at].requires.iter().enumerate() {
            let Some(&next) = by_page.get(page) else {
                continue;
            };
            match state[next] {
                0 => visit(next, paths, by_page, state, stack, found),
                1 => {
                    let from = stack.iter().position(|&p| p == next).unwrap_or(0);
                    found.push((at, r, stack[from..].to_vec()));
                }
                _ => {}
            }
        }
        stack.pop();
        state[at] = 2;
    }
    for p in 0..paths.len() {
        if state[p] == 0 {
            visit(p, paths, &by_page, &mut state, &mut Vec::new(), &mut found);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_yaml(yaml: &str) -> (Option<PathSpec>, Option<Quiz>, Option<u32>, Vec<Diagnostic>) {
        let node = crate::yaml::parse::<Node>(yaml, "p.md", 0).unwrap();
        let Value::Map(entries) = node.value else {
            panic!()
        };
        let mut learning = Learning {
            line_offset: 1,
            ..Learning::default()
        };
        for (k, v) in entries {
            match &k.value {
                Value::Str(s) if s == "path" => learning.path = Some(v),
                Value::Str(s) if s == "quiz" => learning.quiz = Some(v),
                Value::Str(s) if s == "pass" => learning.pass = Some(v),
                Value::Str(s) if s == "duration" => learning.duration = Some(v),
                _ => {}
            }
        }
        let mut diags = Vec::new();
        let (a, b, c) = read(&learning, "p.md", &mut diags);
        (a, b, c, diags)
    }

    #[test]
    fn durations() {
        for (s, m) in [
            ("15m", Some(15)),
            ("15 min", Some(15)),
            ("1h", Some(60)),
            ("1h 30m", Some(90)),
            ("2 hours", Some(120)),
            ("90", Some(90)),
            ("", None),
            ("m", None),
            ("15 parsecs", None),
            ("0m", None),
            ("99999999999h", None),
        ] {
            assert_eq!(parse_duration(s), m, "{s:?}");
        }
    }

    #[test]
    fn a_staged_path_and_a_quiz_read_with_positions() {
        let (spec, quiz, duration, diags) = read_yaml(
            "path:\n  stages:\n    - title: Start\n      steps: [a.md, sku:HP-12]\n  requires: [b.md]\n  badge: Certified\nquiz:\n  - question: Which?\n    options: [A, B, C]\n    answer: [1, 3]\n    explain: Because.\npass: 50%\nduration: 20m\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let spec = spec.unwrap();
        assert_eq!(spec.stages[0].0.as_deref(), Some("Start"));
        assert_eq!(
            spec.stages[0].1[1],
            ("sku:HP-12".to_owned(), Pos::new(5, 21))
        );
        assert_eq!(spec.requires[0].0, "b.md");
        let quiz = quiz.unwrap();
        assert_eq!(quiz.pass, 50);
        assert_eq!(quiz.questions[0].answers, [0, 2]);
        assert_eq!(duration, Some(20));
    }

    #[test]
    fn mistakes_are_located() {
        let (_, _, _, diags) = read_yaml(
            "path:\n  stepz: [a.md]\nquiz:\n  - question: Q\n    options: [A, B]\n    answer: 3\npass: 120%\nduration: soon\n",
        );
        let got: Vec<(&str, u32)> = diags
            .iter()
            .map(|d| (d.code, d.pos.map_or(0, |p| p.line)))
            .collect();
        assert_eq!(
            got,
            [
                ("unknown-key", 3),
                ("empty-path", 3),
                ("bad-pass", 8),
                ("answer-out-of-range", 7),
                ("bad-duration", 9)
            ],
            "{diags:?}"
        );
    }
}
