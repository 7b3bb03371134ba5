#!/usr/bin/env python3
# Copied from shared/bench/gen_corpus.py (the shared benchmark corpus generator, issue 7).
# One change, kanava format only: the home page (content/_index.md) no longer gets
# `tier: public` in its front matter, because kanava now rejects audience keys on the home
# page (error `restricted-home`; the home page is in every audience's site). Nothing else
# differs: same seed, same pages as the shared copy, so they stay comparable with the
# `hugo` format (same words and links; only front matter, link syntax and scaffolding
# differ, as before). Keep this file in step with kanava's content format.
"""Deterministic synthetic documentation corpus for static-site-generator benchmarks.

Usage:
    gen_corpus.py --pages N --out DIR --format {kanava,zola,hugo,mdbook,plain} [--seed S]

Every format gets the same pages (same words, same structure, same link targets
for the same N and seed); only the front matter, the link syntax and the site
scaffolding (config, templates, section indexes) differ.

Layout per format (DIR is the site root):
  kanava  kanava.yaml (8 audiences over a tier and a role axis), content/<section>/_index.md
          carrying the section's tier/role restriction (it cascades to its pages),
          content/<section>/page-NNNNN.md (YAML front matter: title, description, weight,
          tags, updated), relative .md links; a link to a page that fewer audiences may see
          sits in a `::: only` block with the target's restriction, as an author would write
          it; images and PDFs under content/images and content/files
  plain   content/<section>/_index.md, content/<section>/page-NNNNN.md (YAML front
          matter: title, date, weight, tags, roles, tiers, draft, description),
          links are relative .md paths; static/images, static/files
  zola    config.toml (+ config.nosearch.toml, config.nohl.toml, config.bare.toml),
          templates/{base,index,section,page}.html + tags/{list,single}.html,
          content/ with TOML front matter and @/ internal links, static/
  hugo    hugo.toml, layouts/_default/{baseof,single,list}.html,
          content/ with YAML front matter and root-relative URL links, static/
  mdbook  book.toml, src/SUMMARY.md, src/README.md, src/<section>/index.md,
          src/<section>/page-NNNNN.md (no front matter; title as '# ' heading),
          relative .md links; src/images, src/files

Pages are grouped into max(1, round(N/50)) sections of contiguous pages.
"""

import argparse
import os
import random
import shutil
import sys
import zlib

PAGES_PER_SECTION = 50
N_IMAGES = 24
N_PDFS = 24

# --------------------------------------------------------------------------
# vocabulary

NOUNS = """cluster node replica shard index pipeline worker queue scheduler partition
snapshot backup volume bucket tenant namespace policy role token certificate
endpoint gateway proxy listener route handler middleware plugin extension module
service deployment release rollout migration schema table column query cursor
transaction lock lease timeout retry budget quota limit threshold alert metric
dashboard trace span log event stream topic consumer producer broker offset
checkpoint manifest artifact registry image container runtime sandbox kernel
driver device firmware controller agent daemon process thread pool connection
session cookie header payload request response cache entry key value record
document field attribute label selector annotation secret vault keyring signer
webhook callback trigger job task step stage workflow template variable parameter
profile environment region zone datacenter rack host instance volume filesystem
directory path archive bundle package dependency version channel mirror feed
report audit budget account subscription invoice plan tier quota user group""".split()

ADJS = """primary secondary stale healthy degraded durable ephemeral encrypted signed
immutable mutable regional global local remote internal external public private
default custom optional required deprecated experimental stable incremental
parallel sequential idempotent atomic eventual consistent partitioned replicated
compressed batched streaming cached throttled scheduled manual automatic hourly
nightly weekly isolated shared dedicated managed unmanaged read-only writable
versioned labelled tagged archived active pending failed queued running""".split()

VERBS = """configure deploy restart drain rotate renew revoke validate verify inspect
monitor export import migrate upgrade downgrade rollback schedule pause resume
cancel retry replay rebuild reindex compact vacuum prune archive restore snapshot
replicate promote demote scale throttle limit allow deny grant audit trace profile
benchmark tune register unregister publish subscribe acknowledge flush reload""".split()

ADVS = """quickly safely carefully automatically manually periodically eventually
immediately gradually independently concurrently transparently explicitly
implicitly asynchronously synchronously lazily eagerly rarely usually""".split()

PEOPLE = ["operators", "administrators", "developers", "maintainers", "auditors",
          "reviewers", "on-call engineers", "release managers", "support staff",
          "integrators", "tenants", "clients"]

IRREGULAR = {"rebuild": ("rebuilds", "rebuilt"), "rollback": ("rolls back", "rolled back"),
             "snapshot": ("snapshots", "snapshotted"), "flush": ("flushes", "flushed")}


def third(v):
    if v in IRREGULAR:
        return IRREGULAR[v][0]
    if v.endswith(("sh", "ch", "s", "x")):
        return v + "es"
    if v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


def participle(v):
    if v in IRREGULAR:
        return IRREGULAR[v][1]
    if v.endswith("e"):
        return v + "d"
    if v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ied"
    if v in ("audit", "benchmark", "import", "export", "limit", "profile"):
        return v + "ed" if not v.endswith("e") else v + "d"
    return v + "ed"


def plural(n):
    if n.endswith(("s", "x", "sh", "ch")):
        return n + "es"
    if n.endswith("y") and n[-2] not in "aeiou":
        return n[:-1] + "ies"
    return n + "s"


def a_an(word):
    vowel = word[:1] in "aeiou" and not word.startswith(("us", "uni", "one"))
    return ("an " if vowel else "a ") + word

TAGS = """networking storage security observability performance reliability
upgrades backups billing identity access-control api cli automation ci-cd
kubernetes containers database caching search indexing messaging streaming
compliance auditing encryption certificates scaling capacity migration
troubleshooting configuration deployment monitoring alerting logging tracing
quotas tenancy governance""".split()

ROLES = ["admin", "operator", "developer", "auditor", "viewer", "billing"]
TIERS = ["free", "team", "business", "enterprise"]

SECTION_TOPICS = """Getting Started|Installation|Configuration|Clusters|Storage|Networking|
Security|Identity and Access|Observability|Metrics|Logging|Tracing|Alerting|Backups|
Disaster Recovery|Upgrades|Migrations|Scaling|Performance Tuning|Caching|Search|
Indexing|Messaging|Streaming|Pipelines|Scheduling|Workflows|Automation|CLI Reference|
API Reference|SDKs|Webhooks|Integrations|Plugins|Extensions|Billing|Quotas|Tenancy|
Compliance|Auditing|Encryption|Certificates|Secrets|Troubleshooting|Runbooks|
Release Notes|Architecture|Internals|Deployment|Operations""".replace("\n", "").split("|")

TITLE_PATTERNS = [
    "{Verb} {adj} {nouns}",
    "How to {verb} {a_noun}",
    "{Adj} {noun} {noun2} reference",
    "Understanding {noun} {noun2s}",
    "{Verb} the {noun} {noun2}",
    "Troubleshooting {adj} {nouns}",
    "{Noun} {noun2} limits and quotas",
    "Working with {adj} {noun2s}",
    "{Noun} lifecycle: {verb} and {verb2}",
    "Best practices for {noun} {noun2s}",
]

HEADINGS = [
    "Before you begin", "How it works", "Configuration options", "Examples",
    "Limits", "Permissions", "Common errors", "Monitoring", "Performance notes",
    "Security considerations", "Migration notes", "Next steps", "Known issues",
    "Design rationale", "Step-by-step", "Verification",
]

# tiny but valid files for the image and PDF references
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def pdf_bytes(n):
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        "trailer<</Root 1 0 R>>\n%%EOF\n% spec " + str(n) + "\n"
    )
    return body.encode()


# --------------------------------------------------------------------------
# abstract page model

def cap(s):
    return s[:1].upper() + s[1:]


class Gen:
    def __init__(self, rng):
        self.r = rng

    def w(self, lst):
        return self.r.choice(lst)

    def title(self):
        r = self.r
        noun, noun2 = r.sample(NOUNS, 2)
        verb, verb2 = r.sample(VERBS, 2)
        adj = self.w(ADJS)
        t = self.w(TITLE_PATTERNS).format(
            verb=verb, Verb=cap(verb), verb2=verb2, adj=adj, Adj=cap(adj),
            noun=noun, Noun=cap(noun), noun2=noun2, nouns=plural(noun),
            noun2s=plural(noun2), a_noun=a_an(noun))
        return t

    def sentence(self, inline=True):
        r = self.r
        n1, n2, n3 = r.sample(NOUNS, 3)
        pats = [
            "The {a} {n1} {vs} each {n2} before the {n3} is marked ready",
            "When {a_n1} becomes {a}, {p} should {v} the {n2} {adv}",
            "You can {v} the {n1} without restarting the {n2}, but the {n3} keeps its {a} state",
            "By default every {n1} is {a}, which means the {n2} is {vd} {adv}",
            "{P} usually {v} {a_n1} once per {n2}, and the {n3} records the result",
            "If the {n1} limit is reached, the {n2} returns an error and the {n3} is left {a}",
            "Each {n1} belongs to exactly one {n2}, and {a_n2} can hold many {a} {n3s}",
            "Use {a_a} {n1} when the {n2} must survive {a_n3} failure",
            "The {n1} {n2} is {a} and cannot be changed after the {n3} is created",
            "{A_a} {n1} lets {p} {v} the {n2} from any {n3} in the same region",
        ]
        a = self.w(ADJS)
        v = self.w(VERBS)
        s = self.w(pats).format(
            a=a, a_a=a_an(a), A_a=cap(a_an(a)), n1=n1, n2=n2, n3=n3, n3s=plural(n3),
            a_n1=a_an(n1), a_n2=a_an(n2), a_n3=a_an(n3), v=v, vs=third(v), vd=participle(v),
            adv=self.w(ADVS), p=self.w(PEOPLE), P=cap(self.w(PEOPLE)))
        if inline:
            k = r.random()
            if k < 0.12:
                s += ", as shown by `" + self.w(NOUNS) + "." + self.w(NOUNS) + "_" + self.w(VERBS) + "`"
            elif k < 0.2:
                s = s.replace(n1, "**" + n1 + "**", 1)
            elif k < 0.26:
                s = s.replace(n2, "*" + n2 + "*", 1)
        return cap(s) + "."

    def paragraph(self, lo=3, hi=6):
        return " ".join(self.sentence() for _ in range(self.r.randint(lo, hi)))

    def code(self, lang):
        r = self.r
        n1, n2, n3, n4 = r.sample(NOUNS, 4)
        if lang == "rust":
            name = cap(n1) + cap(n2)
            lines = [
                "use std::collections::HashMap;",
                "",
                "/// Settings for a " + n1 + " " + n2 + ".",
                "#[derive(Debug, Clone)]",
                "pub struct " + name + " {",
                "    pub " + n3 + "_limit: u32,",
                "    pub " + n4 + "_name: String,",
                "    pub labels: HashMap<String, String>,",
                "}",
                "",
                "impl " + name + " {",
                "    pub fn new(" + n4 + "_name: &str) -> Self {",
                "        Self { " + n3 + "_limit: " + str(r.randint(8, 512)) + ", " + n4
                + "_name: " + n4 + "_name.to_string(), labels: HashMap::new() }",
                "    }",
                "",
                "    pub fn validate(&self) -> Result<(), String> {",
                "        if self." + n3 + "_limit > " + str(r.randint(1000, 9000)) + " {",
                "            return Err(format!(\"" + n3 + " limit too high: {}\", self." + n3 + "_limit));",
                "        }",
                "        Ok(())",
                "    }",
                "}",
            ]
        elif lang == "yaml":
            lines = [
                "# " + n1 + " " + n2 + " configuration",
                "apiVersion: v" + str(r.randint(1, 3)),
                "kind: " + cap(n1) + cap(n2),
                "metadata:",
                "  name: " + n3 + "-" + str(r.randint(1, 99)),
                "  labels:",
                "    tier: " + self.w(TIERS),
                "    role: " + self.w(ROLES),
                "spec:",
                "  replicas: " + str(r.randint(1, 9)),
                "  " + n4 + ":",
                "    enabled: " + self.w(["true", "false"]),
                "    mode: " + self.w(ADJS),
                "    timeoutSeconds: " + str(r.randint(5, 300)),
                "  limits:",
                "    cpu: \"" + str(r.randint(1, 16)) + "\"",
                "    memory: " + str(r.randint(1, 64)) + "Gi",
                "  retry:",
                "    attempts: " + str(r.randint(1, 10)),
                "    backoff: exponential",
            ]
        else:
            lines = [
                "#!/usr/bin/env bash",
                "set -euo pipefail",
                "",
                n1.upper() + "_NAME=\"${1:-" + n1 + "-" + str(r.randint(1, 99)) + "}\"",
                "REGION=\"${REGION:-eu-west-" + str(r.randint(1, 3)) + "}\"",
                "",
                "echo \"Checking $" + n1.upper() + "_NAME in $REGION\"",
                "if ! ctl " + n1 + " get \"$" + n1.upper() + "_NAME\" --region \"$REGION\" >/dev/null; then",
                "  echo \"" + n1 + " not found\" >&2",
                "  exit 1",
                "fi",
                "",
                "ctl " + n2 + " " + self.w(VERBS) + " \\",
                "  --" + n1 + " \"$" + n1.upper() + "_NAME\" \\",
                "  --" + n3 + "-limit " + str(r.randint(1, 500)) + " \\",
                "  --wait",
                "",
                "for i in $(seq 1 " + str(r.randint(3, 9)) + "); do",
                "  ctl " + n4 + " status \"$" + n1.upper() + "_NAME\" && break",
                "  sleep 5",
                "done",
            ]
        return lines


def words(s):
    return len(s.split())


def n_sections_for(n_pages):
    return max(1, round(n_pages / PAGES_PER_SECTION))


def section_of(i, n_pages):
    """Contiguous blocks of PAGES_PER_SECTION pages; the last section takes the remainder."""
    return min(i // PAGES_PER_SECTION, n_sections_for(n_pages) - 1)


def section_bounds(s, n_pages):
    lo = s * PAGES_PER_SECTION
    hi = n_pages if s == n_sections_for(n_pages) - 1 else lo + PAGES_PER_SECTION
    return lo, hi


def count_words(blocks):
    """Prose words: paragraphs, headings, list items and table cells (not code)."""
    c = 0
    for kind, payload in blocks:
        if kind in ("p", "h2", "h3"):
            c += words(payload)
        elif kind == "plink":
            c += words(payload[0]) + words(payload[2]) + 6
        elif kind in ("ul", "ol"):
            c += sum(words(x) for x in payload)
        elif kind == "table":
            c += sum(words(" ".join(row)) for row in payload[1])
    return c


def build_page(seed, idx, n_pages):
    """Abstract model of page idx: a list of blocks; links refer to page indices."""
    r = random.Random("%d-page-%d" % (seed, idx))
    g = Gen(r)
    sec = section_of(idx, n_pages)
    lo, hi = section_bounds(sec, n_pages)
    hi -= 1
    model = {
        "title": g.title(),
        "description": g.sentence(inline=False),
        "date": "20%02d-%02d-%02d" % (r.randint(19, 25), r.randint(1, 12), r.randint(1, 28)),
        "weight": idx - lo + 1,
        "tags": sorted(r.sample(TAGS, r.randint(2, 4))),
        "roles": sorted(r.sample(ROLES, r.randint(1, 3))),
        "tiers": sorted(r.sample(TIERS, r.randint(1, 3))),
    }
    # link targets: half in the same section, half anywhere
    n_links = r.randint(5, 10)
    targets = []
    for k in range(n_links):
        for _ in range(20):
            t = r.randint(lo, hi) if (k % 2 == 0 and hi > lo) else r.randrange(n_pages)
            if t != idx or n_pages == 1:
                break
        targets.append(t)
    target_words = r.randint(600, 1200)

    blocks = []  # (kind, payload)
    blocks.append(("p", g.paragraph(2, 4)))
    blocks.append(("h2", "Overview"))
    blocks.append(("p", g.paragraph()))
    blocks.append(("ul", [g.sentence() for _ in range(r.randint(4, 7))]))
    blocks.append(("h2", "Configuration"))
    blocks.append(("p", g.paragraph(2, 4)))
    cols = ["Option", "Type", "Default", "Description"]
    rows = []
    for _ in range(r.randint(4, 7)):
        rows.append(["`" + g.w(NOUNS) + "_" + g.w(NOUNS) + "`",
                     g.w(["string", "integer", "boolean", "duration", "list"]),
                     g.w(["`true`", "`false`", "`30s`", "`100`", "none", "`auto`"]),
                     g.sentence(inline=False)])
    blocks.append(("table", (cols, rows)))
    lang = g.w(["rust", "yaml", "bash"])
    blocks.append(("p", g.paragraph(1, 2)))
    blocks.append(("code", (lang, g.code(lang))))
    blocks.append(("img", (idx % N_IMAGES, "Diagram of the " + g.w(NOUNS) + " " + g.w(NOUNS) + " flow")))

    # body sections with embedded links until the word target is reached
    link_iter = list(targets)
    inline_links = link_iter[: len(link_iter) // 2]
    related = link_iter[len(link_iter) // 2:]

    def count():
        return count_words(blocks)

    hs = r.sample(HEADINGS, len(HEADINGS))
    hi_ = 0
    while count() < target_words - 60 or inline_links:
        blocks.append(("h2", hs[hi_ % len(hs)]))
        hi_ += 1
        if r.random() < 0.4:
            blocks.append(("h3", cap(g.w(ADJS)) + " " + plural(g.w(NOUNS))))
        para = g.paragraph()
        if inline_links:
            para = ("plink", (para, inline_links.pop(0), g.sentence(inline=False)))
            blocks.append(para)
        else:
            blocks.append(("p", para))
        if r.random() < 0.3:
            blocks.append(("ol", [g.sentence() for _ in range(r.randint(3, 5))]))
        if count() > target_words + 200:
            break
    blocks.append(("h2", "Related pages"))
    blocks.append(("links", related))
    blocks.append(("pdf", (idx % N_PDFS, g.w(NOUNS))))
    model["blocks"] = blocks
    return model


# --------------------------------------------------------------------------
# rendering

def sec_dir(s):
    return "section-%03d" % (s + 1)


def page_file(i):
    return "page-%05d.md" % (i + 1)


class Linker:
    """How each format writes an internal link, an image and a PDF link."""

    def __init__(self, fmt, n_pages):
        self.fmt = fmt
        self.n_pages = n_pages

    def page(self, i):
        s = section_of(i, self.n_pages)
        if self.fmt == "zola":
            return "@/%s/%s" % (sec_dir(s), page_file(i))
        if self.fmt == "hugo":
            return "/%s/%s/" % (sec_dir(s), page_file(i)[:-3])
        # kanava, plain and mdbook: relative path from content/<section>/page.md
        return "../%s/%s" % (sec_dir(s), page_file(i))

    def asset(self, path):
        if self.fmt in ("zola", "hugo"):
            return "/" + path
        return "../" + path


def render_body(model, linker, titles, access=None, page_access=None):
    """access: the kanava format's per-page restriction list; page_access: this page's."""
    def guarded(t, text):
        if access is None or sees(page_access, access[t]):
            return text
        return "%s\n%s\n:::" % (only_line(access[t]), text)

    out = []
    for kind, payload in model["blocks"]:
        if kind == "p":
            out.append(payload)
        elif kind == "h2":
            out.append("## " + payload)
        elif kind == "h3":
            out.append("### " + payload)
        elif kind == "ul":
            out.append("\n".join("- " + x for x in payload))
        elif kind == "ol":
            out.append("\n".join("%d. %s" % (k + 1, x) for k, x in enumerate(payload)))
        elif kind == "table":
            cols, rows = payload
            lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            lines += ["| " + " | ".join(row) + " |" for row in rows]
            out.append("\n".join(lines))
        elif kind == "code":
            lang, lines = payload
            out.append("```" + lang + "\n" + "\n".join(lines) + "\n```")
        elif kind == "img":
            n, alt = payload
            out.append("![%s](%s)" % (alt, linker.asset("images/diagram-%02d.png" % n)))
        elif kind == "plink":
            para, t, extra = payload
            out.append(guarded(t, "%s See [%s](%s) for details. %s" % (
                para, titles[t], linker.page(t), extra)))
        elif kind == "links":
            if access is None:
                out.append("\n".join("- [%s](%s)" % (titles[t], linker.page(t)) for t in payload))
            else:
                for t in payload:
                    out.append(guarded(t, "- [%s](%s)" % (titles[t], linker.page(t))))
        elif kind == "pdf":
            n, noun = payload
            out.append("Download the [%s specification (PDF)](%s)." % (
                noun, linker.asset("files/spec-%02d.pdf" % n)))
    return "\n\n".join(out) + "\n"


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(xs):
    return "[" + ", ".join(toml_str(x) for x in xs) + "]"


def front_matter(fmt, m):
    if fmt == "zola":
        return ("+++\n"
                "title = %s\n"
                "description = %s\n"
                "date = %s\n"
                "weight = %d\n"
                "draft = false\n"
                "\n[taxonomies]\n"
                "tags = %s\n"
                "\n[extra]\n"
                "roles = %s\n"
                "tiers = %s\n"
                "+++\n\n") % (toml_str(m["title"]), toml_str(m["description"]), m["date"],
                              m["weight"], toml_list(m["tags"]), toml_list(m["roles"]),
                              toml_list(m["tiers"]))
    if fmt == "kanava":
        return ("---\n"
                "title: %s\n"
                "description: %s\n"
                "weight: %d\n"
                "tags: [%s]\n"
                "updated: %s\n"
                "---\n\n") % (yaml_str(m["title"]), yaml_str(m["description"]), m["weight"],
                              ", ".join(m["tags"]), m["date"][:10])
    if fmt in ("hugo", "plain"):
        return ("---\n"
                "title: %s\n"
                "date: %s\n"
                "weight: %d\n"
                "tags: [%s]\n"
                "roles: [%s]\n"
                "tiers: [%s]\n"
                "draft: false\n"
                "description: %s\n"
                "---\n\n") % (yaml_str(m["title"]), m["date"], m["weight"],
                              ", ".join(m["tags"]), ", ".join(m["roles"]),
                              ", ".join(m["tiers"]), yaml_str(m["description"]))
    return "# " + m["title"] + "\n\n"  # mdbook


def section_meta(seed, s):
    r = random.Random("%d-section-%d" % (seed, s))
    topic = SECTION_TOPICS[s % len(SECTION_TOPICS)]
    if s >= len(SECTION_TOPICS):
        topic += " %d" % (s // len(SECTION_TOPICS) + 1)
    g = Gen(r)
    return {"title": topic, "description": g.sentence(inline=False),
            "intro": g.paragraph(2, 3), "weight": s + 1}


TIERS = ["public", "registered", "silver", "gold"]


def section_access(seed, s):
    """The kanava format's restriction of section s: (tier index, role or None)."""
    r = random.Random("%d-access-%d" % (seed, s))
    tier = r.choices(range(4), weights=[20, 30, 25, 25])[0]
    role = r.choices([None, "sales", "technical"], weights=[60, 20, 20])[0]
    return tier, role


def sees(reader, target):
    """True when every audience that sees section access `reader` also sees `target`."""
    (rt, rr), (tt, tr) = reader, target
    return tt <= rt and (tr is None or tr == rr)


def only_line(access):
    tier, role = access
    return "::: only tier=%s%s" % (TIERS[tier], " role=" + role if role else "")


def section_index(fmt, sm):
    if fmt == "kanava":
        tier, role = sm["access"]
        return ("---\ntitle: %s\ndescription: %s\nweight: %d\ntier: %s\n%s---\n\n%s\n"
                % (yaml_str(sm["title"]), yaml_str(sm["description"]), sm["weight"],
                   TIERS[tier], "role: [%s]\n" % role if role else "", sm["intro"]))
    if fmt == "zola":
        return ("+++\ntitle = %s\ndescription = %s\nsort_by = \"weight\"\nweight = %d\n+++\n\n%s\n"
                % (toml_str(sm["title"]), toml_str(sm["description"]), sm["weight"], sm["intro"]))
    if fmt in ("hugo", "plain"):
        return ("---\ntitle: %s\ndescription: %s\nweight: %d\n---\n\n%s\n"
                % (yaml_str(sm["title"]), yaml_str(sm["description"]), sm["weight"], sm["intro"]))
    return "# %s\n\n%s\n" % (sm["title"], sm["intro"])


# --------------------------------------------------------------------------
# per-tool scaffolding

ZOLA_CONFIG = """base_url = "https://example.com"
title = "SSG benchmark corpus"
description = "Synthetic documentation site"
compile_sass = false
minify_html = false
generate_feeds = false
build_search_index = %(search)s
taxonomies = [{ name = "tags" }]
%(hl)s
[extra]
# false drops the per-page section nav (get_section) from page.html, to isolate its cost
page_nav = %(nav)s
"""

ZOLA_HL = """
[markdown.highlighting]
theme = "github-dark"
"""

ZOLA_TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
</head>
<body>
<header><a href="{{ config.base_url | safe }}/">{{ config.title }}</a></header>
<nav>{% block nav %}{% endblock nav %}</nav>
<main>{% block main %}{% endblock main %}</main>
</body>
</html>
""",
    "index.html": """{% extends "base.html" %}
{% block nav %}<ul>
{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.permalink | safe }}">{{ sub.title }}</a></li>
{% endfor %}</ul>{% endblock nav %}
{% block main %}<h1>{{ config.title }}</h1>
{{ section.content | safe }}{% endblock main %}
""",
    "section.html": """{% extends "base.html" %}
{% block title %}{{ section.title }} | {{ config.title }}{% endblock title %}
{% block nav %}<ul>
{% for p in section.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>
{% endfor %}</ul>{% endblock nav %}
{% block main %}<h1>{{ section.title }}</h1>
{{ section.content | safe }}{% endblock main %}
""",
    "page.html": """{% extends "base.html" %}
{% block title %}{{ page.title }} | {{ config.title }}{% endblock title %}
{% block nav %}{% if config.extra.page_nav %}{% set parent = get_section(path=page.ancestors | last) %}<ul>
{% for p in parent.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>
{% endfor %}</ul>{% endif %}{% endblock nav %}
{% block main %}<article>
<h1>{{ page.title }}</h1>
{{ page.content | safe }}
</article>{% endblock main %}
""",
    "tags/list.html": """{% extends "base.html" %}
{% block nav %}<ul>
{% for t in terms %}<li><a href="{{ t.permalink | safe }}">{{ t.name }}</a> ({{ t.pages | length }})</li>
{% endfor %}</ul>{% endblock nav %}
{% block main %}<h1>Tags</h1>{% endblock main %}
""",
    "tags/single.html": """{% extends "base.html" %}
{% block title %}{{ term.name }} | {{ config.title }}{% endblock title %}
{% block nav %}<ul>
{% for p in term.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>
{% endfor %}</ul>{% endblock nav %}
{% block main %}<h1>{{ term.name }}</h1>{% endblock main %}
""",
}

HUGO_CONFIG = """baseURL = "https://example.com/"
title = "SSG benchmark corpus"
disableKinds = ["rss"]
enableRobotsTXT = true

[taxonomies]
tag = "tags"

[markup.highlight]
codeFences = true
noClasses = true
style = "github-dark"
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} | {{ site.Title }}{{ end }}</title>
</head>
<body>
<header><a href="{{ site.Home.Permalink }}">{{ site.Title }}</a></header>
<nav>{{ block "nav" . }}{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """{{ define "nav" }}<ul>
{{ range .CurrentSection.Pages }}<li><a href="{{ .Permalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
{{ .Content }}
</article>{{ end }}
""",
    "_default/list.html": """{{ define "nav" }}<ul>
{{ range .Pages }}<li><a href="{{ .Permalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}{{ end }}
""",
}

KANAVA_CONFIG = """title: SSG benchmark corpus
description: Synthetic partner extranet
audience:
  axes:
    tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
    role: { values: [sales, technical, marketing] }
  audiences:
    public: { tier: public }
    registered-sales: { tier: registered, role: [sales] }
    registered-technical: { tier: registered, role: [technical] }
    silver-sales: { tier: silver, role: [sales] }
    silver-technical: { tier: silver, role: [technical] }
    gold-sales: { tier: gold, role: [sales] }
    gold-technical: { tier: gold, role: [technical] }
    staff: { all: true }
"""

MDBOOK_CONFIG = """[book]
title = "SSG benchmark corpus"
authors = ["bench"]
language = "en"
src = "src"

[build]
build-dir = "book"
create-missing = false

[output.html]
site-url = "/"
"""


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as f:
        f.write(data)


def generate(n_pages, out, fmt, seed):
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    n_sections = n_sections_for(n_pages)
    models = [build_page(seed, i, n_pages) for i in range(n_pages)]
    titles = [m["title"] for m in models]
    linker = Linker(fmt, n_pages)

    content_root = os.path.join(out, "src" if fmt == "mdbook" else "content")
    static_root = os.path.join(out, "src" if fmt == "mdbook" else
                               "content" if fmt == "kanava" else "static")
    access = None
    if fmt == "kanava":
        access = [section_access(seed, section_of(i, n_pages)) for i in range(n_pages)]

    for k in range(N_IMAGES):
        write(os.path.join(static_root, "images", "diagram-%02d.png" % k), PNG_1X1)
    for k in range(N_PDFS):
        write(os.path.join(static_root, "files", "spec-%02d.pdf" % k), pdf_bytes(k))

    sections = [section_meta(seed, s) for s in range(n_sections)]
    for s_, sm in enumerate(sections):
        sm["access"] = section_access(seed, s_)
    pages_by_section = [[] for _ in range(n_sections)]
    total_words = 0
    total_bytes = 0
    for i, m in enumerate(models):
        s = section_of(i, n_pages)
        pages_by_section[s].append(i)
        body = render_body(m, linker, titles, access, access[i] if access else None)
        text = front_matter(fmt, m) + body
        total_words += count_words(m["blocks"])
        total_bytes += len(text.encode())
        write(os.path.join(content_root, sec_dir(s), page_file(i)), text)

    index_name = "index.md" if fmt == "mdbook" else "_index.md"
    for s, sm in enumerate(sections):
        write(os.path.join(content_root, sec_dir(s), index_name), section_index(fmt, sm))

    home_intro = Gen(random.Random("%d-home" % seed)).paragraph(3, 5)
    if fmt == "zola":
        write(os.path.join(content_root, "_index.md"),
              '+++\ntitle = "Home"\nsort_by = "weight"\n+++\n\n' + home_intro + "\n")
        variants = {"config.toml": ("true", ZOLA_HL, "true"),
                    "config.nosearch.toml": ("false", ZOLA_HL, "true"),
                    "config.nohl.toml": ("true", "", "true"),
                    "config.bare.toml": ("false", "", "true"),
                    "config.nonav.toml": ("true", ZOLA_HL, "false")}
        for name, (search, hl, nav) in variants.items():
            write(os.path.join(out, name), ZOLA_CONFIG % {"search": search, "hl": hl, "nav": nav})
        for name, t in ZOLA_TEMPLATES.items():
            write(os.path.join(out, "templates", name), t)
    elif fmt == "hugo":
        write(os.path.join(content_root, "_index.md"),
              '---\ntitle: "Home"\n---\n\n' + home_intro + "\n")
        write(os.path.join(out, "hugo.toml"), HUGO_CONFIG)
        for name, t in HUGO_LAYOUTS.items():
            write(os.path.join(out, "layouts", name), t)
    elif fmt == "mdbook":
        write(os.path.join(content_root, "README.md"), "# Introduction\n\n" + home_intro + "\n")
        lines = ["# Summary", "", "[Introduction](README.md)", ""]
        for s, sm in enumerate(sections):
            lines.append("- [%s](%s/index.md)" % (sm["title"], sec_dir(s)))
            for i in pages_by_section[s]:
                lines.append("  - [%s](%s/%s)" % (titles[i], sec_dir(s), page_file(i)))
        write(os.path.join(content_root, "SUMMARY.md"), "\n".join(lines) + "\n")
        write(os.path.join(out, "book.toml"), MDBOOK_CONFIG)
    elif fmt == "kanava":
        write(os.path.join(content_root, "_index.md"),
              '---\ntitle: "Home"\n---\n\n' + home_intro + "\n")
        write(os.path.join(out, "kanava.yaml"), KANAVA_CONFIG)
    else:  # plain
        write(os.path.join(content_root, "_index.md"),
              '---\ntitle: "Home"\n---\n\n' + home_intro + "\n")
    return n_sections, total_words, total_bytes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", "-n", type=int, required=True, help="number of pages N")
    ap.add_argument("--out", "-o", required=True, help="output directory (replaced)")
    ap.add_argument("--format", "-f", required=True, choices=["kanava", "zola", "hugo", "mdbook", "plain"])
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if a.pages < 1:
        ap.error("--pages must be >= 1")
    n_sections, total_words, total_bytes = generate(a.pages, a.out, a.format, a.seed)
    print("%s: %d pages in %d sections, %d prose words (%.0f/page), %.1f MiB of Markdown -> %s"
          % (a.format, a.pages, n_sections, total_words, total_words / a.pages,
             total_bytes / 2**20, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
