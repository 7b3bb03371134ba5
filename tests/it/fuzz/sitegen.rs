//! Random sites for the isolation oracle (issue #12), and the oracle itself.
//!
//! A [`Model`] is a site in the abstract: axes, audiences, a stage, a tree of folders
//! (with or without `_index.md`) and pages, materials (a PDF and its sidecar) in `content/`,
//! in folders and in `files/` folders of no pages, and page bodies made of Markdown
//! constructs, links to pages and materials and nested `::: only` blocks, some of them
//! written in hostile ways. [`write`] turns a model
//! into files, giving every leaf text a unique marker word, and computes — from the model
//! and the rules as documented, never by calling kanava — which audiences must see each
//! marker, and whether kanava must, may or must not refuse the site.
//!
//! The rules restated here (README, ARCHITECTURE.md, docs/materials.md,
//! `markdown/fences.rs`):
//! - an audience sees a page when it satisfies every axis of the page's restriction:
//!   `_index.md` restrictions cascade down, a page may narrow them (widening is an error),
//!   and an axis nobody in the chain names requires its default, if it has one; an
//!   audience that does not name an axis satisfies no restriction on it; `all: true` sees
//!   every restriction;
//! - and the page's lifecycle shows it in the stage at `--at`: production shows published
//!   pages between `publish` and `expires`, staging also review and scheduled ones,
//!   preview everything; status and windows cascade (a page may not widen its section's);
//!   `default_status` is the status of a page that names none (a folder without
//!   `_index.md` is no page: it passes its section's status on);
//! - a folder without `_index.md` is in a view when one of its children is; the home page
//!   is in every view;
//! - an `only` block is shown when its parent is, the audience satisfies its conditions
//!   (no defaults) and its dates (`from` 00:00 to the end of the `until` day) hold in the
//!   stage;
//! - a material is in an audience's site by its own sidecar, as a page by its front
//!   matter, never because a page links it: the restrictions, status and window of the
//!   nearest folder above it with pages (a folder without `_index.md` passes its section's
//!   on) cascade to it, its sidecar may narrow them (widening either is an error), axis
//!   defaults fill the axes nobody named; its file, title and description are then in
//!   that audience's folder (library, what's new, feed, search) and nowhere else;
//! - a link seen by an audience must lead to a page it sees, or a material its site has
//!   (`hidden-link-target`); a reference definition inside a block is usable only inside
//!   that block (`hidden-reference`);
//! - a fence is a line starting with `:::` after at most 3 spaces, outside the body of a
//!   fenced code block; any other fence-like line is an error.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

/// The moment every generated site is built for.
pub const AT: &str = "2026-11-28";

#[derive(Debug, Clone)]
pub struct Axis {
    pub ordered: bool,
    pub values: usize,
    pub default: Option<usize>,
}

/// What an audience has: everything, or per axis nothing or some values (ordered axes:
/// one level).
#[derive(Debug, Clone)]
pub enum Has {
    All,
    Axes(Vec<Option<Vec<usize>>>),
}

/// Per axis: no requirement, or the values required (ordered: one value, the minimum).
pub type Restrict = Vec<Option<Vec<usize>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Production,
    Staging,
    Preview,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Draft,
    Review,
    Published,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endings {
    Lf,
    /// The whole file with `\r\n`.
    CrLf,
    /// The body with lone `\r` (the front matter keeps `\n`).
    Cr,
}

/// Front matter and body of a page or `_index.md`.
#[derive(Debug, Clone)]
pub struct Meta {
    pub restrict: Restrict,
    pub status: Option<Status>,
    /// `publish` / `expires` as days after [`AT`].
    pub publish: Option<i64>,
    pub expires: Option<i64>,
    /// Indexes into the site's tag pool.
    pub tags: Vec<usize>,
    /// A title without a marker (titles repeat on purpose); the description carries it.
    pub plain_title: bool,
    /// Write what the generator drew even when it widens the section's restriction or
    /// window, or ends before it starts: a documented error.
    pub invalid: bool,
    pub endings: Endings,
    pub body: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Folder {
        index: Option<Meta>,
        children: Vec<Node>,
        /// Materials in the folder (or in its `files/` subfolder, which holds no pages).
        materials: Vec<Material>,
    },
    Page(Meta),
}

/// The kinds of material kanava knows without configuration.
const KINDS: &[&str] = &[
    "brochure",
    "datasheet",
    "manual",
    "price-sheet",
    "logo",
    "image",
    "video",
    "other",
];

/// Languages a material may name (none: the site's).
const LANGUAGES: &[&str] = &["en", "fi", "sv", "pt-BR"];

/// A material (issue #14): a small PDF with a sidecar `NAME.pdf.yaml` holding its title,
/// kind and the audience and stage keys a page has, cascaded from its section's
/// `_index.md` (narrowing only).
#[derive(Debug, Clone)]
pub struct Material {
    /// In `files/` below the section's folder (a folder of no pages), else beside its pages.
    pub in_files: bool,
    /// Index into [`KINDS`].
    pub kind: usize,
    /// Index into [`LANGUAGES`].
    pub language: Option<usize>,
    pub version: bool,
    /// A description (with a marker of its own).
    pub description: bool,
    /// `updated` as days after [`AT`] (what's new and the feed list it then).
    pub updated: Option<i64>,
    pub restrict: Restrict,
    pub status: Option<Status>,
    pub publish: Option<i64>,
    pub expires: Option<i64>,
    /// Write the restriction and dates as drawn even when they widen the section's (or
    /// `expires` is not after `publish`): a documented error.
    pub invalid: bool,
    /// The sidecar with `\r\n` line endings.
    pub crlf: bool,
    /// Pages of the PDF.
    pub pages: usize,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub axes: Vec<Axis>,
    pub audiences: Vec<Has>,
    pub stage: Stage,
    /// `default_status` in `kanava.yaml`: the status of pages and materials that name none
    /// (published when unset).
    pub default_status: Option<Status>,
    pub home: Vec<Item>,
    pub root: Vec<Node>,
    /// Materials in `content/` (or `content/files/`): the home page's section.
    pub materials: Vec<Material>,
    pub tags: usize,
    /// Does this site keep the documented errors the generator draws (fence-like lines
    /// that are not fences, hidden link targets and references, widened restrictions and
    /// windows)? Most sites do not, so that most sites build.
    pub errors: bool,
}

#[derive(Debug, Clone)]
pub enum Item {
    Leaf(Leaf),
    Block(Block),
}

#[derive(Debug, Clone)]
pub struct Block {
    pub restrict: Restrict,
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub hostile: Option<Hostile>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Copy)]
pub enum Leaf {
    Paragraph,
    Heading {
        level: u8,
        setext: bool,
    },
    /// "Overview dup", the same title every time: heading ids must not reveal hidden ones.
    DupHeading {
        setext: bool,
    },
    List {
        ordered: bool,
        nested: bool,
    },
    Quote {
        nested: bool,
    },
    Alert(u8),
    Code {
        tilde: bool,
        lang: u8,
    },
    /// A fenced code block showing `::: only` syntax as documentation.
    DocCode(DocCode),
    IndentedCode,
    Table,
    HtmlBlock {
        details: bool,
    },
    InlineHtml,
    FootnoteRef(u8),
    FootnoteDef,
    RefDef {
        label: u8,
        in_quote: bool,
    },
    RefUse(u8),
    /// A link to another page (`target` picks it); `strict`: keep the target even when
    /// some audience that sees the link cannot see it (a documented error).
    Link {
        target: u16,
        raw: bool,
        strict: bool,
    },
    Image {
        raw: bool,
    },
    /// A link to a material (`target` picks it); `strict`: keep the target even when some
    /// audience that sees the link does not get the material (a documented error).
    MaterialLink {
        target: u16,
        raw: bool,
        strict: bool,
    },
}

#[derive(Debug, Clone, Copy)]
pub enum DocCode {
    Backtick,
    Tilde,
    InList,
    InQuote,
}

/// A block whose fences are written somewhere a reader would not expect them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// Right after a list item, indented 2 spaces: a fence (it ends the list); an error
    /// (`fence-inside-item`) when the list goes on after the block.
    ListIndent2,
    /// In a list item after a blank line, indented 4 spaces: an error.
    ListIndent4,
    /// `- ::: only …`: an error.
    ListMarker,
    /// `> ::: only …`: an error.
    Quote,
    /// Inside `<div>` … `</div>`: a fence.
    HtmlDiv,
    /// Inside `<pre>` … `</pre>`: a fence.
    HtmlPre,
    /// Inside `<!--` … `-->`: a fence.
    HtmlComment,
    /// After a code fence that is never closed (five backticks): an error.
    AfterUnclosedCode,
    /// Zero-width space before `:::`: an error.
    ZeroWidth,
    /// No-break space before `:::`: an error.
    Nbsp,
    /// Tab before `:::`: an error.
    Tab,
    /// Indented 4 spaces after a paragraph (indented code): an error.
    Indent4,
    /// Indented 3 spaces: a fence.
    Indent3,
    /// After a paragraph starting with inline code in triple backticks: a fence.
    AfterInlineCode,
    /// Right after a table row: a fence.
    AfterTable,
    /// After a list item whose code block is closed by the end of the list: a fence.
    AfterListCode,
    /// Between rows of a table, the block's content led by a row of its own and a row
    /// after it: a fence (issue #13: the rows are restricted one by one).
    TableRows,
    /// Between items of a list, the same way: a fence.
    ListItems,
}

impl Hostile {
    /// Is a fence written this way an error by the fence rule?
    fn is_error(self) -> bool {
        matches!(
            self,
            Hostile::ListIndent4
                | Hostile::ListMarker
                | Hostile::Quote
                | Hostile::AfterUnclosedCode
                | Hostile::ZeroWidth
                | Hostile::Nbsp
                | Hostile::Tab
                | Hostile::Indent4
        )
    }
}

// ---- strategies ----------------------------------------------------------------------

fn axis() -> impl Strategy<Value = Axis> {
    (any::<bool>(), 2usize..5).prop_flat_map(|(ordered, values)| {
        proptest::option::of(0..values).prop_map(move |default| Axis {
            ordered,
            values,
            default,
        })
    })
}

fn values(a: &Axis) -> BoxedStrategy<Vec<usize>> {
    let n = a.values;
    if a.ordered {
        (0..n).prop_map(|v| vec![v]).boxed()
    } else {
        proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n).boxed()
    }
}

fn restrict(axes: &[Axis]) -> BoxedStrategy<Restrict> {
    let per_axis: Vec<BoxedStrategy<Option<Vec<usize>>>> = axes
        .iter()
        .map(|a| prop_oneof![2 => Just(None), 1 => values(a).prop_map(Some)].boxed())
        .collect();
    per_axis.boxed()
}

fn day() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![4 => Just(None), 1 => (-2i64..=2).prop_map(Some)]
}

fn leaf() -> impl Strategy<Value = Leaf> {
    prop_oneof![
        3 => Just(Leaf::Paragraph),
        2 => (1u8..=6, any::<bool>()).prop_map(|(level, setext)| Leaf::Heading {
            level: if setext { level.min(2) } else { level },
            setext
        }),
        2 => any::<bool>().prop_map(|setext| Leaf::DupHeading { setext }),
        2 => (any::<bool>(), any::<bool>()).prop_map(|(ordered, nested)| Leaf::List { ordered, nested }),
        1 => any::<bool>().prop_map(|nested| Leaf::Quote { nested }),
        1 => (0u8..5).prop_map(Leaf::Alert),
        1 => (any::<bool>(), 0u8..4).prop_map(|(tilde, lang)| Leaf::Code { tilde, lang }),
        2 => prop_oneof![
            Just(DocCode::Backtick),
            Just(DocCode::Tilde),
            Just(DocCode::InList),
            Just(DocCode::InQuote)
        ]
        .prop_map(Leaf::DocCode),
        1 => Just(Leaf::IndentedCode),
        1 => Just(Leaf::Table),
        1 => any::<bool>().prop_map(|details| Leaf::HtmlBlock { details }),
        1 => Just(Leaf::InlineHtml),
        1 => (0u8..3).prop_map(Leaf::FootnoteRef),
        1 => Just(Leaf::FootnoteDef),
        3 => (0u8..2, proptest::bool::weighted(0.2))
            .prop_map(|(label, in_quote)| Leaf::RefDef { label, in_quote }),
        3 => (0u8..2).prop_map(Leaf::RefUse),
        2 => (any::<u16>(), proptest::bool::weighted(0.3), proptest::bool::weighted(0.1))
            .prop_map(|(target, raw, strict)| Leaf::Link { target, raw, strict }),
        1 => any::<bool>().prop_map(|raw| Leaf::Image { raw }),
        2 => (any::<u16>(), proptest::bool::weighted(0.3), proptest::bool::weighted(0.25))
            .prop_map(|(target, raw, strict)| Leaf::MaterialLink { target, raw, strict }),
    ]
}

fn hostile() -> impl Strategy<Value = Option<Hostile>> {
    use Hostile::*;
    let kinds = proptest::sample::select(vec![
        ListIndent2,
        ListIndent4,
        ListMarker,
        Quote,
        HtmlDiv,
        HtmlPre,
        HtmlComment,
        AfterUnclosedCode,
        ZeroWidth,
        Nbsp,
        Tab,
        Indent4,
        Indent3,
        AfterInlineCode,
        AfterTable,
        AfterListCode,
        TableRows,
        ListItems,
    ]);
    prop_oneof![12 => Just(None), 1 => kinds.prop_map(Some)]
}

fn items(axes: Vec<Axis>, depth: u32) -> BoxedStrategy<Vec<Item>> {
    let leaf_item = leaf().prop_map(Item::Leaf);
    if depth == 0 {
        return proptest::collection::vec(leaf_item, 0..4).boxed();
    }
    let block = (
        restrict(&axes),
        day(),
        day(),
        hostile(),
        items(axes.clone(), depth - 1),
    )
        .prop_map(|(restrict, from, until, hostile, items)| {
            // `until` before `from` is an error of its own, left to the parser targets.
            let (from, until) = match (from, until) {
                (Some(f), Some(u)) if u < f => (Some(u), Some(f)),
                other => other,
            };
            Item::Block(Block {
                restrict,
                from,
                until,
                hostile,
                items,
            })
        });
    proptest::collection::vec(prop_oneof![3 => leaf_item, 1 => block], 1..5).boxed()
}

fn meta(axes: Vec<Axis>, tags: usize) -> impl Strategy<Value = Meta> {
    let status = prop_oneof![
        6 => Just(None),
        1 => Just(Some(Status::Draft)),
        1 => Just(Some(Status::Review)),
        1 => Just(Some(Status::Published)),
    ];
    let endings =
        prop_oneof![8 => Just(Endings::Lf), 1 => Just(Endings::CrLf), 1 => Just(Endings::Cr)];
    (
        (restrict(&axes), status, day(), day()),
        proptest::collection::vec(0..tags, 0..3),
        proptest::bool::weighted(0.15),
        proptest::bool::weighted(0.08),
        endings,
        items(axes, 3),
    )
        .prop_map(
            |((restrict, status, publish, expires), tags, plain_title, invalid, endings, body)| {
                Meta {
                    restrict,
                    status,
                    publish,
                    expires,
                    tags,
                    plain_title,
                    invalid,
                    endings,
                    body,
                }
            },
        )
}

fn material(axes: &[Axis]) -> impl Strategy<Value = Material> + use<> {
    let status = prop_oneof![
        5 => Just(None),
        1 => Just(Some(Status::Draft)),
        1 => Just(Some(Status::Review)),
        1 => Just(Some(Status::Published)),
    ];
    (
        (
            proptest::bool::weighted(0.4),
            0..KINDS.len(),
            proptest::option::weighted(0.5, 0..LANGUAGES.len()),
            proptest::bool::weighted(0.3),
            proptest::bool::weighted(0.5),
            proptest::option::weighted(0.4, -40i64..=0),
        ),
        (restrict(axes), status, day(), day()),
        proptest::bool::weighted(0.12),
        proptest::bool::weighted(0.1),
        1usize..=3,
    )
        .prop_map(
            |(
                (in_files, kind, language, version, description, updated),
                (restrict, status, publish, expires),
                invalid,
                crlf,
                pages,
            )| Material {
                in_files,
                kind,
                language,
                version,
                description,
                updated,
                restrict,
                status,
                publish,
                expires,
                invalid,
                crlf,
                pages,
            },
        )
}

/// The materials of one section: none in half of them, else one to three.
fn materials(axes: &[Axis]) -> BoxedStrategy<Vec<Material>> {
    prop_oneof![
        1 => Just(Vec::new()),
        1 => proptest::collection::vec(material(axes), 1..=3),
    ]
    .boxed()
}

fn node(axes: Vec<Axis>, tags: usize, depth: u32) -> BoxedStrategy<Node> {
    let page = meta(axes.clone(), tags).prop_map(Node::Page);
    if depth == 0 {
        return page.boxed();
    }
    let folder = (
        proptest::option::weighted(0.7, meta(axes.clone(), tags)),
        proptest::collection::vec(node(axes.clone(), tags, depth - 1), 0..4),
        materials(&axes),
    )
        .prop_map(|(index, children, materials)| Node::Folder {
            index,
            children,
            materials,
        });
    prop_oneof![2 => page, 1 => folder].boxed()
}

pub fn model() -> impl Strategy<Value = Model> {
    proptest::collection::vec(axis(), 2..4).prop_flat_map(|axes| {
        let has = axes
            .iter()
            .map(|a| proptest::option::weighted(0.8, values(a)))
            .collect::<Vec<_>>();
        let audience = prop_oneof![1 => Just(Has::All), 5 => has.prop_map(Has::Axes)];
        let stage = prop_oneof![
            4 => Just(Stage::Production),
            1 => Just(Stage::Staging),
            1 => Just(Stage::Preview)
        ];
        let default_status = prop_oneof![
            6 => Just(None),
            1 => Just(Some(Status::Draft)),
            1 => Just(Some(Status::Review)),
            1 => Just(Some(Status::Published)),
        ];
        let tags = 3;
        (
            Just(axes.clone()),
            proptest::collection::vec(audience, 2..6),
            (stage, default_status),
            items(axes.clone(), 2),
            proptest::collection::vec(node(axes.clone(), tags, 2), 1..5),
            materials(&axes),
            proptest::bool::weighted(0.4),
        )
            .prop_map(
                move |(axes, audiences, (stage, default_status), home, root, materials, errors)| {
                    Model {
                        axes,
                        audiences,
                        stage,
                        default_status,
                        home,
                        root,
                        materials,
                        tags,
                        errors,
                    }
                },
            )
    })
}

/// A model whose home page is a random body, on the parser targets' axes (`ax0` ordered
/// with 3 values, `ax1` with 3, `ax2` with 2): the fuzz targets take its Markdown.
pub fn body() -> impl Strategy<Value = Model> {
    let axes = vec![
        Axis {
            ordered: true,
            values: 3,
            default: None,
        },
        Axis {
            ordered: false,
            values: 3,
            default: None,
        },
        Axis {
            ordered: false,
            values: 2,
            default: None,
        },
    ];
    items(axes.clone(), 3).prop_map(move |home| Model {
        axes: axes.clone(),
        audiences: vec![Has::All],
        stage: Stage::Production,
        default_status: None,
        home,
        root: Vec::new(),
        materials: Vec::new(),
        tags: 0,
        errors: true,
    })
}

// ---- the oracle ----------------------------------------------------------------------

/// What a generated site must do.
#[derive(Debug, Default)]
pub struct Oracle {
    /// Every marker and the audiences (by index) that must see it, none more, none fewer.
    pub markers: BTreeMap<String, BTreeSet<usize>>,
    /// Documented errors the site contains: the build must fail.
    pub must_fail: Vec<String>,
    /// The codes of those whose report the oracle is sure of: the refusal must include each
    /// (a fence-like line that is not a fence may change how the rest of its page is read,
    /// so errors of what follows it in the page, or of what is inside raw HTML, are not
    /// among them).
    pub must_report: BTreeSet<&'static str>,
    /// The diagnostic codes a failed build may report.
    pub may_fail: BTreeSet<&'static str>,
    /// Pages with "Overview dup" headings: the page's output file (under the audience's
    /// folder) and, per audience that sees the page, how many of them it shows.
    pub dup_headings: Vec<(String, BTreeMap<usize, usize>)>,
    /// How many materials the site has, how many of them some audience gets, and how many
    /// links to materials its pages have (for the counts the test prints).
    pub materials: (usize, usize, usize),
}

/// A generated site, ready to be written.
pub struct Generated {
    pub files: Vec<(String, Vec<u8>)>,
    pub oracle: Oracle,
    pub stage: kanava::model::lifecycle::Stage,
}

pub fn audience_name(a: usize) -> String {
    format!("aud{a}")
}

fn value_name(axis: usize, v: usize) -> String {
    format!("a{axis}v{v}")
}

fn date(days: i64) -> String {
    let at: jiff::civil::Date = AT.parse().expect("AT is a date");
    at.checked_add(jiff::Span::new().days(days))
        .expect("in range")
        .to_string()
}

type Set = BTreeSet<usize>;

/// Does `have` satisfy `req` on axis `a`?
fn satisfies(a: &Axis, have: &[usize], req: &[usize]) -> bool {
    if a.ordered {
        have[0] >= req[0]
    } else {
        req.iter().any(|r| have.contains(r))
    }
}

/// Does `own` admit someone `parent` does not (a widening)?
fn wider(a: &Axis, own: &[usize], parent: &[usize]) -> bool {
    if a.ordered {
        own[0] < parent[0]
    } else {
        own.iter().any(|v| !parent.contains(v))
    }
}

/// The lifecycle of a node after cascading: status and `[from, until)` in days after AT.
#[derive(Debug, Clone, Copy)]
struct Life {
    status: Status,
    from: Option<i64>,
    until: Option<i64>,
}

impl Life {
    fn open() -> Life {
        Life {
            status: Status::Published,
            from: None,
            until: None,
        }
    }

    /// Is it in `stage` at AT? (`from`: the day's 00:00 ≤ AT; `until`: AT before it.)
    fn shown(&self, stage: Stage) -> bool {
        let started = self.from.is_none_or(|d| d <= 0);
        let ended = self.until.is_some_and(|d| d <= 0);
        match stage {
            Stage::Production => self.status == Status::Published && started && !ended,
            Stage::Staging => self.status != Status::Draft && !ended,
            Stage::Preview => true,
        }
    }
}

/// A page or `_index.md` placed in the tree, before its body is written.
struct Placed<'m> {
    /// `content/…/p3.md`, `content/…/_index.md`.
    source: String,
    /// The folder its links and images are relative to (`content/…`).
    dir: String,
    meta: Option<&'m Meta>,
    /// Front matter keys to write for the restriction (after narrowing, unless invalid).
    own: Restrict,
    /// `publish` / `expires` to write.
    dates: (Option<i64>, Option<i64>),
    seen: Set,
}

/// A material placed in the tree, before its files are written.
struct PlacedMaterial<'m> {
    /// `content/…/m3.pdf`, `content/…/files/m3.pdf` (the sidecar: `….pdf.yaml`).
    source: String,
    material: &'m Material,
    /// The sidecar's keys for the restriction (after narrowing, unless invalid).
    own: Restrict,
    /// `publish` / `expires` to write.
    dates: (Option<i64>, Option<i64>),
    /// Who gets it: in whose folder its file, title and description must be, and only there.
    seen: Set,
}

struct Writer<'m> {
    model: &'m Model,
    next: usize,
    oracle: Oracle,
    files: Vec<(String, Vec<u8>)>,
    placed: Vec<Placed<'m>>,
    materials: Vec<PlacedMaterial<'m>>,
    tag_markers: Vec<String>,
    tag_seen: Vec<Set>,
}

/// Writes the model's files and computes its oracle.
pub fn write(model: &Model) -> Generated {
    let mut w = Writer {
        model,
        next: 0,
        oracle: Oracle::default(),
        files: Vec::new(),
        placed: Vec::new(),
        materials: Vec::new(),
        tag_markers: Vec::new(),
        tag_seen: vec![Set::new(); model.tags],
    };
    w.files
        .push(("kanava.yaml".into(), w.config().into_bytes()));
    for _ in 0..model.tags {
        let m = w.fresh();
        w.tag_markers.push(m);
    }
    // Pass 1: where every page is, and who sees it.
    let all: Set = (0..model.audiences.len()).collect();
    w.placed.push(Placed {
        source: "content/_index.md".into(),
        dir: "content".into(),
        meta: None,
        own: vec![None; model.axes.len()],
        dates: (None, None),
        seen: all,
    });
    let none = vec![None; model.axes.len()];
    w.place_children(&model.root, "content", &none, Life::open());
    w.place_materials(&model.materials, "content", &none, Life::open());
    // Pass 2: the pages' files, with their markers (links to materials need to know who
    // gets each), then the materials'.
    for p in 0..w.placed.len() {
        w.write_page(p);
    }
    for m in 0..w.materials.len() {
        w.write_material(m);
    }
    w.oracle.materials.0 = w.materials.len();
    w.oracle.materials.1 = w.materials.iter().filter(|m| !m.seen.is_empty()).count();
    for (t, m) in w.tag_markers.clone().into_iter().enumerate() {
        let seen = w.tag_seen[t].clone();
        w.oracle.markers.insert(m, seen);
    }
    if !w.oracle.must_fail.is_empty() || !w.oracle.may_fail.is_empty() {
        // A site refused for one reason may be reported with the consequences of another.
        w.oracle
            .may_fail
            .extend(["hidden-link-target", "hidden-reference"]);
    }
    let stage = match model.stage {
        Stage::Production => kanava::model::lifecycle::Stage::Production,
        Stage::Staging => kanava::model::lifecycle::Stage::Staging,
        Stage::Preview => kanava::model::lifecycle::Stage::Preview,
    };
    Generated {
        files: w.files,
        oracle: w.oracle,
        stage,
    }
}

impl<'m> Writer<'m> {
    fn fresh(&mut self) -> String {
        self.next += 1;
        format!("mk{:05}z", self.next)
    }

    /// A new marker that exactly `seen` must see.
    fn marker(&mut self, seen: &Set) -> String {
        let m = self.fresh();
        self.oracle.markers.insert(m.clone(), seen.clone());
        m
    }

    fn must_fail(&mut self, code: &'static str, why: String) {
        self.oracle.must_fail.push(format!("{code}: {why}"));
        self.oracle.may_fail.insert(code);
    }

    /// A documented error whose code the refusal must include.
    fn must_report(&mut self, code: &'static str, why: String) {
        self.must_fail(code, why);
        self.oracle.must_report.insert(code);
    }

    fn config(&self) -> String {
        let mut c = String::from("title: Fuzz\nbase_url: https://fuzz.example/site/\n");
        if let Some(s) = self.model.default_status {
            c += &format!("default_status: {}\n", status_name(s));
        }
        c += "audience:\n  axes:\n";
        for (i, a) in self.model.axes.iter().enumerate() {
            let values: Vec<String> = (0..a.values).map(|v| value_name(i, v)).collect();
            c += &format!(
                "    ax{i}: {{ values: [{}], ordered: {}",
                values.join(", "),
                a.ordered
            );
            if let Some(d) = a.default {
                c += &format!(", default: {}", value_name(i, d));
            }
            c += " }\n";
        }
        c += "  audiences:\n";
        for (n, aud) in self.model.audiences.iter().enumerate() {
            match aud {
                Has::All => c += &format!("    {}: {{ all: true }}\n", audience_name(n)),
                Has::Axes(has) => {
                    let parts: Vec<String> = has
                        .iter()
                        .enumerate()
                        .filter_map(|(i, h)| {
                            h.as_ref()
                                .map(|v| format!("ax{i}: {}", self.yaml_values(i, v)))
                        })
                        .collect();
                    c += &format!("    {}: {{ {} }}\n", audience_name(n), parts.join(", "));
                }
            }
        }
        c
    }

    fn yaml_values(&self, axis: usize, values: &[usize]) -> String {
        if self.model.axes[axis].ordered {
            value_name(axis, values[0])
        } else {
            let names: Vec<String> = values.iter().map(|v| value_name(axis, *v)).collect();
            format!("[{}]", names.join(", "))
        }
    }

    /// The audiences that satisfy `r` (with the axes' defaults where `defaults`).
    fn admitted(&self, r: &Restrict, defaults: bool) -> Set {
        let model = self.model;
        (0..model.audiences.len())
            .filter(|&n| {
                let Has::Axes(has) = &model.audiences[n] else {
                    return true;
                };
                model.axes.iter().enumerate().all(|(i, a)| {
                    let req = r[i]
                        .clone()
                        .or_else(|| a.default.filter(|_| defaults).map(|d| vec![d]));
                    match (req, &has[i]) {
                        (None, _) => true,
                        (Some(_), None) => false,
                        (Some(req), Some(have)) => satisfies(a, have, &req),
                    }
                })
            })
            .collect()
    }

    /// Places the children of a folder; returns who sees anything in it, pages or materials
    /// (for the URL segments of folders without `_index.md`), and who sees one of its
    /// direct children.
    fn place_children(
        &mut self,
        nodes: &'m [Node],
        dir: &str,
        chain: &Restrict,
        life: Life,
    ) -> (Set, Set) {
        let mut below = Set::new();
        let mut direct = Set::new();
        for node in nodes {
            match node {
                Node::Page(meta) => {
                    let n = self.placed.len();
                    let source = format!("{dir}/p{n}.md");
                    let seen = self.place(source, dir.to_owned(), meta, chain, life).0;
                    below.extend(&seen);
                    direct.extend(&seen);
                }
                Node::Folder {
                    index: Some(meta),
                    children,
                    materials,
                } => {
                    let sub = format!("{dir}/f{}", self.placed.len());
                    let (seen, chain, life) =
                        self.place(format!("{sub}/_index.md"), sub.clone(), meta, chain, life);
                    below.extend(&seen);
                    direct.extend(&seen);
                    let (inner, _) = self.place_children(children, &sub, &chain, life);
                    below.extend(inner);
                    let got = self.place_materials(materials, &sub, &chain, life);
                    below.extend(got);
                }
                Node::Folder {
                    index: None,
                    children,
                    materials,
                } => {
                    // The folder's name is a marker: its derived title is shown where one
                    // of its children is, and its URL segment wherever anything below it is
                    // (a material's file too). Its materials' section is the nearest folder
                    // above with pages, whose chain and lifecycle are passed through here.
                    let name = self.fresh();
                    let sub = format!("{dir}/{name}");
                    let (mut inner, shown) = self.place_children(children, &sub, chain, life);
                    inner.extend(self.place_materials(materials, &sub, chain, life));
                    self.oracle.markers.insert(name, inner.clone());
                    below.extend(&inner);
                    direct.extend(shown);
                }
            }
        }
        (below, direct)
    }

    /// Places one page or `_index.md`: cascades its restriction and lifecycle, decides who
    /// sees it. Returns who sees it, and the chain and lifecycle it passes down.
    fn place(
        &mut self,
        source: String,
        dir: String,
        meta: &'m Meta,
        inherited: &Restrict,
        outer: Life,
    ) -> (Set, Restrict, Life) {
        let invalid = meta.invalid && self.model.errors;
        let (own, chain) = self.narrow(&source, &meta.restrict, inherited, invalid);
        let (written, life) = self.lifecycle(
            &source,
            (meta.status, meta.publish, meta.expires),
            outer,
            invalid,
        );
        let seen = if life.shown(self.model.stage) {
            self.admitted(&chain, true)
        } else {
            Set::new()
        };
        self.placed.push(Placed {
            source,
            dir,
            meta: Some(meta),
            own,
            dates: written,
            seen: seen.clone(),
        });
        (seen, chain, life)
    }

    /// A file's restriction (`drawn`) under its section's chain (`inherited`: the explicit
    /// restrictions of the `_index.md` files above it): the keys to write (narrowed to
    /// the section's unless `invalid`) and the chain in force after it. A widening written
    /// as drawn is an error, and the section's restriction stays.
    fn narrow(
        &mut self,
        source: &str,
        drawn: &Restrict,
        inherited: &Restrict,
        invalid: bool,
    ) -> (Restrict, Restrict) {
        let axes = &self.model.axes;
        let mut own = drawn.clone();
        let mut chain = inherited.clone();
        for (i, a) in axes.iter().enumerate() {
            let (Some(o), Some(p)) = (&drawn[i], &inherited[i]) else {
                if let Some(o) = &drawn[i] {
                    chain[i] = Some(o.clone());
                }
                continue;
            };
            if !wider(a, o, p) {
                chain[i] = Some(o.clone());
            } else if invalid {
                // Written as drawn: an error, and the section's restriction stays.
                self.must_report(
                    "widened-restriction",
                    format!("{source} widens ax{i} to {o:?} from {p:?}"),
                );
            } else {
                // Narrowed to what the section allows.
                let narrowed: Vec<usize> = if a.ordered {
                    p.clone()
                } else {
                    o.iter().copied().filter(|v| p.contains(v)).collect()
                };
                let narrowed = if narrowed.is_empty() {
                    p.clone()
                } else {
                    narrowed
                };
                own[i] = Some(narrowed.clone());
                chain[i] = Some(narrowed);
            }
        }
        (own, chain)
    }

    /// A file's status and dates under its section's lifecycle (`outer`): the `publish` and
    /// `expires` to write, and the lifecycle in force after it. Unless `invalid`, the dates
    /// are fitted into the section's window and ordered; then kanava's checks in its order
    /// (an `expires` not after `publish` is dropped, then a date reaching outside the
    /// section's window is dropped).
    fn lifecycle(
        &mut self,
        source: &str,
        (status, publish, expires): (Option<Status>, Option<i64>, Option<i64>),
        outer: Life,
        invalid: bool,
    ) -> ((Option<i64>, Option<i64>), Life) {
        let (mut publish, mut expires) = (publish, expires);
        if !invalid {
            if let (Some(p), Some(f)) = (publish, outer.from) {
                publish = Some(p.max(f));
            }
            if let (Some(e), Some(u)) = (expires, outer.until) {
                expires = Some(e.min(u));
            }
            if let (Some(p), Some(e)) = (publish, expires)
                && e <= p
            {
                expires = None;
            }
        }
        let written = (publish, expires);
        if let (Some(p), Some(e)) = (publish, expires)
            && e <= p
        {
            self.must_report(
                "expires-before-publish",
                format!("{source}: expires {e} <= publish {p}"),
            );
            expires = None;
        }
        if let (Some(p), Some(f)) = (publish, outer.from)
            && p < f
        {
            self.must_report("widened-window", format!("{source}: publish {p} < {f}"));
            publish = None;
        }
        if let (Some(e), Some(u)) = (expires, outer.until)
            && e > u
        {
            self.must_report("widened-window", format!("{source}: expires {e} > {u}"));
            expires = None;
        }
        let life = Life {
            status: outer.status.min(
                status
                    .or(self.model.default_status)
                    .unwrap_or(Status::Published),
            ),
            from: max_opt(outer.from, publish),
            until: min_opt(outer.until, expires),
        };
        (written, life)
    }

    /// Places the materials of the folder `dir`, whose pages get `chain` and `life` from
    /// the sections above (a folder without `_index.md` passes them through, so this is
    /// also what kanava's nearest section cascades). Returns who gets one of them.
    fn place_materials(
        &mut self,
        materials: &'m [Material],
        dir: &str,
        inherited: &Restrict,
        outer: Life,
    ) -> Set {
        let mut got = Set::new();
        for material in materials {
            let n = self.materials.len();
            let source = if material.in_files {
                format!("{dir}/files/m{n}.pdf")
            } else {
                format!("{dir}/m{n}.pdf")
            };
            let sidecar = format!("{source}.yaml");
            let invalid = material.invalid && self.model.errors;
            let (own, chain) = self.narrow(&sidecar, &material.restrict, inherited, invalid);
            let (dates, life) = self.lifecycle(
                &sidecar,
                (material.status, material.publish, material.expires),
                outer,
                invalid,
            );
            let seen = if life.shown(self.model.stage) {
                self.admitted(&chain, true)
            } else {
                Set::new()
            };
            got.extend(&seen);
            self.materials.push(PlacedMaterial {
                source,
                material,
                own,
                dates,
                seen,
            });
        }
        got
    }

    /// Writes a material's PDF (a marker in a comment) and its sidecar (markers in the
    /// title and the description): exactly the audiences that get it must see them.
    fn write_material(&mut self, n: usize) {
        let PlacedMaterial {
            source,
            material,
            own,
            dates,
            seen,
        } = &self.materials[n];
        let (source, material, own, dates, seen) =
            (source.clone(), *material, own.clone(), *dates, seen.clone());
        let comment = self.marker(&seen);
        self.files.push((
            source.clone(),
            crate::harness::pdf(&comment, material.pages),
        ));
        let mut sidecar = format!(
            "title: Material {}\nkind: {}\n",
            self.marker(&seen),
            KINDS[material.kind]
        );
        if material.description {
            sidecar += &format!("description: About {}\n", self.marker(&seen));
        }
        if let Some(l) = material.language {
            sidecar += &format!("language: {}\n", LANGUAGES[l]);
        }
        if material.version {
            sidecar += "version: \"2026.2\"\n";
        }
        if let Some(d) = material.updated {
            sidecar += &format!("updated: {}\n", date(d));
        }
        for (i, r) in own.iter().enumerate() {
            if let Some(v) = r {
                sidecar += &format!("ax{i}: {}\n", self.yaml_values(i, v));
            }
        }
        if let Some(s) = material.status {
            sidecar += &format!("status: {}\n", status_name(s));
        }
        if let Some(d) = dates.0 {
            sidecar += &format!("publish: {}\n", date(d));
        }
        if let Some(d) = dates.1 {
            sidecar += &format!("expires: {}\n", date(d));
        }
        if material.crlf {
            sidecar = sidecar.replace('\n', "\r\n");
        }
        self.files
            .push((format!("{source}.yaml"), sidecar.into_bytes()));
    }

    fn write_page(&mut self, p: usize) {
        let seen = self.placed[p].seen.clone();
        let meta = self.placed[p].meta;
        let mut fm = String::new();
        let endings = meta.map_or(Endings::Lf, |m| m.endings);
        match meta {
            None => fm.push_str("title: Home\n"),
            Some(meta) => {
                let title = self.marker(&seen);
                if meta.plain_title {
                    fm.push_str("title: Guide\n");
                    fm.push_str(&format!("description: About {title}\n"));
                } else {
                    fm.push_str(&format!("title: Page {title}\n"));
                }
                for (i, r) in self.placed[p].own.clone().iter().enumerate() {
                    if let Some(v) = r {
                        fm.push_str(&format!("ax{i}: {}\n", self.yaml_values(i, v)));
                    }
                }
                if let Some(s) = meta.status {
                    fm.push_str(&format!("status: {}\n", status_name(s)));
                }
                let (publish, expires) = self.placed[p].dates;
                if let Some(d) = publish {
                    fm.push_str(&format!("publish: {}\n", date(d)));
                }
                if let Some(d) = expires {
                    fm.push_str(&format!("expires: {}\n", date(d)));
                }
                if !meta.tags.is_empty() {
                    let tags: BTreeSet<usize> = meta.tags.iter().copied().collect();
                    let names: Vec<&str> =
                        tags.iter().map(|&t| self.tag_markers[t].as_str()).collect();
                    fm.push_str(&format!("tags: [{}]\n", names.join(", ")));
                    for t in tags {
                        self.tag_seen[t].extend(&seen);
                    }
                }
            }
        }
        let items: &'m [Item] = match meta {
            None => &self.model.home,
            Some(m) => &m.body,
        };
        let mut page = PageWriter {
            w: self,
            page: p,
            out: String::new(),
            defs: BTreeMap::new(),
            footnotes: 0,
            dups: BTreeMap::new(),
            uses: Vec::new(),
            blocks: 0,
            hostile: false,
            in_html: false,
            fence_error: false,
            reports: BTreeSet::new(),
            def_count: 0,
            has_dups: false,
        };
        page.find_defs(items, &mut Vec::new(), &mut 0, &mut 0);
        let mut path = Vec::new();
        page.items(items, &seen, &mut path, "");
        page.finish_refs();
        let PageWriter {
            out,
            dups,
            has_dups,
            fence_error,
            reports,
            ..
        } = page;
        if !fence_error {
            self.oracle.must_report.extend(reports);
        }
        if has_dups {
            // Every audience that sees the page, with how many it shows (maybe none).
            let counts = seen
                .iter()
                .map(|a| (*a, dups.get(a).copied().unwrap_or(0)))
                .collect();
            let url = url_of(&self.placed[p].source);
            self.oracle
                .dup_headings
                .push((format!("{url}index.html"), counts));
        }
        let body = match endings {
            Endings::Cr => out.replace('\n', "\r"),
            _ => out,
        };
        let mut text = format!("---\n{fm}---\n{body}");
        if endings == Endings::CrLf {
            text = text.replace('\n', "\r\n");
        }
        let source = self.placed[p].source.clone();
        self.files.push((source, text.into_bytes()));
    }
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Draft => "draft",
        Status::Review => "review",
        Status::Published => "published",
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `content/a/p3.md` → `a/p3/`; `content/a/_index.md` → `a/`; the home page → ``.
pub fn url_of(source: &str) -> String {
    let rel = source.strip_prefix("content/").unwrap_or(source);
    match rel.strip_suffix("_index.md") {
        Some(dir) => dir.to_owned(),
        None => format!("{}/", rel.trim_end_matches(".md")),
    }
}

/// The path from the folder `from` to the file `to`, both under `content/`.
fn relative(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').collect();
    let to: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len() - 1);
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to[common..].join("/"));
    out
}

/// Writes one page's body.
struct PageWriter<'w, 'm> {
    w: &'w mut Writer<'m>,
    page: usize,
    out: String,
    /// Reference label → the block path of its first definition, which definition (in
    /// document order) that is, and its URL's marker.
    defs: BTreeMap<u8, (Vec<usize>, usize, Option<String>)>,
    /// Definitions written so far.
    def_count: usize,
    /// Does the page have "Overview dup" headings?
    has_dups: bool,
    footnotes: usize,
    /// Per audience that sees the page: how many "Overview dup" headings it sees.
    dups: BTreeMap<usize, usize>,
    /// Uses of reference labels: the label and who sees the use.
    uses: Vec<(u8, Set)>,
    blocks: usize,
    /// Inside a hostile block (its fences may be errors).
    hostile: bool,
    /// Inside an HTML block, as CommonMark reads the whole page.
    in_html: bool,
    /// Has the page a fence-like line that is not a fence (an error that may change how
    /// the rest of it is read)?
    fence_error: bool,
    /// Codes of errors in the page the refusal must include unless `fence_error`.
    reports: BTreeSet<&'static str>,
}

impl<'m> PageWriter<'_, 'm> {
    /// Finds the first definition of each reference label: its block path and number.
    /// Blocks are numbered in document order, as [`Self::block`] numbers them.
    fn find_defs(
        &mut self,
        items: &'m [Item],
        path: &mut Vec<usize>,
        blocks: &mut usize,
        defs: &mut usize,
    ) {
        for item in items {
            match item {
                Item::Leaf(Leaf::RefDef { label, .. }) => {
                    self.defs
                        .entry(*label)
                        .or_insert((path.clone(), *defs, None));
                    *defs += 1;
                }
                Item::Leaf(_) => {}
                Item::Block(b) => {
                    path.push(*blocks);
                    *blocks += 1;
                    self.find_defs(&b.items, path, blocks, defs);
                    path.pop();
                }
            }
        }
    }

    fn finish_refs(&mut self) {
        for (label, (_, _, marker)) in &self.defs {
            let Some(marker) = marker else { continue };
            let seen: Set = self
                .uses
                .iter()
                .filter(|(l, _)| l == label)
                .flat_map(|(_, s)| s.iter().copied())
                .collect();
            self.w.oracle.markers.insert(marker.clone(), seen);
        }
    }

    fn dir(&self) -> String {
        self.w.placed[self.page].dir.clone()
    }

    /// An error of the page's body: the build must fail, and report `code` unless the
    /// page has a fence error or this is inside raw HTML (where what CommonMark reads as
    /// a link is not for the oracle to say).
    fn must_fail(&mut self, code: &'static str, why: String) {
        self.w.must_fail(code, why);
        if !self.in_html {
            self.reports.insert(code);
        }
    }

    /// Writes items seen by `seen`, inside the blocks `path`, every line prefixed.
    fn items(&mut self, items: &'m [Item], seen: &Set, path: &mut Vec<usize>, prefix: &str) {
        for item in items {
            match item {
                Item::Leaf(leaf) => {
                    let text = self.leaf(*leaf, seen, path);
                    self.push(&text, prefix);
                    self.push("\n", prefix);
                }
                Item::Block(b) => self.block(b, seen, path, prefix),
            }
        }
    }

    /// Appends `text`, each line prefixed.
    fn push(&mut self, text: &str, prefix: &str) {
        for line in text.split_inclusive('\n') {
            if line == "\n" {
                self.out.push_str(prefix.trim_end());
                self.out.push('\n');
            } else {
                self.out.push_str(prefix);
                self.out.push_str(line);
            }
        }
    }

    fn block(&mut self, b: &'m Block, seen: &Set, path: &mut Vec<usize>, prefix: &str) {
        let id = self.blocks;
        self.blocks += 1;
        let mut conds: Vec<String> = b
            .restrict
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.as_ref().map(|v| {
                    let names: Vec<String> = v.iter().map(|x| value_name(i, *x)).collect();
                    format!("ax{i}={}", names.join(","))
                })
            })
            .collect();
        conds.extend(b.from.map(|d| format!("from={}", date(d))));
        conds.extend(b.until.map(|d| format!("until={}", date(d))));
        if conds.is_empty() {
            // A block needs a condition; an open date keeps its meaning.
            conds.push(format!("from={}", date(-30)));
        }
        let live = Life {
            status: Status::Published,
            from: b.from,
            until: b.until.map(|d| d + 1),
        }
        .shown(self.w.model.stage);
        let admitted = self.w.admitted(&b.restrict, false);
        let inner: Set = if live {
            seen.intersection(&admitted).copied().collect()
        } else {
            Set::new()
        };
        let open = format!("::: only {}\n", conds.join(" "));
        let close = ":::\n";
        let was_hostile = self.hostile;
        // Without errors, a fence-like line that is not a fence is written as a fence.
        let hostile = b.hostile.filter(|h| self.w.model.errors || !h.is_error());
        let (open, close, inner_prefix) = match hostile {
            None => (open, close.to_owned(), String::new()),
            Some(h) => {
                self.hostile = true;
                self.fence_error |= h.is_error();
                if h.is_error() && !was_hostile {
                    self.w.must_fail(
                        "ambiguous-fence",
                        format!("{h:?} fence in {}", self.w.placed[self.page].source),
                    );
                }
                self.w.oracle.may_fail.extend([
                    "ambiguous-fence",
                    "fence-in-open-code",
                    "unmatched-block-end",
                    "unclosed-block",
                ]);
                // Indented into the item above, the block is part of that item; when the
                // list goes on after it, it restricts part of an item (issue #13).
                if h == Hostile::ListIndent2 {
                    self.w.oracle.may_fail.insert("fence-inside-item");
                }
                self.hostile_lead(h, seen, prefix, &open, close)
            }
        };
        self.push(&open, prefix);
        // A row or item of the container before the fence, restricted by the block.
        match hostile {
            Some(Hostile::TableRows) => {
                let m = self.w.marker(&inner);
                self.push(&format!("| row {m} |\n\n"), prefix);
            }
            Some(Hostile::ListItems) => {
                let m = self.w.marker(&inner);
                self.push(&format!("- item {m}\n\n"), prefix);
            }
            _ => {}
        }
        path.push(id);
        let inner_prefix = format!("{prefix}{inner_prefix}");
        let was_html = self.in_html;
        self.in_html |= matches!(
            hostile,
            Some(Hostile::HtmlDiv | Hostile::HtmlPre | Hostile::HtmlComment)
        );
        self.items(&b.items, &inner, path, &inner_prefix);
        self.in_html = was_html;
        path.pop();
        self.push(&close, prefix);
        if let Some(h) = hostile {
            let tail = match h {
                Hostile::HtmlDiv => "</div>\n".to_owned(),
                Hostile::HtmlPre => "</pre>\n".to_owned(),
                Hostile::HtmlComment => "-->\n".to_owned(),
                Hostile::TableRows => format!("| after {} |\n", self.w.marker(seen)),
                Hostile::ListItems => format!("- after {}\n", self.w.marker(seen)),
                _ => String::new(),
            };
            self.push(&tail, prefix);
        }
        self.push("\n", prefix);
        self.hostile = was_hostile;
    }

    /// Writes what comes before a hostile block's fence, and returns its fence lines and
    /// the prefix of its content.
    fn hostile_lead(
        &mut self,
        h: Hostile,
        seen: &Set,
        prefix: &str,
        open: &str,
        close: &str,
    ) -> (String, String, String) {
        let m = self.w.marker(seen);
        let deco = |p: &str| (format!("{p}{open}"), format!("{p}{close}"), String::new());
        match h {
            Hostile::ListIndent2 => {
                self.push(&format!("- lead {m}\n"), prefix);
                (format!("  {open}"), format!("  {close}"), "  ".into())
            }
            Hostile::ListIndent4 => {
                self.push(&format!("1. step {m}\n\n"), prefix);
                (format!("    {open}"), format!("    {close}"), "    ".into())
            }
            Hostile::ListMarker => (format!("- {open}"), format!("- {close}"), "- ".into()),
            Hostile::Quote => {
                self.push(&format!("> quoted {m}\n>\n"), prefix);
                (format!("> {open}"), format!("> {close}"), "> ".into())
            }
            Hostile::HtmlDiv => {
                self.push(&format!("<div class=\"x\">\n<p>{m}</p>\n"), prefix);
                deco("")
            }
            Hostile::HtmlPre => {
                self.push(&format!("<pre>\n{m}\n"), prefix);
                deco("")
            }
            Hostile::HtmlComment => {
                self.push(&format!("<!-- {m}\n"), prefix);
                deco("")
            }
            Hostile::AfterUnclosedCode => {
                // Longer than any code fence the generator writes, so that no later one
                // in the page closes it (a later ``` did, and CommonMark then read the
                // fence-like lines between as the body of a closed code block: valid).
                self.push(&format!("`````\nunclosed {m}\n\n"), prefix);
                deco("")
            }
            Hostile::ZeroWidth => {
                self.push(&format!("Before {m}.\n\n"), prefix);
                deco("\u{200B}")
            }
            Hostile::Nbsp => {
                self.push(&format!("Before {m}.\n\n"), prefix);
                deco("\u{A0}")
            }
            Hostile::Tab => {
                self.push(&format!("Before {m}.\n\n"), prefix);
                deco("\t")
            }
            Hostile::Indent4 => {
                self.push(&format!("Before {m}.\n\n"), prefix);
                (format!("    {open}"), format!("    {close}"), "    ".into())
            }
            Hostile::Indent3 => {
                self.push(&format!("Before {m}.\n\n"), prefix);
                deco("   ")
            }
            Hostile::AfterInlineCode => {
                self.push(&format!("```kanava build``` writes {m}\n"), prefix);
                deco("")
            }
            Hostile::AfterTable => {
                self.push(&format!("| head |\n| --- |\n| {m} |\n"), prefix);
                deco("")
            }
            Hostile::TableRows => {
                self.push(&format!("| head |\n| --- |\n| lead {m} |\n"), prefix);
                deco("")
            }
            Hostile::ListItems => {
                self.push(&format!("- lead {m}\n"), prefix);
                deco("")
            }
            Hostile::AfterListCode => {
                let m2 = self.w.marker(seen);
                self.push(&format!("- a {m}\n\n  ```\n  code {m2}\n- b\n\n"), prefix);
                deco("")
            }
        }
    }

    /// One leaf construct's Markdown, with fresh markers seen by `seen`.
    fn leaf(&mut self, leaf: Leaf, seen: &Set, path: &[usize]) -> String {
        let mut m = || self.w.marker(seen);
        match leaf {
            Leaf::Paragraph => format!("Some text {} and *more {}*.\n", m(), m()),
            Leaf::Heading {
                level,
                setext: false,
            } => {
                format!("{} Heading {}\n", "#".repeat(level as usize), m())
            }
            Leaf::Heading {
                level,
                setext: true,
            } => {
                let underline = if level == 1 { "=====" } else { "-----" };
                format!("Heading {}\n{underline}\n", m())
            }
            Leaf::DupHeading { setext } => {
                self.has_dups = true;
                for a in seen {
                    *self.dups.entry(*a).or_default() += 1;
                }
                if setext {
                    "Overview dup\n------------\n".into()
                } else {
                    "## Overview dup\n".into()
                }
            }
            Leaf::List { ordered, nested } => {
                let (a, b, c) = (m(), m(), m());
                match (ordered, nested) {
                    (false, false) => format!("- item {a}\n- item {b}\n- item {c}\n"),
                    (false, true) => format!("- item {a}\n  - nested {b}\n    * deep {c}\n"),
                    (true, false) => format!("1. one {a}\n2. two {b}\n3. three {c}\n"),
                    (true, true) => format!("1. one {a}\n   1. sub {b}\n   - mixed {c}\n"),
                }
            }
            Leaf::Quote { nested: false } => format!("> Quoted {}\n> more {}\n", m(), m()),
            Leaf::Quote { nested: true } => format!("> Quoted {}\n>\n> > inner {}\n", m(), m()),
            Leaf::Alert(kind) => {
                let kind = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"][kind as usize % 5];
                format!("> [!{kind}]\n> Alert {}\n", m())
            }
            Leaf::Code { tilde, lang } => {
                let fence = if tilde { "~~~" } else { "```" };
                let lang = ["", "rust", "yaml", "text"][lang as usize % 4];
                format!("{fence}{lang}\nlet {} = 1;\n{fence}\n", m())
            }
            Leaf::DocCode(_) if self.in_html => {
                // Inside an HTML block CommonMark sees no code block, so fence syntax
                // there would be fences by the rule: a documentation example cannot be
                // written inside `<div>`, `<pre>` or `<!--`. Plain code instead.
                format!("```text\nexample {}\n```\n", m())
            }
            Leaf::DocCode(kind) => {
                let cond = format!("::: only ax0={}", value_name(0, 0));
                let a = m();
                match kind {
                    DocCode::Backtick => {
                        format!("```markdown\n{cond}\nExample {a}\n:::\n```\n")
                    }
                    DocCode::Tilde => {
                        format!("~~~~\n```\n{cond}\n```\nExample {a}\n:::\n~~~~\n")
                    }
                    DocCode::InList => format!(
                        "- Example {a}\n\n  ```markdown\n  {cond}\n  shown {}\n  :::\n  ```\n",
                        m()
                    ),
                    DocCode::InQuote => format!(
                        "> Example {a}\n>\n> ```\n> {cond}\n> shown {}\n> :::\n> ```\n",
                        m()
                    ),
                }
            }
            Leaf::IndentedCode => format!("    indented {}\n    code\n", m()),
            Leaf::Table => format!(
                "| Name | Value |\n| --- | ---: |\n| {} | 1 |\n| two | {} |\n",
                m(),
                m()
            ),
            Leaf::HtmlBlock { details: false } => {
                format!("<div class=\"note\">\n<p>Html {}</p>\n</div>\n", m())
            }
            Leaf::HtmlBlock { details: true } => format!(
                "<details>\n<summary>Summary {}</summary>\n\nInside {}\n\n</details>\n",
                m(),
                m()
            ),
            Leaf::InlineHtml => {
                format!("Text <span class=\"x\">{}</span> <em>{}</em>.\n", m(), m())
            }
            Leaf::FootnoteRef(k) => format!("Noted {}[^f{k}].\n", m()),
            Leaf::FootnoteDef => {
                let n = self.footnotes;
                self.footnotes += 1;
                format!("[^f{n}]: The note {}.\n", m())
            }
            Leaf::RefDef { label, in_quote } => {
                let n = self.def_count;
                self.def_count += 1;
                let url = m();
                // The URL's marker is seen where the definition is used (computed at the
                // end). Labels are unique in a page, so that which of two definitions
                // counts is never in question: a later one gets a label nothing uses.
                self.w.oracle.markers.insert(url.clone(), Set::new());
                let first = self.defs.get_mut(&label).filter(|d| d.1 == n);
                let name = match first {
                    Some(def) => {
                        def.2 = Some(url.clone());
                        format!("r{label}")
                    }
                    None => format!("unused{n}"),
                };
                let q = if in_quote { "> " } else { "" };
                format!("{q}[{name}]: https://ref.example/{url}\n")
            }
            Leaf::RefUse(label) => {
                let text = m();
                match self.defs.get(&label).map(|(p, _, _)| p.clone()) {
                    Some(def) if path.starts_with(&def) => self.uses.push((label, seen.clone())),
                    Some(_) if !self.w.model.errors => {
                        return format!("See [the ref {text}](https://ref.example/inline).\n");
                    }
                    Some(_) => {
                        let why = format!(
                            "[r{label}] used outside its block in {}",
                            self.w.placed[self.page].source
                        );
                        self.must_fail("hidden-reference", why);
                    }
                    None => {}
                }
                format!("See [the ref {text}][r{label}].\n")
            }
            Leaf::Link {
                target,
                raw,
                strict,
            } => {
                let text = m();
                let strict = strict && self.w.model.errors;
                let n = self.w.placed.len();
                let start = target as usize % n;
                let pick = (0..n)
                    .map(|i| (start + i) % n)
                    .find(|&t| strict || seen.is_subset(&self.w.placed[t].seen))
                    .unwrap_or(0);
                if !seen.is_subset(&self.w.placed[pick].seen) {
                    let why = format!(
                        "link from {} to {}",
                        self.w.placed[self.page].source, self.w.placed[pick].source
                    );
                    self.must_fail("hidden-link-target", why);
                }
                let href = relative(&self.dir(), &self.w.placed[pick].source);
                if raw {
                    format!("Go <a href=\"{href}\">there {text}</a>.\n")
                } else {
                    format!("Go [there {text}]({href}).\n")
                }
            }
            Leaf::MaterialLink {
                target,
                raw,
                strict,
            } => {
                let text = m();
                let strict = strict && self.w.model.errors;
                let n = self.w.materials.len();
                let start = target as usize % n.max(1);
                let pick = (0..n)
                    .map(|i| (start + i) % n)
                    .find(|&t| strict || seen.is_subset(&self.w.materials[t].seen));
                let Some(pick) = pick else {
                    return format!("No file for {text}.\n");
                };
                self.w.oracle.materials.2 += 1;
                let material = &self.w.materials[pick];
                // Whoever sees the link must get the file: kanava never writes a link to a
                // file a view lacks, and says so before building.
                if !seen.is_subset(&material.seen) {
                    let why = format!(
                        "link from {} to {} (seen by {seen:?}, the file by {:?})",
                        self.w.placed[self.page].source, material.source, material.seen
                    );
                    self.must_fail("hidden-link-target", why);
                }
                let href = relative(&self.dir(), &self.w.materials[pick].source);
                if raw {
                    format!("Get <a href=\"{href}\">the file {text}</a>.\n")
                } else {
                    format!("Get [the file {text}]({href}).\n")
                }
            }
            Leaf::Image { raw } => {
                let (alt, file) = (m(), m());
                let asset = format!("{}/img/{file}.svg", self.dir());
                self.w.files.push((
                    asset,
                    format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- {file} --></svg>")
                        .into_bytes(),
                ));
                if raw {
                    format!("<img src=\"img/{file}.svg\" alt=\"Raw {alt}\">\n")
                } else {
                    format!("![Alt {alt}](img/{file}.svg)\n")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn relative_paths() {
        assert_eq!(relative("content", "content/p1.md"), "p1.md");
        assert_eq!(relative("content/f1", "content/p1.md"), "../p1.md");
        assert_eq!(relative("content/f1/g", "content/f1/p2.md"), "../p2.md");
        assert_eq!(relative("content", "content/_index.md"), "_index.md");
        assert_eq!(relative("content/a", "content/a/_index.md"), "_index.md");
        assert_eq!(relative("content/a", "content/b/c/p.md"), "../b/c/p.md");
    }
}
