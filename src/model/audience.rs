//! Audiences: the axes a site defines (tier, role, region…), the audiences built from them,
//! and the restrictions pages and `::: only` blocks place on themselves.
//!
//! The one rule: an audience sees something when it satisfies *every* axis the thing
//! restricts. Ordered axes mean "this value and above"; unordered axes are sets ("any of").
//! Deny by default: an axis with a `default` restricts everything that does not name it.
//! Unknown axis names or values are errors — never "evaluate to include".

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::load::CONFIG_FILE;
use crate::yaml::{Node, Value};

pub type AxisId = usize;
pub type AudienceId = usize;

/// The keys of an audience besides axes (`staff: { all: true }`).
pub const AUDIENCE_KEYS: &[&str] = &["all", "title", "public"];

/// Names no axis may take, with what each already names (issue #12): every key that a
/// reader matches *before* axis names — front matter, `::: only` dates, product fields,
/// category and audience keys. An axis named `tags` was accepted, and a page's
/// `tags: [internal]` was read as its tags, never as a restriction: published to everyone.
/// Built from the readers' own lists, so a key added to one is reserved at once.
pub fn reserved_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    let lists: [(&'static [&'static str], &'static str); 6] = [
        (crate::model::frontmatter::KEYS, "a front-matter key"),
        (
            crate::model::lifecycle::CONDITION_KEYS,
            "a date condition of `::: only` blocks",
        ),
        (crate::model::catalog::PRODUCT_KEYS, "a product field"),
        (
            crate::model::catalog::CATEGORY_KEYS,
            "a catalog category key",
        ),
        (AUDIENCE_KEYS, "an audience key"),
        (crate::model::materials::KEYS, "a material's key"),
    ];
    lists
        .into_iter()
        .flat_map(|(keys, what)| keys.iter().map(move |&k| (k, what)))
}

#[derive(Debug, Clone)]
pub struct Axis {
    pub name: String,
    pub values: Vec<String>,
    pub ordered: bool,
    /// Applied where neither a page nor any of its sections names this axis.
    pub default: Option<Req>,
}

/// What a page or block requires on one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Req {
    /// Ordered axis: this value's index or above.
    AtLeast(u8),
    /// Unordered axis: any of these values (bit i = value i).
    AnyOf(u64),
}

impl Req {
    /// The narrower of two requirements on the same axis (both must hold).
    fn and(self, other: Req) -> Req {
        match (self, other) {
            (Req::AtLeast(a), Req::AtLeast(b)) => Req::AtLeast(a.max(b)),
            (Req::AnyOf(a), Req::AnyOf(b)) => Req::AnyOf(a & b),
            // Axes have one kind; mixed requirements cannot be built.
            (a, _) => a,
        }
    }

    /// Does `self` admit someone `other` does not?
    pub fn is_wider_than(self, other: Req) -> bool {
        match (self, other) {
            (Req::AtLeast(a), Req::AtLeast(b)) => a < b,
            (Req::AnyOf(a), Req::AnyOf(b)) => a & !b != 0,
            _ => false,
        }
    }
}

/// A set of per-axis requirements, all of which must hold. Empty: no restriction.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Restriction {
    /// Sorted by axis, at most one entry per axis.
    reqs: Vec<(AxisId, Req)>,
}

impl Restriction {
    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty()
    }

    pub fn get(&self, axis: AxisId) -> Option<Req> {
        self.reqs.iter().find(|(a, _)| *a == axis).map(|(_, r)| *r)
    }

    pub fn iter(&self) -> impl Iterator<Item = (AxisId, Req)> + '_ {
        self.reqs.iter().copied()
    }

    /// Adds a requirement, narrowing any existing one on the same axis.
    pub fn require(&mut self, axis: AxisId, req: Req) {
        match self.reqs.iter_mut().find(|(a, _)| *a == axis) {
            Some((_, existing)) => *existing = existing.and(req),
            None => {
                self.reqs.push((axis, req));
                self.reqs.sort_by_key(|(a, _)| *a);
            }
        }
    }

    /// Both restrictions at once.
    pub fn and(&self, other: &Restriction) -> Restriction {
        let mut out = self.clone();
        for (axis, req) in other.iter() {
            out.require(axis, req);
        }
        out
    }
}

/// What an audience has on one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Has {
    Level(u8),
    Set(u64),
}

/// Whether an audience's site needs a sign-in where it is hosted (issue #16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Openness {
    Public(PublicBecause),
    Protected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicBecause {
    /// `public: true` in its configuration.
    Said,
    /// The lowest value of every ordered axis it names, and no other axis.
    LowestTier,
}

#[derive(Debug, Clone)]
pub struct Audience {
    pub name: String,
    /// What readers see for it (`title:`), e.g. "Silver partner, sales"; else the name.
    pub title: Option<String>,
    /// `all: true`: sees everything (internal review).
    pub all: bool,
    /// `public: true|false`: whether its site is open to anyone on the web, where that is
    /// said rather than inferred (see [`AudienceModel::openness`]).
    pub public: Option<bool>,
    /// Per axis (indexed by AxisId); `None` when the audience does not name the axis, in
    /// which case it satisfies no restriction on that axis.
    pub has: Vec<Option<Has>>,
}

impl Audience {
    /// THE visibility rule (who). Every filter in kanava ends here, through
    /// `plan::Visibility` (`tests/tidy.rs` keeps other modules from calling it).
    pub(crate) fn admits(&self, r: &Restriction) -> bool {
        self.all
            || r.iter().all(
                |(axis, req)| match (req, self.has.get(axis).copied().flatten()) {
                    (Req::AtLeast(min), Some(Has::Level(level))) => level >= min,
                    (Req::AnyOf(wanted), Some(Has::Set(set))) => wanted & set != 0,
                    _ => false,
                },
            )
    }
}

/// The site's axes and audiences. A site without an `audience:` block has no axes and one
/// audience that sees everything, built straight into the output folder.
#[derive(Debug, Clone)]
pub struct AudienceModel {
    pub axes: Vec<Axis>,
    pub audiences: Vec<Audience>,
    /// False for a site without an `audience:` block.
    pub configured: bool,
}

impl AudienceModel {
    pub fn single() -> AudienceModel {
        AudienceModel {
            axes: Vec::new(),
            audiences: vec![Audience {
                title: None,
                name: "default".into(),
                all: true,
                public: None,
                has: Vec::new(),
            }],
            configured: false,
        }
    }

    /// Audiences known by name only, without axes: what `kanava probe` knows of a site
    /// from its deploy-probe.json (enough to read the users file against).
    pub fn named(names: impl IntoIterator<Item = String>) -> AudienceModel {
        AudienceModel {
            axes: Vec::new(),
            audiences: names
                .into_iter()
                .map(|name| Audience {
                    name,
                    title: None,
                    all: false,
                    public: None,
                    has: Vec::new(),
                })
                .collect(),
            configured: true,
        }
    }

    pub fn axis_id(&self, name: &str) -> Option<AxisId> {
        self.axes.iter().position(|a| a.name == name)
    }

    pub fn audience_id(&self, name: &str) -> Option<AudienceId> {
        self.audiences.iter().position(|a| a.name == name)
    }

    /// The audiences' names (their folders), in configuration order.
    pub fn audience_names(&self) -> Vec<&str> {
        self.audiences.iter().map(|a| a.name.as_str()).collect()
    }

    /// Whether an audience's site is open to anyone (no sign-in where it is hosted), and
    /// why: said with `public:`, or inferred for an audience that has the lowest value of
    /// every ordered axis and names no other axis (the demo's `public: { tier: public }`).
    /// Anything else is protected: deny by default, and `all: true` is never public.
    pub fn openness(&self, id: AudienceId) -> Openness {
        let audience = &self.audiences[id];
        match audience.public {
            Some(true) => return Openness::Public(PublicBecause::Said),
            Some(false) => return Openness::Protected,
            None => {}
        }
        if audience.all || !self.configured {
            return Openness::Protected;
        }
        let mut named = audience
            .has
            .iter()
            .enumerate()
            .filter_map(|(axis, has)| has.map(|h| (axis, h)))
            .peekable();
        if named.peek().is_none() {
            return Openness::Protected;
        }
        let lowest = named.all(|(axis, has)| self.axes[axis].ordered && has == Has::Level(0));
        if lowest {
            Openness::Public(PublicBecause::LowestTier)
        } else {
            Openness::Protected
        }
    }

    pub fn axis_names(&self) -> Vec<&str> {
        self.axes.iter().map(|a| a.name.as_str()).collect()
    }

    /// The defaults of all axes that have one: what an unmarked page requires.
    pub fn defaults(&self) -> Restriction {
        let mut r = Restriction::default();
        for (id, axis) in self.axes.iter().enumerate() {
            if let Some(req) = axis.default {
                r.require(id, req);
            }
        }
        r
    }

    /// Index of `value` on `axis`, or a diagnostic with a suggestion.
    pub fn value_index(
        &self,
        axis: AxisId,
        value: &str,
        file: &str,
        pos: Pos,
    ) -> Result<u8, Diagnostic> {
        let a = &self.axes[axis];
        match a.values.iter().position(|v| v == value) {
            Some(i) => Ok(i as u8),
            None => {
                let values: Vec<&str> = a.values.iter().map(String::as_str).collect();
                Err(Diagnostic::error(
                    "unknown-axis-value",
                    format!("`{value}` is not a value of the `{}` axis", a.name),
                )
                .at(file, pos)
                .len(value.chars().count())
                .help(suggest_help(value, &values, "its values are")))
            }
        }
    }

    /// Parses one axis requirement written as YAML (`tier: silver`, `role: [sales, technical]`).
    pub fn req_from_node(
        &self,
        axis: AxisId,
        node: &Node,
        file: &str,
        line_offset: u32,
    ) -> Result<Req, Diagnostic> {
        let pos = Pos::new(node.line + line_offset, node.column);
        let mut values = Vec::new();
        match &node.value {
            Value::Str(s) => values.push((s.as_str(), pos)),
            Value::Seq(items) => {
                for item in items {
                    let item_pos = Pos::new(item.line + line_offset, item.column);
                    match &item.value {
                        Value::Str(s) => values.push((s.as_str(), item_pos)),
                        other => {
                            return Err(type_error(&self.axes[axis].name, other, file, item_pos));
                        }
                    }
                }
            }
            other => return Err(type_error(&self.axes[axis].name, other, file, pos)),
        }
        self.req_from_values(axis, &values, file, pos)
    }

    /// Builds a requirement from value names (front matter or `::: only` syntax).
    pub fn req_from_values(
        &self,
        axis: AxisId,
        values: &[(&str, Pos)],
        file: &str,
        pos: Pos,
    ) -> Result<Req, Diagnostic> {
        let a = &self.axes[axis];
        if values.is_empty() {
            return Err(Diagnostic::error(
                "empty-restriction",
                format!(
                    "the `{}` restriction lists no values, so nobody would see this",
                    a.name
                ),
            )
            .at(file, pos)
            .help("name at least one value, or remove the key"));
        }
        if a.ordered {
            if values.len() > 1 {
                return Err(Diagnostic::error(
                    "ordered-axis-list",
                    format!("`{}` is an ordered axis and takes one value", a.name),
                )
                .at(file, pos)
                .help(format!(
                    "name the lowest `{}` that may see this; higher ones see it too",
                    a.name
                )));
            }
            let (value, vpos) = values[0];
            Ok(Req::AtLeast(self.value_index(axis, value, file, vpos)?))
        } else {
            let mut mask = 0u64;
            for &(value, vpos) in values {
                mask |= 1 << self.value_index(axis, value, file, vpos)?;
            }
            Ok(Req::AnyOf(mask))
        }
    }

    /// Describes a requirement for messages: `tier ≥ silver`, `role ∈ {sales, technical}`.
    pub fn describe_req(&self, axis: AxisId, req: Req) -> String {
        let a = &self.axes[axis];
        match req {
            Req::AtLeast(i) => format!("{} {} and above", a.name, a.values[i as usize]),
            Req::AnyOf(mask) => {
                let names: Vec<&str> = a
                    .values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, v)| v.as_str())
                    .collect();
                format!("{} {}", a.name, names.join(" or "))
            }
        }
    }

    /// The names of the audiences that `wide` admits and `narrow` does not. For the model's
    /// checks of restrictions against each other (issue #12: the home page must admit every
    /// audience, a product no more than its category); who sees what in a view is decided
    /// only in `plan`.
    pub fn admitted_beyond(&self, wide: &Restriction, narrow: &Restriction) -> Vec<&str> {
        self.audiences
            .iter()
            .filter(|a| a.admits(wide) && !a.admits(narrow))
            .map(|a| a.name.as_str())
            .collect()
    }

    /// A requirement as it is written in YAML: `silver`, `[sales, technical]`.
    pub fn yaml_value(&self, axis: AxisId, req: Req) -> String {
        let a = &self.axes[axis];
        match req {
            Req::AtLeast(i) => a.values[i as usize].clone(),
            Req::AnyOf(mask) => {
                let names: Vec<&str> = a
                    .values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, v)| v.as_str())
                    .collect();
                format!("[{}]", names.join(", "))
            }
        }
    }

    pub fn describe(&self, r: &Restriction) -> String {
        if r.is_empty() {
            return "everyone".into();
        }
        r.iter()
            .map(|(axis, req)| self.describe_req(axis, req))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn type_error(axis: &str, found: &Value, file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(
        "wrong-type",
        format!(
            "`{axis}` takes a value name or a list of them, found {}",
            found.kind()
        ),
    )
    .at(file, pos)
    .help(format!("write e.g. `{axis}: value` or `{axis}: [a, b]`"))
}

/// Reads the `audience:` block of kanava.yaml.
pub fn from_config(node: Option<&Node>, diags: &mut Vec<Diagnostic>) -> AudienceModel {
    let Some(node) = node else {
        return AudienceModel::single();
    };
    let mut model = AudienceModel {
        axes: Vec::new(),
        audiences: Vec::new(),
        configured: true,
    };
    let file = CONFIG_FILE;
    let Some(entries) = map_entries(node, "audience", diags) else {
        return model;
    };
    let mut axes_node = None;
    let mut audiences_node = None;
    for (key, value) in entries {
        match key_str(key) {
            Some("axes") => axes_node = Some(value),
            Some("audiences") => audiences_node = Some(value),
            Some(other) => diags.push(unknown_key(other, key, &["axes", "audiences"], "audience")),
            None => {}
        }
    }
    // Axes refused for their name: audiences naming them get no second error.
    let mut refused: Vec<&str> = Vec::new();
    if let Some(axes) = axes_node.and_then(|n| map_entries(n, "axes", diags)) {
        for (key, value) in axes {
            if let Some(name) = key_str(key)
                && let Some(d) = reserved_axis_name(name, key)
            {
                diags.push(d);
                refused.push(name);
                continue;
            }
            if let Some(axis) = read_axis(key, value, diags) {
                model.axes.push(axis);
            }
        }
    }
    let Some(audiences) = audiences_node.and_then(|n| map_entries(n, "audiences", diags)) else {
        diags.push(
            Diagnostic::error(
                "no-audiences",
                "the `audience:` block defines no `audiences:`",
            )
            .at(file, pos(node))
            .help("add `audiences:` with at least one audience, or remove the `audience:` block"),
        );
        return model;
    };
    if audiences.is_empty() {
        // `audiences: {}` built an empty site over the previous output, exit 0 (issue #12).
        diags.push(
            Diagnostic::error("no-audiences", "`audiences:` lists no audience")
                .at(file, pos(audiences_node.unwrap_or(node)))
                .help("add at least one, e.g. `public: { tier: public }`, or remove the `audience:` block for a site without audiences"),
        );
    }
    for (key, value) in audiences {
        if let Some(audience) = read_audience(&model, key, value, &refused, diags) {
            model.audiences.push(audience);
        }
    }
    model
}

/// The refusal of an axis named like a key that readers match first (see [`reserved_names`]).
fn reserved_axis_name(name: &str, key: &Node) -> Option<Diagnostic> {
    let mut uses: Vec<&str> = Vec::new();
    for (_, what) in reserved_names().filter(|(n, _)| *n == name) {
        if !uses.contains(&what) {
            uses.push(what);
        }
    }
    let uses = match uses.as_slice() {
        [] => return None,
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    Some(
        Diagnostic::error(
            "reserved-axis-name",
            format!("`{name}` cannot name an axis: it is {uses}"),
        )
        .at(CONFIG_FILE, pos(key))
        .len(name.chars().count())
        .help(format!(
            "`{name}:` on a page or product would be read as that key, never as this axis, so \
             the restriction would be lost; rename the axis (e.g. `{name}-group`) here, in \
             `audiences:` and wherever pages use it"
        )),
    )
}

fn read_axis(key: &Node, value: &Node, diags: &mut Vec<Diagnostic>) -> Option<Axis> {
    let name = key_str(key)?.to_owned();
    if !is_identifier(&name) {
        diags.push(
            Diagnostic::error(
                "bad-axis-name",
                format!("axis name `{name}` must be lowercase letters, digits, `-` or `_`"),
            )
            .at(CONFIG_FILE, pos(key)),
        );
        return None;
    }
    let entries = map_entries(value, &name, diags)?;
    let mut values: Vec<String> = Vec::new();
    let mut ordered = false;
    let mut default_node = None;
    for (k, v) in entries {
        match key_str(k) {
            Some("values") => match &v.value {
                Value::Seq(items) => {
                    for item in items {
                        match &item.value {
                            Value::Str(s) if !values.contains(s) => values.push(s.clone()),
                            Value::Str(s) => diags.push(
                                Diagnostic::error(
                                    "duplicate-value",
                                    format!("`{s}` is listed twice"),
                                )
                                .at(CONFIG_FILE, pos(item)),
                            ),
                            other => diags.push(expected("a value name", other, item)),
                        }
                    }
                }
                other => diags.push(expected("a list of values", other, v)),
            },
            Some("ordered") => match v.value {
                Value::Bool(b) => ordered = b,
                ref other => diags.push(expected("`true` or `false`", other, v)),
            },
            Some("default") => default_node = Some(v),
            Some(other) => diags.push(unknown_key(
                other,
                k,
                &["values", "ordered", "default"],
                &name,
            )),
            None => {}
        }
    }
    if values.is_empty() {
        diags.push(
            Diagnostic::error("no-axis-values", format!("axis `{name}` has no `values`"))
                .at(CONFIG_FILE, pos(key))
                .help("list them, e.g. `values: [public, registered, silver, gold]`"),
        );
        return None;
    }
    if values.len() > 64 {
        diags.push(
            Diagnostic::error(
                "too-many-values",
                format!("axis `{name}` has more than 64 values"),
            )
            .at(CONFIG_FILE, pos(key)),
        );
        return None;
    }
    let mut axis = Axis {
        name,
        values,
        ordered,
        default: None,
    };
    if let Some(d) = default_node {
        let probe = AudienceModel {
            axes: vec![axis.clone()],
            audiences: Vec::new(),
            configured: true,
        };
        match probe.req_from_node(0, d, CONFIG_FILE, 0) {
            Ok(req) => axis.default = Some(req),
            Err(diag) => diags.push(diag),
        }
    }
    Some(axis)
}

fn read_audience(
    model: &AudienceModel,
    key: &Node,
    value: &Node,
    refused: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<Audience> {
    let name = key_str(key)?.to_owned();
    // The name is the audience's folder in the output (issue #12: names longer than a file
    // name may be passed `check`).
    if let Some(d) = crate::model::long_segment("audience name", &name) {
        diags.push(d.at(CONFIG_FILE, pos(key)));
        return None;
    }
    if !is_identifier(&name) {
        diags.push(
            Diagnostic::error(
                "bad-audience-name",
                format!("audience name `{name}` must be lowercase letters, digits, `-` or `_` (it becomes a folder name)"),
            )
            .at(CONFIG_FILE, pos(key)),
        );
        return None;
    }
    let entries = map_entries(value, &name, diags)?;
    let mut audience = Audience {
        name,
        title: None,
        all: false,
        public: None,
        has: vec![None; model.axes.len()],
    };
    let mut known: Vec<&str> = model.axis_names();
    known.extend(AUDIENCE_KEYS);
    for (k, v) in entries {
        let Some(axis_name) = key_str(k) else {
            continue;
        };
        if axis_name == "title" {
            match &v.value {
                Value::Str(t) if !t.trim().is_empty() => audience.title = Some(t.trim().to_owned()),
                other => diags.push(expected("a display name (text)", other, v)),
            }
            continue;
        }
        if axis_name == "public" {
            match v.value {
                Value::Bool(b) => audience.public = Some(b),
                ref other => diags.push(expected("`true` or `false`", other, v)),
            }
            continue;
        }
        if AUDIENCE_KEYS.contains(&axis_name) {
            match v.value {
                Value::Bool(b) => audience.all = b,
                ref other => diags.push(expected("`true`", other, v)),
            }
            continue;
        }
        if refused.contains(&axis_name) {
            // Reported at the axis; the audience cannot see what it would have allowed.
            continue;
        }
        let Some(axis) = model.axis_id(axis_name) else {
            diags.push(
                Diagnostic::error(
                    "unknown-axis",
                    format!(
                        "audience `{}` names an unknown axis `{axis_name}`",
                        audience.name
                    ),
                )
                .at(CONFIG_FILE, pos(k))
                .len(axis_name.chars().count())
                .help(suggest_help(axis_name, &known, "known axes")),
            );
            continue;
        };
        // What an audience *has* parses like what a page *requires*, then flips meaning.
        match model.req_from_node(axis, v, CONFIG_FILE, 0) {
            Ok(Req::AtLeast(level)) => audience.has[axis] = Some(Has::Level(level)),
            Ok(Req::AnyOf(set)) => audience.has[axis] = Some(Has::Set(set)),
            Err(d) => diags.push(d),
        }
    }
    Some(audience)
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn pos(node: &Node) -> Pos {
    Pos::new(node.line, node.column)
}

fn key_str(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

fn map_entries<'a>(
    node: &'a Node,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'a [(Node, Node)]> {
    match &node.value {
        Value::Map(entries) => Some(entries),
        other => {
            diags.push(expected(&format!("a mapping under `{what}`"), other, node));
            None
        }
    }
}

fn expected(what: &str, found: &Value, node: &Node) -> Diagnostic {
    Diagnostic::error(
        "wrong-type",
        format!("expected {what}, found {}", found.kind()),
    )
    .at(CONFIG_FILE, pos(node))
}

fn unknown_key(key: &str, node: &Node, known: &[&str], under: &str) -> Diagnostic {
    Diagnostic::error(
        "unknown-key",
        format!("unknown key `{key}` under `{under}`"),
    )
    .at(CONFIG_FILE, pos(node))
    .len(key.chars().count())
    .help(suggest_help(key, known, "known keys"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(yaml: &str) -> (AudienceModel, Vec<Diagnostic>) {
        let node: Node = crate::yaml::parse(yaml, CONFIG_FILE, 0).unwrap();
        let mut diags = Vec::new();
        let m = from_config(Some(&node), &mut diags);
        (m, diags)
    }

    const DEMO: &str = "axes:
  tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
  role: { values: [sales, technical, marketing] }
audiences:
  public: { tier: public }
  silver-sales: { tier: silver, role: [sales] }
  gold: { tier: gold, role: [sales, technical, marketing] }
  staff: { all: true }
";

    fn restriction(m: &AudienceModel, pairs: &[(&str, &[&str])]) -> Restriction {
        let mut r = Restriction::default();
        for (axis, values) in pairs {
            let id = m.axis_id(axis).unwrap();
            let vals: Vec<(&str, Pos)> = values.iter().map(|v| (*v, Pos::new(1, 1))).collect();
            r.require(
                id,
                m.req_from_values(id, &vals, "x", Pos::new(1, 1)).unwrap(),
            );
        }
        r
    }

    #[test]
    fn the_rule() {
        let (m, diags) = model(DEMO);
        assert!(diags.is_empty(), "{diags:?}");
        let sees = |audience: &str, r: &Restriction| {
            m.audiences[m.audience_id(audience).unwrap()].admits(r)
        };
        let silver = restriction(&m, &[("tier", &["silver"])]);
        assert!(!sees("public", &silver));
        assert!(sees("silver-sales", &silver));
        assert!(sees("gold", &silver));
        assert!(sees("staff", &silver));
        let technical = restriction(&m, &[("role", &["technical"])]);
        assert!(!sees("silver-sales", &technical));
        assert!(sees("gold", &technical));
        // An audience that does not name an axis satisfies no restriction on it.
        assert!(!sees("public", &technical));
        // Defaults: an unmarked page is `registered`.
        assert!(!sees("public", &m.defaults()));
        assert!(sees("silver-sales", &m.defaults()));
    }

    #[test]
    fn unknown_values_are_errors_with_suggestions() {
        let (_, diags) = model(
            "axes:\n  tier: { values: [public, gold], ordered: true }\naudiences:\n  x: { tier: glod }\n  y: { teir: gold }\n",
        );
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!(diags[0].code, "unknown-axis-value");
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `gold`")
        );
        assert_eq!(diags[0].pos, Some(Pos::new(4, 14)));
        assert_eq!(diags[1].code, "unknown-axis");
        assert!(
            diags[1]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `tier`")
        );
    }

    /// Every reserved name is refused as an axis, at the axis name (issue #12).
    #[test]
    fn reserved_names_cannot_name_axes() {
        let mut yaml = String::from("axes:\n");
        let mut names: Vec<&str> = Vec::new();
        for (name, _) in reserved_names() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        for name in &names {
            yaml.push_str(&format!("  {name}: {{ values: [a, b] }}\n"));
        }
        yaml.push_str("audiences:\n  x: { tags: [a], all: false }\n");
        let (m, diags) = model(&yaml);
        assert!(m.axes.is_empty(), "{:?}", m.axis_names());
        for (i, name) in names.iter().enumerate() {
            let line = 2 + i as u32;
            let d = diags
                .iter()
                .find(|d| d.code == "reserved-axis-name" && d.pos == Some(Pos::new(line, 3)))
                .unwrap_or_else(|| panic!("`{name}` not refused at line {line}: {diags:?}"));
            assert!(d.message.contains(&format!("`{name}`")), "{}", d.message);
        }
        // `tags` on the audience is not reported again.
        assert!(
            diags.iter().all(|d| d.code == "reserved-axis-name"),
            "{diags:?}"
        );
        let status = diags
            .iter()
            .find(|d| d.message.contains("`status`"))
            .unwrap();
        assert!(
            status
                .message
                .contains("a front-matter key, a product field and a material's key"),
            "{}",
            status.message
        );
    }

    #[test]
    fn widening() {
        let (m, _) = model(DEMO);
        let silver = restriction(&m, &[("tier", &["silver"])]);
        let registered = restriction(&m, &[("tier", &["registered"])]);
        let tier = m.axis_id("tier").unwrap();
        assert!(
            registered
                .get(tier)
                .unwrap()
                .is_wider_than(silver.get(tier).unwrap())
        );
        assert!(
            !silver
                .get(tier)
                .unwrap()
                .is_wider_than(registered.get(tier).unwrap())
        );
        let both = restriction(&m, &[("role", &["sales", "technical"])]);
        let sales = restriction(&m, &[("role", &["sales"])]);
        let role = m.axis_id("role").unwrap();
        assert!(
            both.get(role)
                .unwrap()
                .is_wider_than(sales.get(role).unwrap())
        );
    }

    #[test]
    fn openness_is_said_or_the_lowest_tier_alone() {
        let (m, diags) = model(
            "axes:
  tier: { values: [public, silver, gold], ordered: true }
  role: { values: [sales] }
audiences:
  open: { tier: public }
  prospects: { tier: public, role: [sales] }
  silver: { tier: silver }
  shown: { tier: silver, public: true }
  closed: { tier: public, public: false }
  staff: { all: true }
  nothing: {}
",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let open = |name| m.openness(m.audience_id(name).unwrap());
        assert_eq!(open("open"), Openness::Public(PublicBecause::LowestTier));
        assert_eq!(open("prospects"), Openness::Protected);
        assert_eq!(open("silver"), Openness::Protected);
        assert_eq!(open("shown"), Openness::Public(PublicBecause::Said));
        assert_eq!(open("closed"), Openness::Protected);
        assert_eq!(open("staff"), Openness::Protected);
        assert_eq!(open("nothing"), Openness::Protected);
        assert_eq!(
            AudienceModel::single().openness(0),
            Openness::Protected,
            "a site without audiences is protected as a whole"
        );
    }
}
