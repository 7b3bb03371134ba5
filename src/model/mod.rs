//! Model: [`Sources`] → [`Site`], typed and immutable.
//!
//! Builds the section tree (here), gives every page its URL and checks that every output
//! name can be written (`urls`), cascades audience restrictions and lifecycles from
//! `_index.md` files down (`cascade`: a child may narrow, never widen; defaults fill what
//! nobody named), and parses each page's Markdown exactly once (in parallel), resolving
//! links to their targets (`links`). Nothing here decides what a view shows: that is
//! `plan`'s job alone.

pub mod audience;
pub mod catalog;
pub mod frontmatter;
pub mod hosting;
pub mod languages;
pub mod lifecycle;
pub mod materials;
pub mod money;
pub mod paths;

pub mod cache;
mod cascade;
pub mod keep;
mod links;
mod translate;
mod urls;

pub use links::{percent_encode, percent_encode_path, relative_url};
pub use urls::{MAX_SEGMENT_BYTES, long_segment};

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Pos};
use crate::load::{CONFIG_FILE, CONTENT_DIR, Config, Sources, frontmatter as split};
use crate::markdown::{self, Document, LinkResolver, LinkTarget, Resolved};
use audience::{AudienceModel, AxisId, Restriction};
use cascade::{cascade, cascade_lifecycle, cascade_materials, products_within_categories};
use frontmatter::FrontMatter;
use languages::LangId;
use lifecycle::{Calendar, Lifecycle, Status};
use links::{Index, Resolver};
use urls::{asset, check_asset_paths, check_urls, url_segment};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageData {
    None,
    Category(catalog::CategoryId),
    Product(catalog::ProductId),
}

#[derive(Debug, Clone)]
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
    /// The last git commit of the page's Markdown file, when the site is in a git
    /// repository: what's new falls back on it when there is no `updated` (issue #14).
    /// Products are dated by their own `updated` only: a data file holds many.
    pub committed: Option<jiff::Timestamp>,
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
    /// Shared by the languages that show the same text (issue 18).
    pub doc: Arc<Document>,
    /// In a language's site: the page has no translation into it and shows the default
    /// language's text (`fallback: default`; the theme says so).
    pub fallback: bool,
    /// In a language's site: the page has no translation into it and is left out
    /// (`fallback: omit`); `plan::Visibility` keeps it out of every view of that language.
    pub omitted: bool,
    /// The learning path this page declares (`path:` in its front matter).
    pub path: Option<paths::PathId>,
    /// Its self-check quiz, when it has one.
    pub quiz: Option<paths::Quiz>,
    /// Minutes it takes, when its front matter says (else estimated per view).
    pub duration: Option<u32>,
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

    /// What messages call this page: "page", "product", "category".
    pub fn noun(&self) -> &'static str {
        match self.kind {
            PageKind::Product => "product",
            PageKind::Category => "category",
            PageKind::Catalog => "catalog",
            PageKind::Section => "section",
            PageKind::Home | PageKind::Page => "page",
        }
    }

    /// Where this page's restriction on `axis` comes from (see [`Origin`]).
    pub fn origin(&self, id: PageId, axis: AxisId) -> Origin {
        match self.origins.iter().find(|(a, _)| *a == axis) {
            Some((_, Some(o))) if *o == id => Origin::Own,
            Some((_, Some(o))) => Origin::Inherited(*o),
            // An axis without an entry: the product narrowed to its category (an error
            // already reported), which took it from its own origins or a default.
            Some((_, None)) | None => Origin::Default,
        }
    }

    /// Says where the restriction on `axis` comes from, for messages (issue #13): "set in
    /// this file", "inherited from its section `content/x/_index.md`", "the axis default,
    /// since the page names no tier".
    pub fn describe_origin(&self, id: PageId, axis: AxisId, site: &Site) -> String {
        match self.origin(id, axis) {
            Origin::Own if self.kind == PageKind::Product => "set in the product's data".into(),
            Origin::Own if self.kind == PageKind::Category => format!("set in {CONFIG_FILE}"),
            Origin::Own => "set in this file".into(),
            Origin::Inherited(o) => format!("inherited from {}", site.pages[o].label()),
            Origin::Default => format!(
                "the axis default, since the {} names no {}",
                self.noun(),
                site.audiences.axes[axis].name
            ),
        }
    }
}

/// Where a page's restriction on one axis comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Its own front matter (or product data, or category config).
    Own,
    /// A section's `_index.md` or the product's category.
    Inherited(PageId),
    /// The axis `default`, since nothing above names the axis.
    Default,
}

#[derive(Debug, Clone)]
pub struct Asset {
    /// `content/products/files/hp-12.pdf`
    pub path: String,
    /// Output path relative to the site root: `products/files/hp-12.pdf`.
    pub url: String,
    pub disk_path: std::path::PathBuf,
    /// Type, size and pages, read once per build (decorated links, issue #14).
    pub info: crate::load::files::FileInfo,
    /// The material this file is, when it has a sidecar: then its own metadata decides
    /// which views publish it, not the links to it.
    pub material: Option<materials::MaterialId>,
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
    /// Materials (files with a sidecar), in walk order (issue #14, docs/materials.md).
    pub materials: Vec<materials::Material>,
    pub material_settings: materials::Settings,
    /// `hosting:` (issue #16, docs/hosting.md).
    pub hosting: hosting::Settings,
    /// Learning paths, in page order (issue #15, docs/paths.md).
    pub paths: Vec<paths::LearningPath>,
    /// The site's languages (issue 18, docs/languages.md).
    pub languages: Arc<languages::Languages>,
    /// Which of them this site is in (`config.language` is its code).
    pub language: LangId,
    /// Each audience's folder in the output, in this language (`paths::view_folder`).
    pub view_folders: Vec<String>,
    /// The same site in each other language, `translations[l - 1]` for language `l`: made
    /// by `languages`, empty in those sites themselves. See [`Site::in_language`].
    pub translations: Vec<Site>,
}

/// A page before it has an index: the tree is built first, then numbered depth-first.
struct Node {
    kind: PageKind,
    source: Option<String>,
    dir: String,
    segment: String,
    fm: Arc<FrontMatter>,
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
            fm: Arc::default(),
            children: Vec::new(),
            parent,
            data: PageData::None,
            origin: None,
        }
    }
}

/// Builds the site. Code blocks stay plain: a build highlights the fragments its views show
/// with [`Site::highlight`].
pub fn build(
    sources: &Sources,
    config: Config,
    cache: Option<&cache::DocCache>,
    kept: Option<keep::Kept>,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    let start = diags.len();
    let audiences = audience::from_config(config.audience.as_ref(), diags);
    let languages = Arc::new(languages::settings(&config, diags));
    let mut config = config;
    config.language = languages.default_code().to_owned();
    // Translations (`delivery.fi.md`) are no pages of their own: each language's site
    // takes them in place of their sources (`translate`).
    let translated = languages::translations(
        &languages,
        sources.markdown.iter().map(|f| f.path.as_str()),
        diags,
    );
    let is_translation = |path: &str| languages::split_translation(path).is_some();
    let calendar = calendar(&config, diags);
    let default_status = default_status(&config, diags);

    // Front matter of every file, in parallel; diagnostics are gathered in file order. A
    // file whose text and configuration are the last build's is not read again (issue 19).
    let config_hash = cache::config_hash(sources.texts.get(CONFIG_FILE).unwrap_or_default());
    let old_fronts = cache.map(|c| c.take_fronts()).unwrap_or_default();
    let read_front = |file: &crate::load::MarkdownFile| -> cache::Front {
        let mut found = Vec::new();
        match split::split(&file.path, &file.text) {
            Ok(s) => {
                let fm = frontmatter::parse(
                    s.yaml,
                    &file.path,
                    s.yaml_offset,
                    &audiences,
                    &calendar,
                    &mut found,
                );
                // The body is the rest of the file after the front matter.
                let start = file.text.len().saturating_sub(s.body.len());
                cache::Front::new(&file.text, config_hash, start, s.body_offset, fm, found)
            }
            Err(d) => {
                found.push(d);
                // Keep the page (with no front matter) so links to it are not also reported.
                let unreadable = FrontMatter {
                    unreadable: true,
                    ..FrontMatter::default()
                };
                cache::Front::new(
                    &file.text,
                    config_hash,
                    file.text.len(),
                    0,
                    unreadable,
                    found,
                )
            }
        }
    };
    // Each front, and whether it is the last build's front matter (for `keep`).
    let (fronts, same): (Vec<cache::Front>, Vec<bool>) = sources
        .markdown
        .par_iter()
        .map(|file| {
            match cache.and_then(|c| c.front(&old_fronts, &file.path, &file.text, config_hash)) {
                Some(front) => (front.clone(), true),
                None => {
                    let front = read_front(file);
                    let same = old_fronts
                        .get(&file.path)
                        .is_some_and(|old| old.same_front_matter(&front));
                    (front, same)
                }
            }
        })
        .unzip();
    let same = old_fronts.len() == fronts.len() && same.iter().all(|s| *s);
    drop(old_fronts);
    if let Some(cache) = cache {
        let paths = sources.markdown.iter().map(|f| f.path.clone());
        cache.keep_fronts(paths.zip(fronts.iter().cloned()).collect());
        // Only pages' bodies changed: the last build's model, with their new documents.
        if let Some(kept) = kept
            && let Some(site) = keep::rebuild(
                kept,
                sources,
                &fronts,
                same,
                config_hash,
                cache,
                start,
                diags,
            )
        {
            return site;
        }
    }
    let parsed: Vec<_> = sources
        .markdown
        .iter()
        .zip(fronts)
        .map(|(file, front)| {
            let body = file.text.get(front.body_start..).unwrap_or("");
            (
                file,
                ((&file.text, body, front.body_offset), front.fm),
                front.diags,
            )
        })
        .collect();
    // Each file's text, its body (after the front matter) and the body's first line, less one.
    let mut bodies: HashMap<String, (&Arc<str>, &str, u32)> = HashMap::new();
    let mut fms: BTreeMap<String, Arc<FrontMatter>> = BTreeMap::new();
    for (file, (body, fm), found) in parsed {
        diags.extend(found);
        bodies.insert(file.path.clone(), body);
        fms.insert(file.path.clone(), fm);
    }

    // The tree: one node per folder (a section) and per page.
    let mut nodes: Vec<Node> = vec![Node::new(PageKind::Home, CONTENT_DIR, String::new(), None)];
    let mut dirs: HashMap<String, usize> = HashMap::from([(CONTENT_DIR.to_owned(), 0)]);
    // Translations are no pages of the tree: each language's site takes them (`translate`).
    let (translation_fms, fms): (BTreeMap<_, _>, BTreeMap<_, _>) =
        fms.into_iter().partition(|(path, _)| is_translation(path));
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
            // A data file holds many products: its last commit dates none of them (a
            // product says `updated`).
            committed: node
                .source
                .as_ref()
                .and_then(|path| sources.commits.get(path))
                .map(|c| c.last),
            parent,
            children: node.children.iter().map(|&c| index_of[c]).collect(),
            restriction: Restriction::default(),
            origins: Vec::new(),
            lifecycle: Lifecycle::default(),
            data: node.data,
            origin: node.origin.clone(),
            doc: Arc::default(),
            fallback: false,
            omitted: false,
            path: None,
            quiz: None,
            duration: None,
        });
    }
    let fm_of = |i: PageId| &*nodes[order[i]].fm;

    check_urls(&pages, catalog.is_some(), diags);
    let explicit = cascade(&mut pages, &audiences, fm_of, diags);
    if let Some(catalog) = &catalog {
        products_within_categories(&mut pages, &audiences, catalog, diags);
    }
    let chains = cascade_lifecycle(&mut pages, default_status, fm_of, &calendar, diags);

    // Each file is read once (its size; a PDF's page tree), in parallel.
    let mut assets: Vec<Asset> = sources.assets.par_iter().map(asset).collect();
    translate::check_language_folders(&pages, &assets, &languages, diags);
    let material_settings = materials::settings(config.materials.as_ref(), diags);
    let hosting = hosting::settings(config.hosting.as_ref(), &audiences, diags);
    // The build-time guard (issue #16): a file in content/ that could be published is
    // refused when it is access configuration, keys or a users list — linked or not.
    for a in &assets {
        if let Some(what) = hosting::secret_file(&a.path) {
            diags.push(hosting::secret_file_error(&a.path, &a.url, what));
        }
    }
    let mut material_list = read_materials(
        sources,
        &material_settings,
        &audiences,
        &calendar,
        &pages,
        &mut assets,
        catalog.as_ref(),
        diags,
    );
    cascade_materials(
        &mut material_list,
        &pages,
        &explicit,
        &chains,
        &audiences,
        default_status,
        &calendar,
        diags,
    );
    check_asset_paths(&pages, &assets, catalog.is_some(), diags);

    // Markdown, once per page, in parallel.
    let index = Index::new(&pages, &assets, &sources.refused, catalog.as_ref());
    // The last build's documents, where nothing they depend on changed (issue 19).
    let context = cache.map(|_| {
        let skus = catalog
            .iter()
            .flat_map(|c| c.products.iter().map(|p| p.sku.as_str()));
        cache::context(config_hash, &pages, &assets, &sources.refused, skus)
    });
    let session = cache.zip(context).map(|(c, context)| c.begin(context));
    let parsed: Vec<(Arc<Document>, Vec<Diagnostic>)> = pages
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
                return (Arc::new(doc), d);
            }
            let Some(source) = &page.source else {
                return (Arc::default(), d);
            };
            let Some(&(text, body, line_offset)) = bodies.get(source) else {
                return (Arc::default(), d);
            };
            let input = markdown::Input {
                file: source,
                body,
                line_offset,
                column_offset: 0,
            };
            let parse = |d: &mut Vec<Diagnostic>| {
                markdown::parse(&input, &audiences, &calendar, &resolver, d)
            };
            match &session {
                Some(session) => session.parse(source, text, body, line_offset, parse),
                None => (Arc::new(parse(&mut d)), d),
            }
        })
        .collect();
    // Learning paths: each page's keys read, then steps and prerequisites resolved like
    // the page's links (issue #15).
    let mut learning: Vec<(Option<paths::Quiz>, Option<u32>)> = Vec::with_capacity(pages.len());
    let mut learning_paths = Vec::new();
    let mut learning_diags = Vec::new();
    for (id, page) in pages.iter().enumerate() {
        let fm = fm_of(id);
        let file = page.display_path();
        let (spec, quiz, duration) = paths::read(&fm.learning, file, &mut learning_diags);
        learning.push((quiz, duration));
        if let Some(spec) = spec {
            let resolver = Resolver {
                index: &index,
                page,
            };
            learning_paths.push(resolve_path(
                id,
                spec,
                &resolver,
                &assets,
                file,
                &mut learning_diags,
            ));
        }
    }
    check_requires(&pages, &mut learning_paths, &mut learning_diags);
    let before_pages = diags.len();
    // Each page's parse diagnostics, for `keep` (serve's builds: one language).
    let keeping = cache.is_some() && !languages.several();
    let mut page_diags = Vec::with_capacity(if keeping { pages.len() } else { 0 });
    for (page, (doc, d)) in pages.iter_mut().zip(parsed) {
        page.doc = doc;
        if keeping {
            page_diags.push(d.clone());
        }
        diags.extend(d);
    }
    let after_pages = diags.len();
    diags.extend(learning_diags);
    for (page, (quiz, duration)) in pages.iter_mut().zip(learning) {
        page.quiz = quiz;
        page.duration = duration;
    }
    for (i, p) in learning_paths.iter().enumerate() {
        pages[p.page].path = Some(i);
    }

    let view_folders = crate::paths::view_folders(&audiences, &languages, 0);
    let mut site = Site {
        config,
        audiences,
        calendar,
        catalog,
        pages,
        assets,
        materials: material_list,
        material_settings,
        hosting,
        paths: learning_paths,
        view_folders,
        languages: Arc::clone(&languages),
        language: 0,
        translations: Vec::new(),
    };
    for m in &site.materials {
        languages::check_codes(&languages, &m.translations, &m.sidecar, diags);
    }
    if let Some(catalog) = &site.catalog {
        languages::check_codes(&languages, &catalog.translations, CONFIG_FILE, diags);
        for c in &catalog.categories {
            languages::check_codes(&languages, &c.translations, CONFIG_FILE, diags);
        }
        for p in &catalog.products {
            languages::check_codes(&languages, &p.translations, &p.file, diags);
        }
    }
    let translations = if languages.several() {
        // Translations' links resolve against the default language's tree, as its pages' do.
        let index = Index::new(
            &site.pages,
            &site.assets,
            &sources.refused,
            site.catalog.as_ref(),
        );
        let inputs = translate::Inputs {
            fms: &translation_fms,
            bodies: &bodies,
            commits: &sources.commits,
            index: &index,
        };
        (1..languages.codes.len())
            .map(|l| translate::site_in(&site, l, &translated[l], &inputs, session.as_ref(), diags))
            .collect()
    } else {
        Vec::new()
    };
    site.translations = translations;
    if let Some(session) = session {
        session.finish();
    }
    if let (Some(cache), Some(context), true) = (cache, context, keeping) {
        cache.keep_parts(keep::Parts {
            config: config_hash,
            context,
            commits: sources.commits.clone(),
            parsed: site.pages.iter().map(|p| Arc::clone(&p.doc)).collect(),
            before: diags[start..before_pages].to_vec(),
            pages: page_diags,
            after: diags[after_pages..].to_vec(),
        });
    }
    site
}

/// A path's steps and prerequisites, resolved (what cannot be is reported and left out).
fn resolve_path(
    page: PageId,
    spec: paths::PathSpec,
    resolver: &Resolver,
    assets: &[Asset],
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> paths::LearningPath {
    let stages = spec
        .stages
        .into_iter()
        .map(|(title, steps)| paths::PathStage {
            title,
            steps: steps
                .into_iter()
                .filter_map(|(dest, pos)| {
                    let target = match paths::resolve(resolver, assets, &dest, file, pos, diags)? {
                        // The home page is every audience's front door, not a step.
                        paths::StepTarget::Page(0) => {
                            diags.push(
                                Diagnostic::error(
                                    "bad-step",
                                    "the home page cannot be a step of a path",
                                )
                                .at(file, pos)
                                .len(dest.chars().count())
                                .help("make a page of what the step should say, and name it"),
                            );
                            return None;
                        }
                        target => target,
                    };
                    Some(paths::Step { target, dest, pos })
                })
                .collect(),
        })
        .collect();
    let requires = spec
        .requires
        .into_iter()
        .filter_map(|(dest, pos)| {
            match paths::resolve(resolver, assets, &dest, file, pos, diags)? {
                paths::StepTarget::Page(p) => Some((p, pos, dest)),
                paths::StepTarget::Material(_) => {
                    diags.push(
                        Diagnostic::error(
                            "requires-not-a-path",
                            format!("`{dest}` is a material, not a learning path"),
                        )
                        .at(file, pos)
                        .len(dest.chars().count())
                        .help("`requires` names pages with a `path:` block"),
                    );
                    None
                }
            }
        })
        .map(|(p, pos, _)| (p, pos))
        .collect();
    paths::LearningPath {
        page,
        stages,
        requires,
        badge: spec.badge,
    }
}

/// Every `requires` names a path, and no path requires itself through others.
fn check_requires(
    pages: &[Page],
    learning_paths: &mut [paths::LearningPath],
    diags: &mut Vec<Diagnostic>,
) {
    let is_path: std::collections::HashSet<PageId> =
        learning_paths.iter().map(|p| p.page).collect();
    for path in learning_paths.iter_mut() {
        let file = pages[path.page].display_path().to_owned();
        path.requires.retain(|&(required, pos)| {
            if required == path.page {
                diags.push(
                    Diagnostic::error("requires-cycle", "this path requires itself")
                        .at(file.clone(), pos)
                        .help("remove it from `requires`"),
                );
                return false;
            }
            if !is_path.contains(&required) {
                diags.push(
                    Diagnostic::error(
                        "requires-not-a-path",
                        format!(
                            "`{}` is not a learning path",
                            pages[required].display_path()
                        ),
                    )
                    .at(file.clone(), pos)
                    .help("`requires` names pages with a `path:` block"),
                );
                return false;
            }
            true
        });
    }
    let cycles = paths::cycles(learning_paths);
    for &(at, r, ref cycle) in &cycles {
        let path = &learning_paths[at];
        let names: Vec<String> = cycle
            .iter()
            .chain(std::iter::once(&cycle[0]))
            .map(|&p| format!("`{}`", pages[learning_paths[p].page].display_path()))
            .collect();
        diags.push(
            Diagnostic::error(
                "requires-cycle",
                format!("these paths require each other: {}", names.join(" → ")),
            )
            .at(pages[path.page].display_path(), path.requires[r].1)
            .help("a path can be finished only after the paths it requires: remove one `requires`"),
        );
    }
    // Cut the cycles so that nothing downstream loops.
    for (at, r, _) in cycles.into_iter().rev() {
        learning_paths[at].requires.remove(r);
    }
}

/// Reads the sidecars (in parallel; diagnostics in file order) and ties each material to
/// its file among `assets` (renamed with its version when the settings say so), its
/// section, its products in the catalog and its git dates.
#[allow(clippy::too_many_arguments)]
fn read_materials(
    sources: &Sources,
    settings: &materials::Settings,
    audiences: &AudienceModel,
    calendar: &Calendar,
    pages: &[Page],
    assets: &mut [Asset],
    catalog: Option<&catalog::Catalog>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<materials::Material> {
    let read: Vec<_> = sources
        .sidecars
        .par_iter()
        .map(|sidecar| {
            let mut found = Vec::new();
            let material = materials::parse(sidecar, settings, audiences, calendar, &mut found);
            (material, found)
        })
        .collect();
    let asset_of: HashMap<String, AssetId> = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.path.clone(), i))
        .collect();
    // The folders that are sections (a page's folder, or the content root).
    let sections: HashMap<&str, PageId> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.kind, PageKind::Home | PageKind::Section))
        .map(|(i, p)| (p.dir.as_str(), i))
        .collect();
    let skus: HashMap<String, catalog::ProductId> = catalog
        .map(|c| {
            c.products
                .iter()
                .enumerate()
                .map(|(i, p)| (p.sku.to_lowercase(), i))
                .collect()
        })
        .unwrap_or_default();
    let all_skus: Vec<&str> = catalog
        .map(|c| c.products.iter().map(|p| p.sku.as_str()).collect())
        .unwrap_or_default();
    let mut list = Vec::new();
    for (material, found) in read {
        diags.extend(found);
        let Some(mut m) = material else { continue };
        // `load` keeps only sidecars whose file it found and accepted.
        let Some(&asset) = asset_of.get(&m.file) else {
            continue;
        };
        m.asset = asset;
        let mut dir = m.file.rsplit_once('/').map_or(CONTENT_DIR, |(d, _)| d);
        m.section = loop {
            if let Some(&section) = sections.get(dir) {
                break section;
            }
            match dir.rsplit_once('/') {
                Some((up, _)) => dir = up,
                None => break 0,
            }
        };
        for (sku, pos) in &m.products {
            match skus.get(&sku.to_lowercase()) {
                Some(&id) => m.product_ids.push(id),
                None => diags.push(
                    Diagnostic::error(
                        "unknown-sku",
                        match catalog {
                            Some(_) => format!("no product in the catalog has the code `{sku}`"),
                            None => format!("`{sku}` names a product, but the site has no catalog"),
                        },
                    )
                    .at(m.sidecar.clone(), *pos)
                    .len(sku.chars().count())
                    .help(match catalog {
                        Some(_) => crate::diag::suggest_help(sku, &all_skus, "codes"),
                        None => "remove `products`, or define a catalog in kanava.yaml".to_owned(),
                    }),
                ),
            }
        }
        m.product_ids.sort_unstable();
        m.product_ids.dedup();
        let dates = |path: &str| sources.commits.get(path).copied();
        let (file, sidecar) = (dates(&m.file), dates(&m.sidecar));
        m.committed = file.into_iter().chain(sidecar).map(|c| c.last).max();
        m.added = file.or(sidecar).map(|c| c.first);
        if settings.version_in_name
            && let Some(version) = &m.version
        {
            assets[asset].url = materials::versioned_url(&assets[asset].url, version);
        }
        assets[asset].material = Some(list.len());
        list.push(m);
    }
    list
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
    node.fm = Arc::new(FrontMatter {
        title: Some(catalog.title.clone()),
        description: catalog.description.clone(),
        weight: catalog.weight,
        ..FrontMatter::default()
    });
    node.origin = Some(CONFIG_FILE.into());
    nodes.push(node);
    nodes[0].children.push(root);
    let mut category_nodes = Vec::new();
    for (i, c) in catalog.categories.iter().enumerate() {
        let id = nodes.len();
        let mut node = Node::new(PageKind::Category, CONTENT_DIR, c.id.clone(), Some(root));
        node.fm = Arc::new(FrontMatter {
            title: Some(c.title.clone()),
            description: c.description.clone(),
            weight: i as i64,
            restrictions: c.restrictions.clone(),
            ..FrontMatter::default()
        });
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
        node.fm = Arc::new(FrontMatter {
            title: Some(p.name.clone()),
            description: p.summary.clone(),
            updated: p.updated,
            restrictions: p.restrictions.clone(),
            ..FrontMatter::default()
        });
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

/// Highlights the code of the fragments `shown` marks.
fn highlight_fragments(doc: &mut Document, shown: &[bool]) {
    for (fragment, &shown) in doc.fragments.iter_mut().zip(shown) {
        if shown {
            fragment.highlight();
        }
    }
}

impl Site {
    /// The site as language `l` shows it (issue 18); `self` for the default language (and
    /// in a language's own site).
    pub fn in_language(&self, l: LangId) -> &Site {
        match l.checked_sub(1).and_then(|i| self.translations.get(i)) {
            Some(site) => site,
            None => self,
        }
    }

    /// Every language's site, the default first.
    pub fn all_languages(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(self).chain(&self.translations)
    }

    /// Highlights the code of the fragments `shown` marks — per language, per page, per
    /// fragment, as `plan::shown_fragments` gives them — in parallel. The rest stays plain:
    /// no view being built shows it. A document several languages share (a page shown
    /// untranslated) is highlighted once, for all of them.
    pub fn highlight(&mut self, shown: &[Vec<Vec<bool>>], cache: Option<&cache::DocCache>) {
        let key = |doc: &Arc<Document>| Arc::as_ptr(doc) as usize;
        // Each document once, with what any language shows of it.
        let mut wanted: HashMap<usize, (Option<Arc<Document>>, Vec<bool>)> = HashMap::new();
        for (site, shown) in self.all_languages().zip(shown) {
            for (page, shown) in site.pages.iter().zip(shown) {
                if !shown.contains(&true) {
                    continue;
                }
                let (_, all) = wanted
                    .entry(key(&page.doc))
                    .or_insert_with(|| (None, vec![false; shown.len()]));
                for (a, s) in all.iter_mut().zip(shown) {
                    *a |= s;
                }
            }
        }
        // Taken out of their pages (which get them back below), so that a document nothing
        // else holds is highlighted in place rather than copied.
        let mut holders: Vec<(usize, PageId, usize)> = Vec::new();
        let sites = std::iter::once(&mut self.pages)
            .chain(self.translations.iter_mut().map(|t| &mut t.pages));
        for (s, pages) in sites.enumerate() {
            for (id, page) in pages.iter_mut().enumerate() {
                let k = key(&page.doc);
                if let Some((doc, _)) = wanted.get_mut(&k) {
                    let taken = std::mem::take(&mut page.doc);
                    doc.get_or_insert(taken);
                    holders.push((s, id, k));
                }
            }
        }
        // (address, the parsed document and what was highlighted, for the cache; the result)
        type Done = (usize, Option<(Arc<Document>, Vec<bool>)>, Arc<Document>);
        let last = cache.map(|c| c.take_highlighted());
        let done: Vec<Done> = wanted
            .into_par_iter()
            .filter_map(|(k, (doc, shown))| {
                let mut doc = doc?;
                let Some(last) = &last else {
                    highlight_fragments(Arc::make_mut(&mut doc), &shown);
                    return Some((k, None, doc));
                };
                // The cache keeps the parsed document: the highlighted one is a copy, or the
                // last build's, when it highlighted the same document the same way (issue 19).
                let highlighted = last.get(&doc, &shown).unwrap_or_else(|| {
                    let mut copy = Document::clone(&doc);
                    highlight_fragments(&mut copy, &shown);
                    Arc::new(copy)
                });
                Some((k, Some((doc, shown)), highlighted))
            })
            .collect();
        drop(last);
        if let Some(cache) = cache {
            cache.keep_highlighted(
                done.iter()
                    .filter_map(|(_, from, d)| {
                        let (from, shown) = from.clone()?;
                        Some((from, shown, Arc::clone(d)))
                    })
                    .collect(),
            );
        }
        let done: HashMap<usize, Arc<Document>> =
            done.into_iter().map(|(k, _, d)| (k, d)).collect();
        for (s, id, k) in holders {
            let pages = match s.checked_sub(1) {
                None => &mut self.pages,
                Some(t) => &mut self.translations[t].pages,
            };
            if let Some(doc) = done.get(&k) {
                pages[id].doc = Arc::clone(doc);
            }
        }
    }

    /// The first moment after `at` when some page, block or material starts or stops being
    /// shown, or a material's "new" or "updated" badge ends: until then, a build for "now"
    /// produces the same output.
    pub fn next_change(&self, at: jiff::Timestamp) -> Option<jiff::Timestamp> {
        let windows = self
            .pages
            .iter()
            .flat_map(|p| {
                std::iter::once(p.lifecycle.window).chain(p.doc.blocks.iter().map(|b| b.window))
            })
            .chain(self.materials.iter().map(|m| m.lifecycle.window));
        let days =
            jiff::SignedDuration::from_hours(self.material_settings.new_days.saturating_mul(24));
        let badges = self.materials.iter().flat_map(|m| {
            [m.since(&self.calendar), m.changed(&self.calendar)]
                .into_iter()
                .flatten()
                .flat_map(move |t| t.checked_add(days).ok())
        });
        windows
            .flat_map(|w| [w.from, w.until])
            .flatten()
            .chain(badges)
            .filter(|t| *t > at)
            .min()
    }
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
}
