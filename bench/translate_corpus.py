#!/usr/bin/env python3
"""Turns a generated corpus (gen_corpus.py --format kanava) into a two-language site for
issue 18's figures: `languages: [en, LANG]` in kanava.yaml and, for a share of the pages
(all by default), a translation `x.LANG.md` beside `x.md` -- the same front matter (minus
`weight` and `slug`, which a translation may not set) and body, with every fourth word
"translated" (suffixed), so the language's search index differs from the default's.

Deterministic: the same corpus and arguments give the same files.

    python3 bench/translate_corpus.py corpus-10k --language fi --share 1.0
"""

import argparse
import pathlib
import re


def translate(text: str, lang: str) -> str:
    """Suffixes every fourth plain word; `::: only` fence lines stay as they are."""
    lines = []
    for line in text.split("\n"):
        if line.lstrip().startswith(":::"):
            lines.append(line)
            continue
        out = []
        for i, word in enumerate(re.split(r"(\s+)", line)):
            if i % 8 == 0 and word.isalpha():
                word = f"{word}{lang}"
            out.append(word)
        lines.append("".join(out))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--language", default="fi")
    ap.add_argument("--share", type=float, default=1.0, help="share of pages translated (0..1)")
    args = ap.parse_args()
    root = pathlib.Path(args.corpus)
    config = root / "kanava.yaml"
    text = config.read_text()
    text = re.sub(r"^languages:.*\n", "", text, flags=re.M)
    config.write_text(f"languages: [en, {args.language}]\n" + text)
    pages = sorted(
        p for p in (root / "content").rglob("*.md") if p.name.count(".") == 1
    )
    step = 0.0
    written = 0
    for page in pages:
        step += args.share
        if step < 1.0:
            continue
        step -= 1.0
        source = page.read_text()
        _, fm, body = source.split("---\n", 2)
        fm = "".join(
            line + "\n"
            for line in fm.splitlines()
            if not line.startswith(("weight:", "slug:"))
        )
        fm = re.sub(r"^title: (.*)$", lambda m: f"title: {translate(m.group(1), args.language)}", fm, flags=re.M)
        target = page.with_name(page.stem + f".{args.language}.md")
        target.write_text(f"---\n{fm}---\n{translate(body, args.language)}")
        written += 1
    print(f"{written} of {len(pages)} pages translated into {args.language}")


if __name__ == "__main__":
    main()
