//! Plan: (Site, View) → [`Plan`]. **The only place that decides what a view contains.**
//!
//! A plan is built by *removing* everything the view's audience may not see — pages,
//! `only` blocks (and the headings in them), tags, assets nobody visible links to — and
//! holds only what remains, with indexes into itself. `render` receives a plan and nothing
//! else that could name a hidden page, so no template, list, feed or index can leak.
//! `check` uses the same [`Visibility`] to find links that would break in a view.

use rayon::prelude::*;
use std::collections::BTreeMap;

use crate::html::escape_into;
use crate::load::Config;
use crate::markdown::{BlockId, Fragment, Heading, Hole, Link, LinkTarget};
use crate::model::audience::Has;
use crate::model::audience::{Audience, AudienceId};
use crate::model::catalog::{Catalog, PriceKey, Product, ProductStatus};
use crate::model::languages::LangId;
use crate::model::lifecycle::{Lifecycle, Note, Stage, Status};
use crate::model::materials::{Material, MaterialId};
use crate::model::money::Money;
use crate::model::paths::{MINUTES_PER_PDF_PAGE, Quiz, StepTarget, WORDS_PER_MINUTE};
use crate::model::{Asset, AssetId, Page, PageData, PageId, PageKind, Site, relative_url};
use jiff::Timestamp;

/// One output site: an audience, in a language, in a stage, at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub audience: AudienceId,
    /// Issue 18: 0 is the default language (see `model::languages`).
    pub language: LangId,
    pub stage: Stage,
    pub at: Timestamp,
}

impl View {
    /// The view's folder in the output (see [`crate::paths`]).
    pub fn folder(self, site: &Site) -> &str {
        crate::paths::view_folder(site, self)
    }
}

/// Which pages, fragments and materials a view keeps.
pub struct Visibility<'s> {
    audience: &'s Audience,
    view: View,
    pages: Vec<bool>,
    materials: Vec<bool>,
}

impl<'s> Visibility<'s> {
    /// What `view` keeps of `site` — of its language's site (`Site::in_language`).
    pub fn of(site: &'s Site, view: View) -> Visibility<'s> {
        let site = site.in_language(view.language);
        let audience = &site.audiences.audiences[view.audience];
        let mut pages: Vec<bool> = site
            .pages
            .iter()
            .map(|p| {
                p.kind == PageKind::Home
                    || (!p.omitted
                        && audience.admits(&p.restriction)
                        && p.lifecycle.shown(view.stage, view.at).is_some())
            })
            .collect();
        // A folder without `_index.md` has nothing of its own to show: it is in the view
        // only if something below it is. Children come after parents, so go backwards.
        for id in (1..site.pages.len()).rev() {
            let page = &site.pages[id];
            if page.kind.needs_children(page.source.is_some())
                && !page.children.iter().any(|&c| pages[c])
            {
                pages[id] = false;
            }
        }
        // A material is in the view by its own metadata (cascaded from its sections), like
        // a page; never because something links it.
        let materials = site
            .materials
            .iter()
            .map(|m| {
                audience.admits(&m.restriction) && m.lifecycle.shown(view.stage, view.at).is_some()
            })
            .collect();
        Visibility {
            audience,
            view,
            pages,
            materials,
        }
    }

    pub fn page(&self, id: PageId) -> bool {
        self.pages[id]
    }

    pub fn material(&self, id: MaterialId) -> bool {
        self.materials[id]
    }

    /// Whether the view publishes a file that a page it shows links: a material when its
    /// metadata admits the view; a plain file always (it is published because of the link).
    pub fn asset(&self, site: &Site, id: AssetId) -> bool {
        site.assets[id].material.is_none_or(|m| self.materials[m])
    }

    /// What the view shows of a page (which must be in the view): its `only` blocks,
    /// fragments, headings and their ids.
    pub fn within(&self, page: &'s Page) -> PageView<'s> {
        let mut blocks: Vec<bool> = Vec::with_capacity(page.doc.blocks.len());
        for b in &page.doc.blocks {
            let dates = Lifecycle {
                status: Status::Published,
                window: b.window,
            };
            // A block's parent comes before it, so its answer is already known.
            let shown = b.parent.is_none_or(|p| blocks[p])
                && self.audience.admits(&b.restriction)
                && dates.shown(self.view.stage, self.view.at).is_some();
            blocks.push(shown);
        }
        PageView { page, blocks }
    }

    /// Calls `f` with each of a page's `items` that the view shows (the page must be in the
    /// view), each item with the `only` block of the fragment it is in (`None`: shown
    /// wherever the page is). What the view shows of the page is worked out only when some
    /// item is inside a block: lists made once per build, read in every view.
    pub fn for_each_shown<T>(
        &self,
        page: &'s Page,
        items: &[(Option<BlockId>, T)],
        mut f: impl FnMut(&T),
    ) {
        let within = items
            .iter()
            .any(|(block, _)| block.is_some())
            .then(|| self.within(page));
        for (block, item) in items {
            if let (Some(b), Some(within)) = (block, &within)
                && !within.block(*b)
            {
                continue;
            }
            f(item);
        }
    }

    /// Why a visible page is shown though it is not live in production (its banner).
    pub fn note(&self, page: &Page) -> Option<Note> {
        if page.kind == PageKind::Home {
            return None;
        }
        page.lifecycle
            .shown(self.view.stage, self.view.at)
            .flatten()
    }

    /// Does the view's audience satisfy this restriction? (For reports that explain a
    /// restriction; what a view *contains* is decided by [`Visibility::page`] and
    /// [`Visibility::within`].)
    pub fn audience_admits(&self, restriction: &crate::model::audience::Restriction) -> bool {
        self.audience.admits(restriction)
    }

    pub fn view(&self) -> View {
        self.view
    }
}

/// What a view shows of one page in it. Deep nesting costs linear time: each block's
/// answer is computed once, from its parent's.
pub struct PageView<'s> {
    page: &'s Page,
    blocks: Vec<bool>,
}

/// Where an `#anchor` leads in a view of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// A heading the view shows, by its id in the view.
    Id(String),
    /// A heading of the page the view does not show (index in `doc.headings`).
    Hidden(usize),
    /// No heading: maybe an `id` in raw HTML (the `broken-anchor` rule decides).
    Unknown,
}

impl<'s> PageView<'s> {
    pub fn block(&self, block: BlockId) -> bool {
        self.blocks[block]
    }

    pub fn fragment(&self, fragment: &Fragment) -> bool {
        fragment.block.is_none_or(|b| self.blocks[b])
    }

    /// The fragments the view keeps, in order.
    pub fn fragments(&self) -> impl Iterator<Item = &'s Fragment> + '_ {
        self.page
            .doc
            .fragments
            .iter()
            .filter(move |f| self.fragment(f))
    }

    pub fn heading(&self, heading: &Heading) -> bool {
        self.fragment(&self.page.doc.fragments[heading.fragment])
    }

    /// The view's id of each heading (`None` when hidden): made unique among the headings
    /// the view shows only, so that no id reveals a hidden heading (issue #12).
    pub fn heading_ids(&self) -> Vec<Option<String>> {
        let headings = &self.page.doc.headings;
        let shown: Vec<bool> = headings.iter().map(|h| self.heading(h)).collect();
        if !shown.contains(&false) {
            // Every heading shown (most pages): the ids the document made for that case.
            return headings.iter().map(|h| Some(h.id.clone())).collect();
        }
        let mut ids = crate::markdown::unique_ids(
            headings
                .iter()
                .zip(&shown)
                .filter(|(_, s)| **s)
                .map(|(h, _)| &h.base),
        )
        .into_iter();
        shown
            .iter()
            .map(|&s| if s { ids.next() } else { None })
            .collect()
    }

    /// Where `#anchor` leads on this page in the view (`ids` from [`Self::heading_ids`]):
    /// a heading's id in the view, or what the author wrote when it names the base of a
    /// shown heading.
    pub fn anchor(&self, ids: &[Option<String>], anchor: &str) -> Anchor {
        let headings = &self.page.doc.headings;
        if let Some(id) = ids.iter().flatten().find(|id| *id == anchor) {
            return Anchor::Id(id.clone());
        }
        if let Some(id) = headings
            .iter()
            .zip(ids)
            .find_map(|(h, id)| id.as_ref().filter(|_| h.base == anchor))
        {
            return Anchor::Id(id.clone());
        }
        match headings
            .iter()
            .position(|h| h.id == anchor || h.base == anchor)
        {
            Some(h) => Anchor::Hidden(h),
            None => Anchor::Unknown,
        }
    }

    /// The files the view's part of the page links: from the fragments it shows, and the
    /// page's attachments. (A plain file is published where a visible page links it.)
    pub fn assets(&self) -> impl Iterator<Item = crate::model::AssetId> + '_ {
        self.fragments()
            .flat_map(|f| &f.links)
            .chain(&self.page.doc.attachments)
            .filter_map(|l| match l.target {
                LinkTarget::Asset(a) => Some(a),
                _ => None,
            })
    }

    /// The outermost block around `fragment` that the view does not show.
    pub fn hidden_block(&self, fragment: &Fragment) -> Option<BlockId> {
        let mut hidden = None;
        let mut at = fragment.block;
        while let Some(b) = at {
            if !self.blocks[b] {
                hidden = Some(b);
            }
            at = self.page.doc.blocks[b].parent;
        }
        hidden
    }
}

/// A page in a view: what the view shows of it, and its heading ids there.
type Shown<'s> = (PageView<'s>, Vec<Option<String>>);

/// A heading of the table of contents, with its id in the view.
pub struct TocItem<'s> {
    pub level: u8,
    pub title: &'s str,
    pub id: String,
}

/// A page as a view sees it. Indexes (`parent`, `children`, `prev`, `next`) point into
/// [`Plan::pages`], never into the site.
pub struct PlanPage<'s> {
    pub kind: PageKind,
    pub source: Option<&'s str>,
    pub url: &'s str,
    pub title: &'s str,
    pub description: Option<&'s str>,
    pub tags: Vec<&'s str>,
    pub updated: Option<jiff::civil::Date>,
    /// When the page last changed, for what's new and the feed: `updated` (the start of
    /// that day in the site's timezone), else the last git commit of its file.
    pub changed: Option<Timestamp>,
    /// The page in the site (its content is written on demand: [`Plan::content`]).
    site_id: PageId,
    pub toc: Vec<TocItem<'s>>,
    /// Set when the page is shown in a non-production stage though not live (its banner).
    pub note: Option<Note>,
    pub lifecycle: Lifecycle,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub prev: Option<usize>,
    pub next: Option<usize>,
    /// For product pages: the product as this view sees it (its prices filtered).
    pub product: Option<PlanProduct<'s>>,
    /// The path this page declares, when it is one (index into [`Plan::paths`]).
    pub path: Option<usize>,
    /// The paths this page is a step of: (index into [`Plan::paths`], its step number from 1).
    pub in_paths: Vec<(usize, usize)>,
    /// Its self-check quiz.
    pub quiz: Option<&'s Quiz>,
    /// It has no translation into the view's language and shows the default language's
    /// text (issue 18, `fallback: default`).
    pub fallback: bool,
    /// Per language of the site (when it has several): is this page in the same
    /// audience's site in that language? (The language switcher leads there, else home.)
    pub in_languages: Vec<bool>,
}

/// A language of the site, as the language switcher of a view sees it.
pub struct PlanLanguage<'s> {
    pub code: &'s str,
    /// The way from this view's root to that language's root: `fi/`, `../`, `../it/`.
    pub root: String,
    pub current: bool,
}

/// A learning path as a view sees it: only steps and prerequisites the view has (`check`
/// reports a path whose step a view lacks, so in a clean build none is left out).
pub struct PlanPath<'s> {
    /// The path's page (plan index).
    pub page: usize,
    pub stages: Vec<PlanStage<'s>>,
    /// Paths to finish first (indexes into [`Plan::paths`]).
    pub requires: Vec<usize>,
    pub badge: Option<&'s str>,
    /// Steps in all stages.
    pub steps: usize,
    /// Estimated minutes, all steps.
    pub minutes: u32,
    /// The path is restricted on an unordered axis (a role) by its own page or section,
    /// not only by tier: the paths index lists these first, as "for your role".
    pub for_role: bool,
}

pub struct PlanStage<'s> {
    pub title: Option<&'s str>,
    pub steps: Vec<PlanStep>,
}

pub struct PlanStep {
    pub target: PlanStepTarget,
    /// Its number in the path, from 1.
    pub number: usize,
    pub minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStepTarget {
    /// A plan page (a guide or a product).
    Page(usize),
    /// A plan material.
    Material(usize),
}

/// A product as a view sees it: no prices but the list price and the view's own tier's —
/// or, for an `all: true` audience (staff review), every tier's. (The site's `Product`
/// holds every tier's price; it never reaches `render`.)
pub struct PlanProduct<'s> {
    pub sku: &'s str,
    pub status: ProductStatus,
    pub specs: &'s [(String, String)],
    pub datasheet: Option<&'s Asset>,
    pub image: Option<&'s Asset>,
    /// Plan indexes, present only when the view sees those products.
    pub replaced_by: Option<usize>,
    pub replaces: Vec<usize>,
    pub list_price: Option<Money>,
    pub own_price: Option<Money>,
    /// `all: true` audiences only: the price of each tier in [`PlanCatalog::tier_columns`],
    /// in that order (none where the product has no such price). Empty for every other view.
    pub tier_prices: Vec<Option<Money>>,
    /// The view's materials naming this product (indexes into [`Plan::materials`]), in the
    /// library's order; the datasheet, when it is a material, is not repeated here.
    pub materials: Vec<usize>,
}

/// A material as a view sees it.
pub struct PlanMaterial<'s> {
    /// The material in the site.
    pub id: MaterialId,
    pub material: &'s Material,
    pub asset: &'s Asset,
    /// The view's product pages it names (plan indexes).
    pub products: Vec<usize>,
    /// When it last changed ([`Material::changed`]).
    pub changed: Option<Timestamp>,
    /// `new` (first seen within the configured days), `updated` (changed within them), or none.
    pub badge: Option<Badge>,
    /// Set when it is shown in a non-production stage though not live.
    pub note: Option<Note>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Badge {
    New,
    Updated,
}

/// An item of what's new and the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum News {
    /// A plan page.
    Page(usize),
    /// A plan material.
    Material(usize),
}

/// What a view knows of the catalog as a whole.
pub struct PlanCatalog<'s> {
    /// Plan index of the catalog page.
    pub page: usize,
    pub currency: &'s str,
    /// "Your price (silver)" when the view sees a tier price column.
    pub price_label: Option<String>,
    /// The tier (value of the price axis) whose price is the view's own (`own_price`); none
    /// at the lowest tier and for `all: true` audiences.
    pub own_tier: Option<&'s str>,
    /// Whether the view sees any price at all (it gets a price list then).
    pub has_prices: bool,
    /// `all: true` audiences only: the tiers (values of the price axis) whose prices the
    /// view shows in columns of their own, those some visible product has, in axis order.
    pub tier_columns: Vec<&'s str>,
    /// `catalog/price-list/`, when `has_prices`.
    pub price_list_url: Option<String>,
}

pub struct PlanTag<'s> {
    pub name: &'s str,
    pub url: String,
    pub pages: Vec<usize>,
}

pub struct Plan<'s> {
    pub config: &'s Config,
    pub calendar: &'s crate::model::lifecycle::Calendar,
    pub view: View,
    /// The audience's name, when the site defines audiences.
    pub audience: Option<&'s str>,
    /// Its display name (`title:`, else the name).
    pub audience_title: Option<&'s str>,
    /// Home first, then depth-first in navigation order.
    pub pages: Vec<PlanPage<'s>>,
    /// The files the view publishes: its materials' and the plain files its pages link.
    pub assets: Vec<&'s Asset>,
    /// The materials the view may see, newest first (then by title and path): the library.
    pub materials: Vec<PlanMaterial<'s>>,
    /// The site has materials (so every view has a library page, maybe empty).
    pub has_library: bool,
    /// The site's kinds of material, in order (the library's groups).
    pub material_kinds: &'s [String],
    /// How many days "new" and "updated" badges last.
    pub new_days: i64,
    /// Sorted by URL.
    pub tags: Vec<PlanTag<'s>>,
    /// When the site has a catalog and the view sees some of it.
    pub catalog: Option<PlanCatalog<'s>>,
    /// What's new (page and feed): the guides, products and materials with a date, newest
    /// first (then by URL), at most [`NEWS_LIMIT`].
    pub news: Vec<News>,
    /// The learning paths the view shows, in page order (issue #15).
    pub paths: Vec<PlanPath<'s>>,
    /// The site has learning paths (so every view has a paths index, maybe empty).
    pub has_paths: bool,
    /// The default language's code (what a page shown untranslated is written in).
    pub default_language: &'s str,
    /// The site's languages when it has several (for the switcher and `hreflang`).
    pub languages: Vec<PlanLanguage<'s>>,
    links: Links<'s>,
}

/// How many items what's new and the feed list.
pub const NEWS_LIMIT: usize = 50;

/// Which pages what's new lists: guides (pages, and sections with an `_index.md`) and
/// products; not the home page, the catalog or categories (lists of other pages).
fn is_news(page: &PlanPage) -> bool {
    match page.kind {
        PageKind::Page | PageKind::Product => true,
        PageKind::Section => page.source.is_some(),
        PageKind::Home | PageKind::Catalog | PageKind::Category => false,
    }
}

/// What what's new and the feed call a page: `guide` or `product` (materials are
/// `material`).
pub fn news_kind(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Product => "product",
        _ => "guide",
    }
}

/// The view's newest guides, products and materials (see [`Plan::news`]). Items without a
/// date are left out: there is nothing to order them by that would not change from build
/// to build.
fn news(pages: &[PlanPage], materials: &[PlanMaterial]) -> Vec<News> {
    let mut news: Vec<(Timestamp, &str, News)> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| is_news(p))
        .filter_map(|(i, p)| Some((p.changed?, p.url, News::Page(i))))
        .chain(
            materials
                .iter()
                .enumerate()
                .filter_map(|(i, m)| Some((m.changed?, m.asset.url.as_str(), News::Material(i)))),
        )
        .collect();
    news.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    news.truncate(NEWS_LIMIT);
    news.into_iter().map(|(_, _, item)| item).collect()
}

/// For each language's site, for each of its pages, for each of its fragments with code:
/// does one of `views` show it? (What a build highlights: see `Site::highlight`. A
/// fragment without code is `false`: there is nothing in it to highlight.)
pub fn shown_fragments(root: &Site, views: &[View]) -> Vec<Vec<Vec<bool>>> {
    by_language(root, views)
        .map(|(site, views)| shown_in(site, &views))
        .collect()
}

/// Each language's site of `root`, the default first, with those of `views` in its language.
pub fn by_language<'s>(
    root: &'s Site,
    views: &[View],
) -> impl Iterator<Item = (&'s Site, Vec<View>)> {
    root.all_languages().map(|site| {
        let views = views
            .iter()
            .filter(|v| v.language == site.language)
            .copied()
            .collect();
        (site, views)
    })
}

/// [`shown_fragments`] of one language's site, for its views.
fn shown_in(site: &Site, views: &[View]) -> Vec<Vec<bool>> {
    let mut shown: Vec<Vec<bool>> = site
        .pages
        .iter()
        .map(|p| vec![false; p.doc.fragments.len()])
        .collect();
    // Each page's fragments with code (only they are highlighted), with their blocks: read
    // once, not in every view (documents are all over memory).
    let code: Vec<Vec<(Option<BlockId>, usize)>> = site
        .pages
        .iter()
        .map(|p| {
            let fragments = p.doc.fragments.iter().enumerate();
            fragments
                .filter(|(_, f)| !f.code.is_empty())
                .map(|(i, f)| (f.block, i))
                .collect()
        })
        .collect();
    for &view in views {
        let vis = Visibility::of(site, view);
        for (id, code) in code.iter().enumerate() {
            if !code.is_empty() && vis.page(id) {
                vis.for_each_shown(&site.pages[id], code, |&fragment| {
                    shown[id][fragment] = true;
                });
            }
        }
    }
    shown
}

/// Plans `view` of `root` (the default-language site; the view's language picks its own).
pub fn make(root: &Site, view: View) -> Plan<'_> {
    let site = root.in_language(view.language);
    let vis = Visibility::of(site, view);
    // Site page id → plan index.
    let mut slot: Vec<Option<usize>> = vec![None; site.pages.len()];
    let mut next = 0;
    for (id, s) in slot.iter_mut().enumerate() {
        if vis.page(id) {
            *s = Some(next);
            next += 1;
        }
    }
    // What the view shows of each of its pages, and its heading ids there (link targets'
    // anchors need them too), and the page as the plan has it. In parallel: for a large
    // view this is most of its plan.
    let (within, pages): (Vec<Option<Shown>>, Vec<Option<PlanPage>>) = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(id, page)| {
            if !vis.page(id) {
                return (None, None);
            }
            let within = vis.within(page);
            let ids = within.heading_ids();
            let planned = plan_page(site, &vis, &slot, id, page, &ids);
            (Some((within, ids)), Some(planned))
        })
        .unzip();
    let mut pages: Vec<PlanPage> = pages.into_iter().flatten().collect();
    let mut assets_seen = vec![false; site.assets.len()];
    for (page_view, _) in within.iter().flatten() {
        for a in page_view.assets() {
            // A plain file is published because a page the view shows links it; a material
            // only by its own metadata (below), whatever links it.
            if site.assets[a].material.is_none() {
                assets_seen[a] = true;
            }
        }
    }
    for (id, m) in site.materials.iter().enumerate() {
        if vis.material(id) {
            assets_seen[m.asset] = true;
        }
    }
    let materials = plan_materials(site, &vis, &slot);
    let catalog = site
        .catalog
        .as_ref()
        .and_then(|c| plan_catalog(site, c, &vis, &slot, &assets_seen, &materials, &mut pages));
    // Neighbours among the visible siblings (each parent's children, in order).
    for p in 0..pages.len() {
        let children = std::mem::take(&mut pages[p].children);
        for (at, &c) in children.iter().enumerate() {
            if pages[c].parent == Some(p) {
                pages[c].prev = at.checked_sub(1).map(|j| children[j]);
                pages[c].next = children.get(at + 1).copied();
            }
        }
        pages[p].children = children;
    }
    let mut tags: BTreeMap<String, PlanTag> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        for &name in &page.tags {
            let tag = tags
                .entry(crate::html::slugify(name))
                .or_insert_with(|| PlanTag {
                    name,
                    url: crate::paths::tag(name),
                    pages: Vec::new(),
                });
            // Pages come in order: a page whose two tags have one slug is listed once.
            if tag.pages.last() != Some(&i) {
                tag.pages.push(i);
            }
        }
    }
    let assets = site
        .assets
        .iter()
        .zip(&assets_seen)
        .filter(|(_, seen)| **seen)
        .map(|(a, _)| a)
        .collect();
    let news = news(&pages, &materials);
    let mut plan = Plan {
        config: &site.config,
        calendar: &site.calendar,
        view,
        audience: site
            .audiences
            .configured
            .then(|| site.audiences.audiences[view.audience].name.as_str()),
        audience_title: site.audiences.configured.then(|| {
            let a = &site.audiences.audiences[view.audience];
            a.title.as_deref().unwrap_or(&a.name)
        }),
        pages,
        assets,
        materials,
        has_library: !site.materials.is_empty(),
        material_kinds: &site.material_settings.kinds,
        new_days: site.material_settings.new_days,
        tags: tags.into_values().collect(),
        news,
        catalog,
        links: Links {
            site,
            slot,
            within,
            assets: assets_seen,
        },
        paths: Vec::new(),
        has_paths: !site.paths.is_empty(),
        default_language: root.languages.default_code(),
        languages: Vec::new(),
    };
    plan_paths(site, &vis, &mut plan);
    plan_languages(root, &mut plan);
    plan
}

/// A page the view shows, as the plan has it (`ids`: its heading ids in the view).
fn plan_page<'s>(
    site: &'s Site,
    vis: &Visibility,
    slot: &[Option<usize>],
    id: PageId,
    page: &'s Page,
    ids: &[Option<String>],
) -> PlanPage<'s> {
    let toc = page
        .doc
        .headings
        .iter()
        .zip(ids)
        .filter(|(h, _)| h.level >= 2)
        .filter_map(|(h, id)| {
            Some(TocItem {
                level: h.level,
                title: &h.title,
                id: id.clone()?,
            })
        })
        .collect();
    PlanPage {
        kind: page.kind,
        source: page.source.as_deref(),
        url: &page.url,
        title: &page.title,
        description: page.description.as_deref(),
        tags: page.tags.iter().map(String::as_str).collect(),
        updated: page.updated,
        changed: page
            .updated
            .and_then(|d| site.calendar.start_of(d))
            .or(page.committed),
        site_id: id,
        toc,
        note: vis.note(page),
        lifecycle: page.lifecycle,
        parent: page.parent.and_then(|p| slot[p]),
        children: page.children.iter().filter_map(|&c| slot[c]).collect(),
        prev: None,
        next: None,
        product: None,
        path: None,
        in_paths: Vec::new(),
        quiz: page.quiz.as_ref(),
        fallback: page.fallback,
        in_languages: Vec::new(),
    }
}

/// The view's languages and, for each of its pages, which languages' sites of the same
/// audience have it too (asked of those views' own [`Visibility`]).
fn plan_languages<'s>(root: &'s Site, plan: &mut Plan<'s>) {
    let languages = &root.languages;
    if !languages.several() {
        return;
    }
    let me = plan.view.language;
    plan.languages = languages
        .codes
        .iter()
        .enumerate()
        .map(|(l, code)| PlanLanguage {
            code,
            root: match (me, l) {
                (0, 0) => String::new(),
                (0, l) => format!("{}/", languages.codes[l]),
                (_, 0) => "../".to_owned(),
                (_, l) => format!("../{}/", languages.codes[l]),
            },
            current: l == me,
        })
        .collect();
    let shown: Vec<Visibility> = (0..languages.codes.len())
        .map(|language| {
            Visibility::of(
                root,
                View {
                    language,
                    ..plan.view
                },
            )
        })
        .collect();
    for page in &mut plan.pages {
        page.in_languages = shown.iter().map(|v| v.page(page.site_id)).collect();
    }
}

/// Fills in the view's learning paths: those whose page it shows, with the steps and
/// prerequisites it has, each step's minutes (its `duration:`, else its words in this view
/// at [`WORDS_PER_MINUTE`]; a material's pages at [`MINUTES_PER_PDF_PAGE`]), and which
/// paths each page is a step of.
fn plan_paths<'s>(site: &'s Site, vis: &Visibility<'s>, plan: &mut Plan<'s>) {
    let slot = &plan.links.slot;
    // Site material id → plan material index.
    let material_slot: std::collections::HashMap<MaterialId, usize> = plan
        .materials
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id, i))
        .collect();
    let path_slot: std::collections::HashMap<PageId, usize> = site
        .paths
        .iter()
        .filter(|p| slot[p.page].is_some())
        .enumerate()
        .map(|(i, p)| (p.page, i))
        .collect();
    let mut minutes_of_page: std::collections::HashMap<usize, u32> = Default::default();
    let mut paths = Vec::new();
    for path in site.paths.iter().filter(|p| slot[p.page].is_some()) {
        let mut number = 0;
        let stages: Vec<PlanStage> = path
            .stages
            .iter()
            .map(|stage| PlanStage {
                title: stage.title.as_deref(),
                steps: stage
                    .steps
                    .iter()
                    .filter_map(|step| {
                        let (target, minutes) = match step.target {
                            StepTarget::Page(p) => {
                                let i = slot[p]?;
                                let minutes = *minutes_of_page.entry(i).or_insert_with(|| {
                                    site.pages[p]
                                        .duration
                                        .unwrap_or_else(|| reading_minutes(&plan.content(i)))
                                });
                                (PlanStepTarget::Page(i), minutes)
                            }
                            StepTarget::Material(m) => {
                                if !vis.material(m) {
                                    return None;
                                }
                                let i = *material_slot.get(&m)?;
                                let info = &plan.materials[i].asset.info;
                                let minutes = info.pages.unwrap_or(1).max(1) * MINUTES_PER_PDF_PAGE;
                                (PlanStepTarget::Material(i), minutes)
                            }
                        };
                        number += 1;
                        Some(PlanStep {
                            target,
                            number,
                            minutes,
                        })
                    })
                    .collect(),
            })
            .filter(|s: &PlanStage| !s.steps.is_empty())
            .collect();
        let page = &site.pages[path.page];
        let for_role = page.restriction.iter().any(|(axis, _)| {
            !site.audiences.axes[axis].ordered
                && page.origin(path.page, axis) != crate::model::Origin::Default
        });
        paths.push(PlanPath {
            page: slot[path.page].unwrap_or(0),
            minutes: stages
                .iter()
                .flat_map(|s| &s.steps)
                .map(|s| s.minutes)
                .sum(),
            steps: number,
            stages,
            requires: path
                .requires
                .iter()
                .filter_map(|(p, _)| path_slot.get(p).copied())
                .collect(),
            badge: path.badge.as_deref(),
            for_role,
        });
    }
    for (i, path) in paths.iter().enumerate() {
        plan.pages[path.page].path = Some(i);
        for step in path.stages.iter().flat_map(|s| &s.steps) {
            if let PlanStepTarget::Page(p) = step.target {
                plan.pages[p].in_paths.push((i, step.number));
            }
        }
    }
    plan.paths = paths;
}

/// Minutes to read `html` at [`WORDS_PER_MINUTE`], at least one.
fn reading_minutes(html: &str) -> u32 {
    let words = crate::html::strip_tags(html).split_whitespace().count();
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(u32::MAX)
}

/// The view's materials, newest first (then by title, then path).
fn plan_materials<'s>(
    site: &'s Site,
    vis: &Visibility<'s>,
    slot: &[Option<usize>],
) -> Vec<PlanMaterial<'s>> {
    let view = vis.view;
    let days = site.material_settings.new_days;
    let recent = |t: Option<Timestamp>| {
        t.is_some_and(|t| {
            t <= view.at && view.at.duration_since(t).as_hours() < days.saturating_mul(24)
        })
    };
    // Product id → the product's page in the view.
    let mut product_page = std::collections::HashMap::new();
    for (id, page) in site.pages.iter().enumerate() {
        if let (PageData::Product(p), Some(s)) = (page.data, slot[id]) {
            product_page.insert(p, s);
        }
    }
    let mut materials: Vec<PlanMaterial> = site
        .materials
        .iter()
        .enumerate()
        .filter(|(id, _)| vis.material(*id))
        .map(|(id, m)| {
            let changed = m.changed(&site.calendar);
            PlanMaterial {
                id,
                material: m,
                asset: &site.assets[m.asset],
                products: m
                    .product_ids
                    .iter()
                    .filter_map(|p| product_page.get(p).copied())
                    .collect(),
                changed,
                badge: if recent(m.since(&site.calendar)) {
                    Some(Badge::New)
                } else if recent(changed) {
                    Some(Badge::Updated)
                } else {
                    None
                },
                note: m.lifecycle.shown(view.stage, view.at).flatten(),
            }
        })
        .collect();
    materials.sort_by(|a, b| {
        b.changed
            .cmp(&a.changed)
            .then_with(|| a.material.title.cmp(&b.material.title))
            .then_with(|| a.material.file.cmp(&b.material.file))
    });
    materials
}

/// Writes fragments' links for one view: a link's URL exists only when the view has its
/// target (the plan's pages are the only URLs it knows), so a link to what the view cannot
/// see cannot be written (`check` reports it as `hidden-link-target` before any build).
struct Links<'s> {
    site: &'s Site,
    /// Site page id → plan index.
    slot: Vec<Option<usize>>,
    /// Site asset id → whether the view publishes it.
    assets: Vec<bool>,
    /// What the view shows of each site page in it, with the page's heading ids.
    within: Vec<Option<Shown<'s>>>,
}

impl Links<'_> {
    /// The HTML of the fragments of page `id` the view shows, in order.
    /// Whether page `id` shows highlighted code in the view.
    fn highlighted(&self, id: PageId) -> bool {
        self.within[id].as_ref().is_some_and(|(page_view, _)| {
            page_view
                .fragments()
                .any(|f| f.code.iter().any(|c| c.highlighted))
        })
    }

    fn content(&self, id: PageId) -> String {
        let mut out = String::new();
        if let Some((page_view, ids)) = &self.within[id] {
            for fragment in page_view.fragments() {
                self.write(id, ids, fragment, &mut out);
            }
        }
        out
    }

    /// Appends `fragment` of page `from` (whose heading ids in the view are `ids`).
    fn write(&self, from: PageId, ids: &[Option<String>], fragment: &Fragment, out: &mut String) {
        fragment.write(out, &mut |hole, out| {
            // Holes are made by `markdown` with valid indexes; a missing one writes nothing.
            let link = |n: usize| fragment.links.get(n);
            match hole {
                Hole::LinkStart(n) => {
                    let Some(link) = link(n) else { return };
                    out.push_str("<a");
                    if let Some(href) = self.href(from, &link.target) {
                        out.push_str(" href=\"");
                        escape_into(out, &href);
                        out.push('"');
                    }
                    if !link.title.is_empty() {
                        out.push_str(" title=\"");
                        escape_into(out, &link.title);
                        out.push('"');
                    }
                    out.push('>');
                }
                Hole::Url(n) => {
                    let Some(link) = link(n) else { return };
                    let href = self.href(from, &link.target);
                    escape_into(out, href.as_deref().unwrap_or("#"));
                }
                Hole::Label(n) => match link(n) {
                    Some(Link {
                        target: LinkTarget::Page { page, .. },
                        ..
                    }) if self.slot[*page].is_some() => {
                        escape_into(out, &self.site.pages[*page].title)
                    }
                    Some(link) => escape_into(out, &link.dest),
                    None => {}
                },
                Hole::HeadingId(h) => {
                    if let Some(Some(id)) = ids.get(h) {
                        escape_into(out, id);
                    }
                }
                Hole::FileMeta(n) => {
                    if let Some(Link {
                        target: LinkTarget::Asset(a),
                        ..
                    }) = link(n)
                        && self.assets.get(*a).copied().unwrap_or(false)
                        && let Some(asset) = self.site.assets.get(*a)
                    {
                        out.push_str(" <span class=\"file-meta\">");
                        escape_into(out, &asset.info.label());
                        out.push_str("</span>");
                    }
                }
                Hole::Code(_) => {}
            }
        });
    }

    /// The URL of a link's target from page `from`, when the view has the target.
    fn href(&self, from: PageId, target: &LinkTarget) -> Option<String> {
        let site = self.site;
        let from_url = &site.pages[from].url;
        match target {
            LinkTarget::Page { page, anchor } => {
                self.slot[*page]?;
                let url = relative_url(from_url, &site.pages[*page].url);
                Some(match anchor {
                    Some(anchor) => match self.anchor(*page, anchor) {
                        Anchor::Id(id) => format!("{url}#{id}"),
                        Anchor::Hidden(_) => url,
                        Anchor::Unknown => format!("{url}#{anchor}"),
                    },
                    None => url,
                })
            }
            LinkTarget::SelfAnchor(anchor) => match self.anchor(from, anchor) {
                Anchor::Id(id) => Some(format!("#{id}")),
                Anchor::Hidden(_) => None,
                Anchor::Unknown => Some(format!("#{anchor}")),
            },
            LinkTarget::Asset(a) => {
                // A material the view does not publish has no URL in it (`check` reports
                // the link as `hidden-link-target`).
                self.assets
                    .get(*a)
                    .copied()
                    .unwrap_or(false)
                    .then_some(())?;
                Some(relative_url(from_url, &site.assets[*a].url))
            }
        }
    }

    fn anchor(&self, page: PageId, anchor: &str) -> Anchor {
        match &self.within[page] {
            Some((within, ids)) => within.anchor(ids, anchor),
            None => Anchor::Unknown,
        }
    }
}

/// An item of what's new as lists and the feed show it.
pub struct NewsEntry<'p> {
    pub title: &'p str,
    /// Relative to the view's root: a page's URL or a material's file.
    pub url: &'p str,
    /// `guide`, `product` or `material`.
    pub kind: &'static str,
    pub summary: Option<&'p str>,
    pub changed: Timestamp,
    /// A material's file (its type and size): what the link downloads.
    pub file: Option<&'p Asset>,
}

impl<'s> Plan<'s> {
    /// What's new item `item` as lists and the feed show it (none without a date, which
    /// [`Plan::news`] never holds).
    pub fn news_entry(&self, item: News) -> Option<NewsEntry<'_>> {
        Some(match item {
            News::Page(i) => {
                let p = &self.pages[i];
                NewsEntry {
                    title: p.title,
                    url: p.url,
                    kind: news_kind(p.kind),
                    summary: p.description,
                    changed: p.changed?,
                    file: None,
                }
            }
            News::Material(i) => {
                let m = &self.materials[i];
                NewsEntry {
                    title: &m.material.title,
                    url: &m.asset.url,
                    kind: "material",
                    summary: m.material.fm.description.as_deref(),
                    changed: m.changed?,
                    file: Some(m.asset),
                }
            }
        })
    }
}

impl Plan<'_> {
    /// The HTML of page `i`'s content in the view: the fragments it shows, their links,
    /// heading ids and code written for the view. Written on demand (each page when it is
    /// rendered, in parallel) rather than held for every page of the plan.
    pub fn content(&self, i: usize) -> String {
        self.links.content(self.pages[i].site_id)
    }

    /// Whether page `i` shows a code block that was highlighted (so it needs the
    /// highlighting stylesheet; issue #13: every page loaded it).
    pub fn highlighted(&self, i: usize) -> bool {
        self.links.highlighted(self.pages[i].site_id)
    }

    /// Where the view is served, when the site has a `base_url`.
    pub fn site_url(&self) -> Option<String> {
        let base = self.config.base_url.as_deref()?;
        Some(crate::paths::view_url(base, self.audience.unwrap_or("")))
    }
}

/// Fills in the products of a view and returns what it knows of the catalog.
fn plan_catalog<'s>(
    site: &'s Site,
    catalog: &'s Catalog,
    vis: &Visibility<'s>,
    slot: &[Option<usize>],
    published: &[bool],
    materials: &[PlanMaterial<'s>],
    pages: &mut [PlanPage<'s>],
) -> Option<PlanCatalog<'s>> {
    let catalog_page = site
        .pages
        .iter()
        .position(|p| p.kind == PageKind::Catalog)
        .and_then(|id| slot[id])?;
    let audience = vis.audience;
    let own_tier = own_tier(catalog, audience);
    // Issue #12: staff review every tier's price (docs/catalog-format.md). The columns are
    // the tiers some product the view sees has a price for.
    let price_axis = catalog.price_axis.map(|a| &site.audiences.axes[a]);
    let mut priced = vec![false; price_axis.map_or(0, |a| a.values.len())];
    if audience.all {
        for (id, page) in site.pages.iter().enumerate() {
            if let (PageData::Product(p), Some(_)) = (page.data, slot[id]) {
                for (key, _) in &catalog.products[p].prices {
                    if let PriceKey::Tier(t) = *key
                        && let Some(seen) = priced.get_mut(t as usize)
                    {
                        *seen = true;
                    }
                }
            }
        }
    }
    let tier_columns: Vec<u8> = (0..priced.len() as u8)
        .filter(|&t| priced[t as usize])
        .collect();
    // Product id → plan index, for replacements.
    let mut product_slot = vec![None; catalog.products.len()];
    for (id, page) in site.pages.iter().enumerate() {
        if let (PageData::Product(p), Some(s)) = (page.data, slot[id]) {
            product_slot[p] = Some(s);
        }
    }
    let mut has_prices = false;
    let mut has_own = false;
    for (id, page) in site.pages.iter().enumerate() {
        let (PageData::Product(p), Some(s)) = (page.data, slot[id]) else {
            continue;
        };
        let product: &Product = &catalog.products[p];
        let price = |key| {
            product
                .prices
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, m)| *m)
        };
        let list_price = (audience.all || own_tier.is_some() || catalog.public_prices)
            .then(|| price(PriceKey::List))
            .flatten();
        let own_price = own_tier.and_then(|t| price(PriceKey::Tier(t)));
        let tier_prices: Vec<Option<Money>> = tier_columns
            .iter()
            .map(|&t| price(PriceKey::Tier(t)))
            .collect();
        has_prices |= list_price.is_some() || own_price.is_some();
        has_prices |= tier_prices.iter().any(Option::is_some);
        has_own |= own_price.is_some();
        // The product's own datasheet and image, never a file its description links:
        // those may be in blocks the view does not show (issue #12).
        // Only a file the view publishes: a datasheet that is a material the view may not
        // see is left out (and `check` reports the product's link to it).
        let asset = |image: bool| {
            page.doc.attachments.iter().find_map(|l| match l.target {
                LinkTarget::Asset(a) if l.is_image == image && published[a] => {
                    Some(&site.assets[a])
                }
                _ => None,
            })
        };
        let datasheet = product.datasheet.as_ref().and_then(|_| asset(false));
        pages[s].product = Some(PlanProduct {
            sku: &product.sku,
            status: product.status,
            specs: &product.specs,
            datasheet,
            image: product.image.as_ref().and_then(|_| asset(true)),
            replaced_by: product.replaced_by.and_then(|r| product_slot[r]),
            replaces: catalog
                .products
                .iter()
                .enumerate()
                .filter(|(_, other)| other.replaced_by == Some(p))
                .filter_map(|(o, _)| product_slot[o])
                .collect(),
            list_price,
            own_price,
            tier_prices,
            materials: materials
                .iter()
                .enumerate()
                .filter(|(_, m)| {
                    m.material.product_ids.contains(&p)
                        && datasheet.is_none_or(|d| !std::ptr::eq(d, m.asset))
                })
                .map(|(i, _)| i)
                .collect(),
        });
    }
    let price_label = own_tier
        .filter(|_| has_own)
        .zip(catalog.price_axis)
        .map(|(t, axis)| {
            format!(
                "Your price ({})",
                site.audiences.axes[axis].values[t as usize]
            )
        });
    let price_list_url = has_prices.then(|| crate::paths::price_list(pages[catalog_page].url));
    let own_tier = own_tier
        .zip(price_axis)
        .and_then(|(t, axis)| axis.values.get(t as usize))
        .map(String::as_str);
    Some(PlanCatalog {
        own_tier,
        price_list_url,
        page: catalog_page,
        currency: &catalog.currency,
        price_label,
        has_prices,
        tier_columns: match price_axis {
            Some(axis) => tier_columns
                .iter()
                .map(|&t| axis.values[t as usize].as_str())
                .collect(),
            None => Vec::new(),
        },
    })
}

/// The tier whose price a view sees as its own: its value on the price axis, unless that
/// is the lowest (public) one. `all: true` audiences have no own tier; they see every
/// tier's price (`tier_prices`).
fn own_tier(catalog: &Catalog, audience: &Audience) -> Option<u8> {
    match audience.has.get(catalog.price_axis?).copied().flatten() {
        Some(Has::Level(level)) if level > 0 && !audience.all => Some(level),
        _ => None,
    }
}

/// The audiences whose restrictions admit `restriction`, whatever the stage and moment
/// (for reports that say who a page is for).
pub fn audiences_admitting<'s>(
    site: &'s Site,
    restriction: &'s crate::model::audience::Restriction,
) -> impl Iterator<Item = &'s Audience> + 's {
    site.audiences
        .audiences
        .iter()
        .filter(move |a| a.admits(restriction))
}

/// The views of one stage at one moment: one per audience, or just the named audiences.
/// Every view of the site (audience by audience, each in every language, the default
/// first), or of the audiences in `only`.
pub fn views(site: &Site, only: &[AudienceId], stage: Stage, at: Timestamp) -> Vec<View> {
    (0..site.audiences.audiences.len())
        .filter(|a| only.is_empty() || only.contains(a))
        .flat_map(|audience| {
            (0..site.languages.codes.len()).map(move |language| View {
                audience,
                language,
                stage,
                at,
            })
        })
        .collect()
}
