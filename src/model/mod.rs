//! Model: [`Sources`] → [`Site`], typed and immutable.
//!
//! Builds the section tree, gives every page its URL, cascades audience restrictions from
//! `_index.md` files down (a child may narrow, never widen; defaults fill what nobody
//! named), and parses each page's Markdown exactly once (in parallel), rewriting links.
//! Nothing here decides what a view shows: that is `plan`'s job alone.

pub mod audience;
pub mod catalog;
pub mod frontmatter;
pub mod lifecycle;
pub mod money;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Pos, did_you_mean};
use crate::load::{AssetFile, CONFIG_FILE, CONTENT_DIR, Config, Sources, frontmatter as split};
use crate::markdown::{self, Document, LinkError, LinkResolver, LinkTarget, Resolved};
use audience::{AudienceModel, AxisId, Restriction};
use frontmatter::FrontMatter;
use lifecycle::{Calendar, Lifecycle, Status, Window};

pub type PageId = usize;
pub type AssetId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Home,
    Section,
    Page,
    /// The product catalog's index (`catalog/`).
    Catalog,
    /// A catalog category (`catalog/<category>/`).
    Category,
    /// A product (`catalog/<category>/<sku>/`).
    Product,
}

impl PageKind {
    /// Pages with nothing of their own to show: in a view only if something below them is.
    pub fn needs_children(self, has_source: bool) -> bool {
        matches!(self, PageKind::Catalog | PageKind::Category)
            || (self == PageKind::Section && !has_source)
    }

    pub fn is_catalog(self) -> bool {
        matches!(
            self,
            PageKind::Catalog | PageKind::Category | PageKind::Product
        )
    }
}

/// What a catalog page shows, beyond its Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageData {
    None,
    Category(catalog::CategoryId),
    Product(catalog::ProductId),
}

#[derive(Debug)]
pub struct Page {
    pub kind: PageKind,
    /// `content/ordering/delivery.md`; `None` for a section folder without `_index.md` (or a
    /// site without `content/_index.md` for the home page).
    pub source: Option<String>,
    /// The folder relative links are resolved against: `content/ordering`.
    pub dir: String,
    /// Relative to the site root, `/`-terminated: `ordering/delivery/` (home: empty).
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub tags: Vec<String>,
    pub updated: Option<jiff::civil::Date>,
    pub parent: Option<PageId>,
    /// Child pages and sections, ordered by weight, then title.
    pub children: Vec<PageId>,
    /// The restriction in force: this page's, its sections', and the axis defaults.
    pub restriction: Restriction,
    /// For each restricted axis, the page whose front matter set it (`None`: the default).
    pub origins: Vec<(AxisId, Option<PageId>)>,
    /// Status and publish window in force (cascaded from sections).
    pub lifecycle: Lifecycle,
    /// For catalog pages: which category or product.
    pub data: PageData,
    /// The file to name in messages when it is not `source` (catalog data, kanava.yaml).
    pub origin: Option<String>,
    pub doc: Document,
}

impl Page {
    /// The file to name in messages about this page.
    pub fn display_path(&self) -> &str {
        self.origin
            .as_deref()
            .or(self.source.as_deref())
            .unwrap_or(&self.dir)
    }

    /// How messages about a child name this page: "its section `content/x/_index.md`".
    pub fn label(&self) -> String {
        match self.kind {
            PageKind::Category => format!(
                "its category `{}` ({CONFIG_FILE})",
                self.url
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
            ),
            _ => format!("its section `{}`", self.display_path()),
        }
    }
}

#[derive(Debug)]
pub struct Asset {
    /// `content/products/files/hp-12.pdf`
    pub path: String,
    /// Output path relative to the site root: `products/files/hp-12.pdf`.
    pub url: String,
    pub disk_path: std::path::PathBuf,
}

/// The whole site, loaded and parsed once; shared read-only by every view.
pub struct Site {
    pub config: Config,
    pub audiences: AudienceModel,
    pub calendar: Calendar,
    pub catalog: Option<catalog::Catalog>,
    /// Index 0 is the home page; then depth-first in navigation order.
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
}

/// The longest file or folder name most file systems allow, in bytes (`NAME_MAX`). Every URL
/// segment becomes one: a longer tag, slug, SKU or file name passed `check` and failed the
/// build with an I/O error (issue #12).
pub const MAX_SEGMENT_BYTES: usize = 255;

/// The error for a URL segment (`what`: "tag", "slug", "SKU"…) too long to be a folder name,
/// without a place: callers know it.
pub fn long_segment(what: &str, segment: &str) -> Option<Diagnostic> {
    (segment.len() > MAX_SEGMENT_BYTES).then(|| {
        let shown: String = segment.chars().take(40).collect();
        Diagnostic::error(
            "long-name",
            format!(
                "the {what} `{shown}…` makes a URL segment of {} bytes, longer than a file name may be ({MAX_SEGMENT_BYTES} bytes)",
                segment.len()
            ),
        )
        .help(format!("shorten it to at most {MAX_SEGMENT_BYTES} bytes"))
    })
}

/// A page before it has an index: the tree is built first, then numbered depth-first.
struct Node {
    kind: PageKind,
    source: Option<String>,
    dir: String,
    segment: String,
    fm: FrontMatter,
    children: Vec<usize>,
    parent: Option<usize>,
    data: PageData,
    origin: Option<String>,
}

impl Node {
    fn new(kind: PageKind, dir: &str, segment: String, parent: Option<usize>) -> Node {
        Node {
            kind,
            source: None,
            dir: dir.to_owned(),
            segment,
            fm: FrontMatter::default(),
            children: Vec::new(),
            parent,
            data: PageData::None,
            origin: None,
        }
    }
}

/// Builds the site. Code blocks stay plain: a build highlights the fragments its views show
/// with [`Site::highlight`].
pub fn build(sources: &Sources, config: Config, diags: &mut Vec<Diagnostic>) -> Site {
    let audiences = audience::from_config(config.audience.as_ref(), diags);
    let calendar = calendar(&config, diags);
    let default_status = default_status(&config, diags);

    // Front matter of every file, in parallel; diagnostics are gathered in file order.
    let parsed: Vec<_> = sources
        .markdown
        .par_iter()
        .map(|file| {
            let mut found = Vec::new();
            let parsed = match split::split(&file.path, &file.text) {
                Ok(s) => {
                    let fm = frontmatter::parse(
                        s.yaml,
                        &file.path,
                        s.yaml_offset,
                        &audiences,
                        &calendar,
                        &mut found,
                    );
                    ((s.body, s.body_offset), fm)
                }
                Err(d) => {
                    found.push(d);
                    // Keep the page (with no front matter) so links to it are not also reported.
                    let unreadable = FrontMatter {
                        unreadable: true,
                        ..FrontMatter::default()
                    };
                    (("", 0), unreadable)
                }
            };
            (file, parsed, found)
        })
        .collect();
    let mut bodies: HashMap<String, (&str, u32)> = HashMap::new();
    let mut fms: BTreeMap<String, FrontMatter> = BTreeMap::new();
    for (file, (body, fm), found) in parsed {
        diags.extend(found);
        bodies.insert(file.path.clone(), body);
        fms.insert(file.path.clone(), fm);
    }

    // The tree: one node per folder (a section) and per page.
    let mut nodes: Vec<Node> = vec![Node::new(PageKind::Home, CONTENT_DIR, String::new(), None)];
    let mut dirs: HashMap<String, usize> = HashMap::from([(CONTENT_DIR.to_owned(), 0)]);
    for (path, fm) in fms {
        let (dir, file_name) = path
            .rsplit_once('/')
            .unwrap_or((CONTENT_DIR, path.as_str()));
        let section = section_node(dir, &mut nodes, &mut dirs);
        if file_name == "_index.md" {
            nodes[section].source = Some(path.clone());
            nodes[section].fm = fm;
        } else {
            let stem = file_name.trim_end_matches(".md");
            let id = nodes.len();
            let mut node = Node::new(PageKind::Page, dir, url_segment(stem), Some(section));
            node.source = Some(path.clone());
            node.fm = fm;
            nodes.push(node);
            nodes[section].children.push(id);
        }
    }
    let catalog = config
        .catalog
        .as_ref()
        .map(|node| catalog::build(node, &sources.data, &audiences, diags));
    if let Some(catalog) = &catalog {
        catalog_nodes(catalog, &mut nodes);
    }
    for node in &mut nodes {
        if let Some(slug) = &node.fm.slug {
            if node.kind == PageKind::Home {
                diags.push(
                    Diagnostic::error("bad-slug", "the home page cannot have a slug")
                        .in_file(node.source.clone().unwrap_or_default()),
                );
            } else {
                node.segment = slug.clone();
            }
        }
    }

    // Number the tree depth-first, children ordered by weight then title.
    let title_of = |n: &Node| -> String {
        n.fm.title
            .clone()
            .unwrap_or_else(|| title_from_segment(&n.segment))
    };
    for i in 0..nodes.len() {
        let mut children = std::mem::take(&mut nodes[i].children);
        children.sort_by_cached_key(|&c| {
            (
                nodes[c].fm.weight,
                natural_key(&title_of(&nodes[c])),
                nodes[c].segment.clone(),
            )
        });
        nodes[i].children = children;
    }
    let mut order = Vec::with_capacity(nodes.len());
    let mut stack = vec![0usize];
    while let Some(n) = stack.pop() {
        order.push(n);
        stack.extend(nodes[n].children.iter().rev());
    }
    let mut index_of = vec![0usize; nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        index_of[n] = i;
    }

    let mut pages: Vec<Page> = Vec::with_capacity(order.len());
    for &n in &order {
        let node = &nodes[n];
        let parent = node.parent.map(|p| index_of[p]);
        let url = match parent {
            None => String::new(),
            Some(p) => format!("{}{}/", pages[p].url, node.segment),
        };
        if node.source.is_some() && node.fm.title.is_none() && !node.fm.unreadable {
            diags.push(
                Diagnostic::error("missing-title", "the page has no `title`")
                    .at(node.source.clone().unwrap_or_default(), Pos::new(1, 1))
                    .help("add `title: …` to the front matter"),
            );
        }
        let title = match (node.kind, &node.fm.title) {
            (_, Some(t)) => t.clone(),
            (PageKind::Home, None) => config.title.clone(),
            (_, None) => title_from_segment(&node.segment),
        };
        pages.push(Page {
            kind: node.kind,
            source: node.source.clone(),
            dir: node.dir.clone(),
            url,
            title,
            description: node.fm.description.clone(),
            weight: node.fm.weight,
            tags: node.fm.tags.clone(),
            updated: node.fm.updated,
            parent,
            children: node.children.iter().map(|&c| index_of[c]).collect(),
            restriction: Restriction::default(),
            origins: Vec::new(),
            lifecycle: Lifecycle::default(),
            data: node.data,
            origin: node.origin.clone(),
            doc: Document::default(),
        });
    }
    let fm_of = |i: PageId| &nodes[order[i]].fm;

    check_urls(&pages, catalog.is_some(), diags);
    cascade(&mut pages, &audiences, fm_of, diags);
    if let Some(catalog) = &catalog {
        products_within_categories(&mut pages, &audiences, catalog, diags);
    }
    cascade_lifecycle(&mut pages, default_status, fm_of, &calendar, diags);

    let assets: Vec<Asset> = sources.assets.iter().map(asset).collect();
    check_asset_paths(&pages, &assets, catalog.is_some(), diags);

    // Markdown, once per page, in parallel.
    let index = Index::new(&pages, &assets, &sources.refused, catalog.as_ref());
    let parsed: Vec<(Document, Vec<Diagnostic>)> = pages
        .par_iter()
        .map(|page| {
            let mut d = Vec::new();
            let resolver = Resolver {
                index: &index,
                page,
            };
            if let (PageData::Product(id), Some(catalog)) = (page.data, &catalog) {
                let doc = product_document(
                    &catalog.products[id],
                    &audiences,
                    &calendar,
                    &resolver,
                    &mut d,
                );
                return (doc, d);
            }
            let Some(source) = &page.source else {
                return (Document::default(), d);
            };
            let (body, line_offset) = bodies.get(source).copied().unwrap_or(("", 0));
            let input = markdown::Input {
                file: source,
                body,
                line_offset,
                column_offset: 0,
            };
            let doc = markdown::parse(&input, &audiences, &calendar, &resolver, &mut d);
            (doc, d)
        })
        .collect();
    for (page, (doc, d)) in pages.iter_mut().zip(parsed) {
        page.doc = doc;
        diags.extend(d);
    }

    Site {
        config,
        audiences,
        calendar,
        catalog,
        pages,
        assets,
    }
}

/// Puts the catalog into the tree: `catalog/` under the home page, a section per category,
/// a page per product. Restrictions ride along as front matter, so the cascade treats them
/// like any section's.
fn catalog_nodes(catalog: &catalog::Catalog, nodes: &mut Vec<Node>) {
    let root = nodes.len();
    let mut node = Node::new(
        PageKind::Catalog,
        CONTENT_DIR,
        catalog::CATALOG_SEGMENT.into(),
        Some(0),
    );
    node.fm.title = Some(catalog.title.clone());
    node.fm.description = catalog.description.clone();
    node.fm.weight = catalog.weight;
    node.origin = Some(CONFIG_FILE.into());
    nodes.push(node);
    nodes[0].children.push(root);
    let mut category_nodes = Vec::new();
    for (i, c) in catalog.categories.iter().enumerate() {
        let id = nodes.len();
        let mut node = Node::new(PageKind::Category, CONTENT_DIR, c.id.clone(), Some(root));
        node.fm.title = Some(c.title.clone());
        node.fm.description = c.description.clone();
        node.fm.weight = i as i64;
        node.fm.restrictions = c.restrictions.clone();
        node.data = PageData::Category(i);
        node.origin = Some(CONFIG_FILE.into());
        nodes.push(node);
        nodes[root].children.push(id);
        category_nodes.push(id);
    }
    for (i, p) in catalog.products.iter().enumerate() {
        let id = nodes.len();
        let parent = category_nodes[p.category];
        let dir = p.file.rsplit_once('/').map_or("", |(d, _)| d);
        let mut node = Node::new(PageKind::Product, dir, p.sku.to_lowercase(), Some(parent));
        node.fm.title = Some(p.name.clone());
        node.fm.description = p.summary.clone();
        node.fm.restrictions = p.restrictions.clone();
        node.data = PageData::Product(i);
        node.origin = Some(p.file.clone());
        nodes.push(node);
        nodes[parent].children.push(id);
    }
}

/// A product's description, parsed like a page body, plus its datasheet and image as links
/// (so they are published exactly where the product is).
fn product_document(
    product: &catalog::Product,
    audiences: &AudienceModel,
    calendar: &Calendar,
    resolver: &Resolver,
    diags: &mut Vec<Diagnostic>,
) -> Document {
    let mut doc = match &product.description {
        Some((text, line_offset, column_offset)) => {
            let input = markdown::Input {
                file: &product.file,
                body: text,
                line_offset: *line_offset,
                column_offset: *column_offset,
            };
            markdown::parse(&input, audiences, calendar, resolver, diags)
        }
        None => Document::default(),
    };
    for (path, is_image) in [(&product.datasheet, false), (&product.image, true)] {
        let Some(path) = path else { continue };
        match resolver.resolve(&path.path) {
            Ok(Some(Resolved { target: target @ LinkTarget::Asset(_), .. })) => doc.attachments.push(markdown::Link {
                target,
                dest: path.path.clone(),
                title: String::new(),
                pos: path.pos,
                is_image,
            }),
            Ok(_) => diags.push(
                Diagnostic::error("broken-link", format!("`{}` is not a file in `content/`", path.path))
                    .at(product.file.clone(), path.pos)
                    .help("datasheets and images are files under content/, written relative to the data file"),
            ),
            Err(e) => diags.push(
                Diagnostic::error(e.code, e.message)
                    .at(product.file.clone(), path.pos)
                    .len(path.path.chars().count())
                    .help(e.help),
            ),
        }
    }
    doc
}

fn calendar(config: &Config, diags: &mut Vec<Diagnostic>) -> Calendar {
    let Some(name) = &config.timezone else {
        return Calendar::utc();
    };
    match jiff::tz::TimeZone::get(&name.value) {
        Ok(tz) => Calendar { tz },
        Err(_) => {
            diags.push(
                config_value_error("bad-timezone", "is not a known timezone", name)
                    .help("use an IANA name such as `Europe/Helsinki`, `Europe/Rome` or `UTC`"),
            );
            Calendar::utc()
        }
    }
}

/// "`value` is not …" at a value of kanava.yaml.
fn config_value_error(
    code: &'static str,
    what: &str,
    value: &serde_saphyr::Spanned<String>,
) -> Diagnostic {
    let line = u32::try_from(value.referenced.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(value.referenced.column()).unwrap_or(1);
    Diagnostic::error(code, format!("`{}` {what}", value.value))
        .at(CONFIG_FILE, Pos::new(line, column))
        .len(value.value.chars().count())
}

fn default_status(config: &Config, diags: &mut Vec<Diagnostic>) -> Status {
    let Some(name) = &config.default_status else {
        return Status::Published;
    };
    Status::parse(&name.value).unwrap_or_else(|| {
        diags.push(
            config_value_error("unknown-status", "is not a status", name).help(
                crate::diag::suggest_help(&name.value, Status::NAMES, "statuses"),
            ),
        );
        Status::Published
    })
}

/// Cascades status and publish windows: a child's status is the least published of its
/// chain (a draft section hides everything below it), its window the intersection of the
/// chain's windows. A child may narrow its section's window, never widen it. The home
/// page is in every stage.
fn cascade_lifecycle<'f>(
    pages: &mut [Page],
    default_status: Status,
    fm_of: impl Fn(PageId) -> &'f FrontMatter,
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
) {
    // Per page: the explicit window of its chain, and which page set each end.
    let mut chain: Vec<(Window, Option<PageId>, Option<PageId>)> =
        vec![(Window::default(), None, None); pages.len()];
    for id in 0..pages.len() {
        let fm = fm_of(id);
        let file = pages[id].display_path().to_owned();
        if pages[id].kind.is_catalog() {
            // Products have their own lifecycle (new, active, eol); pages' does not apply.
            continue;
        }
        if pages[id].kind == PageKind::Home {
            for (key, pos) in [
                ("status", fm.status.map(|s| s.1)),
                ("publish", fm.publish.map(|p| p.1)),
                ("expires", fm.expires.map(|e| e.1)),
            ] {
                if let Some(pos) = pos {
                    diags.push(
                        Diagnostic::error(
                            "restricted-home",
                            format!("the home page is in every stage and cannot have `{key}`"),
                        )
                        .at(file.clone(), pos)
                        .help("schedule parts of it with `::: only from=… until=…` blocks instead"),
                    );
                }
            }
            continue;
        }
        let parent = pages[id]
            .parent
            .filter(|&p| pages[p].kind != PageKind::Home);
        let (outer, from_origin, until_origin) =
            parent.map_or((Window::default(), None, None), |p| chain[p]);
        let parent_status = parent.map_or(Status::Published, |p| pages[p].lifecycle.status);
        let own_status = fm.status.map_or(default_status, |s| s.0);
        let mut own = Window {
            from: fm.publish.map(|p| p.0),
            until: fm.expires.map(|e| e.0),
        };
        if let (Some((from, pos)), Some(outer_from), Some(origin)) =
            (fm.publish, outer.from, from_origin)
            && from < outer_from
        {
            diags.push(widened(
                &file,
                pos,
                "publish",
                calendar.display(from),
                pages[origin].display_path(),
                calendar.display(outer_from),
            ));
            own.from = None;
        }
        if let (Some((until, pos)), Some(outer_until), Some(origin)) =
            (fm.expires, outer.until, until_origin)
            && until > outer_until
        {
            diags.push(widened(
                &file,
                pos,
                "expires",
                calendar.display(until),
                pages[origin].display_path(),
                calendar.display(outer_until),
            ));
            own.until = None;
        }
        let window = outer.and(own);
        chain[id] = (
            window,
            if own.from.is_some() && window.from == own.from {
                Some(id)
            } else {
                from_origin
            },
            if own.until.is_some() && window.until == own.until {
                Some(id)
            } else {
                until_origin
            },
        );
        pages[id].lifecycle = Lifecycle {
            status: parent_status.min(own_status),
            window,
        };
    }
}

fn widened(
    file: &str,
    pos: Pos,
    key: &str,
    value: String,
    section: &str,
    section_value: String,
) -> Diagnostic {
    Diagnostic::error(
        "widened-window",
        format!("`{key}: {value}` reaches outside its section `{section}`, which has `{key}: {section_value}`"),
    )
    .at(file, pos)
    .help("a page may narrow its section's publish window, never widen it")
}

fn section_node(dir: &str, nodes: &mut Vec<Node>, dirs: &mut HashMap<String, usize>) -> usize {
    if let Some(&id) = dirs.get(dir) {
        return id;
    }
    let (parent_dir, name) = dir.rsplit_once('/').unwrap_or((CONTENT_DIR, dir));
    let parent = section_node(parent_dir, nodes, dirs);
    let id = nodes.len();
    nodes.push(Node::new(
        PageKind::Section,
        dir,
        url_segment(name),
        Some(parent),
    ));
    nodes[parent].children.push(id);
    dirs.insert(dir.to_owned(), id);
    id
}

/// File and folder names become URL segments: lowercase, spaces to `-`.
fn url_segment(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    if s.is_empty() { "page".to_owned() } else { s }
}

/// Orders "HP-8" before "HP-12" and "Step 2" before "Step 10": runs of digits compare as
/// numbers, the rest case-insensitively.
fn natural_key(title: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = title.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = u64::from(c as u8 - b'0');
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u64::from(*d as u8 - b'0'));
                chars.next();
            }
            key.push((std::mem::take(&mut text), n));
        } else {
            text.extend(c.to_lowercase());
        }
    }
    key.push((text, 0));
    key
}

fn title_from_segment(segment: &str) -> String {
    let s = segment.replace(['-', '_'], " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn check_urls(pages: &[Page], has_catalog: bool, diags: &mut Vec<Diagnostic>) {
    let catalog_url = format!("{}/", catalog::CATALOG_SEGMENT);
    let generated = crate::paths::generated(has_catalog.then_some(catalog_url.as_str()));
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    for page in pages {
        let catalog_taken = has_catalog && page.url == catalog_url && !page.kind.is_catalog();
        // A page is a folder: it may not be a generated folder, nor have a generated file's
        // name (`content/robots.txt.md` made a folder where the file goes).
        let taken = generated
            .iter()
            .find(|(path, _)| page.url == *path || page.url.strip_suffix('/') == Some(path));
        if let Some((path, what)) = taken {
            diags.push(
                Diagnostic::error(
                    "reserved-url",
                    format!("`/{path}` is reserved for kanava's generated pages ({what})"),
                )
                .in_file(page.display_path())
                .help("rename the file or folder, or give it another `slug`"),
            );
        } else if page.parent == Some(0) && catalog_taken {
            diags.push(
                Diagnostic::error(
                    "reserved-url",
                    format!("`/{}` is reserved for the product catalog", page.url),
                )
                .in_file(page.display_path())
                .help("rename the file or folder, or give it another `slug`"),
            );
        }
        let segment = page.url.trim_end_matches('/').rsplit('/').next();
        if let Some(d) = segment.and_then(|s| long_segment("page's URL", s)) {
            diags.push(
                d.in_file(page.display_path())
                    .help("rename the file or folder, or give it a shorter `slug`"),
            );
        }
        if let Some(first) = seen.insert(&page.url, page) {
            diags.push(
                Diagnostic::error(
                    "duplicate-url",
                    format!(
                        "`{}` and `{}` both map to the URL `/{}`",
                        first.display_path(),
                        page.display_path(),
                        page.url
                    ),
                )
                .in_file(page.display_path())
                .help("give one of them another `slug`, or rename it"),
            );
        }
    }
}

fn asset(file: &AssetFile) -> Asset {
    Asset {
        path: file.path.clone(),
        url: file
            .path
            .strip_prefix("content/")
            .unwrap_or(&file.path)
            .to_owned(),
        disk_path: file.disk_path.clone(),
    }
}

fn check_asset_paths(
    pages: &[Page],
    assets: &[Asset],
    has_catalog: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let page_files: HashMap<String, &Page> = pages
        .iter()
        .map(|p| (crate::paths::page_file(&p.url), p))
        .collect();
    let catalog_url = format!("{}/", catalog::CATALOG_SEGMENT);
    let generated = crate::paths::generated(has_catalog.then_some(catalog_url.as_str()));
    for a in assets {
        let reserved = generated.iter().find(|(path, _)| {
            if path.ends_with('/') {
                a.url.starts_with(path.as_str())
            } else {
                a.url == *path
            }
        });
        if let Some(page) = page_files.get(&a.url) {
            diags.push(
                Diagnostic::error(
                    "duplicate-url",
                    format!(
                        "`{}` would overwrite the page `{}`",
                        a.path,
                        page.display_path()
                    ),
                )
                .in_file(a.path.clone())
                .help("rename or move the file"),
            );
        } else if let Some((path, what)) = reserved {
            let (message, help) = if path.ends_with('/') {
                (
                    format!(
                        "`{}` is inside `/{path}`, where kanava writes {what}",
                        a.path
                    ),
                    "move the file to another folder",
                )
            } else {
                (
                    format!(
                        "`{}` would replace `/{path}`, which kanava writes ({what})",
                        a.path
                    ),
                    "remove or rename the file: kanava writes this one itself",
                )
            };
            diags.push(
                Diagnostic::error("reserved-url", message)
                    .in_file(a.path.clone())
                    .help(help),
            );
        }
    }
}

/// Cascades restrictions from sections to everything below them. Pages are numbered
/// depth-first, so a parent is always done before its children.
fn cascade<'f>(
    pages: &mut [Page],
    audiences: &AudienceModel,
    fm_of: impl Fn(PageId) -> &'f FrontMatter,
    diags: &mut Vec<Diagnostic>,
) {
    // Explicit restrictions only (no defaults), with their origin, per page.
    let mut explicit: Vec<Vec<(AxisId, audience::Req, PageId)>> = vec![Vec::new(); pages.len()];
    for id in 0..pages.len() {
        let fm = fm_of(id);
        let inherited = match pages[id].parent {
            Some(p) if pages[p].kind != PageKind::Home => explicit[p].clone(),
            _ => Vec::new(),
        };
        let mut own = inherited.clone();
        for &(axis, req, pos) in &fm.restrictions {
            let file = pages[id].display_path().to_owned();
            if pages[id].kind == PageKind::Home {
                // The home page is in every audience's site. A restriction that admits every
                // audience (`tier: public`, which public content must say) is accepted
                // (issue #12); one that excludes an audience cannot hold.
                let mut r = Restriction::default();
                r.require(axis, req);
                let excluded: Vec<String> = audiences
                    .admitted_beyond(&Restriction::default(), &r)
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect();
                // Accepted, it changes nothing: `plan` shows the home page to everyone, and
                // it never cascades (it would replace the axis defaults of the pages below).
                if !excluded.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            "restricted-home",
                            format!(
                                "the home page is in every audience's site, but `{}` excludes {}",
                                audiences.describe_req(axis, req),
                                excluded.join(", ")
                            ),
                        )
                        .at(file, pos)
                        .len(audiences.axes[axis].name.chars().count())
                        .help("restrict parts of it with `::: only …` blocks instead, or name a value every audience has"),
                    );
                }
                continue;
            }
            if let Some(&(_, parent_req, origin)) = inherited.iter().find(|(a, _, _)| *a == axis)
                && req.is_wider_than(parent_req)
            {
                diags.push(
                    Diagnostic::error(
                        "widened-restriction",
                        format!(
                            "this {} allows {} but {} allows only {}",
                            if pages[id].kind == PageKind::Product { "product" } else { "page" },
                            audiences.describe_req(axis, req),
                            pages[origin].label(),
                            audiences.describe_req(axis, parent_req),
                        ),
                    )
                    .at(file, pos)
                    .len(audiences.axes[axis].name.chars().count())
                    .help("a page may narrow its section's restriction, never widen it: remove the key or move the page"),
                );
                continue;
            }
            // Narrowed by what is in force already: the section's, or this page's own
            // earlier restriction on the axis (two never make the later one win, issue #12).
            let narrowed = match own.iter().find(|(a, _, _)| *a == axis) {
                Some(&(_, earlier, _)) => {
                    let mut r = Restriction::default();
                    r.require(axis, earlier);
                    r.require(axis, req);
                    r.get(axis).unwrap_or(req)
                }
                None => req,
            };
            own.retain(|(a, _, _)| *a != axis);
            own.push((axis, narrowed, id));
        }
        let mut restriction = Restriction::default();
        let mut origins = Vec::new();
        for &(axis, req, origin) in &own {
            restriction.require(axis, req);
            origins.push((axis, Some(origin)));
        }
        // Defaults apply to what has content of its own. A folder without `_index.md` and
        // the catalog root are shown exactly when something below them is (see `plan`),
        // so a default on them would only orphan their public children.
        let derived = pages[id].kind == PageKind::Catalog
            || (pages[id].kind == PageKind::Section && pages[id].source.is_none());
        if pages[id].kind != PageKind::Home && !derived {
            for (axis, req) in audiences.defaults().iter() {
                if restriction.get(axis).is_none() {
                    restriction.require(axis, req);
                    origins.push((axis, None));
                }
            }
        }
        origins.sort_by_key(|(a, _)| *a);
        pages[id].restriction = restriction;
        pages[id].origins = origins;
        explicit[id] = own;
    }
}

/// A product is seen only inside its category, so no audience may see a product whose
/// category it cannot see (issue #12). `cascade` refuses an explicit widening; this catches
/// the rest — a category that gets an axis default (`tier: registered`) holding a product
/// marked `tier: public` — which used to fail inside the built-in product template, with
/// no word of the data. Reported at the product's data; the product is then narrowed to its
/// category, so no view holds a product without its category.
fn products_within_categories(
    pages: &mut [Page],
    audiences: &AudienceModel,
    catalog: &catalog::Catalog,
    diags: &mut Vec<Diagnostic>,
) {
    for id in 0..pages.len() {
        let (PageData::Product(product_id), Some(category)) = (pages[id].data, pages[id].parent)
        else {
            continue;
        };
        let (product, category) = (&pages[id], &pages[category]);
        let excluded: Vec<String> = audiences
            .admitted_beyond(&product.restriction, &category.restriction)
            .iter()
            .map(|name| format!("`{name}`"))
            .collect();
        if excluded.is_empty() {
            continue;
        }
        let data = &catalog.products[product_id];
        // The axis the product widens, and whether the category's value is an axis default.
        let widened = data.restrictions.iter().find_map(|&(axis, req, pos)| {
            let outer = category.restriction.get(axis)?;
            req.is_wider_than(outer).then_some((axis, req, outer, pos))
        });
        let category_id = &catalog.categories[data.category].id;
        let (at, len, why, help) = match widened {
            Some((axis, req, outer, pos)) => {
                let default = category
                    .origins
                    .iter()
                    .any(|&(a, origin)| a == axis && origin.is_none());
                let name = &audiences.axes[axis].name;
                let value = audiences.yaml_value(axis, req);
                (
                    pos,
                    name.chars().count(),
                    format!(
                        ": it allows only {}{}",
                        audiences.describe_req(axis, outer),
                        if default { " (the axis default)" } else { "" }
                    ),
                    format!(
                        "a product is shown only inside its category: give the category `{name}: {value}` too (`catalog.categories.{category_id}` in {CONFIG_FILE}), or remove `{name}` from the product"
                    ),
                )
            }
            None => (
                data.pos,
                1,
                String::new(),
                format!(
                    "a product is shown only inside its category: let category `{category_id}` ({CONFIG_FILE}) admit the same audiences, or narrow the product"
                ),
            ),
        };
        diags.push(
            Diagnostic::error(
                "product-outside-category",
                format!(
                    "product `{}` admits {} but {} does not{why}",
                    data.sku,
                    excluded.join(", "),
                    category.label()
                ),
            )
            .at(data.file.clone(), at)
            .len(len)
            .help(help),
        );
        let narrowed = product.restriction.and(&category.restriction);
        pages[id].restriction = narrowed;
    }
}

impl Site {
    /// Highlights the code of the fragments `shown` marks — per page, per fragment, as
    /// `plan::shown_fragments` gives them — in parallel. The rest stays plain: no view
    /// being built shows it.
    pub fn highlight(&mut self, shown: &[Vec<bool>]) {
        self.pages
            .par_iter_mut()
            .zip(shown)
            .for_each(|(page, shown)| {
                for (fragment, &shown) in page.doc.fragments.iter_mut().zip(shown) {
                    if shown {
                        fragment.highlight();
                    }
                }
            });
    }

    /// The first moment after `at` when some page or block starts or stops being shown:
    /// until then, a build for "now" produces the same output.
    pub fn next_change(&self, at: jiff::Timestamp) -> Option<jiff::Timestamp> {
        let windows = self.pages.iter().flat_map(|p| {
            std::iter::once(p.lifecycle.window).chain(p.doc.blocks.iter().map(|b| b.window))
        });
        windows
            .flat_map(|w| [w.from, w.until])
            .flatten()
            .filter(|t| *t > at)
            .min()
    }
}

/// Lookup tables for link resolution.
struct Index<'a> {
    /// Symlinks the loader refused: a link to one says so rather than "does not exist".
    refused: std::collections::HashSet<&'a str>,
    pages_by_source: HashMap<&'a str, PageId>,
    sections_by_dir: HashMap<&'a str, PageId>,
    /// Lowercased SKU → product page, for `sku:` links.
    products_by_sku: HashMap<String, PageId>,
    skus: Vec<&'a str>,
    assets_by_path: HashMap<&'a str, AssetId>,
}

impl<'a> Index<'a> {
    fn new(
        pages: &'a [Page],
        assets: &'a [Asset],
        refused: &'a [String],
        catalog: Option<&'a catalog::Catalog>,
    ) -> Index<'a> {
        let mut pages_by_source = HashMap::new();
        let mut sections_by_dir = HashMap::new();
        for (i, p) in pages.iter().enumerate() {
            if let Some(src) = &p.source {
                pages_by_source.insert(src.as_str(), i);
            }
            if matches!(p.kind, PageKind::Home | PageKind::Section) {
                sections_by_dir.insert(p.dir.as_str(), i);
            }
        }
        let assets_by_path = assets
            .iter()
            .enumerate()
            .map(|(i, a)| (a.path.as_str(), i))
            .collect();
        let mut products_by_sku = HashMap::new();
        let mut skus = Vec::new();
        if let Some(catalog) = catalog {
            for (i, p) in pages.iter().enumerate() {
                if let PageData::Product(id) = p.data {
                    products_by_sku.insert(catalog.products[id].sku.to_lowercase(), i);
                    skus.push(catalog.products[id].sku.as_str());
                }
            }
        }
        Index {
            products_by_sku,
            skus,
            refused: refused.iter().map(String::as_str).collect(),
            pages_by_source,
            sections_by_dir,
            assets_by_path,
        }
    }
}

struct Resolver<'a> {
    index: &'a Index<'a>,
    page: &'a Page,
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, dest: &str) -> Result<Option<Resolved>, LinkError> {
        if let Some(anchor) = dest.strip_prefix('#') {
            return Ok(Some(Resolved {
                target: LinkTarget::SelfAnchor(anchor.to_owned()),
                labelled: false,
            }));
        }
        if let Some(sku) = dest.strip_prefix("sku:") {
            return self.product_link(sku);
        }
        if is_external(dest) {
            return Ok(None);
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let path = percent_decode(path);
        if path.starts_with('/') {
            return Err(LinkError {
                code: "absolute-link",
                message: format!(
                    "`{dest}` is an absolute path, which breaks when the site is served from a sub-path or opened from disk"
                ),
                help: "write the path relative to this file, e.g. `../ordering/delivery.md`".into(),
            });
        }
        let Some(target) = join(&self.page.dir, &path) else {
            return Err(LinkError {
                code: "outside-root",
                message: format!("`{dest}` points outside `content/`"),
                help: "link only to files inside `content/`".into(),
            });
        };
        let idx = self.index;
        let page_target = idx
            .pages_by_source
            .get(target.as_str())
            .or_else(|| idx.sections_by_dir.get(target.trim_end_matches('/')));
        if let Some(&page) = page_target {
            return Ok(Some(Resolved {
                target: LinkTarget::Page {
                    page,
                    anchor: anchor.map(str::to_owned),
                },
                labelled: false,
            }));
        }
        if let Some(&asset) = idx.assets_by_path.get(target.as_str()) {
            return Ok(Some(Resolved {
                target: LinkTarget::Asset(asset),
                labelled: false,
            }));
        }
        if idx
            .refused
            .iter()
            .any(|r| target == *r || target.starts_with(&format!("{r}/")))
        {
            return Err(LinkError {
                code: "outside-root",
                message: format!(
                    "`{dest}` points to `{target}`, a symbolic link kanava refuses to follow"
                ),
                help: "see the error on the link itself; copy the file into `content/` instead"
                    .into(),
            });
        }
        // Suggest what the author would have written (relative to this page), comparing
        // file names: whole paths share `../content/` and would all look alike.
        let written = dest.split(['#', '?']).next().unwrap_or(dest);
        let file_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
        let wanted = file_name(written);
        let candidates: Vec<String> = idx
            .pages_by_source
            .keys()
            .chain(idx.assets_by_path.keys())
            .filter(|c| strsim::jaro_winkler(&wanted, &file_name(c)) > 0.85)
            .map(|c| relative_path(&self.page.dir, c))
            .collect();
        let help = match did_you_mean(written, candidates.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`?"),
            None if !target.ends_with(".md") && !target.contains('.') => {
                "link to the page's `.md` file (or a folder's `_index.md`)".into()
            }
            None => "check the path; links are relative to this file".into(),
        };
        Err(LinkError {
            code: "broken-link",
            message: format!("`{dest}` points to `{target}`, which does not exist"),
            help,
        })
    }
}

impl Resolver<'_> {
    /// `sku:HP-12` → the product page.
    fn product_link(&self, sku: &str) -> Result<Option<Resolved>, LinkError> {
        let idx = self.index;
        match idx.products_by_sku.get(&sku.to_lowercase()) {
            Some(&page) => Ok(Some(Resolved {
                target: LinkTarget::Page { page, anchor: None },
                labelled: true,
            })),
            None if idx.skus.is_empty() => Err(LinkError {
                code: "unknown-product",
                message: format!("no product with SKU `{sku}`: this site has no catalog"),
                help: "declare one with `catalog:` in kanava.yaml".into(),
            }),
            None => Err(LinkError {
                code: "unknown-product",
                message: format!("no product with SKU `{sku}`"),
                help: crate::diag::suggest_help(sku, &idx.skus, "SKUs"),
            }),
        }
    }
}

fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !scheme.contains('/')
        }
        None => false,
    }
}

/// Joins a relative link to the folder it was written in (under the site root: `content/…`
/// for pages, `data/…` for catalog data); `None` unless it ends inside `content/`.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    (joined == CONTENT_DIR || joined.starts_with("content/")).then_some(joined)
}

/// `content/ordering/delivery.md` written from `content/products` → `../ordering/delivery.md`.
fn relative_path(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// The URL of `to` (site-root-relative) as seen from the page at `from`.
pub fn relative_url(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    let mut out = "../".repeat(depth);
    out.push_str(&percent_encode_path(to));
    if out.is_empty() { "./".to_owned() } else { out }
}

pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut titles = vec!["HP-16", "HP-8", "hp-12", "Step 10", "Step 2", "AA-25"];
        titles.sort_by_key(|t| natural_key(t));
        assert_eq!(
            titles,
            vec!["AA-25", "HP-8", "hp-12", "HP-16", "Step 2", "Step 10"]
        );
    }

    #[test]
    fn joins() {
        assert_eq!(
            join("content/a", "../b/c.md").as_deref(),
            Some("content/b/c.md")
        );
        assert_eq!(
            join("content/a", "./x.pdf").as_deref(),
            Some("content/a/x.pdf")
        );
        assert_eq!(join("content", "../kanava.yaml"), None);
        assert_eq!(
            join("data/products", "../../content/a.md").as_deref(),
            Some("content/a.md")
        );
        assert_eq!(join("data", "../../etc/passwd"), None);
        assert_eq!(join("content/a", "../../../etc/passwd"), None);
    }

    #[test]
    fn relative_urls() {
        assert_eq!(relative_url("a/b/", "c/d/"), "../../c/d/");
        assert_eq!(relative_url("", "c/"), "c/");
        assert_eq!(relative_url("a/", ""), "../");
        assert_eq!(relative_url("", ""), "./");
        assert_eq!(
            relative_url("", "files/price list.pdf"),
            "files/price%20list.pdf"
        );
    }

    #[test]
    fn externals() {
        for ext in ["https://x", "mailto:a@b", "tel:+358", "//cdn"] {
            assert!(is_external(ext), "{ext}");
        }
        for int in ["a.md", "../a.md", "a/b:c.md"] {
            assert!(!is_external(int), "{int}");
        }
    }

    #[test]
    fn percent_decoding_never_panics() {
        assert_eq!(percent_decode("price%20list.pdf"), "price list.pdf");
        assert_eq!(percent_decode("%zz%"), "%zz%");
        assert_eq!(percent_decode("%ä"), "%ä");
    }

    #[test]
    fn relative_paths_for_suggestions() {
        assert_eq!(
            relative_path("content/products", "content/ordering/delivery.md"),
            "../ordering/delivery.md"
        );
        assert_eq!(relative_path("content", "content/a.md"), "a.md");
    }
}
