#!/usr/bin/env python3
"""Helper for bench/run.sh: records one measurement, and renders the results table.

    report.py record RESULTS.jsonl --size N --key KEY --tool TOOL --label TEXT --cmd TEXT
                     --json HYPERFINE.json --rss RSS.txt --stderr STDERR.txt
                     [--out DIR] [--pages-html DIR]
    report.py render RESULTS.jsonl META.json     # markdown on stdout

`record` reads hyperfine's --export-json (median wall time, mean user and system CPU),
the peak RSS that `/usr/bin/time -f %M -a -o RSS.txt` appended once per run (KiB; the
largest is reported), kanava's summary line on stderr for the page count ("built N pages"
/ "N pages in M views checked"), or the number of .html files under --pages-html for Hugo,
and `du -sb` of --out.
"""

import json
import os
import re
import subprocess
import sys


def du_bytes(path):
    if not path or not os.path.isdir(path):
        return None
    out = subprocess.run(["du", "-sb", path], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0])


def count_html(path):
    n = 0
    for _dir, _subdirs, files in os.walk(path):
        n += sum(1 for f in files if f.endswith(".html"))
    return n


def kanava_pages(stderr_text):
    m = re.search(r"built (\d+) pages?\b", stderr_text)
    if m:
        return int(m.group(1))
    m = re.search(r"\((\d+) pages? in \d+ views? checked", stderr_text)
    if m:
        return int(m.group(1))
    return None


def record(argv):
    import argparse

    ap = argparse.ArgumentParser(prog="report.py record")
    ap.add_argument("results")
    for k in ("size", "key", "tool", "label", "cmd", "json", "rss", "stderr"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--out")
    ap.add_argument("--pages-html")
    a = ap.parse_args(argv)

    with open(a.json) as f:
        h = json.load(f)["results"][0]
    with open(a.rss) as f:
        rss = [int(x) for x in f.read().split() if x.strip().isdigit()]
    with open(a.stderr, errors="replace") as f:
        err = f.read()
    up_to_date = "is up to date" in err
    if a.pages_html:
        pages = count_html(a.pages_html)
    elif up_to_date:
        pages = 0  # nothing rebuilt: kanava's no-change stamp matched
    else:
        pages = kanava_pages(err)
    warnings = None
    m = re.search(r"(\d+) warnings?", err)
    if m:
        warnings = int(m.group(1))
    row = {
        "size": int(a.size),
        "key": a.key,
        "tool": a.tool,
        "label": a.label,
        "cmd": a.cmd,
        "runs": len(h["times"]),
        "median_s": h["median"],
        "min_s": h["min"],
        "max_s": h["max"],
        "cpu_s": h["user"] + h["system"],
        "user_s": h["user"],
        "sys_s": h["system"],
        "peak_rss_kib": max(rss) if rss else None,
        "pages": pages,
        "out_bytes": du_bytes(a.out),
        "warnings": warnings,
        "up_to_date": up_to_date,
        "summary": err.strip().splitlines()[-1] if err.strip() else "",
    }
    with open(a.results, "a") as f:
        f.write(json.dumps(row) + "\n")


def fmt_s(x):
    if x is None:
        return "–"
    return "%.2f" % x if x < 100 else "%.0f" % x


def fmt_mib(kib=None, b=None):
    if kib is not None:
        return "%.0f" % (kib / 1024)
    if b is not None:
        return "%.1f" % (b / 2**20) if b < 100 * 2**20 else "%.0f" % (b / 2**20)
    return "–"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def render(results_path, meta_path):
    rows = [json.loads(l) for l in open(results_path) if l.strip()]
    meta = json.load(open(meta_path))
    out = []
    p = out.append
    p("# kanava benchmark results")
    p("")
    p("| | |")
    p("| --- | --- |")
    for k in ("date", "machine", "load", "kanava", "hugo", "hyperfine", "runs", "corpus", "command"):
        if meta.get(k):
            p("| %s | %s |" % (k, meta[k]))
    p("")
    p("Wall time is hyperfine's median over the runs (after one warm-up run); CPU is the mean "
      "user+sys per run (all threads); peak RSS is the largest maximum resident set size "
      "`/usr/bin/time` saw over all runs; pages/s = pages built (or checked) ÷ median wall; "
      "output is `du -sb` of the output folder. Cold builds start with the output folder "
      "removed; the no-change rebuild runs `build` again into the output of an identical build.")
    p("")
    p("| pages | tool | what | median wall (s) | min–max (s) | CPU user+sys (s) | peak RSS (MiB) | pages built | pages/s | output (MiB) |")
    p("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        pps = r["pages"] / r["median_s"] if r["pages"] and r["median_s"] else None
        p("| %s | %s | %s | %s | %s–%s | %s | %s | %s | %s | %s |" % (
            "{:,}".format(r["size"]), r["tool"], r["label"], fmt_s(r["median_s"]),
            fmt_s(r["min_s"]), fmt_s(r["max_s"]), fmt_s(r["cpu_s"]),
            fmt_mib(kib=r["peak_rss_kib"]) if r["peak_rss_kib"] else "–",
            ("0 (up to date)" if r.get("up_to_date") else "{:,}".format(r["pages"]))
            if r["pages"] is not None else "–",
            "{:,.0f}".format(pps) if pps else "–",
            fmt_mib(b=r["out_bytes"]) if r["out_bytes"] is not None else "–"))
    p("")
    p("Commands (C = corpus, O = output folder):")
    p("")
    seen = set()
    for r in rows:
        if r["key"] in seen:
            continue
        seen.add(r["key"])
        p("- %s, %s: `%s`" % (r["tool"], r["label"], r["cmd"]))
    p("")

    by = {(r["size"], r["key"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    if any(k[1] == "hugo" for k in by):
        p("## kanava / Hugo, same run")
        p("")
        p("Hugo builds the whole site (every page) once, without a search index; kanava's `public` "
          "audience sees only part of the pages, `staff` sees every page, and all 8 audiences "
          "are 8 complete sites. Like for like: `staff` without a search index.")
        p("")
        p("| pages | kanava build | wall ratio | CPU ratio | peak RSS ratio |")
        p("| ---: | --- | ---: | ---: | ---: |")
        for n in sizes:
            hg = by.get((n, "hugo"))
            if not hg:
                continue
            for key in ("one", "staff", "all", "staff-ns", "all-ns"):
                k = by.get((n, key))
                if not k:
                    continue
                rw = ratio(k["median_s"], hg["median_s"])
                rc = ratio(k["cpu_s"], hg["cpu_s"])
                rm = ratio(k["peak_rss_kib"], hg["peak_rss_kib"])
                p("| %s | %s | %s | %s | %s |" % (
                    "{:,}".format(n), k["label"],
                    "%.2f×" % rw if rw else "–", "%.2f×" % rc if rc else "–",
                    "%.2f×" % rm if rm else "–"))
        p("")

    n = 10000 if 10000 in sizes else (max(sizes) if sizes else None)
    if n is not None:
        one, alla, reb, chk, hg = (by.get((n, k)) for k in ("one", "all", "rebuild", "check", "hugo"))
        p("## Targets (issue 7) at %s pages" % "{:,}".format(n))
        p("")
        if n != 10000:
            p("(The targets are set for 10,000 pages; this run has at most %s, so the "
              "verdicts below are only indicative.)" % "{:,}".format(n))
            p("")
        p("| target | measured | met? |")
        p("| --- | --- | --- |")

        def verdict(ok):
            return "–" if ok is None else ("met" if ok else "**not met**")

        def ratio_row(target, a, b, limit):
            """A target "a's wall ≤ limit × b's"; nothing when either was not measured."""
            if a and b:
                r = a["median_s"] / b["median_s"]
                p("| %s | %s s / %s s = %.2f× | %s |" % (
                    target, fmt_s(a["median_s"]), fmt_s(b["median_s"]), r, verdict(r <= limit)))

        def memory_row(target, a):
            if a and a["peak_rss_kib"]:
                m = a["peak_rss_kib"] / 1024
                p("| %s | %.0f MiB | %s |" % (target, m, verdict(m < 1024)))

        staff, staff_ns, all_ns = (by.get((n, k)) for k in ("staff", "staff-ns", "all-ns"))
        if not hg:
            p("| one audience ≤ 0.5× Hugo's wall | Hugo not run | – |")
        ratio_row("one audience ≤ 0.5× Hugo's wall", one, hg, 0.5)
        ratio_row("(same, with `staff`, who sees every page, as the one audience)", staff, hg, 0.5)
        ratio_row("all 8 audiences ≤ 1.5× one audience", alla, one, 1.5)
        ratio_row("(same, against `staff`)", alla, staff, 1.5)
        memory_row("peak RSS, all 8 audiences < 1 GiB", alla)
        ratio_row("without search indexes (Hugo builds none): `staff` ≤ 0.5× Hugo's wall",
                  staff_ns, hg, 0.5)
        ratio_row("without search indexes: all 8 ≤ 1.5× `staff`", all_ns, staff_ns, 1.5)
        memory_row("without search indexes: peak RSS, all 8 < 1 GiB", all_ns)
        if reb:
            p("| no-change rebuild < 1 s | %s s | %s |" % (fmt_s(reb["median_s"]),
                                                         verdict(reb["median_s"] < 1.0)))
        if chk:
            p("| `kanava check` < 2 s | %s s | %s |" % (fmt_s(chk["median_s"]),
                                                      verdict(chk["median_s"] < 2.0)))
        p("")
        hpf = by.get((n, "hugo-pagefind"))
        p("## Search targets (issue 17) at %s pages" % "{:,}".format(n))
        p("")
        p("| target | measured | met? |")
        p("| --- | --- | --- |")
        if not hpf:
            p("| against Hugo + the pagefind CLI | not run (needs Hugo and npm) | – |")
        ratio_row("all 8 audiences with search ≤ 0.75× (Hugo + pagefind CLI, one site)",
                  alla, hpf, 0.75)
        ratio_row("one audience (public) with search ≤ 0.5× (Hugo + pagefind CLI)", one, hpf, 0.5)
        ratio_row("(same, with `staff`, who sees every page)", staff, hpf, 0.5)
        ratio_row("all 8 with search ≤ 1.5× all 8 without", alla, all_ns, 1.5)
        memory_row("peak RSS, all 8 audiences with search < 1 GiB", alla)
        p("")
    sys.stdout.write("\n".join(out))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("record", "render"):
        sys.exit(__doc__)
    if sys.argv[1] == "record":
        record(sys.argv[2:])
    else:
        render(*sys.argv[2:4])


if __name__ == "__main__":
    main()
