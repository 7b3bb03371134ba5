//! Plan: (Site, View) → [`Plan`]. **The only place that decides what a view contains.**
//!
//! A plan is built by *removing* everything the view's audience may not see — pages,
//! `only` blocks (and the headings in them), tags, assets nobody visible links to — and
//! holds only what remains, with indexes into itself. `render` receives a plan and nothing
//! else that could name a hidden page, so no template, list, feed or index can leak.
//! `check` uses the same [`Visibility`] to find links that would break in a view.

use std::collections::BTreeMap;

use crate::load::Config;
use crate::markdown::{BlockId, Fragment, Heading};
use crate::model::audience::Has;
use crate::model::audience::{Audience, AudienceId};
use crate::model::catalog::{Catalog, PriceKey, Product, ProductStatus};
use crate::model::lifecycle::{Lifecycle, Note, Stage, Status};
use crate::model::money::Money;
use crate::model::{Asset, Page, PageData, PageId, PageKind, Site, TAGS_URL};
use jiff::Timestamp;

/// One output site: an audience, in a stage, at a moment (later also a language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub audience: AudienceId,
    pub stage: Stage,
    pub at: Timestamp,
}

/// Which pages and fragments a view keeps.
pub struct Visibility<'s> {
    audience: &'s Audience,
    view: View,
    pages: Vec<bool>,
}

impl<'s> Visibility<'s> {
    pub fn of(site: &'s Site, view: View) -> Visibility<'s> {
        let audience = &site.audiences.audiences[view.audience];
        let mut pages: Vec<bool> = site
            .pages
            .iter()
            .map(|p| {
                p.kind == PageKind::Home
                    || (audience.admits(&p.restriction)
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
        Visibility {
            audience,
            view,
            pages,
        }
    }

    pub fn page(&self, id: PageId) -> bool {
        self.pages[id]
    }

    /// Does the view keep this `::: only` block of the page (audience and dates)?
    pub fn block(&self, page: &Page, block: BlockId) -> bool {
        let b = &page.doc.blocks[block];
        let dates = Lifecycle {
            status: Status::Published,
            window: b.window,
        };
        self.audience.admits(&b.restriction) && dates.shown(self.view.stage, self.view.at).is_some()
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

    /// Does the audience see this fragment of this (visible) page?
    pub fn fragment(&self, page: &Page, fragment: &Fragment) -> bool {
        fragment.blocks.iter().all(|&b| self.block(page, b))
    }

    pub fn heading(&self, page: &Page, heading: &Heading) -> bool {
        self.fragment(page, &page.doc.fragments[heading.fragment])
    }

    /// The fragments of a visible page this view keeps.
    pub fn fragments<'a>(&'a self, page: &'s Page) -> impl Iterator<Item = &'s Fragment> + 'a {
        page.doc
            .fragments
            .iter()
            .filter(move |f| self.fragment(page, f))
    }

    pub fn view(&self) -> View {
        self.view
    }
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
    /// The HTML of the visible fragments, in order.
    pub content: Vec<&'s str>,
    pub toc: Vec<&'s Heading>,
    /// Set when the page is shown in a non-production stage though not live (its banner).
    pub note: Option<Note>,
    pub lifecycle: Lifecycle,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub prev: Option<usize>,
    pub next: Option<usize>,
    /// For product pages: the product as this view sees it (its prices filtered).
    pub product: Option<PlanProduct<'s>>,
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
}

/// What a view knows of the catalog as a whole.
pub struct PlanCatalog<'s> {
    /// Plan index of the catalog page.
    pub page: usize,
    pub currency: &'s str,
    /// "Your price (silver)" when the view sees a tier price column.
    pub price_label: Option<String>,
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
    /// Home first, then depth-first in navigation order.
    pub pages: Vec<PlanPage<'s>>,
    pub assets: Vec<&'s Asset>,
    /// Sorted by URL.
    pub tags: Vec<PlanTag<'s>>,
    /// When the site has a catalog and the view sees some of it.
    pub catalog: Option<PlanCatalog<'s>>,
}

/// For each page of the site, for each of its fragments: does one of `views` show it?
/// (What a build highlights: see `Site::highlight`.)
pub fn shown_fragments(site: &Site, views: &[View]) -> Vec<Vec<bool>> {
    let mut shown: Vec<Vec<bool>> = site
        .pages
        .iter()
        .map(|p| vec![false; p.doc.fragments.len()])
        .collect();
    for &view in views {
        let vis = Visibility::of(site, view);
        for (id, page) in site.pages.iter().enumerate() {
            if !vis.page(id) {
                continue;
            }
            for (fragment, shown) in page.doc.fragments.iter().zip(&mut shown[id]) {
                *shown = *shown || vis.fragment(page, fragment);
            }
        }
    }
    shown
}

pub fn make(site: &Site, view: View) -> Plan<'_> {
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
    let mut assets_seen = vec![false; site.assets.len()];
    let mut pages = Vec::with_capacity(next);
    for (id, page) in site.pages.iter().enumerate() {
        if !vis.page(id) {
            continue;
        }
        let mut content = Vec::new();
        for fragment in vis.fragments(page) {
            content.push(fragment.html.as_str());
            for link in &fragment.links {
                if let crate::markdown::LinkTarget::Asset(a) = link.target {
                    assets_seen[a] = true;
                }
            }
        }
        let toc = page
            .doc
            .headings
            .iter()
            .filter(|h| h.level >= 2 && vis.heading(page, h))
            .collect();
        pages.push(PlanPage {
            kind: page.kind,
            source: page.source.as_deref(),
            url: &page.url,
            title: &page.title,
            description: page.description.as_deref(),
            tags: page.tags.iter().map(String::as_str).collect(),
            updated: page.updated,
            content,
            toc,
            note: vis.note(page),
            lifecycle: page.lifecycle,
            parent: page.parent.and_then(|p| slot[p]),
            children: page.children.iter().filter_map(|&c| slot[c]).collect(),
            prev: None,
            next: None,
            product: None,
        });
    }
    let catalog = site
        .catalog
        .as_ref()
        .and_then(|c| plan_catalog(site, c, &vis, &slot, &mut pages));
    // Neighbours among the visible siblings.
    for i in 0..pages.len() {
        let siblings = match pages[i].parent {
            Some(p) => pages[p].children.clone(),
            None => continue,
        };
        let at = siblings.iter().position(|&s| s == i);
        if let Some(at) = at {
            pages[i].prev = at.checked_sub(1).map(|j| siblings[j]);
            pages[i].next = siblings.get(at + 1).copied();
        }
    }
    let mut tags: BTreeMap<String, PlanTag> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        for &name in &page.tags {
            let slug = crate::markdown::slugify(name);
            let tag = tags.entry(slug.clone()).or_insert_with(|| PlanTag {
                name,
                url: format!("{TAGS_URL}{slug}/"),
                pages: Vec::new(),
            });
            if !tag.pages.contains(&i) {
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
    Plan {
        config: &site.config,
        calendar: &site.calendar,
        view,
        audience: site
            .audiences
            .configured
            .then(|| site.audiences.audiences[view.audience].name.as_str()),
        pages,
        assets,
        tags: tags.into_values().collect(),
        catalog,
    }
}

/// Fills in the products of a view and returns what it knows of the catalog.
fn plan_catalog<'s>(
    site: &'s Site,
    catalog: &'s Catalog,
    vis: &Visibility<'s>,
    slot: &[Option<usize>],
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
        let asset = |path: bool| {
            page.doc
                .fragments
                .iter()
                .flat_map(|f| &f.links)
                .find_map(|l| match l.target {
                    crate::markdown::LinkTarget::Asset(a) if l.is_image == path => {
                        Some(&site.assets[a])
                    }
                    _ => None,
                })
        };
        pages[s].product = Some(PlanProduct {
            sku: &product.sku,
            status: product.status,
            specs: &product.specs,
            datasheet: product.datasheet.as_ref().and_then(|_| asset(false)),
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
    let price_list_url = has_prices.then(|| {
        format!(
            "{}{}/",
            pages[catalog_page].url,
            crate::model::catalog::PRICE_LIST_SEGMENT
        )
    });
    Some(PlanCatalog {
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

/// The views of one stage at one moment: one per audience, or just the named audiences.
pub fn views(site: &Site, only: &[AudienceId], stage: Stage, at: Timestamp) -> Vec<View> {
    (0..site.audiences.audiences.len())
        .filter(|a| only.is_empty() || only.contains(a))
        .map(|audience| View {
            audience,
            stage,
            at,
        })
        .collect()
}
