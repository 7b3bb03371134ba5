#!/usr/bin/env python3
"""Generates the demo site's materials: small, valid PDFs, SVG logos and PNG images under
content/, each with its metadata sidecar (`NAME.EXT.yaml`), from the repository's own content.

    python3 tools/make-materials.py            # (re)write the materials and their sidecars
    python3 tools/make-materials.py --check    # exit 1 if a file on disk differs from what would be written
    python3 tools/make-materials.py --list     # the materials, one line each (kind, language, audience, dates, pages)
    python3 tools/make-materials.py --verify   # re-parse every generated PDF and PNG (xref, page tree, chunks)

What it reads: data/products/*.yaml and data/erp-export.csv (names, SKUs, specs, prices),
kanava.yaml (the catalog's categories), and Markdown pages under content/ (brochure, guide and
price-term text). Text inside `::: only` blocks is used only when every audience that may see
the material may also see the block, and a page is used only for a material that is at least as
restricted as the page, so a material never shows more than its audience may read. Product
rows follow the same rule. The translated (fi, it, fr) texts are written in this script.

The output is deterministic: the same input gives the same bytes on every run and machine (no
timestamps, no document IDs, PNGs deflated by this script's own encoder rather than zlib's).
Standard library only.

Files it writes are listed in tools/make-materials.manifest. It overwrites or deletes only files
on that list (a material dropped from this script is deleted on the next run); it refuses to
overwrite any other existing file unless it has identical bytes (use --force to take it over).
Edit this script, not the generated files, and commit both.
"""

import argparse
import csv
import re
import struct
import sys
import unicodedata
import zlib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tools" / "make-materials.manifest"

TIERS = ["public", "registered", "silver", "gold"]  # kanava.yaml: tier is ordered, default registered
ROLES = ["sales", "technical", "marketing"]
# The built-in kinds, and the demo's own (`materials: { kinds: [campaign-kit] }` in kanava.yaml).
KINDS = ["brochure", "datasheet", "manual", "price-sheet", "logo", "image", "video", "other", "campaign-kit"]
LANGUAGES = ["en", "fi", "it", "fr", "sv", "de"]


class GenError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Reading the repository: front matter, Markdown, products
# ---------------------------------------------------------------------------------------------


def read_text(rel):
    return (ROOT / rel).read_text(encoding="utf-8-sig")


def unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def parse_list(v):
    v = v.strip()
    if v.startswith("[") and v.endswith("]"):
        return [unquote(x) for x in v[1:-1].split(",") if x.strip()]
    return [unquote(v)]


def front_matter(rel):
    """(front matter as a flat dict of strings, body) of a Markdown page."""
    text = read_text(rel).replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 4)
    fm = {}
    for line in text[4:end].split("\n"):
        if ":" in line and not line.startswith((" ", "#")):
            k, v = line.split(":", 1)
            fm[k.strip()] = v.strip()
    return fm, text[end + 5:]


def page_restriction(rel, own=True):
    """The tier rank and role set (None: any) a page is restricted to, with its sections'
    (own=False: only the sections', for a file that is not a page). Where nobody names a
    tier, the axis default (registered) applies."""
    parts = Path(rel).parts
    chain = []
    for i in range(2, len(parts)):
        idx = Path(*parts[:i], "_index.md")
        if (ROOT / idx).exists():
            chain.append(str(idx))
    if own and not rel.endswith("_index.md"):
        chain.append(rel)
    tier, roles = None, None
    for f in chain:
        fm, _ = front_matter(f)
        if "tier" in fm:
            tier = max(tier or 0, TIERS.index(unquote(fm["tier"])))
        if "role" in fm:
            r = set(parse_list(fm["role"]))
            roles = r if roles is None else roles & r
    return (TIERS.index("registered") if tier is None else tier), roles


class Audience:
    """Who may see a material: a tier (this and above) and optionally a role set."""

    def __init__(self, tier, role=None):
        self.tier = TIERS.index(tier)
        self.roles = set(role) if role else None

    def may_use(self, tier_rank, roles):
        """Whether every audience that sees the material also sees something restricted to
        (tier_rank, roles) — the rule that keeps restricted text out of wider materials."""
        if self.tier < tier_rank:
            return False
        if roles is None:
            return True
        return self.roles is not None and self.roles <= set(roles)

    def keeps_block(self, cond):
        """Whether an `::: only COND` block's text may go into this material."""
        for token in cond.split():
            if "=" not in token:
                return False
            axis, values = token.split("=", 1)
            values = [v for v in values.split(",") if v]
            if axis == "tier":
                if not all(v in TIERS for v in values) or self.tier < min(TIERS.index(v) for v in values):
                    return False
            elif axis == "role":
                if self.roles is None or not self.roles <= set(values):
                    return False
            else:  # from=/until= and anything else: dated or unknown text stays out of a file
                return False
        return True


INLINE_RULES = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[\^[^\]]+\]"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\s*\{#[^}]*\}"), ""),
    (re.compile(r"\*\*([^*]+)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
]


def inline(text):
    for rx, rep in INLINE_RULES:
        text = rx.sub(rep, text)
    return re.sub(r"\s+", " ", text).strip()


def strip_only_blocks(lines, audience):
    out, stack, in_code = [], [], False
    for line in lines:
        s = line.lstrip(" ")
        if s.startswith("```"):
            in_code = not in_code
        if not in_code and s.startswith(":::") and len(line) - len(s) <= 3:
            rest = s[3:].strip()
            if rest.startswith("only"):
                stack.append(audience.keeps_block(rest[4:].strip()))
                continue
            if rest == "" and stack:
                stack.pop()
                continue
        if all(stack):
            out.append(line)
    return out


LIST_ITEM = re.compile(r"^(\s{0,3})([-*]|\d+\.)\s+(.*)$")


def md_blocks(text, audience):
    """Markdown as a list of blocks: ("h", level, text), ("p", text), ("ul"|"ol"|"check", items),
    ("table", header, rows), ("note", kind, text) for admonitions and footnotes. Code and
    images are left out."""
    lines = strip_only_blocks(text.replace("\r\n", "\n").split("\n"), audience)
    blocks, i, n = [], 0, len(lines)
    while i < n:
        line = lines[i]
        s = line.strip()
        if not s:
            i += 1
            continue
        if s.startswith("```"):
            i += 1
            while i < n and not lines[i].strip().startswith("```"):
                i += 1
            i += 1
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            blocks.append(("h", len(m.group(1)), inline(m.group(2))))
            i += 1
            continue
        if re.match(r"^\[\^[^\]]+\]:", s):
            body = [s.split(":", 1)[1]]
            i += 1
            while i < n and lines[i].startswith("    "):
                body.append(lines[i])
                i += 1
            blocks.append(("note", "note", inline(" ".join(body))))
            continue
        if re.match(r"^!\[[^\]]*\]\([^)]*\)$", s):
            i += 1
            continue
        if s.startswith("|"):
            rows = []
            while i < n and lines[i].strip().startswith("|"):
                cells = [inline(c) for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c.replace(" ", "")) for c in cells):
                    rows.append(cells)
                i += 1
            blocks.append(("table", rows[0], rows[1:]))
            continue
        if s.startswith(">"):
            body = []
            while i < n and lines[i].strip().startswith(">"):
                body.append(lines[i].strip()[1:].strip())
                i += 1
            kind = "note"
            if body and re.fullmatch(r"\[!\w+\]", body[0]):
                kind = body[0][2:-1].lower()
                body = body[1:]
            blocks.append(("note", kind, inline(" ".join(body))))
            continue
        m = LIST_ITEM.match(line)
        if m:
            ordered = m.group(2)[0].isdigit()
            items = []
            while i < n:
                m = LIST_ITEM.match(lines[i])
                if m:
                    items.append(m.group(3))
                elif lines[i].strip() and lines[i].startswith("  ") and items:
                    items[-1] += " " + lines[i].strip()
                elif not lines[i].strip() and i + 1 < n and LIST_ITEM.match(lines[i + 1]):
                    pass
                else:
                    break
                i += 1
            if all(it.startswith("[ ] ") or it.startswith("[x] ") for it in items):
                blocks.append(("check", [inline(it[4:]) for it in items]))
            else:
                blocks.append(("ol" if ordered else "ul", [inline(it) for it in items]))
            continue
        para = []
        while i < n and lines[i].strip() and not re.match(r"^(#{1,6}\s|\||>|```)", lines[i].strip()) \
                and not LIST_ITEM.match(lines[i]):
            para.append(lines[i])
            i += 1
        blocks.append(("p", inline(" ".join(para))))
    return blocks


def page_blocks(rel, audience):
    """A page's blocks for a material, refused when the page is more restricted than it."""
    tier, roles = page_restriction(rel)
    if not audience.may_use(tier, roles):
        raise GenError(f"{rel} is more restricted than a material that uses its text")
    _, body = front_matter(rel)
    return md_blocks(body, audience)


def section(blocks, title):
    """The blocks under the heading that starts with `title`, up to the next heading at its level."""
    for i, b in enumerate(blocks):
        if b[0] == "h" and b[2].startswith(title):
            out = []
            for c in blocks[i + 1:]:
                if c[0] == "h" and c[1] <= b[1]:
                    break
                out.append(c)
            return out
    raise GenError(f"no section {title!r}")


def intro(blocks):
    """The blocks before the first heading."""
    out = []
    for b in blocks:
        if b[0] == "h":
            break
        out.append(b)
    return out


def without_rows(blocks, *prefixes):
    out = []
    for b in blocks:
        if b[0] == "table":
            b = ("table", b[1], [r for r in b[2] if not r[0].startswith(prefixes)])
        out.append(b)
    return out


def load_categories():
    """The catalog's categories in kanava.yaml order, with a role restriction if any."""
    cats, in_cats, current = {}, False, None
    for line in read_text("kanava.yaml").split("\n"):
        if re.match(r"^  categories:\s*$", line):
            in_cats = True
            continue
        if in_cats:
            m = re.match(r"^    ([\w-]+):\s*$", line)
            if m:
                current = m.group(1)
                cats[current] = {"title": "", "role": None}
                continue
            m = re.match(r"^      (\w+):\s*(.*)$", line)
            if m and current:
                if m.group(1) == "role":
                    cats[current]["role"] = parse_list(m.group(2))
                elif m.group(1) == "title":
                    cats[current]["title"] = unquote(m.group(2))
                continue
            if line.strip() and not line.startswith("      "):
                break
    return cats


def load_product_yaml(rel):
    """The product list of one data file (the subset of YAML these files use)."""
    products, cur, key, block = [], None, None, None
    for raw in read_text(rel).split("\n"):
        if block is not None:
            if raw.startswith("    ") or not raw.strip():
                block.append(raw[4:])
                continue
            cur["description"] = "\n".join(block).strip("\n")
            block = None
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("- "):
            cur = {"specs": []}
            products.append(cur)
            raw = "  " + raw[2:]
        if raw.startswith("    ") and key == "specs":
            k, v = raw.strip().split(": ", 1)
            cur["specs"].append((k, unquote(v)))
            continue
        m = re.match(r"^  (\w+):\s*(.*)$", raw)
        if not m:
            raise GenError(f"{rel}: cannot read {raw!r}")
        key, v = m.group(1), m.group(2)
        if v == "|":
            block = []
        elif key == "specs":
            pass
        elif key == "prices":
            cur["prices"] = {a.split(":")[0].strip(): Decimal(a.split(":")[1].strip())
                             for a in v.strip("{} ").split(",")}
        elif key == "role":
            cur["role"] = parse_list(v)
        else:
            cur[key] = unquote(v)
    if block is not None:
        cur["description"] = "\n".join(block).strip("\n")
    return products


def load_product_csv(rel):
    text = read_text(rel)
    delim = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    products = []
    for row in csv.DictReader(text.splitlines(), delimiter=delim):
        p = {"specs": [], "prices": {}}
        for col, val in row.items():
            if val is None or val == "":
                continue
            if col.startswith("specs."):
                p["specs"].append((col[6:], val))
            elif col.startswith("prices."):
                p["prices"][col[7:]] = Decimal(val.replace(" ", "").replace(",", "."))
            elif col == "role":
                p["role"] = val.split("|")
            else:
                p[col] = val
        products.append(p)
    return products


def load_products():
    cats = load_categories()
    found = []
    for f in sorted((ROOT / "data/products").glob("*.yaml")):
        found += load_product_yaml(str(f.relative_to(ROOT)))
    found += load_product_csv("data/erp-export.csv")
    products = {}
    for cat in cats:  # catalog order: by category, then as in the files
        for p in found:
            if p["category"] == cat:
                p.setdefault("status", "active")
                p["roles_eff"] = p.get("role") or cats[cat]["role"]
                products[p["sku"]] = p
    if len(products) != len(found):
        raise GenError("a product has a category that is not in kanava.yaml")
    return cats, products


def spec(p, name):
    for k, v in p["specs"]:
        if k == name:
            return v
    raise GenError(f"{p['sku']} has no spec {name!r}")


def product_visible(p, audience):
    return audience.may_use(TIERS.index(p.get("tier", "registered")), p["roles_eff"])


# ---------------------------------------------------------------------------------------------
# Text: WinAnsi encoding and Helvetica metrics
# ---------------------------------------------------------------------------------------------

HELVETICA = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]
HELVETICA_BOLD = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
]
assert len(HELVETICA) == len(HELVETICA_BOLD) == 95
WIDTH_EXTRA = {"€": 556, "°": 400, "×": 584, "–": 556, "—": 1000, "’": 222, "‘": 222, "“": 333,
               "”": 333, "·": 278, "²": 333, "³": 333, "«": 556, "»": 556, "\xa0": 278, "•": 350,
               "Ø": 778, "ø": 611, "ß": 611, "…": 1000, "µ": 556, "½": 834}
SUBSTITUTE = {"−": "-", "✓": "•", "≥": ">=", "≤": "<=", "Ω": "ohm", "↔": "<->", "→": "->",
              "\u2009": " ", "\u202f": "\xa0", "\u2011": "-"}


FRENCH_SPACES = [(" ?", "\xa0?"), (" !", "\xa0!"), (" :", "\xa0:"), (" ;", "\xa0;"), ("« ", "«\xa0"),
                 (" »", "\xa0»")]


def plain(text):
    """Text as set: characters WinAnsi lacks replaced, and the space French puts before
    ? ! : ; and inside « » made non-breaking (no other language writes a space there)."""
    text = "".join(SUBSTITUTE.get(c, c) for c in text)
    for a, b in FRENCH_SPACES:
        text = text.replace(a, b)
    return text


def char_width(c, bold):
    o = ord(c)
    table = HELVETICA_BOLD if bold else HELVETICA
    if 32 <= o < 127:
        return table[o - 32]
    if c in WIDTH_EXTRA:
        return WIDTH_EXTRA[c]
    base = unicodedata.normalize("NFD", c)[0]
    if 32 <= ord(base) < 127:
        return table[ord(base) - 32]
    return 556


def text_width(text, size, bold=False, spacing=0.0):
    text = plain(text)
    return sum(char_width(c, bold) for c in text) * size / 1000 + spacing * len(text)


def pdf_string(text):
    """A PDF literal string in WinAnsiEncoding, ASCII-only (octal escapes)."""
    try:
        raw = plain(text).encode("cp1252")
    except UnicodeEncodeError as e:
        raise GenError(f"character not in WinAnsiEncoding: {text!r}") from e
    out = []
    for b in raw:
        if b in (0x28, 0x29, 0x5C):
            out.append("\\" + chr(b))
        elif 32 <= b < 127:
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return "(" + "".join(out) + ")"


def info_string(text):
    """A text string for the document information dictionary (UTF-16BE when not ASCII)."""
    if all(32 <= ord(c) < 127 for c in text):
        return pdf_string(text)
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def wrap(text, width, size, bold=False):
    words = plain(text).split(" ")
    lines, cur = [], ""
    for w in words:
        trial = w if not cur else cur + " " + w
        if text_width(trial, size, bold) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur or not lines:
        lines.append(cur)
    return lines


# ---------------------------------------------------------------------------------------------
# PDF: a small page-layout engine and a hand-written PDF 1.4 file
# ---------------------------------------------------------------------------------------------

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 50
CONTENT_W = PAGE_W - 2 * MARGIN
TOP, BOTTOM = PAGE_H - 82, 64
NIGHT_BLUE = (0.110, 0.271, 0.451)  # #1C4573
AURORA_GOLD = (0.949, 0.663, 0.0)  # #F2A900
BLACK = (0.13, 0.15, 0.17)
GREY = (0.42, 0.46, 0.50)
LIGHT = (0.890, 0.914, 0.937)  # #E3E9EF
PALE = (0.933, 0.953, 0.973)  # #EEF3F8
CREAM = (1.0, 0.965, 0.863)
WHITE = (1, 1, 1)

PAGE_OF = {"en": "Page {} of {}", "fi": "Sivu {} / {}", "it": "Pagina {} di {}", "fr": "Page {} sur {}"}


def num(x):
    s = ("%.3f" % x).rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def rgb(c, stroke=False):
    return " ".join(num(v) for v in c) + (" RG" if stroke else " rg")


def circle_path(cx, cy, r):
    k = 0.5523 * r
    return " ".join([
        f"{num(cx + r)} {num(cy)} m",
        f"{num(cx + r)} {num(cy + k)} {num(cx + k)} {num(cy + r)} {num(cx)} {num(cy + r)} c",
        f"{num(cx - k)} {num(cy + r)} {num(cx - r)} {num(cy + k)} {num(cx - r)} {num(cy)} c",
        f"{num(cx - r)} {num(cy - k)} {num(cx - k)} {num(cy - r)} {num(cx)} {num(cy - r)} c",
        f"{num(cx + k)} {num(cy - r)} {num(cx + r)} {num(cy - k)} {num(cx + r)} {num(cy)} c h",
    ])


def logo_ops(x, y, scale, negative=False):
    """The Kaamos Heat logo (content/marketing/img/kaamos-logo.svg) with its 360×120 box's
    lower-left corner at (x, y)."""
    def p(sx, sy):
        return x + sx * scale, y + (120 - sy) * scale

    ops = ["q", rgb(WHITE if negative else NIGHT_BLUE)]
    cx, cy = p(60, 60)
    ops.append(circle_path(cx, cy, 38 * scale) + " f")
    (x0, y0), (qx, qy), (x1, y1) = p(30, 72), p(60, 30), p(90, 72)
    c1 = (x0 + 2 / 3 * (qx - x0), y0 + 2 / 3 * (qy - y0))
    c2 = (x1 + 2 / 3 * (qx - x1), y1 + 2 / 3 * (qy - y1))
    ops += [rgb(AURORA_GOLD, stroke=True), f"{num(7 * scale)} w 1 J",
            f"{num(x0)} {num(y0)} m {num(c1[0])} {num(c1[1])} {num(c2[0])} {num(c2[1])} {num(x1)} {num(y1)} c S",
            rgb(AURORA_GOLD)]
    sx, sy = p(60, 48)
    ops.append(circle_path(sx, sy, 8 * scale) + " f")
    word = WHITE if negative else NIGHT_BLUE
    tx, ty = p(116, 66)
    ops.append(f"BT /F2 {num(40 * scale)} Tf {num(2 * scale)} Tc {rgb(word)} {num(tx)} {num(ty)} Td {pdf_string('KAAMOS')} Tj ET")
    tx, ty = p(118, 92)
    ops.append(f"BT /F1 {num(18 * scale)} Tf {num(9 * scale)} Tc {rgb(word)} {num(tx)} {num(ty)} Td {pdf_string('HEAT')} Tj ET")
    ops.append("Q")
    return ops


class Doc:
    def __init__(self, title, label, lang, footer=None, draft=None):
        self.title, self.label, self.lang = title, label, lang
        self.footer = footer or title
        self.draft = draft
        self.pages = []
        self.new_page()

    # -- pages and primitives ----------------------------------------------------------------

    def new_page(self, cover=False):
        self.ops = []
        self.pages.append({"ops": self.ops, "cover": cover})
        self.y = TOP

    def page_break(self):
        if self.ops or self.y != TOP:
            self.new_page()

    def ensure(self, h):
        if self.y - h < BOTTOM:
            self.new_page()

    def text(self, x, y, s, size=10, bold=False, color=BLACK, spacing=0.0):
        tc = f" {num(spacing)} Tc" if spacing else " 0 Tc"
        self.ops.append(f"BT /{'F2' if bold else 'F1'} {num(size)} Tf{tc} {rgb(color)} "
                        f"{num(x)} {num(y)} Td {pdf_string(s)} Tj ET")

    def rect(self, x, y, w, h, fill=None, stroke=None, lw=0.5):
        ops = []
        if fill:
            ops.append(rgb(fill))
        if stroke:
            ops.append(rgb(stroke, stroke=True) + f" {num(lw)} w")
        op = "B" if fill and stroke else ("f" if fill else "S")
        ops.append(f"{num(x)} {num(y)} {num(w)} {num(h)} re {op}")
        self.ops.append(" ".join(ops))

    def hline(self, x0, x1, y, color=LIGHT, lw=0.6):
        self.ops.append(f"{rgb(color, stroke=True)} {num(lw)} w 0 J {num(x0)} {num(y)} m {num(x1)} {num(y)} l S")

    # -- blocks ------------------------------------------------------------------------------

    def lines(self, lines, size=10, bold=False, color=BLACK, x=MARGIN, leading=None):
        leading = leading or size * 1.38
        for ln in lines:
            self.ensure(leading)
            self.y -= leading
            self.text(x, self.y + leading * 0.25, ln, size, bold, color)

    def h1(self, s, size=20):
        self.ensure(size * 1.6 + 40)
        for ln in wrap(s, CONTENT_W, size, True):
            self.y -= size * 1.25
            self.text(MARGIN, self.y, ln, size, True, NIGHT_BLUE)
        self.y -= 4
        self.ops.append(f"{rgb(AURORA_GOLD)} {MARGIN} {num(self.y - 4)} 48 3 re f")
        self.y -= 16

    def h2(self, s, size=13.5):
        self.ensure(size * 1.5 + 44)
        self.y -= 8
        for ln in wrap(s, CONTENT_W, size, True):
            self.y -= size * 1.3
            self.text(MARGIN, self.y, ln, size, True, NIGHT_BLUE)
        self.y -= 7

    def h3(self, s, size=11):
        self.ensure(size * 1.4 + 36)
        self.y -= 4
        self.y -= size * 1.35
        self.text(MARGIN, self.y, s, size, True, BLACK)
        self.y -= 4

    def para(self, s, size=10, bold=False, color=BLACK, indent=0):
        self.lines(wrap(s, CONTENT_W - indent, size, bold), size, bold, color, MARGIN + indent)
        self.y -= size * 0.6

    def lead(self, s):
        self.para(s, size=12, color=NIGHT_BLUE)

    def items(self, items, ordered=False, size=10):
        for i, it in enumerate(items, 1):
            marker = f"{i}." if ordered else "•"
            wrapped = wrap(it, CONTENT_W - 18, size)
            self.ensure(size * 1.38 * min(2, len(wrapped)))
            self.text(MARGIN + 2, self.y - size * 1.38 + size * 0.345, marker, size, ordered, NIGHT_BLUE)
            self.lines(wrapped, size, x=MARGIN + 18)
            self.y -= 2
        self.y -= size * 0.5

    def checklist(self, items, size=10):
        for it in items:
            wrapped = wrap(it, CONTENT_W - 22, size)
            self.ensure(size * 1.38 * min(2, len(wrapped)))
            top = self.y - size * 1.38 + size * 0.25
            self.rect(MARGIN + 2, top - 1, 9, 9, stroke=NIGHT_BLUE, lw=0.8)
            self.lines(wrapped, size, x=MARGIN + 22)
            self.y -= 3
        self.y -= size * 0.5

    def note(self, s, kind="note", size=9.5):
        fill = CREAM if kind in ("caution", "warning", "important") else PALE
        bar = AURORA_GOLD if kind in ("caution", "warning", "important") else NIGHT_BLUE
        label = {"caution": "Caution", "warning": "Warning", "important": "Important", "tip": "Tip",
                 "note": "Note"}.get(kind, "")
        label = LABELS.get(self.lang, {}).get(label, label)
        body = wrap(((label + ": ") if label else "") + s, CONTENT_W - 28, size)
        h = len(body) * size * 1.38 + 14
        self.ensure(h + 6)
        self.y -= 4
        self.rect(MARGIN, self.y - h, CONTENT_W, h, fill=fill)
        self.rect(MARGIN, self.y - h, 3.5, h, fill=bar)
        y = self.y - 7
        for ln in body:
            y -= size * 1.38
            self.text(MARGIN + 14, y + size * 0.3, ln, size)
        self.y -= h + 10

    @staticmethod
    def table_widths(header, rows, widths, size, pad=5):
        if widths is None:
            natural = [max(text_width(r[c], size, r is header) for r in [header] + rows) + 2 * pad + 1
                       for c in range(len(header))]
            return fit_widths(natural, CONTENT_W)
        return [w * CONTENT_W / sum(widths) for w in widths]

    def table_height(self, header, rows, widths=None, size=9, pad=5):
        widths = self.table_widths(header, rows, widths, size, pad)
        return sum(max(len(wrap(r[c], widths[c] - 2 * pad, size, r is header)) for c in range(len(header)))
                   * size * 1.3 + 2 * pad - 2 for r in [header] + rows) + 12

    def table(self, header, rows, widths=None, size=9, align=None, header_fill=LIGHT, bold_first=False):
        ncol = len(header)
        pad = 5
        widths = self.table_widths(header, rows, widths, size, pad)
        if align is None:
            align = ["r" if c > 0 and rows and all(NUMERIC.fullmatch(plain(r[c]).strip()) for r in rows) else "l"
                     for c in range(ncol)]
        lead = size * 1.3

        def cell_lines(row, bold):
            return [wrap(row[c], widths[c] - 2 * pad, size, bold) for c in range(ncol)]

        def draw(row, is_header):
            cl = cell_lines(row, is_header)
            h = max(len(c) for c in cl) * lead + 2 * pad - 2
            if self.y - h < BOTTOM:
                self.new_page()
                if not is_header:
                    draw(header, True)
            if is_header and header_fill:
                self.rect(MARGIN, self.y - h, sum(widths), h, fill=header_fill)
            x = MARGIN
            for c in range(ncol):
                bold = is_header or (bold_first and c == 0)
                y = self.y - pad + 1
                for ln in cl[c]:
                    y -= lead
                    tx = x + pad
                    if align[c] == "r":
                        tx = x + widths[c] - pad - text_width(ln, size, bold)
                    self.text(tx, y + lead * 0.28, ln, size, bold, NIGHT_BLUE if is_header else BLACK)
                x += widths[c]
            self.y -= h
            self.hline(MARGIN, MARGIN + sum(widths), self.y, color=LIGHT if not is_header else NIGHT_BLUE)

        self.ensure(lead * 4 + 20)
        draw(header, True)
        for r in rows:
            draw(r, False)
        self.y -= 12

    def blocks(self, blocks):
        for b in blocks:
            if b[0] == "h":
                (self.h2 if b[1] <= 2 else self.h3)(b[2])
            elif b[0] == "p":
                self.para(b[1])
            elif b[0] in ("ul", "ol"):
                self.items(b[1], ordered=b[0] == "ol")
            elif b[0] == "check":
                self.checklist(b[1])
            elif b[0] == "table":
                self.table(b[1], b[2])
            elif b[0] == "note":
                self.note(b[2], b[1])

    def specs(self, p, labels=None, lang="en"):
        labels = labels or {}
        self.table([LABELS.get(lang, {}).get("Specification", "Specification"),
                    LABELS.get(lang, {}).get("Value", "Value")],
                   [[labels.get(k, k), localise(v, lang)] for k, v in p["specs"]], widths=[0.48, 0.52],
                   align=["l", "l"])

    def cover(self, kicker, title, subtitle, height=300):
        """A cover band with the negative logo; call on an empty first page."""
        self.pages[-1]["cover"] = True
        top = PAGE_H
        self.rect(0, top - height, PAGE_W, height, fill=NIGHT_BLUE)
        self.rect(0, top - height - 5, PAGE_W, 5, fill=AURORA_GOLD)
        self.ops.extend(logo_ops(MARGIN, top - 110, 0.5, negative=True))
        y = top - 150
        self.text(MARGIN, y, kicker.upper(), 10, True, AURORA_GOLD, spacing=1.2)
        y -= 12
        for ln in wrap(title, CONTENT_W, 28, True):
            y -= 33
            self.text(MARGIN, y, ln, 28, True, WHITE)
        y -= 8
        for ln in wrap(subtitle, CONTENT_W, 12):
            y -= 17
            self.text(MARGIN, y, ln, 12, False, WHITE)
        self.y = top - height - 30

    def stamp_box(self, label, h=120):
        self.ensure(h + 30)
        self.y -= 10
        self.ops.append(f"[4 3] 0 d {rgb(GREY, stroke=True)} 0.8 w {MARGIN} {num(self.y - h)} {CONTENT_W} {h} re S [] 0 d")
        self.text(MARGIN + 12, self.y - 20, label, 9, False, GREY)
        self.y -= h + 14

    # -- output --------------------------------------------------------------------------------

    def render(self):
        total = len(self.pages)
        streams = []
        for i, page in enumerate(self.pages, 1):
            ops = []
            if not page["cover"]:
                ops.append(f"{rgb(NIGHT_BLUE)} 0 {PAGE_H - 46} {PAGE_W} 46 re f")
                ops.append(f"{rgb(AURORA_GOLD)} 0 {PAGE_H - 49} {PAGE_W} 3 re f")
                ops.append(f"BT /F2 11 Tf 1.6 Tc {rgb(WHITE)} {MARGIN} {PAGE_H - 29} Td {pdf_string('KAAMOS HEAT')} Tj ET")
                w = text_width(self.label, 9)
                ops.append(f"BT /F1 9 Tf 0 Tc {rgb(WHITE)} {num(PAGE_W - MARGIN - w)} {PAGE_H - 28} Td {pdf_string(self.label)} Tj ET")
            if self.draft:
                w = text_width(self.draft, 9, True)
                ops.append(f"{rgb(CREAM)} {num(PAGE_W - MARGIN - w - 12)} {PAGE_H - 74} {num(w + 12)} 17 re f")
                ops.append(f"BT /F2 9 Tf 0 Tc {rgb((0.55, 0.36, 0.0))} {num(PAGE_W - MARGIN - w - 6)} {PAGE_H - 69} Td {pdf_string(self.draft)} Tj ET")
            ops.extend(page["ops"])
            ops.append(f"{rgb(LIGHT, stroke=True)} 0.6 w {MARGIN} 44 m {PAGE_W - MARGIN} 44 l S")
            ops.append(f"BT /F1 8 Tf 0 Tc {rgb(GREY)} {MARGIN} 30 Td {pdf_string('Kaamos Heat Oy · ' + self.footer)} Tj ET")
            pg = PAGE_OF[self.lang].format(i, total)
            ops.append(f"BT /F1 8 Tf 0 Tc {rgb(GREY)} {num(PAGE_W - MARGIN - text_width(pg, 8))} 30 Td {pdf_string(pg)} Tj ET")
            streams.append("\n".join(ops).encode("ascii") + b"\n")
        return streams


NUMERIC = re.compile(r"[€+\-−]?\s?[\d\xa0 .,]+\s?(%|€|kW|l|kg|mm|W|V|A)?")


def fit_widths(natural, avail):
    total = sum(natural)
    if total <= avail:
        extra = avail - total
        return [w + extra * w / total for w in natural]
    share = avail / len(natural)
    widths = [min(w, share) for w in natural]
    rest = avail - sum(widths)
    need = [max(0.0, w - share) for w in natural]
    tn = sum(need)
    return [w + (rest * n / tn if tn else 0) for w, n in zip(widths, need)]


def pdf_file(doc, subject, keywords=""):
    """The bytes of a PDF 1.4 file: catalog, page tree, two standard Type1 fonts, an info
    dictionary (no dates, no ID), one content stream per page and a classic xref table."""
    streams = doc.render()
    objs = [
        f"<< /Type /Catalog /Pages 2 0 R /Lang {pdf_string(doc.lang)} /ViewerPreferences << /DisplayDocTitle true >> >>",
        None,  # the page tree, below
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        f"<< /Title {info_string(doc.title)} /Author (Kaamos Heat Oy) /Subject {info_string(subject)}"
        + (f" /Keywords {info_string(keywords)}" if keywords else "")
        + " /Creator (tools/make-materials.py) /Producer (kanava demo content) >>",
    ]
    kids = []
    for s in streams:
        z = zlib_deflate(s)
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream")
        content = len(objs)
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                    f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> /ProcSet [/PDF /Text] >> "
                    f"/Contents {content} 0 R >>")
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        body = o if isinstance(o, bytes) else o.encode("ascii")
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def verify_pdf(data):
    """Re-parses a PDF written by pdf_file: header, startxref, every xref offset, stream
    lengths, trailer and page tree. Returns the page count or raises GenError."""
    if not data.startswith(b"%PDF-1.4\n"):
        raise GenError("no %PDF-1.4 header")
    m = re.search(rb"startxref\n(\d+)\n%%EOF\n$", data)
    if not m:
        raise GenError("no startxref at the end")
    pos = int(m.group(1))
    if data[pos:pos + 5] != b"xref\n":
        raise GenError("startxref does not point at the xref table")
    hm = re.match(rb"xref\n0 (\d+)\n", data[pos:])
    count = int(hm.group(1))
    table = pos + hm.end()
    objects = {}
    for i in range(count):
        entry = data[table + 20 * i: table + 20 * (i + 1)]
        if not re.fullmatch(rb"\d{10} \d{5} [nf] \n", entry):
            raise GenError(f"xref entry {i} is malformed: {entry!r}")
        if entry[17:18] == b"n":
            off = int(entry[:10])
            om = re.match(rb"(\d+) 0 obj\n", data[off:off + 20])
            if not om or int(om.group(1)) != i:
                raise GenError(f"xref entry {i} points at offset {off}, which is not object {i}")
            end = data.index(b"\nendobj\n", off)
            objects[i] = data[off + om.end():end]
    tm = re.match(rb"trailer\n<< /Size (\d+) /Root (\d+) 0 R /Info (\d+) 0 R >>\n",
                  data[table + 20 * count:])
    if not tm or int(tm.group(1)) != count:
        raise GenError("trailer /Size does not match the xref table")
    for i, body in objects.items():
        sm = re.match(rb"<< /Length (\d+)( /Filter /FlateDecode)? >>\nstream\n", body)
        if sm:
            end = sm.end() + int(sm.group(1))
            if body[end:] != b"\nendstream":
                raise GenError(f"object {i}: /Length does not end at endstream")
            if sm.group(2):
                try:
                    zlib.decompress(body[sm.end():end])
                except zlib.error as e:
                    raise GenError(f"object {i}: the stream does not inflate: {e}") from e
    root = objects[int(tm.group(2))]
    pages_ref = re.search(rb"/Pages (\d+) 0 R", root)
    tree = objects[int(pages_ref.group(1))]
    kids = [int(k) for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[([^\]]*)\]", tree).group(1))]
    n = int(re.search(rb"/Count (\d+)", tree).group(1))
    if n != len(kids) or n == 0:
        raise GenError("page tree /Count does not match /Kids")
    for k in kids:
        if not objects[k].startswith(b"<< /Type /Page /Parent %d 0 R" % int(pages_ref.group(1))):
            raise GenError(f"kid {k} is not a page of the tree")
    return n


# ---------------------------------------------------------------------------------------------
# Languages: labels, numbers and prices
# ---------------------------------------------------------------------------------------------

LABELS = {
    "fi": {"Caution": "Huomio", "Warning": "Varoitus", "Important": "Tärkeää", "Tip": "Vinkki",
           "Note": "Huom.", "Specification": "Ominaisuus", "Value": "Arvo"},
    "it": {"Caution": "Attenzione", "Warning": "Avvertenza", "Important": "Importante",
           "Tip": "Suggerimento", "Note": "Nota", "Specification": "Caratteristica", "Value": "Valore"},
    "fr": {"Caution": "Attention", "Warning": "Avertissement", "Important": "Important",
           "Tip": "Conseil", "Note": "Remarque", "Specification": "Caractéristique", "Value": "Valeur"},
}

SPEC_LABELS = {
    "fi": {
        "Output (A7/W35)": "Lämmitysteho (A7/W35)",
        "SCOP (cold climate, 35 °C)": "SCOP (kylmä ilmasto, 35 °C)",
        "Max. flow temperature": "Suurin menoveden lämpötila",
        "Refrigerant": "Kylmäaine",
        "Sound power": "Äänitehotaso",
        "Power supply": "Sähköliitäntä",
        "Dimensions (W × H × D)": "Mitat (L × K × S)",
        "Weight": "Paino",
    },
    "it": {
        "Output (A7/W35)": "Potenza termica (A7/W35)",
        "SCOP (cold climate, 35 °C)": "SCOP (clima freddo, 35 °C)",
        "Max. flow temperature": "Temperatura di mandata max.",
        "Refrigerant": "Refrigerante",
        "Sound power": "Potenza sonora",
        "Power supply": "Alimentazione",
        "Dimensions (W × H × D)": "Dimensioni (L × A × P)",
        "Weight": "Peso",
        "Volume": "Capacità",
        "Heat pump coil": "Serpentino pompa di calore",
        "Solar coil": "Serpentino solare",
        "Immersion heater": "Resistenza elettrica",
        "Standing loss": "Dispersione termica",
        "Energy class": "Classe energetica",
        "Height × diameter": "Altezza × diametro",
        "Weight (empty)": "Peso (a vuoto)",
    },
    "fr": {
        "Nominal heating": "Puissance calorifique nominale",
        "Heating at −15 °C": "Puissance à −15 °C",
        "Nominal cooling": "Puissance frigorifique nominale",
        "SCOP (cold climate) / SEER": "SCOP (climat froid) / SEER",
        "Indoor sound pressure, quiet mode": "Pression sonore intérieure, mode silence",
        "Refrigerant": "Fluide frigorigène",
        "Max. pipe length / height": "Longueur / dénivelé max. des liaisons",
        "Power supply": "Alimentation",
    },
}


def localise(value, lang):
    """Decimal commas outside English ("0.6 kg" → "0,6 kg"); a comma-separated pair keeps its
    meaning by becoming " · " first."""
    if lang == "en":
        return value
    value = value.replace(", ", " · ")
    return re.sub(r"(?<=\d)\.(?=\d)", ",", value)


def eur(amount, lang="en"):
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    if lang == "it":
        return ".".join(groups) + "," + cents + "\xa0€"
    if lang in ("fi", "fr"):
        return "\xa0".join(groups) + "," + cents + "\xa0€"
    return "€" + "\xa0".join(groups) + "." + cents


# ---------------------------------------------------------------------------------------------
# Images: SVG text, and PNGs rasterised and deflated here (deterministic on every machine)
# ---------------------------------------------------------------------------------------------


def svg_logo(title, negative=False, mono=False):
    blue, gold, word = "#1c4573", "#f2a900", "#1c4573"
    back = ""
    if negative:
        back = '  <rect width="360" height="120" fill="#1c4573"/>\n'
        blue, word = "#ffffff", "#ffffff"
    if mono:
        gold = "#ffffff"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 120" width="360" height="120" role="img" aria-labelledby="t">\n'
        f'  <title id="t">{title}</title>\n'
        f"{back}"
        f'  <circle cx="60" cy="60" r="38" fill="{blue}"/>\n'
        f'  <path d="M30 72 Q60 30 90 72" fill="none" stroke="{gold}" stroke-width="7" stroke-linecap="round"/>\n'
        f'  <circle cx="60" cy="48" r="8" fill="{gold}"/>\n'
        f'  <text x="116" y="66" font-family="Helvetica, Arial, sans-serif" font-size="40" font-weight="bold" fill="{word}" letter-spacing="2">KAAMOS</text>\n'
        f'  <text x="118" y="92" font-family="Helvetica, Arial, sans-serif" font-size="18" fill="{word}" letter-spacing="9">HEAT</text>\n'
        "</svg>\n"
    ).encode("utf-8")


def hexcolour(h, a=255):
    return (int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16), a)


def seg_dist2(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    qx, qy = ax + t * dx - px, ay + t * dy - py
    return qx * qx + qy * qy


def quad_points(p0, q, p1, n=48):
    return [((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * q[0] + t * t * p1[0],
             (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * q[1] + t * t * p1[1]) for t in (i / n for i in range(n + 1))]


def inside(shape, x, y):
    kind = shape[0]
    if kind == "rect":
        _, x0, y0, x1, y1 = shape[:5]
        return x0 <= x < x1 and y0 <= y < y1
    if kind == "rrect":
        _, x0, y0, x1, y1, r = shape[:6]
        if not (x0 <= x < x1 and y0 <= y < y1):
            return False
        cx, cy = min(max(x, x0 + r), x1 - r), min(max(y, y0 + r), y1 - r)
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    if kind == "circle":
        _, cx, cy, r = shape[:4]
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    if kind == "ring":
        _, cx, cy, r, w = shape[:5]
        d = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
        return abs(d - r) <= w / 2
    if kind == "stroke":  # a polyline with round caps
        _, pts, w = shape[:3]
        r2 = (w / 2) ** 2
        return any(seg_dist2(x, y, *pts[i], *pts[i + 1]) <= r2 for i in range(len(pts) - 1))
    raise GenError(kind)


def bbox(shape):
    kind = shape[0]
    if kind in ("rect", "rrect"):
        return shape[1:5]
    if kind in ("circle", "ring"):
        _, cx, cy, r = shape[:4]
        r += shape[4] / 2 if kind == "ring" else 0
        return cx - r, cy - r, cx + r, cy + r
    _, pts, w = shape[:3]
    return (min(p[0] for p in pts) - w / 2, min(p[1] for p in pts) - w / 2,
            max(p[0] for p in pts) + w / 2, max(p[1] for p in pts) + w / 2)


def rasterise(width, height, shapes, background=(0, 0, 0, 0), ss=4):
    """Painter's algorithm over simple shapes, supersampled ss×ss where a pixel's corners
    differ. Returns rows of RGBA tuples."""
    boxes = [bbox(s) for s in shapes]

    def colour(x, y):
        c = background
        for s, (x0, y0, x1, y1) in zip(shapes, boxes):
            if x0 <= x <= x1 and y0 <= y <= y1 and inside(s, x, y):
                c = s[-1]
        return c

    corners = [[colour(x, y) for x in range(width + 1)] for y in range(height + 1)]
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            c = corners[y][x]
            if c == corners[y][x + 1] == corners[y + 1][x] == corners[y + 1][x + 1]:
                row.append(c)
                continue
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    r, g, b, a = colour(x + (sx + 0.5) / ss, y + (sy + 0.5) / ss)
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            a = acc[3]
            row.append((0, 0, 0, 0) if a == 0 else
                       tuple(int(v / a + 0.5) for v in acc[:3]) + (int(a / (ss * ss) + 0.5),))
        rows.append(row)
    return rows


class BitWriter:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def bits(self, value, count):
        self.acc |= value << self.n
        self.n += count
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8

    def code(self, code, length):  # Huffman codes go most significant bit first
        self.bits(int(format(code, f"0{length}b")[::-1], 2), length)

    def flush(self):
        if self.n:
            self.out.append(self.acc & 0xFF)
        self.acc = self.n = 0
        return bytes(self.out)


LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
            131, 163, 195, 227, 258]
LEN_EXTRA = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
             2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]


def fixed_literal(w, sym):
    if sym <= 143:
        w.code(0x30 + sym, 8)
    elif sym <= 255:
        w.code(0x190 + sym - 144, 9)
    elif sym <= 279:
        w.code(sym - 256, 7)
    else:
        w.code(0xC0 + sym - 280, 8)


def zlib_deflate(data):
    """A zlib stream with one fixed-Huffman deflate block and greedy LZ77 matching (the last 32
    places each 3-byte string occurred). Not as small as zlib's, but the same bytes on every
    machine, whatever zlib (or zlib-ng) is installed."""
    w = BitWriter()
    w.bits(1, 1)
    w.bits(1, 2)
    heads = {}
    i, n = 0, len(data)
    while i < n:
        best, dist = 0, 0
        for j in reversed(heads.get(data[i:i + 3], [])[-32:]):
            if i - j > 32768:
                break
            k = 3
            while k < 258 and i + k < n and data[j + k] == data[i + k]:
                k += 1
            if k > best:
                best, dist = k, i - j
                if k == 258:
                    break
        step = best if best >= 3 else 1
        if best >= 3:
            li = max(j for j, b in enumerate(LEN_BASE) if b <= best)
            fixed_literal(w, 257 + li)
            w.bits(best - LEN_BASE[li], LEN_EXTRA[li])
            di = max(j for j, b in enumerate(DIST_BASE) if b <= dist)
            w.code(di, 5)
            w.bits(dist - DIST_BASE[di], DIST_EXTRA[di])
        else:
            fixed_literal(w, data[i])
        for p in range(i, min(i + step, n - 2)):
            heads.setdefault(data[p:p + 3], []).append(p)
        i += step
    fixed_literal(w, 256)
    out = b"\x78\x01" + w.flush() + struct.pack(">I", zlib.adler32(data))
    if zlib.decompress(out) != data:
        raise GenError("the deflate encoder made a stream that does not inflate to its input")
    return out


def png_file(rows):
    """An indexed-colour PNG (with tRNS when anything is transparent)."""
    height, width = len(rows), len(rows[0])
    palette = {}
    for row in rows:
        for c in row:
            palette.setdefault(c, len(palette))
    if len(palette) > 256:
        raise GenError(f"{len(palette)} colours do not fit a palette")
    raw = bytearray()
    for row in rows:
        raw.append(0)
        raw += bytes(palette[c] for c in row)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    colours = list(palette)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0))
    out += chunk(b"PLTE", b"".join(bytes(c[:3]) for c in colours))
    alphas = bytes(c[3] for c in colours)
    if any(a != 255 for a in alphas):
        out += chunk(b"tRNS", alphas.rstrip(b"\xff"))
    out += chunk(b"tEXt", b"Software\x00tools/make-materials.py")
    out += chunk(b"IDAT", zlib_deflate(bytes(raw)))
    out += chunk(b"IEND", b"")
    return out


def verify_png(data):
    """Chunk CRCs, IHDR, and that the image data inflates to the declared size. Returns (w, h)."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise GenError("no PNG signature")
    pos, idat, dims, seen_end = 8, b"", None, False
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if crc != zlib.crc32(kind + body):
            raise GenError(f"bad CRC in {kind!r}")
        if kind == b"IHDR":
            dims = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            seen_end = True
        pos += 12 + length
    if not dims or not seen_end:
        raise GenError("IHDR or IEND missing")
    if len(zlib.decompress(idat)) != dims[1] * (dims[0] + 1):
        raise GenError("image data has the wrong size")
    return dims


def symbol_png():
    """The Kaamos symbol (circle, arc and sun of the logo), 256 px, transparent background."""
    s, c = 3.2, 128

    def p(x, y):
        return c + (x - 60) * s, c + (y - 60) * s

    blue, gold = hexcolour("#1c4573"), hexcolour("#f2a900")
    shapes = [("circle", *p(60, 60), 38 * s, blue),
              ("stroke", [p(*q) for q in quad_points((30, 72), (60, 30), (90, 72))], 7 * s, gold),
              ("circle", *p(60, 48), 8 * s, gold)]
    return png_file(rasterise(256, 256, shapes))


def outdoor_unit_png():
    """content/products/img/ilma.svg as a 480×360 picture (without its text)."""
    blue, grille = hexcolour("#1c4573"), hexcolour("#8597a8")
    shapes = [
        ("rect", 0, 300, 480, 360, hexcolour("#d7dee6")),
        ("rect", 80, 270, 96, 310, hexcolour("#5b6770")),
        ("rect", 384, 270, 400, 310, hexcolour("#5b6770")),
        ("rrect", 60, 262, 420, 274, 3, hexcolour("#5b6770")),
        ("rrect", 48, 58, 432, 266, 12, blue),
        ("rrect", 52, 62, 428, 262, 8, hexcolour("#fbfcfd")),
        ("circle", 165, 162, 83.5, blue),
        ("circle", 165, 162, 80.5, hexcolour("#e3e9ef")),
        ("ring", 165, 162, 66, 2, grille),
        ("ring", 165, 162, 50, 2, grille),
        ("ring", 165, 162, 34, 2, grille),
        ("stroke", [(83, 162), (247, 162)], 2, grille),
        ("stroke", [(165, 80), (165, 244)], 2, grille),
        ("circle", 165, 162, 10, blue),
        ("rrect", 279, 83, 407, 241, 7, grille),
        ("rrect", 281, 85, 405, 239, 5, hexcolour("#f3f6f9")),
        ("rect", 304, 110, 382, 124, blue),
        ("rect", 326, 138, 360, 146, blue),
        ("rrect", 300, 196, 386, 204, 2, grille),
        ("rrect", 300, 212, 386, 220, 2, grille),
    ]
    return png_file(rasterise(480, 360, shapes, background=hexcolour("#eef3f8"), ss=3))


# ---------------------------------------------------------------------------------------------
# Sidecars
# ---------------------------------------------------------------------------------------------

YAML_PLAIN = re.compile(r"^[A-Za-z0-9À-ÿ(][^#\n]*$")


def yaml_scalar(s):
    s = str(s)
    if YAML_PLAIN.match(s) and ": " not in s and not s.endswith(":") \
            and not re.fullmatch(r"[\d.:\- ]+|true|false|yes|no|null|on|off|~", s, re.I):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sidecar(m):
    lines = ["# Generated by tools/make-materials.py: edit the script and rerun it, not this file."]
    lines.append(f"title: {yaml_scalar(m['title'])}")
    lines.append(f"description: {yaml_scalar(m['description'])}")
    lines.append(f"kind: {m['kind']}")
    lines.append(f"language: {m['language']}")
    lines.append(f"products: [{', '.join(m.get('products', []))}]")
    if m.get("version"):
        lines.append(f'version: "{m["version"]}"')
    lines.append(f"updated: {m['updated']}")
    lines.append(f"tier: {m['tier']}")
    if m.get("role"):
        lines.append(f"role: [{', '.join(m['role'])}]")
    for k in ("status", "publish", "expires"):
        if m.get(k):
            lines.append(f"{k}: {m[k]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The materials
# ---------------------------------------------------------------------------------------------

MATERIALS = []


def material(path, **meta):
    """Registers a builder: fn(products, audience) → a Doc (made into a PDF) or bytes."""
    def register(fn):
        MATERIALS.append((path, meta, fn))
        return fn
    return register


def family(products, audience, category, statuses=("new", "active")):
    return [p for p in products.values() if p["category"] == category and p["status"] in statuses
            and product_visible(p, audience) and not p["sku"].startswith("BND-")]


def model_page(d, p, audience, heading=None):
    d.h1(heading or p["name"])
    d.lead(inline(p["summary"]))
    d.blocks(md_blocks(p.get("description", ""), audience))
    d.h2("Specifications")
    d.specs(p)


def models_table(d, ps, lang, labels):
    names = [k for k, _ in ps[0]["specs"]]
    rows = [[labels.get(k, k)] + [localise(spec(p, k), lang) for p in ps] for k in names]
    d.table([""] + [p["sku"] for p in ps], rows, widths=[1.5] + [1] * len(ps),
            align=["l"] + ["l"] * len(ps), bold_first=True)


# -- program (public) -------------------------------------------------------------------------

@material("content/program/files/become-a-partner-en.pdf",
          title="Become a Kaamos Heat partner",
          description="The partner program in brief for installers and wholesalers who are thinking of applying: "
                      "what we expect, what we offer, the partner levels and the application steps.",
          kind="brochure", language="en", version="2026.1", updated="2026-10-05", tier="public")
def become_partner_en(products, aud):
    idx = page_blocks("content/program/_index.md", aud)
    ov = page_blocks("content/program/overview.md", aud)
    ti = page_blocks("content/program/tiers.md", aud)
    ap = page_blocks("content/program/apply.md", aud)
    d = Doc("Become a Kaamos Heat partner", "Partner program 2026", "en")
    d.cover("Partner program 2026", "Become a Kaamos Heat partner",
            "For heating installers, HVAC contractors and wholesalers in Finland, Italy and France.")
    d.blocks([b for b in intro(idx) if b[0] == "p"][:2])
    d.h2("The first year")
    d.blocks(section(ov, "The first year"))
    d.page_break()
    d.h1("How the partnership works")
    for h in ("Who we look for", "What we expect from you", "What we commit to"):
        d.h2(h)
        d.blocks(section(ov, h))
    d.page_break()
    d.h1("Partner levels")
    d.blocks(intro(ti))
    d.h2("Requirements")
    d.blocks(section(ti, "Requirements"))
    d.h2("Benefits at a glance")
    d.blocks(section(ti, "Benefits at a glance"))
    d.page_break()
    d.h1("How to become a partner")
    d.blocks(intro(ap))
    for h in ("Before you apply", "The steps", "Credit limit for new partners"):
        d.h2(h)
        d.blocks(section(ap, h))
    return d


@material("content/program/files/become-a-partner-fr.pdf",
          title="Devenir partenaire Kaamos Heat",
          description="Le programme partenaires en deux pages pour les installateurs français : nos attentes, "
                      "ce que nous apportons, les niveaux de partenariat et la candidature.",
          kind="brochure", language="fr", version="2026.1", updated="2026-10-12", tier="public")
def become_partner_fr(products, aud):
    d = Doc("Devenir partenaire Kaamos Heat", "Programme partenaires 2026", "fr")
    d.cover("Programme partenaires 2026", "Devenez partenaire Kaamos Heat",
            "Pour les installateurs de chauffage, les entreprises de génie climatique et les grossistes "
            "en France, en Italie et en Finlande.", height=270)
    d.para("Kaamos Heat ne vend pas directement aux particuliers. Chaque pompe à chaleur fabriquée à Kuopio, "
           "en Finlande, arrive chez son propriétaire par l'intermédiaire d'un partenaire indépendant : un "
           "installateur, une entreprise de génie climatique, un grossiste ou une entreprise de rénovation "
           "énergétique. Le programme partenaires est l'accord qui fait fonctionner cette relation.")
    d.h2("Ce que nous attendons de vous")
    d.items(["Une installation certifiée : chaque pompe à chaleur est mise en service par un technicien "
             "titulaire d'une certification Kaamos (KCI) valide pour la gamme concernée.",
             "L'enregistrement de la garantie dans les 30 jours suivant la mise en service.",
             "Une présentation loyale des produits, avec une documentation à jour et le respect de la charte "
             "de marque.",
             "Un plan commercial annuel : un volume d'achat indicatif et quelques objectifs concrets."],
            ordered=True)
    d.h2("Ce que nous vous apportons")
    d.items(["Du stock à Kuopio, Vérone et Lyon : les articles en stock partent sous un jour ouvré.",
             "Des formations de certification gratuites à Kuopio, Vérone et Lyon, et des modules en ligne "
             "en français.",
             "Les demandes de devis des particuliers de votre secteur, transmises aux partenaires certifiés.",
             "Une hotline technique assurée par nos propres ingénieurs de service.",
             "Un responsable partenaire attitré qui connaît votre entreprise."])
    d.page_break()
    d.h1("Les niveaux de partenariat")
    d.table(["", "Registered", "Silver", "Gold"], [
        ["Contrat de revendeur signé et contrôle de solvabilité", "oui", "oui", "oui"],
        ["Techniciens certifiés (KCI)", "1", "2, dont un KCI-S", "4, dont deux KCI-S"],
        ["Achats annuels (montant net facturé)", "sans minimum", "à partir de 150 000 €", "à partir de 400 000 €"],
        ["Garanties enregistrées sous 30 jours", "—", "au moins 90 %", "au moins 95 %"],
        ["Délai d'intervention SAV", "—", "sous 3 jours ouvrés", "sous 48 heures, toute l'année"],
        ["Ancienneté comme partenaire", "—", "12 mois", "24 mois"],
    ], widths=[1.6, 0.8, 1, 1.1], align=["l", "l", "l", "l"], bold_first=True)
    d.para("Chaque partenaire commence au niveau Registered. Les niveaux sont revus une fois par an, en "
           "janvier, sur la base des chiffres de l'année précédente ; un partenaire qui remplit les conditions "
           "passe au niveau supérieur le 1er février.")
    d.h2("Comment devenir partenaire")
    d.para("Comptez environ trois semaines entre la candidature et la première commande : candidature en "
           "ligne (15 minutes), appel de votre responsable partenaire sous 3 jours ouvrés, contrôle de "
           "solvabilité, appel de deux références, puis signature électronique du contrat.")
    d.para("Munissez-vous de votre numéro SIRET et de votre numéro de TVA, des certificats de vos techniciens "
           "et de votre qualification RGE QualiPAC si vos clients demandent MaPrimeRénov'.")
    d.note("Les nouveaux partenaires démarrent avec un encours de 25 000 €, revu automatiquement après six "
           "mois de paiements à l'échéance. Vous pouvez aussi commander en paiement anticipé.", "tip")
    return d


@material("content/program/files/kaamos-heat-logo-mono.svg",
          title="Kaamos Heat logo, one-colour version",
          description="The Kaamos Heat logo in Night Blue only, for press, partner listings and single-colour print.",
          kind="logo", language="en", updated="2026-09-08", tier="public")
def logo_mono(products, aud):
    return svg_logo("Kaamos Heat logo, one-colour version (Night Blue)", mono=True)


# -- marketing (sales and marketing roles) ------------------------------------------------------

ILMA = ["HP-8", "HP-12", "HP-16"]


@material("content/marketing/files/ilma-brochure-en.pdf",
          title="Kaamos Ilma air-to-water brochure",
          description="Eight pages for homeowners: how the Ilma series heats, what each model suits, and why it is quiet.",
          kind="brochure", language="en", products=ILMA, version="2026.2", updated="2026-11-02",
          tier="registered", role=["sales", "marketing"])
def ilma_brochure_en(products, aud):
    atw = page_blocks("content/products/air-to-water.md", aud)
    hw = page_blocks("content/products/hot-water.md", aud)
    d = Doc("Kaamos Ilma air-to-water heat pumps", "Kaamos Ilma brochure 2026", "en")
    d.cover("Kaamos Ilma air-to-water heat pumps", "Warmth built for long winters",
            "HP-8 · HP-12 · HP-16: monobloc units with natural refrigerant R290 and flow temperatures up to 70 °C.")
    d.blocks([b for b in intro(atw) if b[0] == "p"])
    d.para("Designed and built in Kuopio, Finland, and tested to −30 °C in our own climate chambers.")
    d.page_break()
    d.h1("Why Kaamos Ilma")
    d.blocks(section(atw, "Selling points that work"))
    d.blocks([b for b in section(atw, "Models") if b[0] == "p"])
    d.page_break()
    d.h1("The models at a glance")
    d.blocks(without_rows(section(atw, "Models"), "List price"))
    for sku in ILMA:
        d.page_break()
        model_page(d, products[sku], aud)
    d.page_break()
    d.h1("A complete system")
    d.blocks(section(atw, "What to order with it"))
    d.h2("Hot water")
    d.blocks(intro(hw))
    d.blocks(section(hw, "Which size?"))
    d.page_break()
    d.h1("Ask a certified Kaamos Heat installer")
    d.para("Kaamos Heat sells only through certified installers. Yours surveys the house, sizes the heat pump, "
           "installs and commissions it, and services it every year. Register the installation within 30 days "
           "and the extended warranty is yours.")
    d.stamp_box("Your installer's stamp")
    d.note("Up to 70 % lower heating costs compared with an oil boiler. Savings depend on the house: your "
           "installer calculates them for yours.", "note")
    d.para("Kaamos Heat Oy · Kuopio, Finland · kaamosheat.example", size=9, color=GREY)
    return d


@material("content/marketing/files/ilma-brochure-fi.pdf",
          title="Kaamos Ilma -esite",
          description="Neljän sivun esite kotitalouksille: Ilma-sarjan edut, mallit ja tekniset tiedot.",
          kind="brochure", language="fi", products=ILMA, version="2026.2", updated="2026-11-02",
          tier="registered", role=["sales", "marketing"])
def ilma_brochure_fi(products, aud):
    d = Doc("Kaamos Ilma -ilma-vesilämpöpumput", "Kaamos Ilma -esite 2026", "fi")
    d.cover("Kaamos Ilma -ilma-vesilämpöpumput", "Lämpöä pitkiin talviin",
            "HP-8 · HP-12 · HP-16 – monoblokkilaitteet, luonnollinen kylmäaine R290, menovesi jopa 70 °C.")
    d.para("Kaamos Ilma -lämpöpumput suunnitellaan ja valmistetaan Kuopiossa, ja ne testataan −30 °C:n "
           "pakkasessa omissa ilmastokammioissamme. Koska menoveden lämpötila nousee 70 asteeseen, Ilma "
           "korvaa öljy- tai kaasukattilan ilman, että pattereita tarvitsee vaihtaa.")
    d.para("Tyypillinen kattilanvaihto vie kahden asentajan tiimiltä yhden päivän.")
    d.page_break()
    d.h1("Miksi Kaamos Ilma?")
    d.items(["Ei kylmäainetöitä työmaalla. R290-kylmäainepiiri suljetaan tehtaalla; asentaja tekee vain vesi- "
             "ja sähköliitännät.",
             "Hiljainen. HP-12:n äänitaso viiden metrin päässä on yötilassa 35 dB(A) – hiljaisempi kuin jääkaappi.",
             "Kestävä kylmäaine. R290:n lämmityspotentiaali (GWP) on 3, eikä EU:n F-kaasujen rajoitus koske sitä.",
             "Yksi ohjain koko sarjalle. CTRL-2-ohjain ja Kaamos Koti -sovellus toimivat kaikissa Ilma-malleissa."])
    d.h2("Sopiva malli taloosi")
    d.items(["HP-8: uudet ja remontoidut talot noin 120 m²:iin asti; 230 V:n yksivaiheliitäntä.",
             "HP-12: useimmat 120–180 m²:n omakotitalot; suosituin malli öljykattilan tilalle.",
             "HP-16: isommat talot ja pienet liikekiinteistöt; 400 V:n kolmivaiheliitäntä."])
    d.page_break()
    d.h1("Tekniset tiedot")
    models_table(d, [products[s] for s in ILMA], "fi", SPEC_LABELS["fi"])
    d.note("Lämmityskustannukset jopa 70 % pienemmät kuin öljykattilalla. Säästö lasketaan aina talosi omien "
           "tietojen perusteella.", "note")
    d.page_break()
    d.h1("Pyydä tarjous valtuutetulta Kaamos-asentajalta")
    d.para("Kaamos Heat myy lämpöpumppunsa vain sertifioitujen asennusliikkeiden kautta. Asentajasi kartoittaa "
           "talon, mitoittaa lämpöpumpun, asentaa ja ottaa sen käyttöön sekä huoltaa sen vuosittain. Kun laite "
           "rekisteröidään 30 päivän kuluessa, saat laajennetun takuun.")
    d.stamp_box("Jälleenmyyjän leima")
    d.para("Kaamos Heat Oy · Kuopio · kaamosheat.example", size=9, color=GREY)
    return d


@material("content/marketing/files/ilma-brochure-it.pdf",
          title="Brochure Kaamos Ilma (aria-acqua)",
          description="Quattro pagine per i proprietari di casa: i vantaggi della serie Ilma, i modelli e i dati tecnici.",
          kind="brochure", language="it", products=ILMA, version="2026.2", updated="2026-11-04",
          tier="registered", role=["sales", "marketing"])
def ilma_brochure_it(products, aud):
    d = Doc("Pompe di calore Kaamos Ilma (aria-acqua)", "Brochure Kaamos Ilma 2026", "it")
    d.cover("Pompe di calore Kaamos Ilma (aria-acqua)", "Calore pensato per i lunghi inverni",
            "HP-8 · HP-12 · HP-16 – monoblocco, refrigerante naturale R290, mandata fino a 70 °C.")
    d.para("Le pompe di calore Kaamos Ilma sono progettate e costruite a Kuopio, in Finlandia, e collaudate a "
           "−30 °C nelle nostre camere climatiche. Con una temperatura di mandata fino a 70 °C sostituiscono la "
           "caldaia a gas o a gasolio senza cambiare i radiatori.")
    d.para("Una sostituzione tipica richiede una giornata di lavoro per una squadra di due installatori.")
    d.page_break()
    d.h1("Perché Kaamos Ilma")
    d.items(["Nessun intervento sul circuito frigorifero in cantiere. Il circuito R290 è sigillato in fabbrica: "
             "l'installatore collega solo acqua ed elettricità.",
             "Silenziosa. A 5 metri di distanza la HP-12 in modalità notturna si ferma a 35 dB(A), meno di un "
             "frigorifero.",
             "Refrigerante naturale. L'R290 ha un GWP pari a 3 e non è soggetto alla riduzione graduale degli "
             "F-gas prevista dall'UE.",
             "Incentivi. L'installazione può rientrare nel Conto Termico o nell'Ecobonus: il vostro installatore "
             "prepara la scheda tecnica e le dichiarazioni necessarie."])
    d.h2("Il modello giusto per la vostra casa")
    d.items(["HP-8: case nuove o ristrutturate fino a circa 120 m²; alimentazione monofase 230 V.",
             "HP-12: la scelta standard per sostituire la caldaia, per case fino a 250 m² nel Nord Italia.",
             "HP-16: case più grandi e piccoli edifici commerciali; alimentazione trifase 400 V."])
    d.page_break()
    d.h1("Dati tecnici")
    models_table(d, [products[s] for s in ILMA], "it", SPEC_LABELS["it"])
    d.note("Fino al 70 % in meno di costi di riscaldamento rispetto a una caldaia a gasolio; il risparmio va "
           "sempre calcolato sui dati della vostra casa.", "note")
    d.page_break()
    d.h1("Chiedete un preventivo a un installatore Kaamos certificato")
    d.para("Kaamos Heat vende le sue pompe di calore solo tramite installatori certificati. Il vostro installatore "
           "esegue il sopralluogo, dimensiona l'impianto, installa e mette in funzione la pompa di calore e ne "
           "cura la manutenzione annuale. Registrando l'impianto entro 30 giorni ottenete la garanzia estesa.")
    d.stamp_box("Timbro dell'installatore")
    d.para("Kaamos Heat Oy · Kuopio, Finlandia · kaamosheat.example", size=9, color=GREY)
    return d


@material("content/marketing/files/gold-packages-brochure-en.pdf",
          title="Gold partner packages: boiler and ground-source replacement",
          description="The two Gold-only packages, HP-12 boiler replacement and GS-8 replacement, with contents, "
                      "package prices and key figures.",
          kind="brochure", language="en", products=["BND-HP12", "BND-GS8"], version="2026.2",
          updated="2026-11-09", tier="gold", role=["sales", "marketing"])
def gold_packages(products, aud):
    d = Doc("Gold partner packages", "Gold partner packages 2026", "en")
    for i, sku in enumerate(["BND-HP12", "BND-GS8"]):
        p = products[sku]
        if i:
            d.page_break()
        d.h1(p["name"])
        d.lead(inline(p["summary"]))
        d.blocks(md_blocks(p["description"], aud))
        parts = [products[s] for s in spec(p, "Contents").split(", ")]
        total = sum(q["prices"]["list"] for q in parts)
        rows = [[q["sku"], q["name"], eur(q["prices"]["list"])] for q in parts]
        rows += [["", "Sum of the parts at list price", eur(total)],
                 ["", "Package list price", eur(p["prices"]["list"])],
                 ["", "Your Gold price", eur(p["prices"]["gold"])]]
        d.h2("In the package")
        d.table(["Code", "Product", "List price"], rows, widths=[0.9, 3, 1.1], align=["l", "l", "r"])
        d.para(f"Order it with the code {sku} on one order line; it ships as one consignment.")
        d.h2("Key figures")
        d.table(["Specification", "Value"], [[k, v] for k, v in p["specs"] if k != "Contents"],
                widths=[0.48, 0.52], align=["l", "l"])
    return d


@material("content/marketing/files/winter-campaign-2026-kit-en.pdf",
          title="Winter campaign 2026 kit: sales briefing and schedule",
          description="The offer, the media schedule by country and a one-page sales briefing for the winter "
                      "campaign, 23 November 2026 to 15 January 2027.",
          kind="campaign-kit", language="en", products=["HP-12", "HP-16", "GS-6", "GS-8", "GS-12", "CTRL-2W"],
          version="2026.1", updated="2026-11-18", tier="registered", role=["sales", "marketing"],
          publish="2026-11-23", expires="2027-01-16")
def winter_kit(products, aud):
    w = page_blocks("content/marketing/winter-campaign-2026.md", aud)
    d = Doc("Winter campaign 2026", "Campaign kit · winter 2026", "en")
    d.cover("Campaign kit · 23 Nov 2026 – 15 Jan 2027", "Winter campaign 2026: warmth for the dark season",
            "Offer, schedule and sales briefing for Kaamos Heat partners in Finland, Italy and France.")
    d.blocks(intro(w))
    d.h2("The offer to homeowners")
    d.blocks(section(w, "The offer to homeowners"))
    d.page_break()
    d.h1("What runs when")
    d.blocks(section(w, "What runs when"))
    d.h2("How you take part")
    d.blocks(section(w, "How you take part"))
    d.page_break()
    d.h1("Sales briefing")
    d.h2("The typical customer")
    d.para("A homeowner with an oil or gas boiler of 15 years or more and a house of 120–250 m² with radiators, "
           "who wants to act before the coldest weeks. Many had a quote last year and postponed it.")
    d.h2("The three questions you will hear")
    d.items(["Do I have to change my radiators? Usually not: the HP-12 and HP-16 deliver flow temperatures up "
             "to 70 °C. Note the largest radiator and the flow temperature needed at the design outdoor "
             "temperature in the survey.",
             "What does the free controller do? The CTRL-2W Wi-Fi gateway lets the owner control the heating "
             "with the Kaamos Koti app and, with their consent, lets you see alarms before they call.",
             "What if the installation slips into January? It still qualifies when it is registered within "
             "30 days and commissioned by 31 January 2027."], ordered=True)
    d.note("Enter the campaign code WINTER26 on the order line: the free CTRL-2W is added to the order "
           "automatically.", "tip")
    return d


@material("content/marketing/files/addio-caldaia-2027-kit-it.pdf",
          title="Kit campagna «Addio caldaia» 2027",
          description="Il kit della campagna italiana dall'11 gennaio al 28 febbraio 2027: contenuto, date e "
                      "briefing commerciale per sostituire la caldaia a gas con una Kaamos Ilma.",
          kind="campaign-kit", language="it", products=["HP-8", "HP-12", "WT-200"], version="2027.1",
          updated="2026-11-26", tier="registered", role=["sales", "marketing"],
          publish="2026-12-07", expires="2027-03-01")
def addio_caldaia(products, aud):
    d = Doc("Addio caldaia 2027", "Kit campagna · Italia 2027", "it")
    d.cover("Kit campagna · 11 gennaio – 28 febbraio 2027", "Addio caldaia",
            "Sostituite la caldaia a gas con una pompa di calore Kaamos Ilma (aria-acqua).", height=270)
    d.para("Dall'11 gennaio al 28 febbraio 2027 Kaamos Heat sostiene in Italia la sostituzione delle caldaie a gas "
           "con le pompe di calore Kaamos Ilma HP-8 e HP-12, abbinate al bollitore WT-200. La campagna porta i "
           "proprietari di casa su «Trova un installatore» di kaamosheat.example; le richieste arrivano agli "
           "installatori certificati della zona.")
    d.h2("Cosa contiene il kit")
    d.items(["Modelli di annunci per la stampa locale e i social media.",
             "Immagini per Facebook e Instagram nei formati quadrato e verticale.",
             "La lettera per i clienti, verificata dal nostro ufficio legale poco prima dell'inizio della campagna.",
             "Una pagina di briefing per il vostro team commerciale."])
    d.h2("Date da ricordare")
    d.table(["Data", "Cosa"], [["7 dicembre 2026", "il kit è disponibile"],
                               ["14 dicembre 2026", "ultimo giorno per ordinare il materiale stampato co-brandizzato"],
                               ["11 gennaio 2027", "inizio della campagna"],
                               ["28 febbraio 2027", "fine della campagna"]], widths=[1, 3])
    d.page_break()
    d.h1("Briefing commerciale")
    d.h2("Il cliente tipo")
    d.para("Un proprietario di casa nel Nord Italia con una caldaia a gas di oltre 15 anni e una casa di "
           "120–250 m² con radiatori, che vuole ridurre la bolletta e sfruttare gli incentivi.")
    d.h2("Le tre domande più frequenti")
    d.items(["Devo cambiare i radiatori? Di solito no: la HP-12 raggiunge 70 °C di mandata. Verificate in "
             "sopralluogo il radiatore più grande e la temperatura necessaria a −7 °C.",
             "Posso accedere agli incentivi? L'impianto può rientrare nel Conto Termico o nell'Ecobonus; le regole "
             "cambiano spesso, quindi usate solo la lettera clienti di questo kit.",
             "E l'acqua calda? Il bollitore WT-200 in acciaio inox è adatto a famiglie fino a quattro persone; per "
             "due bagni proponete il WT-300."], ordered=True)
    d.note("Non riutilizzate la lettera dell'anno scorso: le regole degli incentivi cambiano spesso.", "important")
    return d


@material("content/marketing/files/coup-de-pouce-2027-kit-fr.pdf",
          title="Kit de campagne « Coup de pouce chauffage » 2027",
          description="Le kit de la campagne française du 1er février au 31 mars 2027 : contenu, dates et "
                      "briefing commercial pour remplacer une chaudière par une Kaamos Ilma.",
          kind="campaign-kit", language="fr", products=["HP-12", "HP-16"], version="2027.1", updated="2026-11-27",
          tier="registered", role=["sales", "marketing"], publish="2027-01-11", expires="2027-04-01")
def coup_de_pouce(products, aud):
    d = Doc("Coup de pouce chauffage 2027", "Kit de campagne · France 2027", "fr")
    d.cover("Kit de campagne · 1er février – 31 mars 2027", "Coup de pouce chauffage",
            "Remplacez la chaudière au fioul ou au gaz par une pompe à chaleur Kaamos Ilma (air/eau).", height=270)
    d.para("Du 1er février au 31 mars 2027, Kaamos Heat accompagne en France le remplacement des chaudières par "
           "les pompes à chaleur Kaamos Ilma HP-12 et HP-16. La campagne nationale dirige les particuliers vers "
           "« Trouver un installateur » sur kaamosheat.example ; les demandes sont transmises aux partenaires "
           "certifiés de leur secteur.")
    d.h2("Contenu du kit")
    d.items(["Modèles d'annonces pour la presse locale et les réseaux sociaux.",
             "Visuels pour Facebook et Instagram, formats carré et vertical.",
             "La lettre client, vérifiée par notre service juridique juste avant le début de la campagne.",
             "Une page de briefing pour votre équipe commerciale."])
    d.h2("Dates à retenir")
    d.table(["Date", "Quoi"], [["11 janvier 2027", "mise à disposition du kit"],
                               ["18 janvier 2027", "date limite de commande des imprimés co-marqués"],
                               ["1er février 2027", "début de la campagne"],
                               ["31 mars 2027", "fin de la campagne"]], widths=[1, 3])
    d.page_break()
    d.h1("Briefing commercial")
    d.h2("Le client type")
    d.para("Un propriétaire de maison individuelle de 100 à 200 m², chauffée au fioul ou au gaz par une chaudière "
           "de plus de 15 ans, qui souhaite bénéficier des aides à la rénovation énergétique.")
    d.h2("Les trois questions les plus fréquentes")
    d.items(["Faut-il changer les radiateurs ? En général non : la HP-12 et la HP-16 fournissent une eau de "
             "départ jusqu'à 70 °C. Vérifiez lors de la visite technique le plus grand radiateur et la "
             "température nécessaire à −10 °C.",
             "Quelles aides puis-je obtenir ? MaPrimeRénov' et les primes CEE, si l'installateur est qualifié "
             "RGE QualiPAC. Les montants changent souvent : utilisez uniquement la lettre client de ce kit.",
             "Mon installation électrique suffit-elle ? La HP-12 fonctionne en monophasé 230 V ; la HP-16 "
             "demande du triphasé 400 V."], ordered=True)
    d.note("Les dispositifs d'aide évoluent souvent : ne réutilisez pas la lettre client de l'an dernier.",
           "important")
    return d


@material("content/marketing/files/logo-pack-guide-en.pdf",
          title="Kaamos Heat logo pack: versions and rules",
          description="What is in the logo pack, which version to use where, the brand colours, clear space and "
                      "minimum size.",
          kind="logo", language="en", version="2026.1", updated="2026-09-08", tier="registered",
          role=["marketing"])
def logo_pack(products, aud):
    brand = page_blocks("content/marketing/brand.md", aud)
    assets = page_blocks("content/marketing/brand-assets.md", aud)
    d = Doc("Kaamos Heat logo pack", "Logo pack 2026", "en")
    d.h1("The Kaamos Heat logo pack")
    d.blocks(intro(assets))
    d.ops.extend(logo_ops(MARGIN, d.y - 100, 0.75))
    d.y -= 112
    d.h2("Files in the pack")
    d.table(["File", "Use"], [
        ["kaamos-logo.svg", "primary version, on white or light backgrounds"],
        ["kaamos-logo-negative.svg", "negative version, on Night Blue or dark photographs"],
        ["kaamos-heat-logo-mono.svg", "one-colour version (Night Blue) for single-colour print and engraving"],
        ["kaamos-symbol.png", "the symbol alone, 256 px, for app icons and social media avatars"],
        ["partner-badge.svg", "the Certified Partner badge, while at least one technician holds a valid KCI certificate"],
    ], widths=[1.3, 3])
    d.blocks([b for b in section(assets, "Logo") if b[0] == "p"])
    d.page_break()
    d.h1("Using the logo")
    d.blocks(section(brand, "The essentials"))
    d.h2("Colours")
    d.blocks(section(brand, "Colours"))
    return d


@material("content/marketing/files/kaamos-logo-negative.svg",
          title="Kaamos Heat logo, negative version",
          description="The Kaamos Heat logo in white and Aurora Gold on Night Blue, for dark backgrounds.",
          kind="logo", language="en", updated="2026-09-08", tier="registered", role=["marketing"])
def logo_negative(products, aud):
    return svg_logo("Kaamos Heat logo, negative version", negative=True)


@material("content/marketing/files/kaamos-symbol.png",
          title="Kaamos Heat symbol, 256 px",
          description="The arc-and-sun symbol of the Kaamos Heat logo as a 256 × 256 px PNG with a transparent "
                      "background, for app icons and social media avatars.",
          kind="logo", language="en", updated="2026-09-08", tier="registered", role=["marketing"])
def symbol(products, aud):
    return symbol_png()


# -- products (registered) -----------------------------------------------------------------------

@material("content/products/files/ilma-datasheet-en.pdf",
          title="Kaamos Ilma datasheet: HP-8, HP-12, HP-16 and HP-14",
          description="Specifications of every Ilma air-to-water model, a page each, with the HP-14 phase-out "
                      "and what to order with the units.",
          kind="datasheet", language="en", products=["HP-8", "HP-12", "HP-16", "HP-14"], version="2026.3",
          updated="2026-10-28", tier="registered")
def ilma_datasheet_en(products, aud):
    atw = page_blocks("content/products/air-to-water.md", aud)
    d = Doc("Kaamos Ilma datasheet", "Datasheet · Kaamos Ilma", "en")
    d.h1("Kaamos Ilma air-to-water heat pumps")
    d.blocks([b for b in intro(atw) if b[0] == "p"])
    d.blocks(without_rows(section(atw, "Models"), "List price"))
    d.h2("What to order with it")
    d.blocks(section(atw, "What to order with it"))
    for p in family(products, aud, "air-to-water"):
        d.page_break()
        model_page(d, p, aud)
    for p in family(products, aud, "air-to-water", ("eol",)):
        d.page_break()
        model_page(d, p, aud, heading=f"{p['name']} (phase-out, replaced by {p['replaced_by']})")
    return d


@material("content/products/files/ilma-datasheet-fi.pdf",
          title="Kaamos Ilma -tekninen esite",
          description="Ilma-sarjan HP-8, HP-12 ja HP-16 tekniset tiedot, mitoitus ja asennusvaatimukset.",
          kind="datasheet", language="fi", products=ILMA, version="2026.3", updated="2026-10-28",
          tier="registered")
def ilma_datasheet_fi(products, aud):
    d = Doc("Kaamos Ilma -tekninen esite", "Tekninen esite · Kaamos Ilma", "fi")
    d.h1("Kaamos Ilma HP-8, HP-12 ja HP-16")
    d.lead("Monoblokkirakenteiset ilma-vesilämpöpumput, luonnollinen kylmäaine R290 ja menovesi jopa 70 °C.")
    d.para("Kaikissa kolmessa mallissa on samat vesiliitännät (1\" ulkokierre) ja sama CTRL-2-ohjain, joten yksi "
           "koulutus kattaa koko sarjan.")
    models_table(d, [products[s] for s in ILMA], "fi", SPEC_LABELS["fi"])
    d.page_break()
    d.h1("Mitoitus ja asennus")
    d.items(["Sähköliitäntä: HP-8 ja HP-12 230 V 1~, HP-16 400 V 3~. Tarkista pääsulakkeen koko.",
             "Vesitilavuus aina avoimessa piirissä vähintään 40 l (HP-8), 60 l (HP-12) tai 80 l (HP-16); muuten "
             "lisää BUF-50-puskurivaraaja.",
             "Vähimmäisvirtaama 18 l/min (HP-8), 25 l/min (HP-12) ja 32 l/min (HP-16).",
             "Vapaa tila: takana 300 mm, huoltopuolella 300 mm, toisella sivulla 600 mm ja puhallussuunnassa "
             "1 000 mm."])
    d.note("R290 on syttyvä kylmäaine. Ulkoyksikön ympärillä on oltava 1 metrin turva-alue ilman viemäreitä, "
           "ikkuna-aukkoja ja ilmanottoja. Tarkista tämä kartoituksessa ennen kaupan tekoa.", "warning")
    d.h2("Tilaa samalla")
    d.para("Jokainen HP-laite tarvitsee CTRL-2-ohjaimen. Käyttövettä varten WT-200- tai WT-300-varaaja ja "
           "VLV-3-vaihtoventtiili. Asenna ulkoyksikkö STAND-G-jalustalle tai WALL-B-seinätelineeseen (vain HP-8 "
           "ja HP-12).")
    d.note("HP-14:n viimeinen tilauspäivä on 30.6.2027, ja sen seuraaja on HP-16 (400 V 3~). Jos käytössä on "
           "vain 230 V, HP-12 riittää useimpiin taloihin, joissa oli HP-14.", "note")
    return d


@material("content/products/files/maa-datasheet-en.pdf",
          title="Kaamos Maa datasheet: GS-6, GS-8 and GS-12",
          description="Specifications of the Maa ground-source models, collector sizing, and the GS-10 phase-out.",
          kind="datasheet", language="en", products=["GS-6", "GS-8", "GS-12", "GS-10"], version="2026.2",
          updated="2026-10-28", tier="registered")
def maa_datasheet(products, aud):
    gs = page_blocks("content/products/ground-source.md", aud)
    d = Doc("Kaamos Maa datasheet", "Datasheet · Kaamos Maa", "en")
    d.h1("Kaamos Maa ground-source heat pumps")
    d.blocks(intro(gs))
    d.blocks(without_rows(section(gs, "Models"), "List price"))
    for p in family(products, aud, "ground-source", ("eol",)):
        d.note(f"{p['sku']}: " + inline(p["summary"]).replace("Phase-out: ", "phase-out, ")
               + f" Replaced by the {p['replaced_by']}.", "important")
    for p in family(products, aud, "ground-source"):
        d.page_break()
        model_page(d, p, aud)
    return d


@material("content/products/files/tuuli-datasheet-fr.pdf",
          title="Fiche technique Kaamos Tuuli (air/air)",
          description="Caractéristiques des pompes à chaleur air/air AA-25, AA-35 et AA-50, installation et "
                      "documents pour les dossiers d'aide.",
          kind="datasheet", language="fr", products=["AA-25", "AA-35", "AA-50"], version="2026.1",
          updated="2026-10-28", tier="registered")
def tuuli_fr(products, aud):
    ps = family(products, aud, "air-to-air", ("active",))
    d = Doc("Fiche technique Kaamos Tuuli", "Fiche technique · Kaamos Tuuli", "fr")
    d.h1("Kaamos Tuuli (air/air) : AA-25, AA-35, AA-50")
    d.lead("Pompes à chaleur air/air split conçues pour les hivers nordiques : elles chauffent jusqu'à −30 °C "
           "et rafraîchissent en été.")
    d.para("En France et en Italie, les Tuuli se vendent autant pour le rafraîchissement estival que pour le "
           "chauffage. Les unités intérieures existent en blanc (-W) et en noir (-B) : commandez par exemple "
           "AA-35-W.")
    d.h2("Quel modèle ?")
    d.items(["AA-25 : résidences secondaires et petites pièces ouvertes.",
             "AA-35 : la première pompe à chaleur la plus courante dans les maisons chauffées à l'électricité ; "
             "elle remplace directement l'AA-32 (même support, mêmes raccords).",
             "AA-50 : grands espaces ouverts et rafraîchissement ; liaisons jusqu'à 25 m et 15 m de dénivelé."])
    d.page_break()
    d.h1("Caractéristiques techniques")
    models_table(d, ps, "fr", SPEC_LABELS["fr"])
    d.para("Valeurs mesurées selon EN 14511 et EN 14825 ; SCOP pour le climat froid.", size=9, color=GREY)
    d.page_break()
    d.h1("Installation et documents")
    d.items(["L'installation exige un technicien titulaire de l'attestation de capacité pour les fluides "
             "frigorigènes et de la certification Kaamos KCI-1.",
             "Prévoyez un support mural WALL-B ou un support au sol STAND-G.",
             "En dessous de −10 °C, ajoutez le câble chauffant HEAT-C pour l'évacuation des condensats.",
             "Au-delà des 5 m de liaison compris dans le prix d'installation standard, chiffrez la longueur "
             "supplémentaire."])
    d.h2("Connectivité")
    d.para("Toutes les unités Tuuli acceptent la passerelle Wi-Fi CTRL-2W : le client pilote son appareil avec "
           "l'application Kaamos Koti, et vous consultez le journal d'erreurs à distance avec son accord.")
    d.h2("Dossiers d'aide")
    d.para("Pour un dossier d'aide (primes CEE notamment), le client a besoin de la fiche technique officielle et "
           "du certificat de qualification RGE de l'installateur.")
    d.note("Ne recopiez pas les valeurs à la main : les dossiers dont les chiffres ne correspondent pas à la "
           "fiche technique officielle sont refusés.", "caution")
    return d


@material("content/products/files/wt-datasheet-it.pdf",
          title="Scheda tecnica bollitori Kaamos WT",
          description="Dati tecnici dei bollitori in acciaio inox WT-200, WT-300 e WT-300S per pompa di calore, "
                      "in una pagina.",
          kind="datasheet", language="it", products=["WT-200", "WT-300", "WT-300S"], version="2026.2",
          updated="2026-09-18", tier="registered")
def wt_it(products, aud):
    ps = family(products, aud, "hot-water")
    d = Doc("Scheda tecnica bollitori Kaamos WT", "Scheda tecnica · Kaamos WT", "it")
    d.h1("Bollitori Kaamos WT-200, WT-300, WT-300S")
    d.para("Bollitori in acciaio inox con serpentino di grande superficie, che trasferisce il calore anche a bassa "
           "temperatura di mandata. Il serbatoio in acciaio inox non richiede anodo sacrificale ed è garantito "
           "10 anni contro la corrosione.")
    models_table(d, ps, "it", SPEC_LABELS["it"])
    d.h2("Quale misura?")
    d.items(["WT-200: famiglie fino a quattro persone con un bagno.",
             "WT-300: famiglie più numerose, due bagni o vasca usata ogni giorno; abbinamento standard con la GS-12.",
             "WT-300S: con serpentino solare da 1,5 m² per impianti con collettori solari termici; novità di "
             "settembre 2026."])
    d.note("In Italia il WT-300S va proposto insieme alla pompa di calore: entrambi rientrano nella stessa "
           "pratica di incentivo.", "tip")
    return d


@material("content/products/files/controls-datasheet-en.pdf",
          title="Controls and sensors datasheet: CTRL-2, CTRL-2W, SEN-RT, SEN-OT",
          description="The CTRL-2 controller, the CTRL-2W Wi-Fi gateway and the room and outdoor sensors, with "
                      "what each connects to.",
          kind="datasheet", language="en", products=["CTRL-2", "CTRL-2W", "SEN-RT", "SEN-OT"],
          version="2026.1", updated="2026-11-02", tier="registered")
def controls(products, aud):
    d = Doc("Controls and sensors datasheet", "Datasheet · Controls", "en")
    ps = family(products, aud, "controls")
    for i, p in enumerate(ps):
        if i == 2:
            d.page_break()
        (d.h1 if i % 2 == 0 else d.h2)(p["name"])
        d.lead(inline(p["summary"]))
        d.para(inline(p.get("description", "")))
        d.specs(p)
    for p in family(products, aud, "controls", ("eol",)):
        d.note(f"{p['name']}: " + inline(p["summary"]), "note")
    return d


@material("content/products/files/ilma-outdoor-unit.png",
          title="Kaamos Ilma outdoor unit, front view",
          description="Drawing of a Kaamos Ilma monobloc outdoor unit on a ground stand, 480 × 360 px, for "
                      "quotes and web pages.",
          kind="image", language="en", products=ILMA, updated="2026-10-28", tier="registered")
def outdoor_unit(products, aud):
    return outdoor_unit_png()


# -- technical library (technical role) -------------------------------------------------------------

@material("content/technical/files/ilma-quick-install-guide-en.pdf",
          title="Kaamos Ilma quick installation guide",
          description="Site survey, clearances and the R290 safety zone, hydraulics, wiring and the pre-commissioning "
                      "checks for HP-8, HP-12 and HP-16, one step a page.",
          kind="manual", language="en", products=ILMA, version="2026.4", updated="2026-11-10",
          tier="registered", role=["technical"])
def install_en(products, aud):
    inst = page_blocks("content/technical/installation.md", aud)
    idx = page_blocks("content/technical/_index.md", aud)
    d = Doc("Kaamos Ilma quick installation guide", "Quick installation guide · Kaamos Ilma", "en")
    d.cover("Quick installation guide", "Kaamos Ilma HP-8, HP-12 and HP-16",
            "The short version for site work. The full installation manual is in the box with every unit.",
            height=260)
    d.blocks(intro(inst))
    d.h2("Safety first")
    d.blocks(section(idx, "Safety first"))
    steps = [b[2] for b in inst if b[0] == "h" and b[1] == 2]
    d.h2("Contents")
    d.items(steps)
    for h in steps:
        d.page_break()
        d.h1(h)
        d.blocks(section(inst, h))
    return d


@material("content/technical/files/ilma-quick-install-guide-it.pdf",
          title="Guida rapida di installazione Kaamos Ilma",
          description="Sopralluogo, distanze minime e zona di sicurezza R290, collegamento idraulico ed elettrico "
                      "delle unità HP-8, HP-12 e HP-16.",
          kind="manual", language="it", products=ILMA, version="2026.4", updated="2026-11-12",
          tier="registered", role=["technical"])
def install_it(products, aud):
    inst = page_blocks("content/technical/installation.md", aud)
    clear = {"Rear (to wall)": "Posteriore (verso il muro)", "Service side (right)": "Lato servizio (destro)",
             "Other side (left)": "Altro lato (sinistro)", "Front (fan outlet)": "Frontale (uscita ventilatore)",
             "Above (if covered)": "Sopra (se coperto)",
             "Above ground or expected snow depth": "Da terra o dal livello di neve previsto"}
    wiring = {"Supply": "Alimentazione", "Breaker (C-curve)": "Interruttore (curva C)",
              "Supply cable, min.": "Cavo di alimentazione, min.", "RCD": "Differenziale"}
    d = Doc("Guida rapida di installazione Kaamos Ilma", "Guida rapida · Kaamos Ilma", "it")
    d.h1("Guida rapida di installazione Kaamos Ilma")
    d.lead("Per le unità esterne HP-8, HP-12 e HP-16. Il manuale completo è nella confezione di ogni unità; "
           "questa è la versione breve per il cantiere.")
    d.h2("1. Sopralluogo")
    d.items(["Fabbisogno termico e terminali esistenti: per i radiatori annotate il più grande e la temperatura "
             "di mandata necessaria alla temperatura esterna di progetto (Nord Italia da −5 °C a −10 °C).",
             "Alimentazione elettrica: HP-8 e HP-12 230 V monofase; HP-16 400 V trifase.",
             "Contenuto d'acqua dell'impianto: almeno 40 l (HP-8), 60 l (HP-12), 80 l (HP-16) nel circuito sempre "
             "aperto; altrimenti aggiungete un accumulo BUF-50."])
    d.h2("2. Distanze minime")
    _, header, rows = section(inst, "2. Siting and clearances")[0]
    d.table(["Distanza", "Minimo"], [[clear[r[0]], localise(r[1], "it")] for r in rows], widths=[2, 1])
    d.note("Zona di sicurezza R290: entro 1 m dall'unità non devono esserci scarichi o pozzetti, aperture verso "
           "l'edificio (finestre, porte, prese d'aria, passaggi cavi) sotto la sommità dell'unità, né fonti di "
           "innesco. Se il sito non lo consente, non installate l'unità.", "caution")
    d.page_break()
    d.h2("3. Collegamento idraulico")
    d.items(["Lavate a fondo l'impianto esistente; sugli impianti con più di dieci anni montate un filtro "
             "magnetico sul ritorno.",
             "Collegate mandata e ritorno con i tubi flessibili KIT-FLEX (1\"), poi in rame da 28 mm o multistrato "
             "da 32 mm; isolate le tubazioni esterne con almeno 19 mm di isolante a celle chiuse.",
             "Montate il filtro FLT-28 sul ritorno, in un punto accessibile per la pulizia.",
             "Installate la valvola deviatrice VLV-3 vicino al bollitore: AB verso la mandata della pompa di "
             "calore, A al riscaldamento, B al serpentino del bollitore.",
             "Portata minima: 18 l/min (HP-8), 25 l/min (HP-12), 32 l/min (HP-16)."], ordered=True)
    d.h2("4. Collegamenti elettrici")
    table = [b for b in section(inst, "4. Electrical wiring") if b[0] == "table"][0]
    d.table(table[1], [[wiring[r[0]]] + [localise(c.replace("type A", "tipo A"), "it") for c in r[1:]]
                       for r in table[2]], widths=[1.6, 1, 1, 1], bold_first=True)
    d.items(["X4 – bus CTRL-2: doppino schermato (per es. LiYCY 2 × 0,5 mm²), massimo 50 m; schermo a terra solo "
             "lato unità esterna.",
             "X5 – sonda esterna SEN-OT sulla parete nord, lontano dal sole diretto, ad almeno 1,5 m da terra.",
             "Tenete il cavo bus ad almeno 100 mm dai cavi di potenza per tutta la sua lunghezza."])
    d.note("Gli interruttori differenziali di tipo AC non sono adatti alle pompe di calore inverter: sostituiteli "
           "con il tipo A.", "important")
    return d


@material("content/technical/files/commissioning-checklist-fi.pdf",
          title="Käyttöönoton tarkistuslista",
          description="Kaamos HP- ja GS-lämpöpumppujen käyttöönotto vaihe vaiheelta: asetukset, testit, "
                      "maalämmön keruupiiri ja luovutus asiakkaalle.",
          kind="manual", language="fi",
          products=["HP-8", "HP-12", "HP-16", "GS-6", "GS-8", "GS-12"], version="2026.2",
          updated="2026-10-26", tier="registered", role=["technical"])
def commissioning_fi(products, aud):
    d = Doc("Käyttöönoton tarkistuslista", "Käyttöönotto · HP ja GS", "fi")
    d.h1("Käyttöönoton tarkistuslista")
    d.lead("Kaamos HP- ja GS-lämpöpumput. Käyttöönotto tehdään Kaamos Service -sovelluksella, joka laatii "
           "takuuseen tarvittavan käyttöönottopöytäkirjan.")
    d.para("Varaa HP-laitteelle 60–90 minuuttia ja GS-laitteelle kaksi tuntia keruupiirin ilmaus mukaan lukien.")
    d.h2("1. Yhdistä")
    d.items(["Kytke syöttö päälle. CTRL-2 käynnistyy kielivalintaan.",
             "Avaa Kaamos Service -sovellus ja skannaa arvokilven QR-koodi tai syötä sarjanumero.",
             "Yhdistä CTRL-2:een Bluetoothilla (koodi: Valikko > Asentaja > Paritus)."], ordered=True)
    d.h2("2. Perusasetukset")
    d.table(["Asetus", "Tyypillinen arvo"], [
        ["Lämmityspiirin tyyppi", "patterit / lattialämmitys"],
        ["Mitoitusulkolämpötila", "−26 °C (Kuopio)"],
        ["Menovesi mitoituslämpötilassa", "55 °C patterit, 35 °C lattialämmitys"],
        ["Käyttöveden asetusarvo", "50 °C, legionellaohjelma viikoittain 65 °C"],
        ["Sähkövastus", "sallittu alle −20 °C (vain HP)"],
    ], widths=[1, 1.4])
    d.h2("3. Testit")
    d.items(["S11 – kiertovesipumppu: virtaaman on oltava mallin minimin yläpuolella (HP-12: 25 l/min).",
             "S12 – vaihtoventtiili vaihtaa käyttöveteen ja takaisin 90 sekunnissa.",
             "S13 – sähkövastuksen portaat ja kunkin portaan virta.",
             "S14 – kompressori vakionopeudella 10 minuuttia; meno- ja paluuveden ero 4–7 K."])
    d.page_break()
    d.h2("4. Vain maalämpöpumput")
    d.items(["Täytä keruupiiri täyttöasemalla, ei laitteen kautta. Jäätymispiste −15 °C (28 % etanolia tai "
             "30 % monopropyleeniglykolia).",
             "Ilmaa vähintään 30 minuuttia täyttöaseman käydessä ja aja sitten S15 kahdesti.",
             "Keruupiirin paine ilmauksen jälkeen 1,0–1,5 bar.",
             "Kirjaa porakaivon syvyys ja keruuputken pituus sovellukseen."])
    d.h2("5. Luovutus")
    d.checklist(["Käyttöönottopöytäkirja täytetty ja allekirjoitettu sovelluksessa.",
                 "Takuurekisteröinti lähetetty sovelluksesta (30 päivän kuluessa, mieluiten heti).",
                 "Käyttöohje ja energiamerkintä jätetty asiakkaalle.",
                 "Ensimmäisen vuosihuollon ajankohta sovittu."])
    d.note("Kun takuu rekisteröidään sovelluksessa luovutuksen yhteydessä, asiakas saa kompressorille seitsemän "
           "vuoden takuun viiden sijaan.", "tip")
    return d


@material("content/technical/files/service-manual-en.pdf",
          title="Service manual: annual service, service codes and error codes",
          description="The annual service routine, every CTRL-2 service code and the error codes with their first "
                      "checks, for service technicians.",
          kind="manual", language="en",
          products=["HP-8", "HP-12", "HP-16", "HP-14", "GS-6", "GS-8", "GS-12", "GS-10", "AA-25", "AA-35", "AA-50"],
          version="2.8", updated="2026-11-10", tier="silver", role=["technical"])
def service_manual(products, aud):
    svc = page_blocks("content/technical/service.md", aud)
    err = page_blocks("content/technical/error-codes.md", aud)
    d = Doc("Kaamos Heat service manual", "Service manual · CTRL-2 software 2.8", "en")
    d.h1("Annual service")
    d.blocks(intro(svc))
    d.blocks(section(svc, "Annual service routine"))
    d.h2("Software updates")
    d.blocks(section(svc, "Software updates"))
    d.page_break()
    d.h1("Service codes")
    d.blocks(section(svc, "Service codes"))
    d.page_break()
    d.h1("Error codes")
    d.blocks(intro(err))
    for h in ("Sensors and communication", "Water circuit", "Refrigerant circuit and compressor",
              "Ground-source units", "When to call the hotline"):
        d.h2(h)
        d.blocks(section(err, h))
    return d


# -- ordering: price sheets --------------------------------------------------------------------------

STATUS_WORD = {"en": {"new": "new", "eol": "end of life", "active": ""},
               "fi": {"new": "uutuus", "eol": "poistuva", "active": ""}}
CATEGORY_FI = {"air-to-water": "Ilma-vesilämpöpumput", "ground-source": "Maalämpöpumput",
               "air-to-air": "Ilmalämpöpumput", "hot-water": "Käyttövesivaraajat",
               "controls": "Ohjaus ja anturit", "accessories": "Asennustarvikkeet"}


def by_category(products, aud, categories=None):
    cats = {}
    for p in products.values():
        if product_visible(p, aud) and (categories is None or p["category"] in categories):
            cats.setdefault(p["category"], []).append(p)
    return cats


def price_rows(ps, column, lang="en", prices=None):
    rows = []
    for p in ps:
        listp, net = prices(p) if prices else (p["prices"]["list"], p["prices"].get(column))
        status = STATUS_WORD[lang][p["status"]]
        if p.get("replaced_by"):
            status += {"en": ", use ", "fi": ", tilalle "}[lang] + p["replaced_by"]
        row = [p["sku"], p["name"], status, eur(listp, lang)]
        if column:
            row += [eur(net, lang), f"−{((1 - net / listp) * 100).quantize(Decimal('1'))} %"]
        rows.append(row)
    return rows


def price_sheet(d, products, aud, column, categories_title, prices=None, lang="en", exclude=()):
    header = {"en": ["Code", "Product", "Status", "List price"], "fi": ["Koodi", "Tuote", "Tila", "Hinta"]}[lang]
    if column:
        header += [f"{column.title()} net", "Discount"]
    widths = [0.8, 2.9, 0.75, 0.95] + ([0.95, 0.7] if column else [])
    for cat, ps in by_category(products, aud).items():
        if cat in exclude:
            continue
        rows = price_rows(ps, column, lang, prices)
        d.ensure(min(d.table_height(header, rows, widths, 8.5), TOP - BOTTOM - 40) + 40)
        d.h3(categories_title(cat))
        d.table(header, rows, widths=widths, align=["l", "l", "l", "r", "r", "r"][:len(header)], size=8.5)


def terms_pages(d, aud):
    pt = page_blocks("content/ordering/price-terms.md", aud)
    d.page_break()
    d.h1("Price terms")
    d.blocks(intro(pt))
    for h in ("Discount groups", "Quarterly volume rebate", "Payment terms"):
        d.h2(h)
        d.blocks(section(pt, h))
    d.blocks([b for b in pt if b[0] == "note"][-1:])


@material("content/ordering/files/list-prices-2026-fi.pdf",
          title="Hinnasto 2026: suositushinnat",
          description="Kaikkien tuotteiden suositushinnat euroina ilman arvonlisäveroa, voimassa 31.1.2027 asti, "
                      "sekä Registered-kumppanin hinnoitteluehdot.",
          kind="price-sheet", language="fi", version="2026.3", updated="2026-11-02", tier="registered",
          expires="2027-02-01")
def list_prices_fi(products, aud):
    d = Doc("Hinnasto 2026", "Hinnasto 2026 · suositushinnat", "fi")
    d.h1("Hinnasto 2026: suositushinnat")
    d.para("Hinnat euroina ilman arvonlisäveroa. Voimassa 31.1.2027 asti.", color=GREY)
    price_sheet(d, products, aud, None, lambda c: CATEGORY_FI[c], lang="fi")
    d.page_break()
    d.h1("Hinnoitteluehdot")
    d.items(["Hinnat ovat suositushintoja euroina ilman arvonlisäveroa, ja ne ovat voimassa 31.1.2027 asti.",
             "Registered-kumppanin vakioalennus on 28 % listahinnasta kaikista tuotteista.",
             "Maksuehto 30 päivää netto; 1,5 %:n käteisalennus, kun lasku maksetaan 10 päivän kuluessa.",
             "Toimitus veloituksetta yli 1 500 euron nettotilauksille; pienemmistä tilauksista peritään 45 euron "
             "rahtimaksu.",
             "Vuoden 2027 hinnasto tulee voimaan 1.2.2027. Ennen sitä vahvistetut tilaukset laskutetaan vuoden "
             "2026 hinnoin toimituspäivästä riippumatta."])
    d.note("Omat nettohintasi näet extranetin tuoteluettelosta, kun olet kirjautunut sisään.", "tip")
    return d


def category_title(cats):
    return lambda c: cats[c]["title"]


@material("content/ordering/files/price-sheet-2026-silver-en.pdf",
          title="Silver price sheet 2026",
          description="List and Silver net prices of every product, valid until 31 January 2027, with the "
                      "discount groups, rebates and payment terms.",
          kind="price-sheet", language="en", version="2026.3", updated="2026-11-02", tier="silver",
          role=["sales"], expires="2027-02-01")
def silver_2026(products, aud):
    d = Doc("Silver price sheet 2026", "Price sheet 2026 · Silver", "en")
    d.h1("Silver price sheet 2026")
    d.para("Prices in euros excluding VAT, valid for orders confirmed until 31 January 2027. Confidential.",
           color=GREY)
    price_sheet(d, products, aud, "silver", category_title(load_categories()))
    terms_pages(d, aud)
    return d


@material("content/ordering/files/price-sheet-2026-gold-en.pdf",
          title="Gold price sheet 2026",
          description="List and Gold net prices of every product, including the Gold-only packages, valid until "
                      "31 January 2027, with rebates and payment terms.",
          kind="price-sheet", language="en", version="2026.3", updated="2026-11-02", tier="gold",
          expires="2027-02-01")
def gold_2026(products, aud):
    d = Doc("Gold price sheet 2026", "Price sheet 2026 · Gold", "en")
    d.h1("Gold price sheet 2026")
    d.para("Prices in euros excluding VAT, valid for orders confirmed until 31 January 2027. Confidential.",
           color=GREY)
    price_sheet(d, products, aud, "gold", category_title(load_categories()))
    terms_pages(d, aud)
    return d


@material("content/ordering/files/price-sheet-2027-silver-en.pdf",
          title="Silver price sheet 2027 (draft for review)",
          description="The 2027 list and Silver net prices that take effect on 1 February 2027, with the changes "
                      "by product family.",
          kind="price-sheet", language="en", version="2027.0-rc1", updated="2026-11-19", tier="silver",
          role=["sales"], status="review", publish="2027-02-01")
def silver_2027(products, aud):
    pl = page_blocks("content/ordering/price-list-2027.md", aud)
    changes = [b for b in section(pl, "Changes in brief") if b[0] == "table"][0][2]
    family_rows = {"air-to-water": "Air-to-water", "ground-source": "Ground-source", "air-to-air": "Air-to-air",
                   "hot-water": "Hot-water", "controls": "Controls", "accessories": "Controls"}

    def factor(p):
        row = next(r for r in changes if r[0].startswith(family_rows[p["category"]]))
        for sku, pct in re.findall(r"([A-Z][A-Z0-9-]+) ([+−-]\d+(?:\.\d+)?) %", row[2]):
            if sku == p["sku"]:
                return 1 + Decimal(pct.replace("−", "-")) / 100
        m = re.match(r"([+−-]\d+(?:\.\d+)?) %", row[1])
        return 1 + Decimal(m.group(1).replace("−", "-")) / 100 if m else Decimal(1)

    def prices(p):
        new_list = (p["prices"]["list"] * factor(p)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        ratio = p["prices"]["silver"] / p["prices"]["list"]
        return new_list, (new_list * ratio).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    d = Doc("Silver price sheet 2027", "Price sheet 2027 · Silver", "en", draft="DRAFT FOR REVIEW")
    d.h1("Silver price sheet 2027")
    d.para("Prices in euros excluding VAT, for orders confirmed from 1 February 2027. Confidential.", color=GREY)
    d.blocks(intro(pl))
    price_sheet(d, products, aud, "silver", category_title(load_categories()), prices=prices)
    d.page_break()
    d.h1("Changes in brief")
    d.blocks(section(pl, "Changes in brief"))
    return d


@material("content/ordering/files/spare-parts-prices-2026-en.pdf",
          title="Spare parts price sheet 2026",
          description="List and net prices of Kaamos spare parts (discount group C), valid until 31 January 2027, "
                      "with the recommended van stock.",
          kind="price-sheet", language="en", version="2026.2", updated="2026-11-10", tier="silver",
          role=["technical"], expires="2027-02-01")
def spare_parts(products, aud):
    svc = page_blocks("content/technical/service.md", aud)
    d = Doc("Spare parts price sheet 2026", "Price sheet 2026 · Spare parts", "en")
    d.h1("Spare parts price sheet 2026")
    d.para("Prices in euros excluding VAT, valid for orders confirmed until 31 January 2027. Spare parts are "
           "discount group C: 20 % for Silver and Gold partners, and earn no rebates.", color=GREY)
    rows = [[p["sku"], p["name"], spec(p, "Fits") if any(k == "Fits" for k, _ in p["specs"]) else "",
             eur(p["prices"]["list"]), eur(p["prices"]["silver"])]
            for p in by_category(products, aud, ["spare-parts"]).get("spare-parts", [])]
    d.table(["Code", "Part", "Fits", "List price", "Net price"], rows, widths=[1, 2.3, 1.6, 0.85, 0.85],
            align=["l", "l", "l", "r", "r"], size=8.5)
    d.h2("Ordering spare parts")
    d.blocks(section(svc, "Spare parts"))
    return d


# ---------------------------------------------------------------------------------------------
# Checks, output and the command line
# ---------------------------------------------------------------------------------------------


def check_meta(path, meta, products):
    problems = []
    if not path.startswith("content/") or ".." in path:
        problems.append("not under content/")
    if meta["kind"] not in KINDS:
        problems.append(f"unknown kind {meta['kind']}")
    if meta["language"] not in LANGUAGES:
        problems.append(f"unknown language {meta['language']}")
    if meta["tier"] not in TIERS:
        problems.append(f"unknown tier {meta['tier']}")
    if not set(meta.get("role") or []) <= set(ROLES):
        problems.append(f"unknown role in {meta['role']}")
    if meta.get("status", "published") not in ("draft", "review", "published"):
        problems.append(f"unknown status {meta['status']}")
    dates = {k: meta[k] for k in ("updated", "publish", "expires") if meta.get(k)}
    for k, v in dates.items():
        if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", v):
            problems.append(f"{k}: {v} is not a date")
    if "publish" in dates and "expires" in dates and dates["publish"] >= dates["expires"]:
        problems.append("expires before it is published")
    aud = Audience(meta["tier"], meta.get("role"))
    for sku in meta.get("products", []):
        if sku not in products:
            problems.append(f"unknown SKU {sku}")
        elif not product_visible(products[sku], aud):
            problems.append(f"{sku} is more restricted than the material")
    tier, roles = page_restriction(path, own=False)
    if aud.tier < tier:
        problems.append(f"tier {meta['tier']} widens its section's {TIERS[tier]}")
    if roles is not None and (aud.roles is None or not aud.roles <= roles):
        problems.append(f"role {meta.get('role')} widens its section's {sorted(roles)}")
    if problems:
        raise GenError(f"{path}: " + "; ".join(problems))


def build_all():
    _, products = load_products()
    outputs, listing = {}, []
    for path, meta, fn in MATERIALS:
        check_meta(path, meta, products)
        result = fn(products, Audience(meta["tier"], meta.get("role")))
        if isinstance(result, Doc):
            result = pdf_file(result, meta["description"], ", ".join(meta.get("products", [])))
        if path.endswith(".pdf"):
            shape = f"{verify_pdf(result)} pages"
        elif path.endswith(".png"):
            shape = "%d×%d px" % verify_png(result)
        else:
            shape = "SVG"
        outputs[path] = result
        outputs[path + ".yaml"] = sidecar(meta)
        dates = " ".join(f"{k} {meta[k]}" for k in ("status", "publish", "expires") if meta.get(k))
        audience = meta["tier"] + (" / " + ",".join(meta["role"]) if meta.get("role") else "")
        listing.append((path, meta["kind"], meta["language"], audience, dates, shape, len(result)))
    if len(outputs) != 2 * len(MATERIALS):
        raise GenError("two materials have the same path")
    return outputs, listing


def read_manifest():
    if not MANIFEST.exists():
        return []
    return [ln for ln in MANIFEST.read_text(encoding="utf-8").split("\n") if ln and not ln.startswith("#")]


def manifest_text(paths):
    return ("# Files written by tools/make-materials.py (it overwrites and deletes only these).\n"
            + "".join(p + "\n" for p in sorted(paths))).encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything would change")
    ap.add_argument("--list", action="store_true", help="print the materials and write nothing")
    ap.add_argument("--verify", action="store_true", help="re-parse every generated file and write nothing")
    ap.add_argument("--force", action="store_true", help="overwrite existing files that are not in the manifest")
    args = ap.parse_args()
    try:
        outputs, listing = build_all()
    except GenError as e:
        print(f"make-materials: {e}", file=sys.stderr)
        return 2
    if args.list or args.verify:
        for path, kind, lang, audience, dates, shape, size in listing:
            print(f"{path:58} {kind:11} {lang:2}  {audience:26} {shape:12} {size:6} B  {dates}")
        if args.verify:
            print(f"make-materials: {len(listing)} materials re-parsed: PDF xref tables, page trees and "
                  f"PNG chunks are valid")
        return 0
    old = read_manifest()
    stale = [p for p in old if p not in outputs and (ROOT / p).is_file()]
    changed = [p for p, data in outputs.items()
               if not (ROOT / p).is_file() or (ROOT / p).read_bytes() != data]
    manifest_changed = not MANIFEST.exists() or MANIFEST.read_bytes() != manifest_text(outputs)
    if args.check:
        for p in changed:
            print(f"differs: {p}")
        for p in stale:
            print(f"stale: {p}")
        if manifest_changed:
            print(f"differs: {MANIFEST.relative_to(ROOT)}")
        return 1 if changed or stale or manifest_changed else 0
    foreign = [p for p in changed if (ROOT / p).exists() and p not in old]
    if foreign and not args.force:
        for p in foreign:
            print(f"make-materials: {p} exists and was not written by this script; not overwriting it "
                  f"(rename the material, or use --force)", file=sys.stderr)
        return 2
    for p in changed:
        (ROOT / p).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / p).write_bytes(outputs[p])
    for p in stale:
        (ROOT / p).unlink()
    if manifest_changed:
        MANIFEST.write_bytes(manifest_text(outputs))
    print(f"make-materials: {len(listing)} materials, {len(changed)} files written, {len(stale)} stale files "
          f"deleted, {len(outputs) - len(changed)} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
