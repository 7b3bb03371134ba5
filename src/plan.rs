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
use crate::model::audience::{Audience, AudienceId};
use crate::model::lifecycle::{Lifecycle, Note, Stage, Status};
use crate::model::{Asset, Page, PageId, PageKind, Site, TAGS_URL};
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
    site: &'s Site,
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
            if page.kind == PageKind::Section
                && page.source.is_none()
                && !page.children.iter().any(|&c| pages[c])
            {
                pages[id] = false;
            }
        }
        Visibility {
            site,
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

    pub fn site(&self) -> &'s Site {
        self.site
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
        });
    }
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
