//! The view structs: exactly what templates receive (see `docs/theme-contract.md`). Built
//! from a [`Plan`] alone. URLs are site-root-relative; templates prefix them with `root`.

use minijinja::Value;
use serde::Serialize;

use crate::model::PageKind;
use crate::model::lifecycle::{Lifecycle, Note, Stage, Window};
use crate::plan::Plan;

pub struct Contexts<'p, 's> {
    plan: &'p Plan<'s>,
    site: SiteCtx<'s>,
    stage: StageCtx,
    /// Absolute URL of this view's site root, when `base_url` is set.
    pub site_url: Option<String>,
}

#[derive(Serialize, Clone)]
struct SiteCtx<'s> {
    title: &'s str,
    description: Option<&'s str>,
    base_url: Option<&'s str>,
}

#[derive(Serialize)]
struct AudienceCtx<'s> {
    name: &'s str,
}

/// The stage being built; templates show a ribbon and `noindex` outside production.
#[derive(Serialize, Clone)]
struct StageCtx {
    name: &'static str,
    production: bool,
    /// The moment built for, e.g. `22 Nov 2026 09:00`.
    at: String,
}

/// Why a page is shown though not live in production: its banner.
#[derive(Serialize)]
struct NoteCtx {
    /// `draft`, `review`, `scheduled` or `expired`
    kind: Note,
    /// `In review`, `Goes live 1 Dec 2026 09:00`…
    text: String,
}

#[derive(Serialize)]
struct Link<'s> {
    title: &'s str,
    url: &'s str,
}

#[derive(Serialize)]
struct NavItem<'s> {
    title: &'s str,
    url: &'s str,
    kind: PageKind,
    current: bool,
    active: bool,
    children: Vec<NavItem<'s>>,
}

#[derive(Serialize)]
struct TocEntry<'s> {
    level: u8,
    id: &'s str,
    title: &'s str,
}

#[derive(Serialize)]
struct TagLink<'s> {
    name: &'s str,
    url: String,
}

#[derive(Serialize)]
struct PageCtx<'s> {
    title: &'s str,
    description: Option<&'s str>,
    url: &'s str,
    content: Value,
    toc: Vec<TocEntry<'s>>,
    tags: Vec<TagLink<'s>>,
    updated: Option<String>,
    kind: &'s str,
    note: Option<NoteCtx>,
}

#[derive(Serialize)]
struct Child<'s> {
    title: &'s str,
    url: &'s str,
    description: Option<&'s str>,
    kind: PageKind,
}

#[derive(Serialize)]
struct TagCtx<'s> {
    name: &'s str,
    url: String,
    count: usize,
    pages: Vec<Child<'s>>,
}

/// Everything a template gets; fields not meaningful for a kind of page are empty/none, so
/// every template can rely on every name existing.
#[derive(Serialize)]
struct Ctx<'s> {
    site: SiteCtx<'s>,
    audience: Option<AudienceCtx<'s>>,
    stage: StageCtx,
    root: String,
    kind: &'static str,
    lang: &'s str,
    canonical: Option<String>,
    nav: Vec<NavItem<'s>>,
    kanava_version: &'static str,
    /// The list of all tags (site-relative).
    tags_url: &'static str,
    page: PageCtx<'s>,
    breadcrumbs: Vec<Link<'s>>,
    prev: Option<Link<'s>>,
    next: Option<Link<'s>>,
    children: Vec<Child<'s>>,
    tags: Vec<TagCtx<'s>>,
    tag: Option<TagCtx<'s>>,
}

impl<'p, 's> Contexts<'p, 's> {
    pub fn new(plan: &'p Plan<'s>) -> Contexts<'p, 's> {
        let config = plan.config;
        let site_url = config.base_url.as_ref().map(|base| match plan.audience {
            Some(name) => format!("{base}{name}/"),
            None => base.clone(),
        });
        let stage = plan.view.stage;
        Contexts {
            plan,
            stage: StageCtx {
                name: stage.name(),
                production: stage == Stage::Production,
                at: plan.calendar.display(plan.view.at),
            },
            site: SiteCtx {
                title: &config.title,
                description: config.description.as_deref(),
                base_url: config.base_url.as_deref(),
            },
            site_url,
        }
    }

    pub fn output_path(&self, url: &str) -> String {
        format!("{url}index.html")
    }

    pub fn template_for(&self, i: usize) -> &'static str {
        match self.plan.pages[i].kind {
            PageKind::Home => "home.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
        }
    }

    fn base(
        &self,
        kind: &'static str,
        url: &'s str,
        current: Option<usize>,
        page: PageCtx<'s>,
    ) -> Ctx<'s> {
        Ctx {
            site: self.site.clone(),
            audience: self.plan.audience.map(|name| AudienceCtx { name }),
            stage: self.stage.clone(),
            root: root_of(url),
            kind,
            lang: &self.plan.config.language,
            canonical: self.site_url.as_ref().map(|s| format!("{s}{url}")),
            nav: self.nav(current),
            kanava_version: env!("CARGO_PKG_VERSION"),
            tags_url: crate::model::TAGS_URL,
            page,
            breadcrumbs: Vec::new(),
            prev: None,
            next: None,
            children: Vec::new(),
            tags: Vec::new(),
            tag: None,
        }
    }

    pub fn page(&self, i: usize) -> Value {
        let p = &self.plan.pages[i];
        let kind = match p.kind {
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Page => "page",
        };
        let page = PageCtx {
            title: p.title,
            description: p.description,
            url: p.url,
            content: Value::from_safe_string(p.content.concat()),
            toc: p
                .toc
                .iter()
                .map(|h| TocEntry {
                    level: h.level,
                    id: &h.id,
                    title: &h.title,
                })
                .collect(),
            tags: p
                .tags
                .iter()
                .map(|&name| TagLink {
                    name,
                    url: self.tag_url(name),
                })
                .collect(),
            updated: p.updated.map(|d| d.to_string()),
            kind,
            note: p.note.map(|kind| self.note(kind, p.lifecycle)),
        };
        let mut ctx = self.base(kind, p.url, Some(i), page);
        let mut crumbs = Vec::new();
        let mut at = p.parent;
        while let Some(a) = at {
            crumbs.push(self.link(a));
            at = self.plan.pages[a].parent;
        }
        crumbs.reverse();
        ctx.breadcrumbs = crumbs;
        ctx.prev = p.prev.map(|j| self.link(j));
        ctx.next = p.next.map(|j| self.link(j));
        ctx.children = p.children.iter().map(|&c| self.child(c)).collect();
        Value::from(minijinja::value::Serde(&ctx))
    }

    pub fn tags(&self) -> Value {
        let mut ctx = self.base(
            "tags",
            crate::model::TAGS_URL,
            None,
            self.synthetic_page("Tags", crate::model::TAGS_URL, "tags"),
        );
        ctx.tags = (0..self.plan.tags.len()).map(|t| self.tag_ctx(t)).collect();
        Value::from(minijinja::value::Serde(&ctx))
    }

    pub fn tag(&self, t: usize) -> Value {
        let tag = &self.plan.tags[t];
        let mut ctx = self.base(
            "tag",
            &tag.url,
            None,
            self.synthetic_page(tag.name, &tag.url, "tag"),
        );
        ctx.tag = Some(self.tag_ctx(t));
        Value::from(minijinja::value::Serde(&ctx))
    }

    pub fn not_found(&self) -> Value {
        let mut ctx = self.base(
            "404",
            "",
            None,
            self.synthetic_page("Page not found", "", "404"),
        );
        // A 404 page has no address of its own.
        ctx.canonical = None;
        // Hosts serve 404.html at any missing URL, so relative links would resolve against
        // that URL; use the site's absolute path when we know it.
        if let Some(url) = &self.site_url {
            let path = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
            ctx.root = path
                .find('/')
                .map_or("/".to_owned(), |i| path[i..].to_owned());
        }
        Value::from(minijinja::value::Serde(&ctx))
    }

    fn synthetic_page(&self, title: &'s str, url: &'s str, kind: &'s str) -> PageCtx<'s> {
        PageCtx {
            title,
            description: None,
            url,
            content: Value::from_safe_string(String::new()),
            toc: Vec::new(),
            tags: Vec::new(),
            updated: None,
            kind,
            note: None,
        }
    }

    fn note(&self, kind: Note, life: Lifecycle) -> NoteCtx {
        let cal = self.plan.calendar;
        let text = match (kind, life.window) {
            (Note::Draft, _) => "Draft".to_owned(),
            (Note::Review, _) => "In review".to_owned(),
            (Note::Scheduled, Window { from: Some(t), .. }) => {
                format!("Goes live {}", cal.display(t))
            }
            (Note::Scheduled, _) => "Scheduled".to_owned(),
            (Note::Expired, Window { until: Some(t), .. }) => format!("Expired {}", cal.display(t)),
            (Note::Expired, _) => "Expired".to_owned(),
        };
        NoteCtx { kind, text }
    }

    fn tag_ctx(&self, t: usize) -> TagCtx<'s> {
        let tag = &self.plan.tags[t];
        TagCtx {
            name: tag.name,
            url: tag.url.clone(),
            count: tag.pages.len(),
            pages: tag.pages.iter().map(|&i| self.child(i)).collect(),
        }
    }

    fn tag_url(&self, name: &str) -> String {
        format!(
            "{}{}/",
            crate::model::TAGS_URL,
            crate::markdown::slugify(name)
        )
    }

    fn link(&self, i: usize) -> Link<'s> {
        let p = &self.plan.pages[i];
        Link {
            title: p.title,
            url: p.url,
        }
    }

    fn child(&self, i: usize) -> Child<'s> {
        let p = &self.plan.pages[i];
        Child {
            title: p.title,
            url: p.url,
            description: p.description,
            kind: p.kind,
        }
    }

    /// The sidebar: top-level entries, with the way down to `current` opened.
    fn nav(&self, current: Option<usize>) -> Vec<NavItem<'s>> {
        let mut ancestors = Vec::new();
        let mut at = current;
        while let Some(a) = at {
            ancestors.push(a);
            at = self.plan.pages[a].parent;
        }
        self.nav_items(0, current, &ancestors)
    }

    fn nav_items(
        &self,
        parent: usize,
        current: Option<usize>,
        ancestors: &[usize],
    ) -> Vec<NavItem<'s>> {
        self.plan.pages[parent]
            .children
            .iter()
            .map(|&c| {
                let p = &self.plan.pages[c];
                let active = ancestors.contains(&c);
                NavItem {
                    title: p.title,
                    url: p.url,
                    kind: p.kind,
                    current: current == Some(c),
                    active,
                    children: if active && p.kind == PageKind::Section {
                        self.nav_items(c, current, ancestors)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    }
}

/// `ordering/delivery/` → `../../`.
fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}
