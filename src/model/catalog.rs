//! The product catalog (issue #6): the `catalog:` block of kanava.yaml and product data from
//! YAML and CSV files → [`Catalog`], validated hard, with every problem at its file and line
//! (or CSV row and column).
//!
//! Products become pages of the site (`model::build` puts them under `catalog/`), so audience
//! filtering, navigation, links and search treat them like any page. Prices are the one
//! extra: a product carries every tier's price here, and `plan` hands each view only the
//! list price and its own tier's.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::load::CONFIG_FILE;
use crate::load::data::DataFile;
use crate::model::audience::{AudienceModel, AxisId, Req};
use crate::model::languages::{Translations, read_translations};
use crate::model::money::Money;
use crate::yaml::{Node, Value};

pub type ProductId = usize;
pub type CategoryId = usize;

/// The URL segment of the catalog; reserved for it in content.
pub const CATALOG_SEGMENT: &str = "catalog";
/// The price list's URL segment inside the catalog; no category may use it.

#[derive(Debug, Clone)]
pub struct Catalog {
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub currency: String,
    /// Audiences at the lowest tier see list prices (`public_prices: list`).
    pub public_prices: bool,
    /// The ordered axis whose values name tier prices (`price_axis:`, or the only ordered
    /// axis; see `read_price_axis`).
    pub price_axis: Option<AxisId>,
    /// `price_axis` could not be decided (reported once): tier prices are skipped quietly.
    price_axis_failed: bool,
    pub categories: Vec<Category>,
    pub products: Vec<Product>,
    /// `title` and `description` in other languages (issue 18).
    pub translations: Translations,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub restrictions: Vec<(AxisId, Req, Pos)>,
    pub pos: Pos,
    /// `title` and `description` in other languages (issue 18).
    pub translations: Translations,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductStatus {
    New,
    Active,
    Eol,
}

impl ProductStatus {
    const NAMES: &[&str] = &["new", "active", "eol"];

    pub fn label(self) -> &'static str {
        match self {
            ProductStatus::New => "New",
            ProductStatus::Active => "Available",
            ProductStatus::Eol => "End of life",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceKey {
    List,
    /// A value index on the price axis.
    Tier(u8),
}

/// A path written in product data (datasheet, image), relative to the data file.
#[derive(Debug, Clone)]
pub struct DataPath {
    pub path: String,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub category: CategoryId,
    pub summary: Option<String>,
    /// Markdown, the file line of its first line minus one, and its indentation.
    pub description: Option<(String, u32, u32)>,
    pub status: ProductStatus,
    pub replaced_by: Option<ProductId>,
    pub datasheet: Option<DataPath>,
    pub image: Option<DataPath>,
    pub specs: Vec<(String, String)>,
    pub prices: Vec<(PriceKey, Money)>,
    /// When the product last changed (`updated`), for what's new (issue #14).
    pub updated: Option<jiff::civil::Date>,
    pub restrictions: Vec<(AxisId, Req, Pos)>,
    /// The data file and the product's position in it.
    pub file: String,
    pub pos: Pos,
    /// `name`, `summary` and `description` in other languages (issue 18).
    pub translations: Translations,
}

/// A product as read, before SKUs are cross-referenced.
struct Draft {
    product: Product,
    /// Where the SKU was written, for errors about it.
    sku_at: Option<Pos>,
    category: Option<(String, Pos)>,
    replaced_by: Option<(String, Pos)>,
}

pub fn build(
    config: &Node,
    data: &[DataFile],
    audiences: &AudienceModel,
    diags: &mut Vec<Diagnostic>,
) -> Catalog {
    let mut catalog = Catalog {
        title: "Products".into(),
        description: None,
        weight: 0,
        currency: "EUR".into(),
        public_prices: false,
        price_axis: None,
        price_axis_failed: false,
        categories: Vec::new(),
        products: Vec::new(),
        translations: Translations::default(),
    };
    read_config(config, audiences, &mut catalog, diags);
    let mut drafts = Vec::new();
    for file in data {
        if file.path.ends_with(".csv") {
            read_csv(file, audiences, &catalog, &mut drafts, diags);
        } else {
            read_yaml(file, audiences, &catalog, &mut drafts, diags);
        }
    }
    link(&mut catalog, drafts, diags);
    catalog
}

fn read_config(
    node: &Node,
    audiences: &AudienceModel,
    catalog: &mut Catalog,
    diags: &mut Vec<Diagnostic>,
) {
    const KEYS: &[&str] = &[
        "title",
        "description",
        "weight",
        "files",
        "currency",
        "public_prices",
        "price_axis",
        "categories",
        "translations",
    ];
    let mut price_axis = None;
    let Value::Map(entries) = &node.value else {
        diags.push(wrong_type(
            CONFIG_FILE,
            0,
            node,
            "a mapping under `catalog`",
        ));
        return;
    };
    for (k, v) in entries {
        let Value::Str(key) = &k.value else { continue };
        match (key.as_str(), &v.value) {
            ("title", Value::Str(s)) => catalog.title = s.clone(),
            ("description", Value::Str(s)) => catalog.description = Some(s.clone()),
            ("weight", Value::Int(n)) => catalog.weight = *n,
            ("files", _) => {} // read by `load::data`
            ("currency", Value::Str(s)) if s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase()) => catalog.currency = s.clone(),
            ("currency", _) => diags.push(
                Diagnostic::error("wrong-type", "`currency` must be an ISO 4217 code")
                    .at(CONFIG_FILE, pos(v, 0))
                    .help("e.g. `currency: EUR`"),
            ),
            ("public_prices", Value::Str(s)) if s == "list" => catalog.public_prices = true,
            ("public_prices", Value::Str(s)) if s == "none" => catalog.public_prices = false,
            ("public_prices", _) => diags.push(
                Diagnostic::error("wrong-type", "`public_prices` is `list` or `none`")
                    .at(CONFIG_FILE, pos(v, 0))
                    .help("`list`: audiences at the lowest tier see list prices; `none` (default): no prices"),
            ),
            ("categories", Value::Map(cats)) => {
                for (ck, cv) in cats {
                    if let Some(category) = read_category(ck, cv, audiences, diags) {
                        catalog.categories.push(category);
                    }
                }
            }
            ("price_axis", Value::Str(name)) => price_axis = Some((name.as_str(), v)),
            ("translations", _) => {
                catalog.translations = read_translations(v, &["title", "description"], CONFIG_FILE, 0, diags);
            }
            ("title" | "description" | "weight" | "categories" | "price_axis", _) => diags.push(wrong_type(CONFIG_FILE, 0, v, &format!("a proper value for `{key}`"))),
            (other, _) => diags.push(unknown_key(CONFIG_FILE, 0, k, other, KEYS, "catalog")),
        }
    }
    match read_price_axis(node, price_axis, audiences, diags) {
        // `list` is read as the list price before tier names, so a tier named `list` could
        // never have a price of its own (issue #12: no key may shadow an audience name).
        Ok(Some(axis)) if audiences.axes[axis].values.iter().any(|v| v == LIST_PRICE) => {
            let name = &audiences.axes[axis].name;
            diags.push(
                Diagnostic::error(
                    "reserved-tier-name",
                    format!(
                        "`{LIST_PRICE}` cannot be a value of `{name}`, the axis of tier prices"
                    ),
                )
                .at(
                    CONFIG_FILE,
                    price_axis.map_or(pos(node, 0), |(_, v)| pos(v, 0)),
                )
                .help(format!(
                    "`prices: {{ {LIST_PRICE}: … }}` is the list price; rename the value"
                )),
            );
            catalog.price_axis_failed = true;
        }
        Ok(axis) => catalog.price_axis = axis,
        Err(()) => catalog.price_axis_failed = true,
    }
    if catalog.categories.is_empty() {
        diags.push(
            Diagnostic::error("no-categories", "the catalog defines no `categories`")
                .at(CONFIG_FILE, pos(node, 0))
                .help("add e.g. `categories: { heat-pumps: { title: Heat pumps } }`"),
        );
    }
}

/// The ordered axis whose values name tier prices (issue #12: it was whichever ordered axis
/// came first). `price_axis:` names it; without it, a site with one ordered axis uses that
/// one, and a site with two or more must say which. `Err` when it cannot be decided
/// (reported here; tier prices are then not read, and not reported one by one).
fn read_price_axis(
    catalog_node: &Node,
    named: Option<(&str, &Node)>,
    audiences: &AudienceModel,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<AxisId>, ()> {
    let ordered: Vec<&str> = audiences
        .axes
        .iter()
        .filter(|a| a.ordered)
        .map(|a| a.name.as_str())
        .collect();
    let Some((name, node)) = named else {
        return match ordered.as_slice() {
            [] => Ok(None),
            [one] => Ok(audiences.axis_id(one)),
            many => {
                diags.push(
                    Diagnostic::error(
                        "price-axis-required",
                        format!(
                            "the site has {} ordered axes ({}): say which one names tier prices",
                            many.len(),
                            many.iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .at(CONFIG_FILE, pos(catalog_node, 0))
                    .help(format!("add `price_axis: {}` under `catalog:`", many[0])),
                );
                Err(())
            }
        };
    };
    match audiences.axis_id(name) {
        Some(axis) if audiences.axes[axis].ordered => Ok(Some(axis)),
        Some(_) => {
            diags.push(
                Diagnostic::error(
                    "price-axis-unordered",
                    format!("`{name}` is not an ordered axis, so it cannot name tier prices"),
                )
                .at(CONFIG_FILE, pos(node, 0))
                .len(name.chars().count())
                .help(suggest_help(name, &ordered, "ordered axes")),
            );
            Err(())
        }
        None => {
            diags.push(
                Diagnostic::error(
                    "unknown-axis",
                    format!("`price_axis: {name}` names no axis"),
                )
                .at(CONFIG_FILE, pos(node, 0))
                .len(name.chars().count())
                .help(suggest_help(name, &ordered, "ordered axes")),
            );
            Err(())
        }
    }
}

fn read_category(
    key: &Node,
    value: &Node,
    audiences: &AudienceModel,
    diags: &mut Vec<Diagnostic>,
) -> Option<Category> {
    let Value::Str(id) = &key.value else {
        return None;
    };
    if !crate::model::frontmatter::is_url_segment(id) || id == crate::paths::PRICE_LIST_SEGMENT {
        diags.push(
            Diagnostic::error("bad-category", format!("`{id}` cannot be a category id"))
                .at(CONFIG_FILE, pos(key, 0))
                .help(format!(
                    "use lowercase letters, digits and `-` (and not `{}`): it becomes a URL",
                    crate::paths::PRICE_LIST_SEGMENT
                )),
        );
        return None;
    }
    if let Some(d) = crate::model::long_segment("category id", id) {
        diags.push(d.at(CONFIG_FILE, pos(key, 0)));
        return None;
    }
    let mut category = Category {
        id: id.clone(),
        title: id.clone(),
        description: None,
        restrictions: Vec::new(),
        pos: pos(key, 0),
        translations: Translations::default(),
    };
    let Value::Map(entries) = &value.value else {
        diags.push(wrong_type(CONFIG_FILE, 0, value, "a mapping with `title`"));
        return Some(category);
    };
    for (k, v) in entries {
        let Value::Str(name) = &k.value else { continue };
        if !CATEGORY_KEYS.contains(&name.as_str()) {
            match audiences.axis_id(name) {
                Some(axis) => match audiences.req_from_node(axis, v, CONFIG_FILE, 0) {
                    Ok(req) => category.restrictions.push((axis, req, pos(k, 0))),
                    Err(d) => diags.push(d),
                },
                None => {
                    let mut known = CATEGORY_KEYS.to_vec();
                    known.extend(audiences.axis_names());
                    diags.push(unknown_key(
                        CONFIG_FILE,
                        0,
                        k,
                        name,
                        &known,
                        &format!("category `{id}`"),
                    ));
                }
            }
            continue;
        }
        match (name.as_str(), &v.value) {
            ("title", Value::Str(s)) => category.title = s.clone(),
            ("description", Value::Str(s)) => category.description = Some(s.clone()),
            ("translations", _) => {
                category.translations =
                    read_translations(v, &["title", "description"], CONFIG_FILE, 0, diags);
            }
            _ => diags.push(wrong_type(CONFIG_FILE, 0, v, &format!("text for `{name}`"))),
        }
    }
    Some(category)
}

/// The price key of the list price, beside the values of the price axis.
pub const LIST_PRICE: &str = "list";

/// The keys of a category besides audience axes; no axis may take one of these names
/// (issue #12, `audience::reserved_names`).
pub const CATEGORY_KEYS: &[&str] = &["title", "description", "translations"];

/// The fields of a product, wherever it was read from. The one list of them (issue #12):
/// the readers take a key as a field only when it is listed here, and no axis may take one
/// of these names (`audience::reserved_names`), so a field can never shadow an axis.
pub const PRODUCT_KEYS: &[&str] = &[
    "sku",
    "name",
    "category",
    "summary",
    "description",
    "status",
    "replaced_by",
    "datasheet",
    "image",
    "specs",
    "prices",
    "updated",
    "translations",
];

/// A CSV column of a translated field: `name.fi` → (`name`, `fi`) (issue 18).
fn translated_column(header: &str) -> Option<(&str, &str)> {
    let (field, code) = header.split_once('.')?;
    (["name", "summary", "description"].contains(&field)
        && crate::model::languages::is_language(code))
    .then_some((field, code))
}

/// Reads one product field; shared by the YAML and CSV readers so both validate alike.
struct FieldSink<'a> {
    file: &'a str,
    audiences: &'a AudienceModel,
    catalog: &'a Catalog,
    draft: Draft,
    diags: &'a mut Vec<Diagnostic>,
}

impl FieldSink<'_> {
    fn text(&mut self, key: &str, value: &str, at: Pos) {
        let p = &mut self.draft.product;
        let value_owned = value.trim().to_owned();
        match key {
            "sku" => {
                p.sku = value_owned;
                self.draft.sku_at = Some(at);
            }
            "name" => p.name = value_owned,
            "category" => self.draft.category = Some((value_owned, at)),
            "summary" => p.summary = Some(value_owned),
            "status" => match value.trim() {
                "new" => p.status = ProductStatus::New,
                "active" => p.status = ProductStatus::Active,
                "eol" => p.status = ProductStatus::Eol,
                other => self.diags.push(
                    Diagnostic::error(
                        "unknown-status",
                        format!("`{other}` is not a product status"),
                    )
                    .at(self.file, at)
                    .len(other.chars().count())
                    .help(suggest_help(
                        other,
                        ProductStatus::NAMES,
                        "product statuses",
                    )),
                ),
            },
            "replaced_by" => self.draft.replaced_by = Some((value_owned, at)),
            "updated" => match value_owned.parse::<jiff::civil::Date>() {
                Ok(date) => p.updated = Some(date),
                Err(_) => self.diags.push(
                    Diagnostic::error("bad-date", format!("`{value_owned}` is not a valid date"))
                        .at(self.file, at)
                        .len(value_owned.chars().count().max(1))
                        .help("write dates as YYYY-MM-DD, e.g. `updated: 2026-11-01`"),
                ),
            },
            "datasheet" => {
                p.datasheet = Some(DataPath {
                    path: value_owned,
                    pos: at,
                })
            }
            "image" => {
                p.image = Some(DataPath {
                    path: value_owned,
                    pos: at,
                })
            }
            // `description`, `specs` and `prices` are read by each reader itself; what
            // reaches here is not one of them (a CSV column `prices` without `.list`, a
            // number as a YAML description), never silently dropped.
            other => self.diags.push(
                Diagnostic::error("wrong-type", format!("`{other}` cannot be one plain value"))
                    .at(self.file, at)
                    .help("a description is text; in CSV, prices and specs are columns like `prices.list` and `specs.Output`"),
            ),
        }
    }

    fn price(&mut self, key: &str, raw: &str, at: Pos) {
        let price_key = if key == LIST_PRICE {
            Some(PriceKey::List)
        } else if self.catalog.price_axis_failed {
            None
        } else {
            match self.catalog.price_axis {
                Some(axis) => match self.audiences.value_index(axis, key, self.file, at) {
                    Ok(i) => Some(PriceKey::Tier(i)),
                    Err(mut d) => {
                        d.help = Some(format!(
                            "price keys are `list` and the values of the `{}` axis; {}",
                            self.audiences.axes[axis].name,
                            d.help.unwrap_or_default()
                        ));
                        self.diags.push(d);
                        None
                    }
                },
                None => {
                    self.diags.push(
                        Diagnostic::error("unknown-price", format!("unknown price `{key}`"))
                            .at(self.file, at)
                            .help("this site has no ordered (tier) axis, so only a `list` price is possible"),
                    );
                    None
                }
            }
        };
        let Some(price_key) = price_key else { return };
        match Money::parse(raw) {
            Some(m) if m.0 >= 0 => {
                if self.draft.product.prices.iter().any(|(k, _)| *k == price_key) {
                    self.diags.push(Diagnostic::error("duplicate-price", format!("the `{key}` price is given twice")).at(self.file, at));
                } else {
                    self.draft.product.prices.push((price_key, m));
                }
            }
            _ => self.diags.push(
                Diagnostic::error("bad-price", format!("`{raw}` is not a price"))
                    .at(self.file, at)
                    .len(raw.chars().count().max(1))
                    .help("write a decimal amount with at most two decimals, e.g. `1234.50` (or `1234,50` in a `;` CSV)"),
            ),
        }
    }

    fn axis(&mut self, axis: AxisId, values: &[(&str, Pos)], at: Pos) {
        match self.audiences.req_from_values(axis, values, self.file, at) {
            Ok(req) => self.draft.product.restrictions.push((axis, req, at)),
            Err(d) => self.diags.push(d),
        }
    }

    fn unknown(&mut self, key: &str, at: Pos) {
        let mut known: Vec<&str> = PRODUCT_KEYS.to_vec();
        known.extend(self.audiences.axis_names());
        self.diags.push(
            Diagnostic::error("unknown-key", format!("unknown product field `{key}`"))
                .at(self.file, at)
                .len(key.chars().count())
                .help(suggest_help(key, &known, "product fields")),
        );
    }
}

fn new_draft(file: &str, at: Pos) -> Draft {
    Draft {
        product: Product {
            sku: String::new(),
            name: String::new(),
            category: 0,
            summary: None,
            description: None,
            status: ProductStatus::Active,
            replaced_by: None,
            datasheet: None,
            image: None,
            specs: Vec::new(),
            prices: Vec::new(),
            updated: None,
            restrictions: Vec::new(),
            file: file.to_owned(),
            pos: at,
            translations: Translations::default(),
        },
        sku_at: None,
        category: None,
        replaced_by: None,
    }
}

fn read_yaml(
    file: &DataFile,
    audiences: &AudienceModel,
    catalog: &Catalog,
    drafts: &mut Vec<Draft>,
    diags: &mut Vec<Diagnostic>,
) {
    if file.text.trim().is_empty() {
        diags.push(no_products(&file.path, None, "is empty"));
        return;
    }
    let root: Node = match crate::yaml::parse(&file.text, &file.path, 0) {
        Ok(node) => node,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    match &root.value {
        Value::Null => {
            diags.push(no_products(&file.path, None, "holds no YAML value"));
            return;
        }
        Value::Seq(items) if items.is_empty() => {
            diags.push(no_products(
                &file.path,
                Some(pos(&root, 0)),
                "is an empty list",
            ));
            return;
        }
        _ => {}
    }
    let Value::Seq(items) = &root.value else {
        diags.push(wrong_type(
            &file.path,
            0,
            &root,
            "a list of products (`- sku: …`)",
        ));
        return;
    };
    for item in items {
        let Value::Map(entries) = &item.value else {
            diags.push(wrong_type(
                &file.path,
                0,
                item,
                "a product (`sku: …`, `name: …`)",
            ));
            continue;
        };
        let mut sink = FieldSink {
            file: &file.path,
            audiences,
            catalog,
            draft: new_draft(&file.path, pos(item, 0)),
            diags,
        };
        for (k, v) in entries {
            let Value::Str(key) = &k.value else { continue };
            let at = pos(v, 0);
            if !PRODUCT_KEYS.contains(&key.as_str()) {
                match audiences.axis_id(key) {
                    Some(axis) => match audiences.req_from_node(axis, v, &file.path, 0) {
                        Ok(req) => sink.draft.product.restrictions.push((axis, req, pos(k, 0))),
                        Err(d) => sink.diags.push(d),
                    },
                    None => sink.unknown(key, pos(k, 0)),
                }
                continue;
            }
            match (key.as_str(), &v.value) {
                ("description", Value::Str(s)) => {
                    // A block scalar (`|`) starts on the next line. Positions are where the
                    // text is written (for an alias, at its anchor).
                    let (line, column) = v.defined;
                    // The indicator is where the value is written (`description: |`), or
                    // on the key's line; the parser's mark for a block scalar that opens
                    // with blank lines is past them (issue #12's fuzzing).
                    let indicator =
                        [(line, column), (k.line, k.column)]
                            .into_iter()
                            .find_map(|(l, c)| {
                                let raw = raw_at(&file.text, l, c);
                                let after_key = raw.split_once(':').map_or("", |(_, v)| v);
                                [raw, after_key.trim_start()]
                                    .iter()
                                    .any(|t| t.starts_with(['|', '>']))
                                    .then_some(l)
                            });
                    let (first_line, indent) = match indicator {
                        Some(line) => {
                            let next = file
                                .text
                                .lines()
                                .skip(line as usize)
                                .find(|l| !l.trim().is_empty())
                                .unwrap_or("");
                            (line, (next.len() - next.trim_start().len()) as u32)
                        }
                        None => (line.saturating_sub(1), column.saturating_sub(1)),
                    };
                    sink.draft.product.description = Some((s.clone(), first_line, indent));
                }
                ("specs", Value::Map(specs)) => {
                    for (sk, sv) in specs {
                        let name = scalar_text(&file.text, sk);
                        let value = scalar_text(&file.text, sv);
                        match (name, value) {
                            (Some(n), Some(val)) => sink.draft.product.specs.push((n, val)),
                            _ => sink.diags.push(wrong_type(
                                &file.path,
                                0,
                                sv,
                                "a spec value (text or number)",
                            )),
                        }
                    }
                }
                ("prices", Value::Map(prices)) => {
                    for (pk, pv) in prices {
                        let Value::Str(tier) = &pk.value else {
                            continue;
                        };
                        // The exact text as written: never through a float.
                        let raw = match &pv.value {
                            Value::Str(s) => s.clone(),
                            Value::Int(_) | Value::Float(_) => {
                                number_text(&file.text, pv).unwrap_or_default()
                            }
                            _ => String::new(),
                        };
                        sink.price(tier, &raw, pos(pv, 0));
                    }
                }
                ("translations", _) => {
                    sink.draft.product.translations = read_translations(
                        v,
                        &["name", "summary", "description"],
                        &file.path,
                        0,
                        sink.diags,
                    );
                }
                ("specs" | "prices", _) => sink.diags.push(wrong_type(
                    &file.path,
                    0,
                    v,
                    &format!("a mapping under `{key}`"),
                )),
                (name, _) => match scalar_text(&file.text, v) {
                    Some(text) => sink.text(name, &text, at),
                    None => {
                        sink.diags
                            .push(wrong_type(&file.path, 0, v, &format!("text for `{name}`")))
                    }
                },
            }
        }
        drafts.push(sink.draft);
    }
}

fn read_csv(
    file: &DataFile,
    audiences: &AudienceModel,
    catalog: &Catalog,
    drafts: &mut Vec<Draft>,
    diags: &mut Vec<Diagnostic>,
) {
    if file.text.trim().is_empty() {
        diags.push(no_products(&file.path, None, "is empty"));
        return;
    }
    // The header is the first line that is not blank: the csv reader skips blank lines, so
    // positions of header problems and the delimiter come from that line (issue #12's
    // fuzzing: a blank first line made a `;` file be read with `,`).
    let (header_index, header_line) = file
        .text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())
        .unwrap_or((0, ""));
    let header_no = header_index as u32 + 1;
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(file.text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(e) => {
            diags.push(
                Diagnostic::error("bad-csv", format!("cannot read the header row: {e}"))
                    .at(&file.path, Pos::new(header_no, 1)),
            );
            return;
        }
    };
    let header_col = |i: usize| -> u32 {
        // The column where header `i` starts in the header line (for messages about it).
        let mut col = 1u32;
        for (n, cell) in header_line.split(delimiter as char).enumerate() {
            if n == i {
                return col;
            }
            col += cell.chars().count() as u32 + 1;
        }
        col
    };
    // Columns with a problem are reported once, here, and skipped in every row.
    let mut skip = vec![false; headers.len()];
    for (i, h) in headers.iter().enumerate() {
        // Issue #12: a column given twice (an ERP mapping adding `tier` again) let the last
        // cell win, even when it widened the product's audience. Which one is meant cannot
        // be told, so both are an error.
        if let Some(first) = headers[..i].iter().position(|other| other == h) {
            diags.push(
                Diagnostic::error(
                    "duplicate-column",
                    format!(
                        "column `{h}` is given twice: here and in column {} (1:{})",
                        first + 1,
                        header_col(first)
                    ),
                )
                .at(&file.path, Pos::new(header_no, header_col(i)))
                .len(h.chars().count().max(1))
                .help("remove one of them: kanava cannot tell which value is meant"),
            );
            skip[first] = true;
            skip[i] = true;
            continue;
        }
        if let Some(tier) = h.strip_prefix("prices.")
            && tier != LIST_PRICE
        {
            let at = Pos::new(header_no, header_col(i));
            let bad = match catalog.price_axis {
                _ if catalog.price_axis_failed => None,
                Some(axis) => audiences.value_index(axis, tier, &file.path, at).err(),
                None => Some(
                    Diagnostic::error("unknown-price", format!("unknown price `{tier}`"))
                        .at(&file.path, at),
                ),
            };
            if let Some(mut d) = bad {
                d.message = format!("column `{h}`: {}", d.message);
                diags.push(d);
                skip[i] = true;
            }
        }
        let known = PRODUCT_KEYS.contains(&h.as_str())
            || translated_column(h).is_some()
            || h.starts_with("prices.")
            || h.starts_with("specs.")
            || audiences.axis_id(h).is_some();
        if !known {
            let mut d = Vec::new();
            let mut sink = FieldSink {
                file: &file.path,
                audiences,
                catalog,
                draft: new_draft(&file.path, Pos::new(1, 1)),
                diags: &mut d,
            };
            sink.unknown(h, Pos::new(header_no, header_col(i)));
            diags.extend(d);
            skip[i] = true;
        }
    }
    let mut rows = 0;
    for record in reader.records() {
        rows += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as u32);
                diags.push(
                    Diagnostic::error("bad-csv", format!("cannot read this row: {e}"))
                        .at(&file.path, Pos::new(line, 1)),
                );
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as u32);
        if record.len() != headers.len() {
            diags.push(
                Diagnostic::error(
                    "bad-csv",
                    format!(
                        "this row has {}; the header has {}",
                        crate::diag::plural(record.len(), "field"),
                        headers.len()
                    ),
                )
                .at(&file.path, Pos::new(line, 1))
                .help(format!(
                    "check for a missing or extra `{}` (quote values that contain it)",
                    delimiter as char
                )),
            );
            continue;
        }
        let mut sink = FieldSink {
            file: &file.path,
            audiences,
            catalog,
            draft: new_draft(&file.path, Pos::new(line, 1)),
            diags,
        };
        for ((header, cell), skip) in headers.iter().zip(record.iter()).zip(&skip) {
            let cell = cell.trim();
            if cell.is_empty() || *skip {
                continue;
            }
            // Positions: the row, and the cell's column name in the message is enough to find it.
            let at = Pos::new(line, 1);
            if let Some(tier) = header.strip_prefix("prices.") {
                sink.price(tier, cell, at);
            } else if let Some(spec) = header.strip_prefix("specs.") {
                sink.draft
                    .product
                    .specs
                    .push((spec.to_owned(), cell.to_owned()));
            } else if header == "description" {
                sink.draft.product.description = Some((cell.to_owned(), line - 1, 0));
            } else if let Some((field, code)) = translated_column(header) {
                // `name.fi`: the product's name in Finnish (issue 18); the code is checked
                // against the site's languages with the YAML `translations:`.
                let translations = &mut sink.draft.product.translations.languages;
                let i = match translations.iter().position(|(c, _, _)| c == code) {
                    Some(i) => i,
                    None => {
                        let col = headers.iter().position(|h| h == header).unwrap_or(0);
                        translations.push((
                            code.to_owned(),
                            Pos::new(header_no, header_col(col)),
                            Vec::new(),
                        ));
                        translations.len() - 1
                    }
                };
                translations[i].2.push((field.to_owned(), cell.to_owned()));
            } else if PRODUCT_KEYS.contains(&header.as_str()) {
                sink.text(header, cell, at);
            } else if let Some(axis) = audiences.axis_id(header) {
                let values: Vec<(&str, Pos)> = cell
                    .split('|')
                    .map(|v| (v.trim(), at))
                    .filter(|(v, _)| !v.is_empty())
                    .collect();
                sink.axis(axis, &values, at);
            }
        }
        drafts.push(sink.draft);
    }
    if rows == 0 {
        diags.push(no_products(
            &file.path,
            Some(Pos::new(1, 1)),
            "has a header row but no products",
        ));
    }
}

/// A data file without products (issue #12). An error, not a warning: a failed or
/// truncated ERP export is the usual cause, and publishing would silently remove its
/// products from every audience's catalog, price list and CSV. A file that is meant to
/// hold nothing is removed from `catalog.files` (or its folder) instead.
fn no_products(path: &str, at: Option<Pos>, what: &str) -> Diagnostic {
    let d = Diagnostic::error(
        "no-products",
        format!("data file `{path}` {what}: it holds no products"),
    );
    // An empty file's problem is the whole file: point at its start.
    let d = d.at(path, at.unwrap_or(Pos::new(1, 1)));
    d.help("an empty export would remove its products from every catalog; re-export it, or remove the file (or its pattern in `catalog.files`) if it is meant to be empty")
}

/// Cross-references: categories, duplicate SKUs (both places named), replacements (missing
/// or cyclic), required fields.
fn link(catalog: &mut Catalog, drafts: Vec<Draft>, diags: &mut Vec<Diagnostic>) {
    let category_ids: HashMap<&str, CategoryId> = catalog
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let category_names: Vec<&str> = catalog.categories.iter().map(|c| c.id.as_str()).collect();
    let mut by_sku: HashMap<String, ProductId> = HashMap::new();
    let mut replacements: Vec<Option<(String, Pos)>> = Vec::new();
    for mut draft in drafts {
        let p = &mut draft.product;
        let mut ok = true;
        for (field, missing) in [
            ("sku", p.sku.is_empty()),
            ("name", p.name.is_empty()),
            ("category", draft.category.is_none()),
        ] {
            if missing {
                diags.push(
                    Diagnostic::error("missing-field", format!("the product has no `{field}`"))
                        .at(p.file.clone(), p.pos)
                        .help("every product needs `sku`, `name` and `category`"),
                );
                ok = false;
            }
        }
        let sku_at = draft.sku_at.unwrap_or(p.pos);
        if !p.sku.is_empty() && !crate::model::frontmatter::is_url_segment(&p.sku) {
            diags.push(
                Diagnostic::error(
                    "bad-sku",
                    format!("SKU `{}` cannot be used in a URL", p.sku),
                )
                .at(p.file.clone(), sku_at)
                .help("use letters, digits, `-`, `_` and `.`"),
            );
            ok = false;
        } else if let Some(d) = crate::model::long_segment("SKU", &p.sku.to_lowercase()) {
            // Its product page is a folder named after it (issue #12: `check` passed, the
            // build failed on the file system).
            diags.push(d.at(p.file.clone(), sku_at));
            ok = false;
        }
        if let Some((name, at)) = &draft.category {
            match category_ids.get(name.as_str()) {
                Some(&c) => p.category = c,
                None => {
                    diags.push(
                        Diagnostic::error(
                            "unknown-category",
                            format!("`{name}` is not a catalog category"),
                        )
                        .at(p.file.clone(), *at)
                        .len(name.chars().count())
                        .help(suggest_help(
                            name,
                            &category_names,
                            "categories (catalog.categories in kanava.yaml)",
                        )),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        let key = p.sku.to_lowercase();
        if let Some(&first) = by_sku.get(&key) {
            let f: &Product = &catalog.products[first];
            diags.push(
                Diagnostic::error(
                    "duplicate-sku",
                    format!("SKU `{}` is defined twice: here and at {}:{}", p.sku, f.file, f.pos.line),
                )
                .at(p.file.clone(), p.pos)
                .help("a later file may not silently override a product; remove or rename one of them"),
            );
            continue;
        }
        by_sku.insert(key, catalog.products.len());
        replacements.push(draft.replaced_by);
        catalog.products.push(draft.product);
    }
    for (id, replacement) in replacements.into_iter().enumerate() {
        let Some((sku, at)) = replacement else {
            continue;
        };
        match by_sku.get(&sku.to_lowercase()) {
            Some(&r) if r == id => diags.push(
                Diagnostic::error("replacement-cycle", format!("`{sku}` replaces itself"))
                    .at(catalog.products[id].file.clone(), at),
            ),
            Some(&r) => catalog.products[id].replaced_by = Some(r),
            None => {
                let skus: Vec<&str> = catalog.products.iter().map(|p| p.sku.as_str()).collect();
                diags.push(
                    Diagnostic::error(
                        "unknown-product",
                        format!("`replaced_by: {sku}` names no product"),
                    )
                    .at(catalog.products[id].file.clone(), at)
                    .len(sku.chars().count())
                    .help(suggest_help(&sku, &skus, "SKUs")),
                );
            }
        }
    }
    // Cycles longer than one: follow each chain at most N steps.
    for start in 0..catalog.products.len() {
        let mut at = catalog.products[start].replaced_by;
        let mut steps = 0;
        while let Some(next) = at {
            if next == start {
                let p = &catalog.products[start];
                diags.push(
                    Diagnostic::error(
                        "replacement-cycle",
                        format!("`{}` is replaced by a chain that leads back to it", p.sku),
                    )
                    .at(p.file.clone(), p.pos)
                    .help("a replacement chain must end in a product that is not replaced"),
                );
                break;
            }
            steps += 1;
            if steps > catalog.products.len() {
                break;
            }
            at = catalog.products[next].replaced_by;
        }
    }
}

pub(super) fn pos(node: &Node, line_offset: u32) -> Pos {
    Pos::new(node.line + line_offset, node.column)
}

/// The source text at a position, up to the end of a plain scalar.
fn raw_at(text: &str, line: u32, column: u32) -> &str {
    let Some(line) = text.lines().nth(line.saturating_sub(1) as usize) else {
        return "";
    };
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let end = rest.find([',', '}', ']', '#']).unwrap_or(rest.len());
    rest[..end].trim()
}

/// A scalar as text: strings as they are, numbers exactly as written.
fn scalar_text(text: &str, node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(_) | Value::Float(_) => number_text(text, node),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number exactly as written (never through a float), where it is written: an alias
/// gives its anchor's text, not `*name` (issue #12).
fn number_text(text: &str, node: &Node) -> Option<String> {
    match (node.written(text), &node.value) {
        (Some(written), _) => Some(written.trim().to_owned()),
        (None, Value::Int(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// The entries of a settings block of kanava.yaml (`materials:`, `hosting:`), or `None`:
/// absent, or not a mapping (reported as `wrong-type` at the block).
pub(super) fn settings_map<'n>(
    node: Option<&'n Node>,
    under: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'n [(Node, Node)]> {
    match &node?.value {
        Value::Map(entries) => Some(entries),
        _ => {
            diags.push(wrong_type(
                crate::load::CONFIG_FILE,
                0,
                node?,
                &format!("a mapping under `{under}`"),
            ));
            None
        }
    }
}

pub(super) fn wrong_type(file: &str, line_offset: u32, node: &Node, expected: &str) -> Diagnostic {
    Diagnostic::error(
        "wrong-type",
        format!("expected {expected}, found {}", node.value.kind()),
    )
    .at(file, pos(node, line_offset))
}

pub(super) fn unknown_key(
    file: &str,
    line_offset: u32,
    node: &Node,
    key: &str,
    known: &[&str],
    under: &str,
) -> Diagnostic {
    Diagnostic::error(
        "unknown-key",
        format!("unknown key `{key}` under `{under}`"),
    )
    .at(file, pos(node, line_offset))
    .len(key.chars().count())
    .help(suggest_help(key, known, "known keys"))
}
