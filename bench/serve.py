#!/usr/bin/env python3
"""`kanava serve` after an edit (issue #19's benchmark): how long from saving a one-line
change to one page until the server answers with the new page. Prints the first build's
time and the median (and range) of N edits; asserts nothing.

    python3 bench/serve.py --kanava target/release/kanava --root CORPUS [--edits 20]
                           [--audience gold] [--no-search]

CORPUS is a site such as `bench/gen_corpus.py --format kanava --pages 10000` writes. The
page edited is the first `.md` page under content/ that the served audience shows; its
body gets a new last line each time (a unique word), and the clock stops when a GET of
the page contains it.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""


def idle(url):
    """Waits until the server builds nothing."""
    while json.loads(get(url + "__kanava/status")[1]).get("building"):
        time.sleep(0.01)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kanava", default="target/release/kanava")
    ap.add_argument("--root", required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--audience", action="append", default=[])
    ap.add_argument("--no-search", action="store_true")
    ap.add_argument("--log", action="store_true", help="print serve's log lines after the figures")
    args = ap.parse_args()

    cmd = [args.kanava, "serve", "--root", args.root, "--port", "0"]
    for a in args.audience:
        cmd += ["--audience", a]
    if args.no_search:
        cmd.append("--no-search")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    url = None
    for line in proc.stderr:
        m = re.match(r"serving at (\S+)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        sys.exit("serve did not start")
    first = time.monotonic() - started
    # Keep draining its output.
    log = []
    threading.Thread(target=lambda: [log.append(line) for line in proc.stderr], daemon=True).start()

    # The audience whose site to edit under: the one asked for, else the last (staff, who
    # sees everything, in the corpus); none for a site without audiences.
    names = [a["name"] for a in json.loads(get(url + "__kanava/status")[1])["audiences"]]
    audience = args.audience[0] if args.audience else (names[-1] if names and names[-1] else None)
    # A page the audience shows: the first in walk order.
    page = target = None
    for dirpath, _, files in sorted(os.walk(os.path.join(args.root, "content"))):
        for f in sorted(files):
            if not f.endswith(".md") or f == "_index.md":
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), os.path.join(args.root, "content"))
            slug = rel[:-3] + "/"
            path = (audience + "/" if audience else "") + slug
            status, _ = get(url + path)
            if status == 200:
                page, target = os.path.join(dirpath, f), url + path
                break
        if page:
            break
    if not page:
        sys.exit("no page found that the audience shows")
    original = open(page, encoding="utf-8").read()
    times = []
    try:
        for n in range(args.edits):
            # Each edit starts from a server at rest, as a writer's saves are seconds apart:
            # the last build may still be rendering the rest of the site after serving the
            # page.
            idle(url)
            word = f"benchedit{n}x{os.getpid()}"
            with open(page + ".tmp", "w", encoding="utf-8") as f:
                f.write(original.rstrip("\n") + f"\n\n{word}\n")
            t0 = time.monotonic()
            os.replace(page + ".tmp", page)  # an editor's atomic save
            while True:
                _, body = get(target)
                if word in body:
                    break
                if time.monotonic() - t0 > 600:
                    sys.exit("gave up after 600 s")
                time.sleep(0.01)
            times.append(time.monotonic() - t0)
    finally:
        with open(page, "w", encoding="utf-8") as f:
            f.write(original)
        proc.terminate()
    ms = [t * 1000 for t in times]
    print(f"first build and serve: {first:.1f} s")
    print(f"edit → new page served, {len(ms)} edits of {os.path.relpath(page, args.root)}: "
          f"median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f})")
    if args.log:
        sys.stdout.write("".join(log))


if __name__ == "__main__":
    main()
