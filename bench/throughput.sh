#!/usr/bin/env bash
# Throughput and accuracy of `chartroom ingest` against the tools a site would
# otherwise run, one after another on the same pages and the same cores:
#   1. plain `tesseract FILE OUT txt pdf`, JOBS processes at a time (xargs -P)
#   2. `ocrmypdf --deskew --clean --rotate-pages -j JOBS`, one file after another
#   3. `chartroom ingest --workers JOBS --timings` into a fresh store
# All with OMP_THREAD_LIMIT=1. For each: pages per minute, mean character error
# against the generator's truth (Levenshtein over the text with runs of
# whitespace made one space, divided by the truth's length; a page a tool
# lost counts 1.0), output bytes per page, peak memory (the largest process as
# /usr/bin/time -v reports it, and every process of the run together, sampled
# every 0.2 s), CPU seconds per page (user and system, all processes: less
# sensitive than the wall clock to other work on the machine), and the ratios
# against tesseract and ocrmypdf.
#
# Pages: chartroom-testpages (tests/gen), seeds alternating its standard and
# --degraded scans (more skew and noise, dark scanner edges, a page upside
# down and a 200-dpi document per seed), a mix of G4, gray LZW and JPEG TIFF,
# PNG and JPEG, whole documents until PAGES pages.
#
#   bash bench/throughput.sh                # about 200 pages; ~30 minutes on 2 idle cores (ocrmypdf is most of it)
#   PAGES=40 bash bench/throughput.sh       # a quick look, ~6 minutes
#   ONLY="chartroom" PAGES=40 bash bench/throughput.sh   # one tool (tesseract, ocrmypdf, chartroom)
#   KEEP=1 bash bench/throughput.sh         # keep the pages, outputs and store (the folder is printed)
#   OCRMYPDF_MINUTES=10 bash bench/throughput.sh   # ocrmypdf starts no new file after 10 minutes; it is then
#                                           # compared on the files it finished (a second table)
#   PAGES_DIR=/tmp/chartroom-throughput.XXXX bash bench/throughput.sh   # the pages of an earlier KEEP=1 run
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${PAGES:-200}
JOBS=${JOBS:-2}
ONLY=${ONLY:-"tesseract ocrmypdf chartroom"}
PY=/usr/bin/python3  # Debian's, whatever python3 comes first on PATH
CHARTROOM=${CHARTROOM:-$PWD/build/app/chartroom}
TESTPAGES=${TESTPAGES:-$PWD/build/tests/gen/chartroom-testpages}
[[ -x $CHARTROOM && -x $TESTPAGES ]] || bash scripts/build.sh
export OMP_THREAD_LIMIT=1

missing=()
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ $ONLY == *ocrmypdf* ]]; then
  command -v ocrmypdf >/dev/null || missing+=(ocrmypdf)
  command -v unpaper >/dev/null || missing+=(unpaper)  # for --clean
fi
if ((${#missing[@]})); then
  echo "installing ${missing[*]}" >&2
  sudo_=$([[ $(id -u) == 0 ]] || echo sudo)
  $sudo_ apt-get install -y "${missing[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/chartroom-throughput.XXXXXX)
if [[ -n ${KEEP:-} ]]; then echo "work folder: $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
sed -n "/^: <<'TOOLS'\$/,/^TOOLS\$/p" "$0" | sed '1d;$d' > "$work/tools.py"
tool() { "$PY" "$work/tools.py" "$@"; }

# The pages: whole documents of several seeds until PAGES pages.
if [[ -n ${PAGES_DIR:-} ]]; then
  cp -r "$PAGES_DIR/pages" "$PAGES_DIR/meta" "$work/"
else
  seed=1
  while [[ $(tool count "$work" 2>/dev/null || echo 0) -lt $PAGES ]]; do
    degraded=$([[ $((seed % 2)) == 0 ]] && echo --degraded || true)
    "$TESTPAGES" --out "$work/gen-$seed" --documents 10 --seed "$seed" $degraded >/dev/null
    seed=$((seed + 1))
  done
  tool pick "$work" "$PAGES"
fi
echo "$(uptime)" > "$work/load.before"

if [[ $ONLY == *tesseract* ]]; then
  mkdir -p "$work/out-tesseract"
  tool measure "$work/tesseract.run" -- sh -c '
    nl -ba "$1/meta/files.list" | while read -r n f; do printf "%s\0%s\0" "$1/pages/$f" "$1/out-tesseract/$n"; done |
      xargs -0 -n 2 -P "$2" sh -c '\''tesseract "$1" "$2" txt pdf >/dev/null 2>&1 || true'\'' _' _ "$work" "$JOBS"
fi

if [[ $ONLY == *ocrmypdf* ]]; then
  mkdir -p "$work/out-ocrmypdf"
  touch "$work/ocrmypdf.start"
  tool measure "$work/ocrmypdf.run" -- sh -c '
    nl -ba "$1/meta/files.list" | while read -r n f; do
      [ $(( $(date +%s) - $(stat -c %Y "$1/ocrmypdf.start") )) -lt $(( $3 * 60 )) ] || break
      ocrmypdf --deskew --clean --rotate-pages -j "$2" --image-dpi 300 -q "$1/pages/$f" "$1/out-ocrmypdf/$n.pdf" \
        2>>"$1/ocrmypdf.errors" || echo "$n $f: exit $?" >>"$1/ocrmypdf.errors"
    done' _ "$work" "$JOBS" "${OCRMYPDF_MINUTES:-100000}"
fi

if [[ $ONLY == *chartroom* ]]; then
  for roster in "$work"/meta/*.roster.csv; do
    "$CHARTROOM" patients import --create "$roster" --store "$work/store" >/dev/null
  done
  tool measure "$work/chartroom.run" -- sh -c '
    "$1" ingest "$2/pages" --store "$2/store" --workers "$3" --timings --json >"$2/chartroom.json" 2>"$2/chartroom.err" ||
      true' _ "$CHARTROOM" "$work" "$JOBS"
  "$CHARTROOM" pages --json --store "$work/store" > "$work/chartroom.pages.json"
  "$PY" - "$work" "$CHARTROOM" <<'PY'
import json, subprocess, sys
work, chartroom = sys.argv[1], sys.argv[2]
texts = {}
for doc in sorted({p["document"] for p in json.load(open(f"{work}/chartroom.pages.json")) if p["document"]}):
    shown = subprocess.run([chartroom, "show", doc, "--text", "--json", "--store", f"{work}/store"],
                           capture_output=True, text=True, check=True)
    texts[doc] = json.loads(shown.stdout)["text"]
json.dump(texts, open(f"{work}/chartroom.texts.json", "w"))
PY
fi
echo "$(uptime)" > "$work/load.after"

tool report "$work" "$ONLY"
exit 0

# The Python helpers, written to $work/tools.py at the start.
: <<'TOOLS'
import glob, json, os, re, shutil, subprocess, sys, time

import numpy as np


def truths(work):
    """(generator folder, truth page) for every page the generators wrote, in order."""
    out = []
    for path in sorted(glob.glob(f"{work}/gen-*/truth.json"), key=lambda p: int(p.split("gen-")[1].split("/")[0])):
        gen = os.path.dirname(path)
        for doc in json.load(open(path))["documents"]:
            out.append((gen, doc))
    return out


def count(work):
    print(sum(len(doc["pages"]) for _, doc in truths(work)))


def pick(work, wanted):
    """Whole documents, in order, until `wanted` pages: copied under pages/GEN/..., with
    meta/files.list (one input file a line, in order), meta/truth.json ({file: [page texts]})
    and each generator's roster as meta/GEN.roster.csv."""
    wanted = int(wanted)
    taken, files, truth = 0, [], {}
    for gen, doc in truths(work):
        if taken >= wanted:
            break
        for page in doc["pages"]:
            rel = os.path.join(os.path.basename(gen), os.path.relpath(page["file"], "batch"))
            if rel not in truth:
                os.makedirs(os.path.dirname(f"{work}/pages/{rel}"), exist_ok=True)
                shutil.copy(os.path.join(gen, page["file"]), f"{work}/pages/{rel}")
                files.append(rel)
                truth[rel] = []
            truth[rel].append(page["ground_truth"])
            taken += 1
    os.makedirs(f"{work}/meta", exist_ok=True)
    for gen in sorted({f.split("/")[0] for f in files}):
        shutil.copy(f"{work}/{gen}/roster.csv", f"{work}/meta/{gen}.roster.csv")
    open(f"{work}/meta/files.list", "w").write("".join(f + "\n" for f in files))
    json.dump(truth, open(f"{work}/meta/truth.json", "w"))
    print(f"pages: {taken} in {len(files)} files", file=sys.stderr)


def tree_rss_kb(root):
    """Resident memory of a process and all its descendants, in kB."""
    children, rss = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            status = open(f"/proc/{pid}/status").read()
        except OSError:
            continue
        m = re.search(r"VmRSS:\s+(\d+)", status)
        rss[int(pid)] = int(m.group(1)) if m else 0
        children.setdefault(ppid, []).append(int(pid))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def measure(out, *command):
    """Runs the command under /usr/bin/time -v; wall seconds, the largest process's
    max RSS, and the peak RSS of the whole process tree sampled every 0.2 s."""
    command = list(command[1:] if command and command[0] == "--" else command)
    timefile = out + ".time"
    start = time.monotonic()
    proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", timefile] + command)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        time.sleep(0.2)
    seconds = time.monotonic() - start
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(timefile).read())
    json.dump({"seconds": seconds, "max_rss_kb": int(m.group(1)) if m else 0, "tree_peak_kb": peak},
              open(out, "w"))


def normalized(text):
    return " ".join(text.split())


def levenshtein(a, b):
    """Edit distance, one numpy row at a time (insertions by a running minimum)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    j = np.arange(len(b) + 1)
    row = j.copy()
    for i, ch in enumerate(a, 1):
        cost = (bb != ord(ch)).astype(np.int64)
        tmp = np.empty_like(row)
        tmp[0] = i
        tmp[1:] = np.minimum(row[1:] + 1, row[:-1] + cost)
        row = np.minimum.accumulate(tmp - j) + j
    return int(row[-1])


def cer(truth, read):
    t, r = normalized(truth), normalized(read or "")
    return min(1.0, levenshtein(t, r) / max(1, len(t))) if t else (0.0 if not r else 1.0)


def pdftotext_pages(path):
    try:
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True,
                             check=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return []
    return out.split("\f")


def read_texts(work, tool, files, truth):
    """{(file, page index): text} as the tool read them, and its output bytes."""
    read, size = {}, 0
    if tool == "tesseract":
        for n, f in enumerate(files, 1):
            txt = f"{work}/out-tesseract/{n}.txt"
            if os.path.exists(txt):
                for k, text in enumerate(open(txt, encoding="utf-8", errors="replace").read().split("\f")):
                    read[(f, k)] = text
            if os.path.exists(f"{work}/out-tesseract/{n}.pdf"):
                size += os.path.getsize(f"{work}/out-tesseract/{n}.pdf")
    elif tool == "ocrmypdf":
        for n, f in enumerate(files, 1):
            pdf = f"{work}/out-ocrmypdf/{n}.pdf"
            if os.path.exists(pdf):
                size += os.path.getsize(pdf)
                for k, text in enumerate(pdftotext_pages(pdf)):
                    read[(f, k)] = text
    else:
        texts = json.load(open(f"{work}/chartroom.texts.json"))
        prefix = f"{work}/pages/"
        for p in json.load(open(f"{work}/chartroom.pages.json")):
            if p["document"] and p["pdf_page"] and p["source"].startswith(prefix):
                read[(p["source"][len(prefix):], p["index"])] = texts[p["document"]][p["pdf_page"] - 1]
        for pdf in glob.glob(f"{work}/store/documents/*/*.pdf"):
            size += os.path.getsize(pdf)
    return read, size


def cpu_seconds(work, tool):
    """User and system CPU time of the whole run, as /usr/bin/time -v reports it."""
    t = open(f"{work}/{tool}.run.time").read()
    return sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", t).group(1)) for k in ("User", "System"))


def ran(work, tool, files, truth):
    """The files a tool's run went through (ocrmypdf may have been stopped early)."""
    if tool != "ocrmypdf":
        return files
    return [f for n, f in enumerate(files, 1) if os.path.exists(f"{work}/out-ocrmypdf/{n}.pdf")]


def table(work, only, files, truth, rates, per_page):
    """Errors over `files`; `rates` (pages per minute) and `per_page` (CPU seconds and
    output bytes per page) are those of each tool's whole run."""
    pages = sum(len(truth[f]) for f in files)
    rows = {}
    for tool in ("tesseract", "ocrmypdf", "chartroom"):
        if tool not in only.split() or not os.path.exists(f"{work}/{tool}.run"):
            continue
        run = json.load(open(f"{work}/{tool}.run"))
        read, _ = read_texts(work, tool, files, truth)
        errors = [cer(t, read.get((f, k))) for f in files for k, t in enumerate(truth[f])]
        lost = sum((f, k) not in read for f in files for k in range(len(truth[f])))
        rows[tool] = {"rate": rates[tool], "cpu": per_page[tool][0], "cer": sum(errors) / len(errors),
                      "median": sorted(errors)[len(errors) // 2], "lost": lost, "bytes": per_page[tool][1],
                      "rss": run["max_rss_kb"] / 1024, "tree": run["tree_peak_kb"] / 1024}
    names = {"tesseract": "tesseract, 2 processes", "ocrmypdf": "ocrmypdf -j 2", "chartroom": "chartroom ingest"}
    print(f"| {pages} pages | pages/min | vs tesseract | vs ocrmypdf | CPU s per page | vs tesseract, per CPU second "
          f"| mean CER | median CER | pages lost | KB per page | peak RSS, largest process | peak RSS, all processes |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for tool, r in rows.items():
        vs = lambda base: f"{r['rate'] / rows[base]['rate']:.2f}x" if base in rows else "-"
        cpu_vs = f"{rows['tesseract']['cpu'] / r['cpu']:.2f}x" if "tesseract" in rows else "-"
        print(f"| {names[tool]} | {r['rate']:.1f} | {vs('tesseract')} | {vs('ocrmypdf')} | {r['cpu']:.2f} | {cpu_vs} "
              f"| {r['cer']:.4f} | {r['median']:.4f} | {r['lost']} | {r['bytes'] / 1024:.1f} | {r['rss']:.0f} MB "
              f"| {r['tree']:.0f} MB |")


def report(work, only):
    files = [l.strip() for l in open(f"{work}/meta/files.list") if l.strip()]
    truth = json.load(open(f"{work}/meta/truth.json"))
    pages = sum(len(v) for v in truth.values())
    print(f"\n{pages} pages in {len(files)} files; load before: {open(f'{work}/load.before').read().strip()}")
    print(f"load after: {open(f'{work}/load.after').read().strip()}\n")
    rates, per_page = {}, {}
    for tool in ("tesseract", "ocrmypdf", "chartroom"):
        if os.path.exists(f"{work}/{tool}.run"):
            rates[tool] = pages / json.load(open(f"{work}/{tool}.run"))["seconds"] * 60
            done = ran(work, tool, files, truth)
            done_pages = max(1, sum(len(truth[f]) for f in done))
            per_page[tool] = (cpu_seconds(work, tool) / done_pages, read_texts(work, tool, done, truth)[1] / done_pages)
    # ocrmypdf stopped early (OCRMYPDF_MINUTES): its rate over the files it finished,
    # and every tool's error and size on those files too.
    finished = [f for n, f in enumerate(files, 1) if os.path.exists(f"{work}/out-ocrmypdf/{n}.pdf")]
    partial = "ocrmypdf" in rates and len(finished) < len(files)
    if partial and finished:
        last = max(os.path.getmtime(f"{work}/out-ocrmypdf/{n}.pdf") for n in range(1, len(finished) + 1))
        seconds = last - os.path.getmtime(f"{work}/ocrmypdf.start")
        rates["ocrmypdf"] = sum(len(truth[f]) for f in finished) / seconds * 60
    table(work, only if not partial else only.replace("ocrmypdf", ""), files, truth, rates, per_page)
    if partial and finished:
        print(f"\nocrmypdf was stopped after {len(finished)} of {len(files)} files; errors on those files "
              f"(pages/min, CPU and bytes per page of each tool's whole run):\n")
        table(work, only, finished, truth, rates, per_page)
    if "chartroom" in rates:
        report = json.load(open(f"{work}/chartroom.json"))
        print(f"\nchartroom: {report['pages_filed']} filed, {report['pages_review']} in review, "
              f"{report['pages_quarantined']} quarantined, {report['pages_dropped_blank']} blank; "
              f"{report['documents_filed']} documents filed, {report['documents_review']} to review\n")
        err = open(f"{work}/chartroom.err").read()
        print(err[err.find("Where the time went"):].rstrip())
    if os.path.exists(f"{work}/ocrmypdf.errors") and os.path.getsize(f"{work}/ocrmypdf.errors") > 0:
        print("\nocrmypdf said:\n" + open(f"{work}/ocrmypdf.errors").read()[-2000:])


if __name__ == "__main__":
    {"count": count, "pick": pick, "measure": measure, "report": report}[sys.argv[1]](*sys.argv[2:])
TOOLS
