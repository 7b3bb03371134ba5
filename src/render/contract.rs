//! The template contract: exactly what templates receive, as serializable view structs
//! (documented for theme authors in `docs/theme-contract.md`). Only `context.rs` builds
//! them, from a plan alone; nothing here knows the site.

use minijinja::Value;
use serde::Serialize;

use crate::model::PageKind;
use crate::model::catalog::ProductStatus;
use crate::model::lifecycle::Note;

/// What `partials/sidebar.html` receives (see `docs/theme-contract.md`).
#[derive(Serialize)]
pub(super) struct SidebarCtx<'s> {
    pub(super) site: SiteCtx<'s>,
    pub(super) audience: Option<AudienceCtx<'s>>,
    pub(super) stage: StageCtx,
    pub(super) root: String,
    pub(super) lang: &'s str,
    pub(super) nav: Vec<NavItem<'s>>,
    pub(super) tags_url: &'static str,
    pub(super) all_url: &'static str,
    pub(super) catalog_url: Option<&'s str>,
}

#[derive(Serialize, Clone)]
pub(super) struct SiteCtx<'s> {
    pub(super) title: &'s str,
    pub(super) description: Option<&'s str>,
    pub(super) base_url: Option<&'s str>,
}

#[derive(Serialize)]
pub(super) struct AudienceCtx<'s> {
    /// The audience's id (its folder name).
    pub(super) name: &'s str,
    /// What readers see: its `title:` in kanava.yaml, else its name.
    pub(super) title: &'s str,
}

/// The stage being built; templates show a ribbon and `noindex` outside production.
#[derive(Serialize, Clone)]
pub(super) struct StageCtx {
    pub(super) name: &'static str,
    pub(super) production: bool,
    /// The moment built for, e.g. `22 Nov 2026 09:00`; none in production, whose output
    /// holds nothing time-dependent (issue #12: the price list printed the build clock, so
    /// two builds of the same input differed).
    pub(super) at: Option<String>,
}

/// Why a page is shown though not live in production: its banner.
#[derive(Serialize)]
pub(super) struct NoteCtx {
    /// `draft`, `review`, `scheduled` or `expired`
    pub(super) kind: Note,
    /// `In review`, `Goes live 1 Dec 2026 09:00`…
    pub(super) text: String,
}

#[derive(Serialize)]
pub(super) struct Link<'s> {
    pub(super) title: &'s str,
    pub(super) url: &'s str,
}

#[derive(Serialize)]
pub(super) struct NavItem<'s> {
    pub(super) title: &'s str,
    pub(super) url: &'s str,
    /// `section` or `page` (see [`shape`]).
    pub(super) kind: &'static str,
    pub(super) active: bool,
    pub(super) children: Vec<NavItem<'s>>,
}

#[derive(Serialize)]
pub(super) struct TocEntry<'s> {
    pub(super) level: u8,
    pub(super) id: &'s str,
    pub(super) title: &'s str,
}

#[derive(Serialize)]
pub(super) struct TagLink<'s> {
    pub(super) name: &'s str,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct PageCtx<'s> {
    pub(super) title: &'s str,
    pub(super) description: Option<&'s str>,
    pub(super) url: &'s str,
    pub(super) content: Value,
    pub(super) toc: Vec<TocEntry<'s>>,
    pub(super) tags: Vec<TagLink<'s>>,
    pub(super) updated: Option<String>,
    pub(super) kind: &'s str,
    pub(super) note: Option<NoteCtx>,
    /// The content shows code highlighted by kanava: the page needs `_kanava/highlight.css`.
    pub(super) highlighted: bool,
    /// The language the page's text is in when it is not the view's: it has no
    /// translation and is shown in the default language (issue 18).
    pub(super) fallback: Option<&'s str>,
    /// That language's name in itself (`English`).
    pub(super) fallback_name: Option<&'static str>,
}

/// One language of the site in the language switcher and the `hreflang` links.
#[derive(Serialize)]
pub(super) struct LanguageLink<'s> {
    pub(super) code: &'s str,
    /// Its name in itself: `Suomi`, `Italiano`.
    pub(super) name: &'static str,
    /// The same page in that language, or that language's home when it has none.
    pub(super) url: String,
    pub(super) current: bool,
    /// `url` is this page (not the home page instead).
    pub(super) same_page: bool,
}

/// A product in lists (catalog, category, related, price list).
#[derive(Serialize)]
pub(super) struct ProductSummary<'s> {
    pub(super) sku: &'s str,
    pub(super) name: &'s str,
    pub(super) url: &'s str,
    pub(super) summary: Option<&'s str>,
    pub(super) status: ProductStatus,
    pub(super) status_label: &'static str,
    pub(super) category: &'s str,
    pub(super) category_url: &'s str,
    pub(super) list_price: Option<String>,
    pub(super) your_price: Option<String>,
    /// `all: true` audiences only: one per `tier_columns` of the catalog, in order.
    pub(super) tier_prices: Vec<TierPrice<'s>>,
}

/// A tier's price of a product, for views that see every tier's (staff).
#[derive(Serialize)]
pub(super) struct TierPrice<'s> {
    pub(super) tier: &'s str,
    pub(super) price: Option<String>,
}

#[derive(Serialize)]
pub(super) struct CategoryLink<'s> {
    pub(super) title: &'s str,
    pub(super) url: &'s str,
    pub(super) description: Option<&'s str>,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct CatalogCtx<'s> {
    pub(super) categories: Vec<CategoryLink<'s>>,
    pub(super) products: Vec<ProductSummary<'s>>,
    pub(super) price_list_url: Option<String>,
    pub(super) price_label: Option<&'s str>,
}

#[derive(Serialize)]
pub(super) struct CompareRow<'s> {
    pub(super) name: &'s str,
    pub(super) values: Vec<&'s str>,
}

#[derive(Serialize)]
pub(super) struct Compare<'s> {
    pub(super) products: Vec<ProductSummary<'s>>,
    pub(super) rows: Vec<CompareRow<'s>>,
}

#[derive(Serialize)]
pub(super) struct CategoryCtx<'s> {
    pub(super) title: &'s str,
    pub(super) url: &'s str,
    pub(super) description: Option<&'s str>,
    pub(super) products: Vec<ProductSummary<'s>>,
    pub(super) compare: Compare<'s>,
}

#[derive(Serialize)]
pub(super) struct Spec<'s> {
    pub(super) name: &'s str,
    pub(super) value: &'s str,
}

#[derive(Serialize)]
pub(super) struct FileLink<'s> {
    pub(super) url: &'s str,
    pub(super) name: &'s str,
    /// What it downloads: `PDF · 2.4 MB · 12 pages`.
    pub(super) meta: String,
}

#[derive(Serialize)]
pub(super) struct ImageLink<'s> {
    pub(super) url: &'s str,
    pub(super) alt: &'s str,
}

#[derive(Serialize)]
pub(super) struct SkuLink<'s> {
    pub(super) sku: &'s str,
    pub(super) name: &'s str,
    pub(super) url: &'s str,
}

#[derive(Serialize)]
pub(super) struct ProductCtx<'s> {
    #[serde(flatten)]
    pub(super) summary: ProductSummary<'s>,
    pub(super) specs: Vec<Spec<'s>>,
    pub(super) datasheet: Option<FileLink<'s>>,
    pub(super) image: Option<ImageLink<'s>>,
    pub(super) replaced_by: Option<SkuLink<'s>>,
    pub(super) replaces: Vec<SkuLink<'s>>,
    pub(super) price_label: Option<&'s str>,
    pub(super) related: Vec<ProductSummary<'s>>,
    /// The view's materials naming the product (besides its datasheet), newest first.
    pub(super) materials: Vec<MaterialCtx<'s>>,
}

#[derive(Serialize)]
pub(super) struct PriceListCtx<'s> {
    pub(super) products: Vec<ProductSummary<'s>>,
    pub(super) price_label: Option<&'s str>,
    /// The tiers whose prices have a column of their own (staff), else empty.
    pub(super) tier_columns: Vec<&'s str>,
    pub(super) csv_url: String,
    pub(super) currency: &'s str,
}

#[derive(Serialize)]
pub(super) struct Child<'s> {
    pub(super) title: &'s str,
    pub(super) url: &'s str,
    pub(super) description: Option<&'s str>,
    /// `section` or `page` (see [`shape`]).
    pub(super) kind: &'static str,
}

/// Whether this build has a search index (the `search` cargo feature, and no
/// `--no-search`) and where it is.
#[derive(Serialize, Clone, Copy)]
pub(super) struct SearchCtx {
    pub(super) enabled: bool,
    /// pagefind's bundle (site-relative): `{{ root }}{{ search.bundle }}pagefind.js`.
    pub(super) bundle: &'static str,
}

/// One line of the list of all pages (`all.html`): pages in navigation order, `depth` 0
/// for the home page, 1 for top-level sections and pages…
#[derive(Serialize)]
pub(super) struct ListedPage<'s> {
    pub(super) title: &'s str,
    pub(super) url: &'s str,
    pub(super) description: Option<&'s str>,
    pub(super) kind: PageKind,
    pub(super) depth: usize,
}

/// One item of what's new (`whats-new.html`), newest first.
#[derive(Serialize)]
pub(super) struct NewsItem<'s> {
    pub(super) title: &'s str,
    pub(super) url: &'s str,
    /// `guide`, `product` or `material`.
    pub(super) kind: &'static str,
    /// The page's description (a product's summary, a material's description), if any.
    pub(super) summary: Option<&'s str>,
    /// `2026-11-01`, in the site's timezone.
    pub(super) date: String,
    /// `2026-11-01T00:00:00+02:00`, for `<time datetime>`.
    pub(super) datetime: String,
    /// A material's file: `PDF · 2.4 MB · 12 pages` (none for pages).
    pub(super) meta: Option<String>,
}

/// A material (`materials.html`, and the list on a product page).
#[derive(Serialize)]
pub(super) struct MaterialCtx<'s> {
    pub(super) title: &'s str,
    pub(super) description: Option<&'s str>,
    /// The file (site-relative): the download.
    pub(super) url: &'s str,
    /// The file's name, for the `download` attribute.
    pub(super) file_name: &'s str,
    /// What it downloads: `PDF · 2.4 MB · 12 pages`.
    pub(super) meta: String,
    /// `brochure`, `datasheet`, … (a filter value) and how lists name it (`Brochure`).
    pub(super) kind: &'s str,
    pub(super) kind_label: String,
    /// Its language code (`fi`), if it names one.
    pub(super) language: Option<&'s str>,
    pub(super) version: Option<&'s str>,
    /// The products it names that the view sees.
    pub(super) products: Vec<SkuLink<'s>>,
    /// When it last changed (`2026-11-01`), and for `<time datetime>`.
    pub(super) date: Option<String>,
    pub(super) datetime: Option<String>,
    /// `new` or `updated` (within the configured days), else none.
    pub(super) badge: Option<crate::plan::Badge>,
    /// An image (PNG, JPEG, SVG, WebP, GIF): the library shows a thumbnail.
    pub(super) image: bool,
    /// Why it is shown though not live, outside production (its badge).
    pub(super) note: Option<NoteCtx>,
}

/// A learning path (`path.html`, `paths.html`, `certificate.html`).
#[derive(Serialize)]
pub(super) struct PathCtx<'s> {
    /// Its page's URL (site-relative): also its key in the reader's progress.
    pub(super) url: &'s str,
    pub(super) title: &'s str,
    pub(super) description: Option<&'s str>,
    pub(super) badge: Option<&'s str>,
    pub(super) stages: Vec<PathStageCtx<'s>>,
    /// Paths to finish first.
    pub(super) requires: Vec<Link<'s>>,
    /// How many steps, and the estimated time in minutes and as text ("1 h 25 min").
    pub(super) steps: usize,
    pub(super) minutes: u32,
    pub(super) duration: String,
    /// Restricted to a role (not only a tier): listed first, "for your role".
    pub(super) for_role: bool,
    /// The certificate page for this path (site-relative, with `?path=`).
    pub(super) certificate_url: String,
    /// `?path=…` naming this path, for links to its steps (so a step page shows this path
    /// when it is in several).
    pub(super) query: String,
}

#[derive(Serialize)]
pub(super) struct PathStageCtx<'s> {
    /// None for a path written as one flat list.
    pub(super) title: Option<&'s str>,
    pub(super) steps: Vec<PathStepCtx<'s>>,
}

#[derive(Serialize)]
pub(super) struct PathStepCtx<'s> {
    /// From 1, through all stages.
    pub(super) number: usize,
    pub(super) title: &'s str,
    /// Site-relative: a page's URL or a material's file; also the step's key in progress.
    pub(super) url: &'s str,
    /// `page`, `product` or `material`.
    pub(super) kind: &'static str,
    pub(super) minutes: u32,
    /// A material: what it downloads (`PDF · 2.4 MB · 12 pages`).
    pub(super) meta: Option<String>,
    /// The step page has a quiz (the step is done when it is passed).
    pub(super) quiz: bool,
}

/// A path that the current page is a step of.
#[derive(Serialize)]
pub(super) struct PathMembership<'s> {
    pub(super) url: &'s str,
    pub(super) title: &'s str,
    /// `?path=…` naming the path, for links to its steps.
    pub(super) query: String,
    /// This page's number in the path, and how many steps it has.
    pub(super) step: usize,
    pub(super) of: usize,
    /// The neighbouring steps in the path (not in the section).
    pub(super) prev: Option<StepLink<'s>>,
    pub(super) next: Option<StepLink<'s>>,
    /// Every step's URL in order (progress keys), for the browser's bookkeeping.
    pub(super) step_urls: Vec<&'s str>,
}

/// A neighbouring step: a page, or a material (a download).
#[derive(Serialize)]
pub(super) struct StepLink<'s> {
    pub(super) title: &'s str,
    pub(super) url: &'s str,
    pub(super) download: bool,
}

/// A self-check quiz, graded in the browser. The answers are in the page (docs/paths.md).
#[derive(Serialize)]
pub(super) struct QuizCtx<'s> {
    /// Percent of questions to get right.
    pub(super) pass: u8,
    pub(super) questions: Vec<QuestionCtx<'s>>,
}

#[derive(Serialize)]
pub(super) struct QuestionCtx<'s> {
    /// From 1.
    pub(super) number: usize,
    pub(super) question: &'s str,
    pub(super) options: Vec<&'s str>,
    /// The right options' numbers, from 1.
    pub(super) answers: Vec<usize>,
    /// More than one option is right (checkboxes rather than radio buttons).
    pub(super) multiple: bool,
    pub(super) explain: Option<&'s str>,
}

/// One value of a library filter, with how many materials have it.
#[derive(Serialize)]
pub(super) struct Facet<'s> {
    pub(super) value: &'s str,
    pub(super) label: String,
    pub(super) count: usize,
}

/// A group of the library: the materials of one kind, newest first.
#[derive(Serialize)]
pub(super) struct MaterialGroup<'s> {
    pub(super) kind: &'s str,
    pub(super) label: String,
    pub(super) materials: Vec<MaterialCtx<'s>>,
}

/// The materials library (`materials.html`).
#[derive(Serialize)]
pub(super) struct LibraryCtx<'s> {
    pub(super) count: usize,
    /// By kind, in the order of the site's kinds.
    pub(super) groups: Vec<MaterialGroup<'s>>,
    pub(super) kinds: Vec<Facet<'s>>,
    pub(super) languages: Vec<Facet<'s>>,
    pub(super) products: Vec<Facet<'s>>,
    /// How many days the badges last.
    pub(super) new_days: i64,
}

#[derive(Serialize)]
pub(super) struct TagCtx<'s> {
    pub(super) name: &'s str,
    pub(super) url: String,
    pub(super) count: usize,
    pub(super) pages: Vec<Child<'s>>,
}

/// Everything a template gets; fields not meaningful for a kind of page are empty/none, so
/// every template can rely on every name existing.
#[derive(Serialize)]
pub(super) struct Ctx<'s> {
    pub(super) site: SiteCtx<'s>,
    pub(super) audience: Option<AudienceCtx<'s>>,
    pub(super) stage: StageCtx,
    pub(super) root: String,
    pub(super) kind: &'static str,
    pub(super) lang: &'s str,
    /// The site's languages, when it has several (issue 18): switcher and `hreflang`.
    pub(super) languages: Vec<LanguageLink<'s>>,
    pub(super) canonical: Option<String>,
    /// The rendered sidebar, the link to this page marked.
    pub(super) sidebar: Value,
    pub(super) kanava_version: &'static str,
    /// The list of all tags (site-relative).
    pub(super) tags_url: &'static str,
    /// The list of all pages (site-relative).
    pub(super) all_url: &'static str,
    /// What's new (site-relative).
    pub(super) whats_new_url: &'static str,
    /// The view's Atom feed (site-relative), none when the view has no dated item (then
    /// there is no feed).
    pub(super) feed_url: Option<&'static str>,
    pub(super) search: SearchCtx,
    pub(super) page: PageCtx<'s>,
    pub(super) breadcrumbs: Vec<Link<'s>>,
    pub(super) prev: Option<Link<'s>>,
    pub(super) next: Option<Link<'s>>,
    pub(super) children: Vec<Child<'s>>,
    pub(super) tags: Vec<TagCtx<'s>>,
    pub(super) tag: Option<TagCtx<'s>>,
    /// The catalog's URL, or none when the site (or this view) has no catalog.
    pub(super) catalog_url: Option<&'s str>,
    pub(super) catalog: Option<CatalogCtx<'s>>,
    pub(super) category: Option<CategoryCtx<'s>>,
    pub(super) product: Option<ProductCtx<'s>>,
    pub(super) price_list: Option<PriceListCtx<'s>>,
    /// All pages of the view: filled for `all.html` only.
    pub(super) pages: Vec<ListedPage<'s>>,
    /// The view's newest guides, products and materials: filled for `whats-new.html` only.
    pub(super) news: Vec<NewsItem<'s>>,
    /// The materials library (site-relative), none when the view has no material.
    pub(super) materials_url: Option<&'static str>,
    /// The learning paths index (site-relative), none when the view has no path.
    pub(super) paths_url: Option<&'static str>,
    /// Where the reader's progress is kept in `localStorage`: one key per site and audience.
    pub(super) progress_key: String,
    /// `path.html`: the path this page declares.
    pub(super) path: Option<PathCtx<'s>>,
    /// The paths this page is a step of, in page order ("Step 3 of 7 · Sales onboarding").
    pub(super) page_paths: Vec<PathMembership<'s>>,
    /// The page's self-check quiz.
    pub(super) quiz: Option<QuizCtx<'s>>,
    /// `paths.html` and `certificate.html`: every path of the view, those for a role first.
    pub(super) paths: Vec<PathCtx<'s>>,
    /// Filled for `materials.html` only.
    pub(super) library: Option<LibraryCtx<'s>>,
}

/// What `root.html` receives: the output's root page (issue #16).
#[derive(Serialize)]
pub(super) struct RootCtx<'s> {
    pub(super) site: SiteCtx<'s>,
    pub(super) lang: &'s str,
    /// Every audience's site, in configuration order.
    pub(super) audiences: Vec<RootAudience<'s>>,
    /// `hosting: { root: <audience> }`: the site the root page sends readers to.
    pub(super) redirect: Option<RootAudience<'s>>,
}

#[derive(Serialize, Clone)]
pub(super) struct RootAudience<'s> {
    pub(super) name: &'s str,
    pub(super) title: &'s str,
    /// Relative to the root page: `gold/`.
    pub(super) url: String,
    /// Open to anyone where it is hosted (no sign-in).
    pub(super) public: bool,
}
