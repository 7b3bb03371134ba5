//! Render: [`Plan`] → files. Fills templates with the *view structs* of `context.rs` — the
//! template contract documented in `docs/theme-contract.md` — built only from the plan, so a
//! template can show nothing the plan removed. Never decides visibility.

mod context;
mod contract;
pub mod i18n;

use std::collections::BTreeMap;

use anyhow::Result;
use minijinja::{Environment, UndefinedBehavior};
use rayon::prelude::*;

use crate::diag::{Diagnostic, Pos};
use crate::load::theme::Theme;
use crate::plan::Plan;
use crate::write::Sink;
use context::Contexts;

/// The template engine, set up once per build and shared by every view.
pub struct Renderer {
    env: Environment<'static>,
    static_files: BTreeMap<String, Vec<u8>>,
    highlight_css: String,
    /// Template name → the file to name in diagnostics.
    origins: BTreeMap<String, String>,
    /// The views get a search index (the theme shows its search box).
    search: bool,
    /// The theme's interface strings (`t()` in templates; dates and notes in contexts).
    strings: std::sync::Arc<i18n::Strings>,
    /// Output paths to render before the others (`Options::first`).
    first: Vec<String>,
}

/// Templates that must exist (a theme may add more partials).
const REQUIRED: &[&str] = &[
    "catalog.html",
    "category.html",
    "product.html",
    "price-list.html",
    "home.html",
    "section.html",
    "page.html",
    "tags.html",
    "tag.html",
    "all.html",
    "whats-new.html",
    "materials.html",
    "path.html",
    "paths.html",
    "certificate.html",
    "404.html",
    ROOT,
    SIDEBAR,
];

/// The output's root page, for a site with audiences (issue #16).
const ROOT: &str = "root.html";

/// The sidebar partial, rendered once per section and view (not per page).
const SIDEBAR: &str = "partials/sidebar.html";

/// Upper bound of template instructions per page: stops a runaway loop in an override.
const FUEL: u64 = 50_000_000;

impl Renderer {
    /// `search`: the views get a search index (see `Options::no_search`).
    pub fn new(theme: Theme, search: bool, diags: &mut Vec<Diagnostic>) -> Renderer {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // HTML escaping of `& < > " '` only: minijinja also escapes `/` (as `&#x2f;`), which
        // is valid but turns every relative URL a template writes into noise.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text)
                if !value.is_safe()
                    && matches!(state.auto_escape(), minijinja::AutoEscape::Html) =>
            {
                out.write_str(&crate::html::escape(text)).map_err(|_| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write output")
                })
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        env.set_fuel(Some(FUEL));
        env.set_debug(false);
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        let strings = std::sync::Arc::new(i18n::Strings::new(theme.strings));
        i18n::register(&mut env, strings.clone());
        let mut origins = BTreeMap::new();
        for (name, (source, origin)) in theme.templates {
            if let Err(err) = env.add_template_owned(name.clone(), source) {
                diags.push(template_error(&err, &origin));
            }
            origins.insert(name, origin);
        }
        for name in REQUIRED {
            if !origins.contains_key(*name) {
                diags.push(Diagnostic::error(
                    "missing-template",
                    format!("the theme has no `templates/{name}`"),
                ));
            }
        }
        Renderer {
            env,
            static_files: theme.static_files,
            highlight_css: crate::highlight::stylesheet(),
            origins,
            search,
            strings,
            first: Vec::new(),
        }
    }

    /// Renders these output paths (`gold/ordering/index.html`) before the other pages of
    /// their view (`kanava serve`: the pages open in a browser). The files are the same.
    pub fn first(mut self, paths: &[String]) -> Renderer {
        self.first = paths.to_vec();
        self
    }

    /// Renders one view into `sink`. Template errors come back as diagnostics (each distinct
    /// one once); I/O failures as `Err`.
    pub fn render(&self, plan: &Plan, sink: &dyn Sink) -> Result<Vec<Diagnostic>> {
        self.render_first(plan, sink, &[])
    }

    /// [`Renderer::render`], with the theme's files first and then the pages at `first`
    /// (paths inside the view's folder), so that they are ready before the rest.
    fn render_first(
        &self,
        plan: &Plan,
        sink: &dyn Sink,
        first: &[&str],
    ) -> Result<Vec<Diagnostic>> {
        for (name, bytes) in &self.static_files {
            sink.write(&crate::paths::theme_file(name), bytes)?;
        }
        sink.write(
            &crate::paths::theme_file("highlight.css"),
            self.highlight_css.as_bytes(),
        )?;
        let mut ctx = Contexts::new(plan, self.search, &self.strings);
        let jobs: Vec<Job> = if sink.discards() {
            // `check`: template errors belong to templates, not pages (syntax errors were
            // found when they compiled), so one page of each kind per view finds them
            // without rendering a site nobody will see.
            let mut seen = Vec::new();
            (0..plan.pages.len())
                .filter(|&i| {
                    let kind = plan.pages[i].kind;
                    let first = !seen.contains(&kind);
                    seen.push(kind);
                    first
                })
                .map(Job::Page)
                .collect()
        } else {
            (0..plan.pages.len()).map(Job::Page).collect()
        };
        // The pages wanted first go first, the others keep their order.
        let (mut jobs, rest): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|job| {
            job.url(plan)
                .is_some_and(|url| first.contains(&crate::paths::page_file(url).as_str()))
        });
        let wanted = jobs.len();
        jobs.extend(rest);
        jobs.push(Job::Tags);
        let tags = if sink.discards() {
            plan.tags.len().min(1)
        } else {
            plan.tags.len()
        };
        jobs.extend((0..tags).map(Job::Tag));
        jobs.push(Job::All);
        jobs.push(Job::WhatsNew);
        if plan.has_library {
            jobs.push(Job::Materials);
        }
        if plan.has_paths {
            jobs.push(Job::Paths);
            jobs.push(Job::Certificate);
        }
        jobs.push(Job::NotFound);
        if plan.catalog.as_ref().is_some_and(|c| c.has_prices) {
            jobs.push(Job::PriceList);
        }
        let mut diags = Vec::new();
        // The pages wanted first with their sidebars, then the others with theirs.
        let mut results = Vec::with_capacity(jobs.len());
        for jobs in [&jobs[..wanted], &jobs[wanted..]] {
            self.render_sidebars(&mut ctx, jobs, &mut diags);
            let ctx = &ctx;
            results.par_extend(jobs.par_iter().map(|job| self.render_job(ctx, job, sink)));
        }
        for r in results {
            if let Some(d) = r? {
                diags.push(d);
            }
        }
        for asset in &plan.assets {
            sink.copy(&asset.url, &asset.disk_path)?;
        }
        crate::diag::normalize(&mut diags);
        Ok(diags)
    }

    /// Renders one page of a view into `sink`: a template error comes back as a diagnostic.
    fn render_job(&self, ctx: &Contexts, job: &Job, sink: &dyn Sink) -> Result<Option<Diagnostic>> {
        let plan = ctx.plan();
        let Some(url) = job.url(plan) else {
            return Ok(None);
        };
        let (template, value) = match *job {
            Job::Page(i) => (ctx.template_for(i), ctx.page(i)),
            Job::Tags => ("tags.html", ctx.tags()),
            Job::Tag(t) => ("tag.html", ctx.tag(t)),
            Job::All => ("all.html", ctx.all()),
            Job::WhatsNew => ("whats-new.html", ctx.whats_new()),
            Job::Materials => ("materials.html", ctx.library()),
            Job::Paths => ("paths.html", ctx.paths_index()),
            Job::Certificate => ("certificate.html", ctx.certificate()),
            Job::NotFound => ("404.html", ctx.not_found()),
            Job::PriceList => match ctx.price_list() {
                Some(value) => ("price-list.html", value),
                None => return Ok(None),
            },
        };
        let path = match job {
            Job::NotFound => crate::paths::NOT_FOUND.to_owned(),
            _ => ctx.output_path(url),
        };
        match self
            .env
            .get_template(template)
            .and_then(|t| t.render(value))
        {
            Ok(html) => sink.write(&path, html.as_bytes()).map(|()| None),
            Err(err) => Ok(Some(self.render_error(&err, template))),
        }
    }

    /// Renders the output's root page (`index.html` beside the audiences' folders) into
    /// `sink`: the audiences' names and titles, and whether each is open — nothing from
    /// inside any of them. A site without audiences has no root page (its one site is the
    /// root).
    pub fn render_root(
        &self,
        site: &crate::model::Site,
        sink: &dyn Sink,
    ) -> Result<Vec<Diagnostic>> {
        let ctx = context::root(site);
        match self.env.get_template(ROOT).and_then(|t| t.render(ctx)) {
            Ok(html) => sink
                .write("index.html", html.as_bytes())
                .map(|()| Vec::new()),
            Err(err) => Ok(vec![self.render_error(&err, ROOT)]),
        }
    }

    /// Renders `partials/sidebar.html` once for each sidebar the jobs need (all pages of a
    /// section share one; see `context::SidebarKey`), in parallel.
    fn render_sidebars(&self, ctx: &mut Contexts, jobs: &[Job], diags: &mut Vec<Diagnostic>) {
        let plan = ctx.plan();
        let keys: std::collections::BTreeSet<_> = jobs
            .iter()
            .filter_map(|job| {
                let root = ctx.root(job.url(plan)?, matches!(job, Job::NotFound));
                Some(ctx.sidebar_key(root, job.page()))
            })
            .filter(|key| !ctx.sidebars.contains_key(key))
            .collect();
        let rendered: Vec<_> = keys
            .into_par_iter()
            .map(|key| {
                let html = self
                    .env
                    .get_template(SIDEBAR)
                    .and_then(|t| t.render(ctx.sidebar(&key)));
                (key, html)
            })
            .collect();
        for (key, html) in rendered {
            match html {
                Ok(html) => {
                    ctx.sidebars.insert(key, html);
                }
                Err(err) => diags.push(self.render_error(&err, SIDEBAR)),
            }
        }
    }

    fn render_error(&self, err: &minijinja::Error, entry: &str) -> Diagnostic {
        let name = err.name().unwrap_or(entry);
        let origin = self.origins.get(name).map_or(name, String::as_str);
        template_error(err, origin)
    }
}

enum Job {
    PriceList,
    Page(usize),
    Tags,
    Tag(usize),
    /// The list of all pages (`all/`).
    All,
    /// The view's newest guides, products and materials (`whats-new/`).
    WhatsNew,
    /// The materials library (`materials/`), when the site has materials.
    Materials,
    /// The learning paths (`paths/`) and their certificate, when the site has paths.
    Paths,
    Certificate,
    NotFound,
}

impl Job {
    /// The site-relative URL of the job's page (`""` for the 404 page, which has none of its
    /// own); none when there is nothing to render (a catalog without a price list).
    fn url<'p>(&self, plan: &'p Plan) -> Option<&'p str> {
        Some(match *self {
            Job::Page(i) => plan.pages[i].url,
            Job::Tags => crate::paths::TAGS,
            Job::Tag(t) => &plan.tags[t].url,
            Job::All => crate::paths::ALL,
            Job::WhatsNew => crate::paths::WHATS_NEW,
            Job::Materials => crate::paths::MATERIALS,
            Job::Paths => crate::paths::PATHS,
            Job::Certificate => crate::paths::CERTIFICATE,
            Job::NotFound => "",
            Job::PriceList => plan.catalog.as_ref()?.price_list_url.as_deref()?,
        })
    }

    /// The plan page rendered, if the job is one (not a generated list).
    fn page(&self) -> Option<usize> {
        match *self {
            Job::Page(i) => Some(i),
            _ => None,
        }
    }
}

fn template_error(err: &minijinja::Error, origin: &str) -> Diagnostic {
    let mut d = Diagnostic::error(
        "template",
        format!(
            "template error: {}",
            err.detail().unwrap_or(&err.kind().to_string())
        ),
    );
    d.file = Some(origin.to_owned());
    if let Some(line) = err.line() {
        d.pos = Some(Pos::new(line as u32, 1));
    }
    d.help = Some(match err.kind() {
        minijinja::ErrorKind::UndefinedError => {
            "the variables templates receive are listed in docs/theme-contract.md".to_owned()
        }
        minijinja::ErrorKind::SyntaxError => {
            "check the tag's syntax: `{% if … %}…{% endif %}`, `{{ value }}`".to_owned()
        }
        _ => format!("in template `{origin}`"),
    });
    d
}

/// The pages (and the theme's files and the view's assets) are the first output of a view.
impl crate::post::ViewOutput for Renderer {
    fn write(
        &self,
        plan: &Plan,
        dest: &dyn crate::write::Destination,
        folder: &str,
    ) -> Result<Vec<Diagnostic>> {
        let first: Vec<&str> = self
            .first
            .iter()
            .filter_map(|p| match folder {
                "" => Some(p.as_str()),
                _ => p.strip_prefix(folder)?.strip_prefix('/'),
            })
            .collect();
        self.render_first(plan, &dest.view(folder), &first)
    }
}
