//! Cascades: a section's `_index.md` restrictions and lifecycle flow down to the pages and
//! products below it. A child may narrow what it inherits, never widen it (an error naming
//! both files); axis defaults and `default_status` fill what nobody named.

use super::materials::Material;
use super::{Origin, Page, PageData, PageId, PageKind, catalog};
use crate::diag::{Diagnostic, Pos};
use crate::load::CONFIG_FILE;
use crate::model::audience;
use crate::model::audience::{AudienceModel, AxisId, Restriction};
use crate::model::frontmatter::FrontMatter;
use crate::model::lifecycle::{Calendar, Lifecycle, Status, Window};

/// Cascades status and publish windows: a child's status is the least published of its
/// chain (a draft section hides everything below it), its window the intersection of the
/// chain's windows. A child may narrow its section's window, never widen it. The home
/// page is in every stage.
pub(super) fn cascade_lifecycle<'f>(
    pages: &mut [Page],
    default_status: Status,
    fm_of: impl Fn(PageId) -> &'f FrontMatter,
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Chain> {
    // Per page: the explicit window of its chain, and which page set each end.
    let mut chain: Vec<Chain> = vec![(Window::default(), None, None); pages.len()];
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
        let outer = parent.map_or((Window::default(), None, None), |p| chain[p]);
        let parent_status = parent.map_or(Status::Published, |p| pages[p].lifecycle.status);
        // `default_status` is the status of a page that names none. A folder without
        // `_index.md` is no page: it names nothing and passes its section's status on (a
        // default on it would hide the pages below it that name a later status, and the
        // materials beside them), as it gets no axis defaults in `cascade`.
        let derived = pages[id].kind == PageKind::Section && pages[id].source.is_none();
        let own_status = match fm.status {
            Some((status, _)) => status,
            None if derived => Status::Published,
            None => default_status,
        };
        chain[id] = narrow_window(outer, fm, Some(id), &file, pages, calendar, diags);
        let window = chain[id].0;
        pages[id].lifecycle = Lifecycle {
            status: parent_status.min(own_status),
            window,
        };
    }
    chain
}

/// The explicit publish window of a page's chain of sections, and which page set each end.
pub(super) type Chain = (Window, Option<PageId>, Option<PageId>);

/// Narrows the window of the chain above (`outer`) by a file's own `publish` and `expires`;
/// a date outside the outer window is an error (naming the file that set it) and ignored.
/// `me` is the page being cascaded to (none for a material, which nothing inherits from).
fn narrow_window(
    outer: Chain,
    fm: &FrontMatter,
    me: Option<PageId>,
    file: &str,
    pages: &[Page],
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
) -> Chain {
    let (outer, from_origin, until_origin) = outer;
    let mut own = Window {
        from: fm.publish.map(|p| p.0),
        until: fm.expires.map(|e| e.0),
    };
    if let (Some((from, pos)), Some(outer_from), Some(origin)) =
        (fm.publish, outer.from, from_origin)
        && from < outer_from
    {
        diags.push(widened(
            file,
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
            file,
            pos,
            "expires",
            calendar.display(until),
            pages[origin].display_path(),
            calendar.display(outer_until),
        ));
        own.until = None;
    }
    let window = outer.and(own);
    (
        window,
        if own.from.is_some() && window.from == own.from {
            me
        } else {
            from_origin
        },
        if own.until.is_some() && window.until == own.until {
            me
        } else {
            until_origin
        },
    )
}

pub(super) fn widened(
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

/// Cascades restrictions from sections to everything below them. Pages are numbered
/// depth-first, so a parent is always done before its children.
pub(super) fn cascade<'f>(
    pages: &mut [Page],
    audiences: &AudienceModel,
    fm_of: impl Fn(PageId) -> &'f FrontMatter,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Explicit> {
    // Explicit restrictions only (no defaults), with their origin, per page.
    let mut explicit: Vec<Vec<(AxisId, audience::Req, PageId)>> = vec![Vec::new(); pages.len()];
    for id in 0..pages.len() {
        let fm = fm_of(id);
        let inherited = match pages[id].parent {
            Some(p) if pages[p].kind != PageKind::Home => explicit[p].clone(),
            _ => Vec::new(),
        };
        let mut own = inherited.clone();
        let noun = if pages[id].kind == PageKind::Product {
            "product"
        } else {
            "page"
        };
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
            own = narrow(
                own,
                &inherited,
                (axis, req, pos),
                id,
                noun,
                &file,
                |o| pages[o].label(),
                audiences,
                diags,
            );
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
    explicit
}

/// The restrictions a page's front matter and its sections' name (no defaults), each with
/// the page that set it.
pub(super) type Explicit = Vec<(AxisId, audience::Req, PageId)>;

/// Adds a file's own restriction `(axis, req, pos)` to those in force (`own`, which start as
/// `inherited`): one wider than the inherited one is an error naming where that was set
/// (`label` of its origin) and is ignored; otherwise it narrows what is in force.
#[allow(clippy::too_many_arguments)]
fn narrow<O: Copy>(
    mut own: Vec<(AxisId, audience::Req, O)>,
    inherited: &[(AxisId, audience::Req, O)],
    (axis, req, pos): (AxisId, audience::Req, Pos),
    me: O,
    noun: &str,
    file: &str,
    label: impl Fn(O) -> String,
    audiences: &AudienceModel,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(AxisId, audience::Req, O)> {
    if let Some(&(_, parent_req, origin)) = inherited.iter().find(|(a, _, _)| *a == axis)
        && req.is_wider_than(parent_req)
    {
        // Products were always told as pages are.
        let help_noun = if noun == "material" { noun } else { "page" };
        diags.push(
            Diagnostic::error(
                "widened-restriction",
                format!(
                    "this {noun} allows {} but {} allows only {}",
                    audiences.describe_req(axis, req),
                    label(origin),
                    audiences.describe_req(axis, parent_req),
                ),
            )
            .at(file, pos)
            .len(audiences.axes[axis].name.chars().count())
            .help(format!(
                "a {help_noun} may narrow its section's restriction, never widen it: remove the key or move the {help_noun}"
            )),
        );
        return own;
    }
    // Narrowed by what is in force already: the section's, or this file's own earlier
    // restriction on the axis (two never make the later one win, issue #12).
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
    own.push((axis, narrowed, me));
    own
}

/// Cascades to each material what its section's `_index.md` (and those above it) say, as
/// to a page in that folder: its own sidecar may narrow, never widen; axis defaults and
/// `default_status` fill what nobody named.
#[allow(clippy::too_many_arguments)]
pub(super) fn cascade_materials(
    materials: &mut [Material],
    pages: &[Page],
    explicit: &[Explicit],
    chains: &[Chain],
    audiences: &AudienceModel,
    default_status: Status,
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
) {
    for m in materials {
        let section = m.section;
        let home = pages[section].kind == PageKind::Home;
        let inherited: Vec<(AxisId, audience::Req, Origin)> = if home {
            Vec::new()
        } else {
            explicit[section]
                .iter()
                .map(|&(a, r, p)| (a, r, Origin::Inherited(p)))
                .collect()
        };
        let mut own = inherited.clone();
        for &restriction in &m.fm.restrictions {
            own = narrow(
                own,
                &inherited,
                restriction,
                Origin::Own,
                "material",
                &m.sidecar,
                |o| match o {
                    Origin::Inherited(p) => pages[p].label(),
                    _ => "its sidecar".to_owned(),
                },
                audiences,
                diags,
            );
        }
        let mut restriction = Restriction::default();
        let mut origins = Vec::new();
        for &(axis, req, origin) in &own {
            restriction.require(axis, req);
            origins.push((axis, origin));
        }
        for (axis, req) in audiences.defaults().iter() {
            if restriction.get(axis).is_none() {
                restriction.require(axis, req);
                origins.push((axis, Origin::Default));
            }
        }
        origins.sort_by_key(|(a, _)| *a);
        m.restriction = restriction;
        m.origins = origins;

        let (outer, parent_status) = if home {
            ((Window::default(), None, None), Status::Published)
        } else {
            (chains[section], pages[section].lifecycle.status)
        };
        let (window, _, _) = narrow_window(outer, &m.fm, None, &m.sidecar, pages, calendar, diags);
        let own_status = m.fm.status.map_or(default_status, |s| s.0);
        m.lifecycle = Lifecycle {
            status: parent_status.min(own_status),
            window,
        };
    }
}

/// A product is seen only inside its category, so no audience may see a product whose
/// category it cannot see (issue #12). `cascade` refuses an explicit widening; this catches
/// the rest — a category that gets an axis default (`tier: registered`) holding a product
/// marked `tier: public` — which used to fail inside the built-in product template, with
/// no word of the data. Reported at the product's data; the product is then narrowed to its
/// category, so no view holds a product without its category.
pub(super) fn products_within_categories(
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
