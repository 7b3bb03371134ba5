//! Builds the view structs of the template contract (`contract.rs`) from a [`Plan`] alone,
//! and the sidebar once per section. URLs are site-root-relative; templates prefix them
//! with `root`.

use minijinja::Value;

use crate::model::PageKind;
use crate::model::lifecycle::{Lifecycle, Note, Stage, Window};
use crate::plan::Plan;

use super::contract::*;

pub struct Contexts<'p, 's> {
    plan: &'p Plan<'s>,
    site: SiteCtx<'s>,
    stage: StageCtx,
    /// Absolute URL of this view's site root, when `base_url` is set.
    pub site_url: Option<String>,
    /// The rendered sidebars (`partials/sidebar.html`), one per [`SidebarKey`] used.
    pub sidebars: std::collections::HashMap<SidebarKey, String>,
    search: SearchCtx,
    /// The theme's interface strings, for the texts made here (notes, durations).
    strings: &'p super::i18n::Strings,
}

/// Which sidebar a page shows: the section opened in it (a section page opens itself, any
/// other page its parent) and how deep the page is (the sidebar's links start with `root`).
/// All pages of a section share one, rendered once per view; the link to the page itself
/// gets `aria-current="page"` afterwards ([`mark_current`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SidebarKey {
    open: usize,
    root: String,
}

impl<'p, 's: 'p> Contexts<'p, 's> {
    /// `search`: the view has a search index.
    pub fn new(
        plan: &'p Plan<'s>,
        search: bool,
        strings: &'p super::i18n::Strings,
    ) -> Contexts<'p, 's> {
        let config = plan.config;
        let site_url = plan.site_url();
        let stage = plan.view.stage;
        Contexts {
            plan,
            stage: StageCtx {
                name: stage.name(),
                production: stage == Stage::Production,
                at: (stage != Stage::Production).then(|| {
                    super::i18n::format_moment(plan.view.at, plan.calendar, &config.language)
                }),
            },
            site: SiteCtx {
                title: &config.title,
                description: config.description.as_deref(),
                base_url: config.base_url.as_deref(),
            },
            site_url,
            sidebars: Default::default(),
            search: SearchCtx {
                enabled: search,
                bundle: crate::paths::SEARCH,
            },
            strings,
        }
    }

    /// The view's language: how dates, numbers and the texts made here are written.
    fn lang(&self) -> &'p str {
        &self.plan.config.language
    }

    /// The interface string `key` (one without placeholders) in the view's language: the
    /// titles of the pages kanava makes.
    fn word(&self, key: &'p str) -> &'p str {
        self.strings.get(self.lang(), key).unwrap_or(key)
    }

    /// The interface string `key` in the view's language, `args` filling its placeholders.
    fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        let arg = |name: &str| {
            args.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        };
        self.strings
            .text(self.lang(), key, None, arg)
            .unwrap_or_else(|_| key.to_owned())
    }

    pub fn plan(&self) -> &'p Plan<'s> {
        self.plan
    }

    /// The sidebar of a page whose links start with `root` (`current`: the page's index,
    /// none for generated pages).
    pub fn sidebar_key(&self, root: String, current: Option<usize>) -> SidebarKey {
        let open = match current {
            Some(i) if shape(self.plan.pages[i].kind) == "section" => i,
            Some(i) => self.plan.pages[i].parent.unwrap_or(0),
            None => 0,
        };
        SidebarKey { open, root }
    }

    /// `root` of the page at `url`: the way up to the site root (`ordering/delivery/` →
    /// `../../`). The 404 page is served at any missing URL, so relative links would resolve
    /// against that URL: it uses the site's absolute path when it is known.
    pub fn root(&self, url: &str, not_found: bool) -> String {
        match &self.site_url {
            Some(site) if not_found => {
                let path = site
                    .split_once("://")
                    .map_or(site.as_str(), |(_, rest)| rest);
                path.find('/')
                    .map_or("/".to_owned(), |i| path[i..].to_owned())
            }
            _ => "../".repeat(url.matches('/').count()),
        }
    }

    /// The values of `partials/sidebar.html` for the pages sharing `key`.
    pub fn sidebar(&self, key: &SidebarKey) -> Value {
        let catalog_url = self
            .plan
            .catalog
            .as_ref()
            .map(|c| self.plan.pages[c.page].url);
        Value::from(minijinja::value::Serde(&SidebarCtx {
            site: self.site.clone(),
            audience: self.audience(),
            stage: self.stage.clone(),
            root: key.root.clone(),
            lang: self.lang(),
            nav: self.nav(key.open),
            tags_url: crate::paths::TAGS,
            all_url: crate::paths::ALL,
            catalog_url,
        }))
    }

    pub fn output_path(&self, url: &str) -> String {
        crate::paths::page_file(url)
    }

    pub fn template_for(&self, i: usize) -> &'static str {
        if self.plan.pages[i].path.is_some() {
            return "path.html";
        }
        match self.plan.pages[i].kind {
            PageKind::Home => "home.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
            PageKind::Catalog => "catalog.html",
            PageKind::Category => "category.html",
            PageKind::Product => "product.html",
        }
    }

    fn base(
        &self,
        kind: &'static str,
        url: &'p str,
        current: Option<usize>,
        page: PageCtx<'p>,
    ) -> Ctx<'p> {
        let root = self.root(url, kind == "404");
        let sidebar = self
            .sidebars
            .get(&self.sidebar_key(root.clone(), current))
            .map_or("", String::as_str);
        Ctx {
            site: self.site.clone(),
            audience: self.audience(),
            stage: self.stage.clone(),
            sidebar: Value::from_safe_string(match current {
                Some(i) if i != 0 => mark_current(sidebar, &format!("{root}{url}")),
                _ => sidebar.to_owned(),
            }),
            languages: self.languages(&root, url, current),
            root,
            kind,
            lang: self.lang(),
            canonical: self.site_url.as_ref().map(|s| format!("{s}{url}")),
            kanava_version: env!("CARGO_PKG_VERSION"),
            tags_url: crate::paths::TAGS,
            all_url: crate::paths::ALL,
            whats_new_url: crate::paths::WHATS_NEW,
            feed_url: (!self.plan.news.is_empty()).then_some(crate::paths::FEED),
            search: self.search,
            page,
            breadcrumbs: Vec::new(),
            prev: None,
            next: None,
            children: Vec::new(),
            tags: Vec::new(),
            tag: None,
            pages: Vec::new(),
            catalog_url: self
                .plan
                .catalog
                .as_ref()
                .map(|c| self.plan.pages[c.page].url),
            catalog: None,
            category: None,
            product: None,
            price_list: None,
            news: Vec::new(),
            materials_url: (!self.plan.materials.is_empty()).then_some(crate::paths::MATERIALS),
            library: None,
            paths_url: (!self.plan.paths.is_empty()).then_some(crate::paths::PATHS),
            progress_key: self.progress_key(),
            path: None,
            page_paths: Vec::new(),
            quiz: None,
            paths: Vec::new(),
        }
    }

    /// The `localStorage` key of the reader's progress: per site and audience, so two
    /// audiences' sites on one host keep theirs apart.
    fn progress_key(&self) -> String {
        let plan = self.plan;
        format!(
            "kanava:progress:{}:{}",
            plan.config
                .base_url
                .as_deref()
                .unwrap_or(&plan.config.title),
            plan.audience.unwrap_or("")
        )
    }

    /// Learning path `i` of the plan.
    fn path_ctx(&self, i: usize) -> PathCtx<'p> {
        let plan = self.plan;
        let path = &plan.paths[i];
        let page = &plan.pages[path.page];
        PathCtx {
            url: page.url,
            title: page.title,
            description: page.description,
            badge: path.badge,
            stages: path
                .stages
                .iter()
                .map(|stage| PathStageCtx {
                    title: stage.title,
                    steps: stage.steps.iter().map(|s| self.step_ctx(s)).collect(),
                })
                .collect(),
            requires: path
                .requires
                .iter()
                .map(|&r| self.link(plan.paths[r].page))
                .collect(),
            steps: path.steps,
            minutes: path.minutes,
            duration: self.duration_text(path.minutes),
            for_role: path.for_role,
            certificate_url: format!("{}{}", crate::paths::CERTIFICATE, path_query(page.url)),
            query: path_query(page.url),
        }
    }

    fn step_ctx(&self, step: &crate::plan::PlanStep) -> PathStepCtx<'p> {
        let plan = self.plan;
        match step.target {
            crate::plan::PlanStepTarget::Page(p) => {
                let page = &plan.pages[p];
                PathStepCtx {
                    number: step.number,
                    title: page.title,
                    url: page.url,
                    kind: if page.product.is_some() {
                        "product"
                    } else {
                        "page"
                    },
                    minutes: step.minutes,
                    meta: None,
                    quiz: page.quiz.is_some(),
                }
            }
            crate::plan::PlanStepTarget::Material(m) => {
                let m = &plan.materials[m];
                PathStepCtx {
                    number: step.number,
                    title: &m.material.title,
                    url: &m.asset.url,
                    kind: "material",
                    minutes: step.minutes,
                    meta: Some(m.asset.info.label()),
                    quiz: false,
                }
            }
        }
    }

    /// The view's paths, those for a role first (then in page order).
    fn paths_ctx(&self) -> Vec<PathCtx<'p>> {
        let mut order: Vec<usize> = (0..self.plan.paths.len()).collect();
        order.sort_by_key(|&i| !self.plan.paths[i].for_role);
        order.into_iter().map(|i| self.path_ctx(i)).collect()
    }

    /// The paths page `i` is a step of, with its neighbours in each.
    fn memberships(&self, i: usize) -> Vec<PathMembership<'p>> {
        let plan = self.plan;
        plan.pages[i]
            .in_paths
            .iter()
            .map(|&(path, number)| {
                let steps: Vec<&crate::plan::PlanStep> = plan.paths[path]
                    .stages
                    .iter()
                    .flat_map(|s| &s.steps)
                    .collect();
                let link = |n: usize| -> Option<StepLink<'p>> {
                    let step = self.step_ctx(steps.get(n)?);
                    Some(StepLink {
                        title: step.title,
                        url: step.url,
                        download: step.kind == "material",
                    })
                };
                PathMembership {
                    query: path_query(plan.pages[plan.paths[path].page].url),
                    url: plan.pages[plan.paths[path].page].url,
                    title: plan.pages[plan.paths[path].page].title,
                    step: number,
                    of: steps.len(),
                    prev: number.checked_sub(2).and_then(link),
                    next: link(number),
                    step_urls: steps.iter().map(|s| self.step_ctx(s).url).collect(),
                }
            })
            .collect()
    }

    fn quiz_ctx(&self, quiz: &'p crate::model::paths::Quiz) -> QuizCtx<'p> {
        QuizCtx {
            pass: quiz.pass,
            questions: quiz
                .questions
                .iter()
                .enumerate()
                .map(|(n, q)| QuestionCtx {
                    number: n + 1,
                    question: &q.question,
                    options: q.options.iter().map(String::as_str).collect(),
                    answers: q.answers.iter().map(|a| a + 1).collect(),
                    multiple: q.answers.len() > 1,
                    explain: q.explain.as_deref(),
                })
                .collect(),
        }
    }

    /// The learning paths index (`paths.html`).
    pub fn paths_index(&self) -> Value {
        let mut ctx = self.base(
            "paths",
            crate::paths::PATHS,
            None,
            self.synthetic_page(
                self.word("nav.your_onboarding"),
                crate::paths::PATHS,
                "paths",
            ),
        );
        ctx.paths = self.paths_ctx();
        Value::from(minijinja::value::Serde(&ctx))
    }

    /// The completion certificate (`certificate.html`): one page for every path of the
    /// view, which the browser fills in for the path named by `?path=`.
    pub fn certificate(&self) -> Value {
        let mut ctx = self.base(
            "certificate",
            crate::paths::CERTIFICATE,
            None,
            self.synthetic_page(
                self.word("certificate.title"),
                crate::paths::CERTIFICATE,
                "certificate",
            ),
        );
        ctx.paths = self.paths_ctx();
        Value::from(minijinja::value::Serde(&ctx))
    }

    pub fn page(&self, i: usize) -> Value {
        let p = &self.plan.pages[i];
        let kind = match p.kind {
            _ if p.path.is_some() => "path",
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Page => "page",
            PageKind::Catalog => "catalog",
            PageKind::Category => "category",
            PageKind::Product => "product",
        };
        let page = PageCtx {
            fallback: p.fallback.then_some(self.plan.default_language),
            fallback_name: p
                .fallback
                .then(|| crate::model::languages::native_name(self.plan.default_language)),
            title: p.title,
            description: p.description,
            url: p.url,
            content: Value::from_safe_string(self.plan.content(i)),
            toc: p
                .toc
                .iter()
                .map(|h| TocEntry {
                    level: h.level,
                    id: &h.id,
                    title: h.title,
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
            updated: p.updated.map(|d| super::i18n::format_date(d, self.lang())),
            kind,
            note: p.note.map(|kind| self.note(kind, p.lifecycle)),
            highlighted: self.plan.highlighted(i),
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
        match p.kind {
            PageKind::Catalog => ctx.catalog = Some(self.catalog_ctx()),
            PageKind::Category => ctx.category = Some(self.category_ctx(i)),
            PageKind::Product => ctx.product = self.product_ctx(i),
            _ => {}
        }
        ctx.path = p.path.map(|path| self.path_ctx(path));
        ctx.page_paths = self.memberships(i);
        ctx.quiz = p.quiz.map(|q| self.quiz_ctx(q));
        Value::from(minijinja::value::Serde(&ctx))
    }

    pub fn tags(&self) -> Value {
        let mut ctx = self.base(
            "tags",
            crate::paths::TAGS,
            None,
            self.synthetic_page(self.word("tags.title"), crate::paths::TAGS, "tags"),
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

    /// The list of every page of the view (`all.html`): what the search box links to
    /// without JavaScript.
    /// The printable price list (only for views that see prices).
    pub fn price_list(&self) -> Option<Value> {
        let catalog = self.plan.catalog.as_ref()?;
        let url = catalog.price_list_url.as_deref()?;
        let mut ctx = self.base(
            "price-list",
            url,
            None,
            self.synthetic_page(self.word("catalog.price_list"), url, "price-list"),
        );
        ctx.breadcrumbs = vec![self.link(0), self.link(catalog.page)];
        ctx.price_list = Some(PriceListCtx {
            products: self.all_products(),
            price_label: catalog.price_label.as_deref(),
            tier_columns: catalog.tier_columns.clone(),
            csv_url: crate::paths::price_list_csv(self.plan.pages[catalog.page].url),
            currency: catalog.currency,
        });
        Some(Value::from(minijinja::value::Serde(&ctx)))
    }

    fn money(&self, m: Option<crate::model::money::Money>) -> Option<String> {
        let catalog = self.plan.catalog.as_ref()?;
        m.map(|m| m.display(catalog.currency, self.lang()))
    }

    fn product_summary(&self, i: usize) -> Option<ProductSummary<'p>> {
        let page = &self.plan.pages[i];
        let product = page.product.as_ref()?;
        let category = page.parent.map(|c| &self.plan.pages[c]);
        Some(ProductSummary {
            sku: product.sku,
            name: page.title,
            url: page.url,
            summary: page.description,
            status: product.status,
            status_label: product.status.label(),
            category: category.map_or("", |c| c.title),
            category_url: category.map_or("", |c| c.url),
            list_price: self.money(product.list_price),
            your_price: self.money(product.own_price),
            tier_prices: self
                .plan
                .catalog
                .as_ref()
                .map_or(&[][..], |c| &c.tier_columns)
                .iter()
                .zip(&product.tier_prices)
                .map(|(&tier, &price)| TierPrice {
                    tier,
                    price: self.money(price),
                })
                .collect(),
        })
    }

    fn all_products(&self) -> Vec<ProductSummary<'p>> {
        (0..self.plan.pages.len())
            .filter_map(|i| self.product_summary(i))
            .collect()
    }

    fn catalog_ctx(&self) -> CatalogCtx<'p> {
        let catalog = self.plan.catalog.as_ref();
        let categories = catalog.map_or(Vec::new(), |c| {
            self.plan.pages[c.page]
                .children
                .iter()
                .map(|&k| {
                    let p = &self.plan.pages[k];
                    CategoryLink {
                        title: p.title,
                        url: p.url,
                        description: p.description,
                        count: p.children.len(),
                    }
                })
                .collect()
        });
        CatalogCtx {
            categories,
            products: self.all_products(),
            price_list_url: catalog.and_then(|c| c.price_list_url.clone()),
            price_label: catalog.and_then(|c| c.price_label.as_deref()),
        }
    }

    fn category_ctx(&self, i: usize) -> CategoryCtx<'p> {
        let page = &self.plan.pages[i];
        let products: Vec<usize> = page
            .children
            .iter()
            .copied()
            .filter(|&c| self.plan.pages[c].product.is_some())
            .collect();
        // Spec names in first-seen order across the category's products.
        let mut names: Vec<&'p str> = Vec::new();
        for &c in &products {
            for (name, _) in self.plan.pages[c]
                .product
                .as_ref()
                .map_or(&[][..], |p| p.specs)
            {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        let rows = names
            .iter()
            .map(|&name| CompareRow {
                name,
                values: products
                    .iter()
                    .map(|&c| {
                        let specs = self.plan.pages[c]
                            .product
                            .as_ref()
                            .map_or(&[][..], |p| p.specs);
                        specs
                            .iter()
                            .find(|(n, _)| n == name)
                            .map_or("", |(_, v)| v.as_str())
                    })
                    .collect(),
            })
            .collect();
        CategoryCtx {
            title: page.title,
            url: page.url,
            description: page.description,
            products: products
                .iter()
                .filter_map(|&c| self.product_summary(c))
                .collect(),
            compare: Compare {
                products: products
                    .iter()
                    .filter_map(|&c| self.product_summary(c))
                    .collect(),
                rows,
            },
        }
    }

    fn product_ctx(&self, i: usize) -> Option<ProductCtx<'p>> {
        let page = &self.plan.pages[i];
        let product = page.product.as_ref()?;
        let sku_link = |j: usize| {
            let p = &self.plan.pages[j];
            SkuLink {
                sku: p.product.as_ref().map_or("", |x| x.sku),
                name: p.title,
                url: p.url,
            }
        };
        let related = page
            .parent
            .map(|c| {
                self.plan.pages[c]
                    .children
                    .iter()
                    .copied()
                    .filter(|&j| j != i)
                    .take(4)
                    .filter_map(|j| self.product_summary(j))
                    .collect()
            })
            .unwrap_or_default();
        Some(ProductCtx {
            summary: self.product_summary(i)?,
            specs: product
                .specs
                .iter()
                .map(|(name, value)| Spec { name, value })
                .collect(),
            datasheet: product.datasheet.map(|a| FileLink {
                url: &a.url,
                name: a.url.rsplit('/').next().unwrap_or(&a.url),
                meta: a.info.label(),
            }),
            image: product.image.map(|a| ImageLink {
                url: &a.url,
                alt: page.title,
            }),
            replaced_by: product.replaced_by.map(sku_link),
            replaces: product.replaces.iter().map(|&j| sku_link(j)).collect(),
            price_label: self
                .plan
                .catalog
                .as_ref()
                .and_then(|c| c.price_label.as_deref()),
            related,
            materials: product
                .materials
                .iter()
                .map(|&m| self.material(m))
                .collect(),
        })
    }

    /// Material `i` of the plan, as lists show it.
    fn material(&self, i: usize) -> MaterialCtx<'p> {
        let pm = &self.plan.materials[i];
        let m = pm.material;
        let cal = self.plan.calendar;
        let url = pm.asset.url.as_str();
        MaterialCtx {
            title: &m.title,
            description: m.fm.description.as_deref(),
            url,
            file_name: url.rsplit('/').next().unwrap_or(url),
            meta: pm.asset.info.label(),
            kind: &m.kind,
            kind_label: self.kind_label(&m.kind),
            language: m.language.as_deref(),
            version: m.version.as_deref(),
            products: pm
                .products
                .iter()
                .map(|&j| {
                    let p = &self.plan.pages[j];
                    SkuLink {
                        sku: p.product.as_ref().map_or("", |x| x.sku),
                        name: p.title,
                        url: p.url,
                    }
                })
                .collect(),
            date: pm
                .changed
                .map(|t| super::i18n::format_date(t.to_zoned(cal.tz.clone()).date(), self.lang())),
            datetime: pm.changed.map(|t| cal.iso(t)),
            badge: pm.badge,
            image: matches!(
                pm.asset.info.kind.as_str(),
                "PNG" | "JPG" | "JPEG" | "SVG" | "WEBP" | "GIF" | "AVIF"
            ),
            note: pm.note.map(|n| self.note(n, m.lifecycle)),
        }
    }

    /// The materials library (`materials.html`): every material of the view, grouped by
    /// kind (newest first in each), with the values its filters offer.
    pub fn library(&self) -> Value {
        let mut ctx = self.base(
            "materials",
            crate::paths::MATERIALS,
            None,
            self.synthetic_page(
                self.word("nav.materials"),
                crate::paths::MATERIALS,
                "materials",
            ),
        );
        let plan = self.plan;
        let kinds = &plan.material_kinds;
        let mut groups: Vec<MaterialGroup> = kinds
            .iter()
            .map(|k| MaterialGroup {
                kind: k,
                label: self.kind_label(k),
                materials: Vec::new(),
            })
            .collect();
        let mut languages: std::collections::BTreeMap<&str, usize> = Default::default();
        // Products in catalog order (the plan's page order).
        let mut products: std::collections::BTreeMap<usize, usize> = Default::default();
        for (i, pm) in plan.materials.iter().enumerate() {
            if let Some(g) = groups.iter_mut().find(|g| g.kind == pm.material.kind) {
                g.materials.push(self.material(i));
            }
            if let Some(l) = &pm.material.language {
                *languages.entry(l).or_default() += 1;
            }
            for &p in &pm.products {
                *products.entry(p).or_default() += 1;
            }
        }
        groups.retain(|g| !g.materials.is_empty());
        ctx.library = Some(LibraryCtx {
            count: plan.materials.len(),
            kinds: groups
                .iter()
                .map(|g| Facet {
                    value: g.kind,
                    label: g.label.clone(),
                    count: g.materials.len(),
                })
                .collect(),
            languages: languages
                .into_iter()
                .map(|(l, count)| Facet {
                    value: l,
                    label: l.to_uppercase(),
                    count,
                })
                .collect(),
            products: products
                .into_iter()
                .map(|(p, count)| {
                    let page = &plan.pages[p];
                    let sku = page.product.as_ref().map_or("", |x| x.sku);
                    Facet {
                        value: sku,
                        label: format!("{sku} · {}", page.title),
                        count,
                    }
                })
                .collect(),
            groups,
            new_days: plan.new_days,
        });
        Value::from(minijinja::value::Serde(&ctx))
    }

    pub fn all(&self) -> Value {
        let mut ctx = self.base(
            "all",
            crate::paths::ALL,
            None,
            self.synthetic_page(self.word("nav.all_pages"), crate::paths::ALL, "all"),
        );
        let mut depth = vec![0; self.plan.pages.len()];
        ctx.pages = self
            .plan
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // Parents come before their children.
                depth[i] = p.parent.map_or(0, |parent| depth[parent] + 1);
                ListedPage {
                    title: p.title,
                    url: p.url,
                    description: p.description,
                    kind: p.kind,
                    depth: depth[i],
                }
            })
            .collect();
        Value::from(minijinja::value::Serde(&ctx))
    }

    /// What's new in the view (`whats-new.html`): the plan's news, newest first.
    pub fn whats_new(&self) -> Value {
        let mut ctx = self.base(
            "whats-new",
            crate::paths::WHATS_NEW,
            None,
            self.synthetic_page(
                self.word("nav.whats_new"),
                crate::paths::WHATS_NEW,
                "whats-new",
            ),
        );
        let cal = self.plan.calendar;
        ctx.news = self
            .plan
            .news
            .iter()
            .filter_map(|&item| {
                let e = self.plan.news_entry(item)?;
                Some(NewsItem {
                    title: e.title,
                    url: e.url,
                    kind: e.kind,
                    summary: e.summary,
                    date: super::i18n::format_date(
                        e.changed.to_zoned(cal.tz.clone()).date(),
                        self.lang(),
                    ),
                    datetime: cal.iso(e.changed),
                    meta: e.file.map(|f| f.info.label()),
                })
            })
            .collect();
        Value::from(minijinja::value::Serde(&ctx))
    }

    pub fn not_found(&self) -> Value {
        let mut ctx = self.base(
            "404",
            "",
            None,
            self.synthetic_page(self.word("notfound.title"), "", "404"),
        );
        // A 404 page has no address of its own.
        ctx.canonical = None;
        Value::from(minijinja::value::Serde(&ctx))
    }

    fn synthetic_page(&self, title: &'p str, url: &'p str, kind: &'p str) -> PageCtx<'p> {
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
            highlighted: false,
            fallback: None,
            fallback_name: None,
        }
    }

    /// The language switcher of the page at `url` (plan page `current`, if it is one): each
    /// language's version of it, or that language's home when the audience's site in that
    /// language lacks it. Generated lists every view has lead to themselves.
    fn languages(&self, root: &str, url: &str, current: Option<usize>) -> Vec<LanguageLink<'p>> {
        let plan = self.plan;
        let everywhere = [
            crate::paths::ALL,
            crate::paths::TAGS,
            crate::paths::WHATS_NEW,
        ]
        .contains(&url)
            || (plan.has_library && url == crate::paths::MATERIALS)
            || (plan.has_paths && [crate::paths::PATHS, crate::paths::CERTIFICATE].contains(&url))
            || plan
                .catalog
                .as_ref()
                .and_then(|c| c.price_list_url.as_deref())
                == Some(url);
        plan.languages
            .iter()
            .enumerate()
            .map(|(l, lang)| {
                let same_page = match current {
                    Some(i) => plan.pages[i].in_languages.get(l) == Some(&true),
                    None => everywhere,
                };
                LanguageLink {
                    code: lang.code,
                    name: crate::model::languages::native_name(lang.code),
                    url: format!("{root}{}{}", lang.root, if same_page { url } else { "" }),
                    current: lang.current,
                    same_page,
                }
            })
            .collect()
    }

    fn note(&self, kind: Note, life: Lifecycle) -> NoteCtx {
        let cal = self.plan.calendar;
        let moment = |t| vec![("date", super::i18n::format_moment(t, cal, self.lang()))];
        let text = match (kind, life.window) {
            (Note::Draft, _) => self.text("note.draft", &[]),
            (Note::Review, _) => self.text("note.review", &[]),
            (Note::Scheduled, Window { from: Some(t), .. }) => {
                self.text("note.goes_live", &moment(t))
            }
            (Note::Scheduled, _) => self.text("note.scheduled", &[]),
            (Note::Expired, Window { until: Some(t), .. }) => {
                self.text("note.expired_on", &moment(t))
            }
            (Note::Expired, _) => self.text("note.expired", &[]),
        };
        NoteCtx { kind, text }
    }

    fn tag_ctx(&self, t: usize) -> TagCtx<'p> {
        let tag = &self.plan.tags[t];
        TagCtx {
            name: tag.name,
            url: tag.url.clone(),
            count: tag.pages.len(),
            pages: tag.pages.iter().map(|&i| self.child(i)).collect(),
        }
    }

    fn tag_url(&self, name: &str) -> String {
        crate::paths::tag(name)
    }

    fn link(&self, i: usize) -> Link<'p> {
        let p = &self.plan.pages[i];
        Link {
            title: p.title,
            url: p.url,
        }
    }

    fn child(&self, i: usize) -> Child<'p> {
        let p = &self.plan.pages[i];
        Child {
            title: p.title,
            url: p.url,
            description: p.description,
            kind: shape(p.kind),
        }
    }

    /// The sidebar: top-level entries, with the way down to `open` opened.
    fn audience(&self) -> Option<AudienceCtx<'s>> {
        Some(AudienceCtx {
            name: self.plan.audience?,
            title: self.plan.audience_title?,
        })
    }

    fn nav(&self, open: usize) -> Vec<NavItem<'p>> {
        let mut ancestors = Vec::new();
        let mut at = Some(open);
        while let Some(a) = at {
            ancestors.push(a);
            at = self.plan.pages[a].parent;
        }
        self.nav_items(0, &ancestors)
    }

    fn nav_items(&self, parent: usize, ancestors: &[usize]) -> Vec<NavItem<'p>> {
        self.plan.pages[parent]
            .children
            .iter()
            .map(|&c| {
                let p = &self.plan.pages[c];
                let active = ancestors.contains(&c);
                NavItem {
                    title: p.title,
                    url: p.url,
                    kind: shape(p.kind),
                    active,
                    children: if active && shape(p.kind) == "section" {
                        self.nav_items(c, ancestors)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    }
}

/// `?path=learn%2Fsales%2F`: the query naming a path (by its page's URL).
fn path_query(url: &str) -> String {
    format!("?path={}", crate::model::percent_encode(url, b"-._~"))
}

impl Contexts<'_, '_> {
    /// `85` → `1 h 25 min`; `20` → `20 min` (in the view's language).
    fn duration_text(&self, minutes: u32) -> String {
        let (h, m) = (minutes / 60, minutes % 60);
        let (hours, mins) = (("hours", h.to_string()), ("minutes", m.to_string()));
        match (h, m) {
            (0, _) => self.text("duration.minutes", &[mins]),
            (_, 0) => self.text("duration.hours", &[hours]),
            _ => self.text("duration.hours_minutes", &[hours, mins]),
        }
    }
}

impl Contexts<'_, '_> {
    /// How lists name a kind of material in the view's language: a built-in kind by the
    /// interface strings (`material.kind.price-sheet`), a site's own kind by its name.
    fn kind_label(&self, kind: &str) -> String {
        match self
            .strings
            .get(self.lang(), &format!("material.kind.{kind}"))
        {
            Some(label) => label.to_owned(),
            None => kind_label(kind),
        }
    }
}

/// How lists name a site's own kind of material: `campaign-kit` → `Campaign kit`.
fn kind_label(kind: &str) -> String {
    let words = kind.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// How lists and navigation see a page: something with children ("section") or a leaf
/// ("page"). The catalog and its categories are sections; products are pages.
fn shape(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Home | PageKind::Section | PageKind::Catalog | PageKind::Category => "section",
        PageKind::Page | PageKind::Product => "page",
    }
}

/// `sidebar` with ` aria-current="page"` added to its first link to `href` (written by the
/// theme as `href="{{ root }}{{ item.url }}"`).
fn mark_current(sidebar: &str, href: &str) -> String {
    let attr = format!("href=\"{}\"", crate::html::escape(href));
    match sidebar.find(&attr) {
        Some(at) => {
            let end = at + attr.len();
            let mut out = String::with_capacity(sidebar.len() + 20);
            out.push_str(&sidebar[..end]);
            out.push_str(" aria-current=\"page\"");
            out.push_str(&sidebar[end..]);
            out
        }
        None => sidebar.to_owned(),
    }
}

/// The root page's context (`root.html`): the audiences' names, titles and openness, from
/// the configuration alone — it is the one context not made from a plan, and so holds
/// nothing any view filters.
pub(super) fn root(site: &crate::model::Site) -> Value {
    use crate::model::audience::Openness;
    use crate::model::hosting::RootPage;
    let model = &site.audiences;
    let audiences: Vec<RootAudience> = model
        .audiences
        .iter()
        .enumerate()
        .map(|(id, a)| RootAudience {
            name: &a.name,
            title: a.title.as_deref().unwrap_or(&a.name),
            url: format!("{}/", a.name),
            public: matches!(model.openness(id), Openness::Public(_)),
        })
        .collect();
    let redirect = match site.hosting.root {
        RootPage::List => None,
        RootPage::Redirect(id) => audiences.get(id).cloned(),
    };
    let config = &site.config;
    Value::from(minijinja::value::Serde(&RootCtx {
        site: SiteCtx {
            title: &config.title,
            description: config.description.as_deref(),
            base_url: config.base_url.as_deref(),
        },
        lang: &config.language,
        audiences,
        redirect,
    }))
}
