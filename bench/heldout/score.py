#!/usr/bin/python3
"""Score chartroom on the held-out set: a fresh store, the index imported, the set ingested,
chartroom's own JSON read back and compared with the truth.

    /usr/bin/python3 score.py --set DIR --chartroom BIN [--compare BIN2] [--out results.json]

Prints counts only (no per-document detail) except for safety incidents: a misfiled
document or a lost content page is always named by file and page.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from metrics import score


def run_binary(binary, set_root, label, workers):
    work = os.path.join(set_root, "run_" + "".join(ch if ch.isalnum() else "_" for ch in label))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    store = os.path.join(work, "store")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    env.pop("CHARTROOM_STORE", None)
    subprocess.run([binary, "patients", "import", os.path.join(set_root, "index.csv"), "--store", store, "--create"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    set_dir = os.path.abspath(os.path.join(set_root, "set"))
    t0 = time.monotonic()
    with open(os.path.join(work, "ingest.json"), "w") as out, open(os.path.join(work, "ingest.err"), "w") as err:
        rc = subprocess.run([binary, "ingest", set_dir, "--store", store, "--json", "--workers", str(workers)],
                            env=env, stdout=out, stderr=err).returncode
    wall = time.monotonic() - t0
    with open(os.path.join(work, "ingest.json")) as f:
        try:
            ingest = json.load(f)
        except json.JSONDecodeError:
            ingest = {}

    def cmd_json(*args):
        out = subprocess.run([binary, *args, "--store", store, "--json"], env=env, check=True,
                             stdout=subprocess.PIPE).stdout
        with open(os.path.join(work, args[0] + ".json"), "wb") as f:
            f.write(out)
        return json.loads(out)

    pages = cmd_json("pages")
    docs = cmd_json("documents")
    with open(os.path.join(set_root, "truth.json")) as f:
        truth = json.load(f)
    r = score(truth, pages, docs, set_dir)
    r.update({"binary": binary, "ingest_exit": rc, "ingest_seconds": ingest.get("seconds"), "wall_seconds": round(wall, 1),
              "ocr_seconds": ingest.get("ocr_seconds"), "all_accounted": ingest.get("all_accounted")})
    return r


def pct(x):
    return "-" if x is None else "%.1f%%" % (100 * x)


ROWS = [
    ("pages (content pages)", lambda r: "%d (%d)" % (r["pages"], r["content_pages"])),
    ("truth documents (in index / not)", lambda r: "%d (%d / %d)" % (r["truth_documents"], r["truth_in_index"], r["truth_not_in_index"])),
    ("MISFILED documents (must be 0)", lambda r: str(r["misfiled_documents"])),
    ("in-index docs filed whole and right", lambda r: "%d (%s)" % (r["filed_whole_right"], pct(r["filed_whole_right_share"]))),
    ("not-in-index docs kept from filing", lambda r: "%d of %d" % (r["outsiders_kept_from_filing"], r["truth_not_in_index"])),
    ("chartroom documents: filed / review", lambda r: "%d / %d" % (r["documents_filed"], r["documents_review"])),
    ("boundary precision / recall", lambda r: "%.3f / %.3f" % (r["boundary_precision"], r["boundary_recall"])),
    ("boundary F1", lambda r: "%.3f" % r["boundary_f1"]),
    ("type accuracy, filed documents", lambda r: pct(r["type_accuracy_filed"])),
    ("type accuracy, all documents", lambda r: pct(r["type_accuracy_all"])),
    ("CONTENT PAGES LOST or dropped blank", lambda r: str(r["content_pages_lost"])),
    ("blank backs dropped", lambda r: "%d of %d" % (r["blank_backs_dropped"], r["blank_backs"])),
    ("separator sheets recognised", lambda r: "%d of %d" % (r["separators_found"], r["separators"])),
    ("orientation right (upside-down pages)", lambda r: "%d of %d (%d)" % (r["orientation_right"], r["content_pages"], r["upside_down_pages"])),
    ("ingest seconds (wall)", lambda r: "%.0f (%.0f)" % (r["ingest_seconds"] or 0, r["wall_seconds"])),
    ("seconds per page", lambda r: "%.2f" % ((r["ingest_seconds"] or r["wall_seconds"]) / max(1, r["pages"]))),
    ("all pages accounted (exit)", lambda r: "%s (%s)" % (r["all_accounted"], r["ingest_exit"])),
]


def print_table(results, labels):
    w0 = max(len(n) for n, _ in ROWS) + 2
    cols = [[f(r) for _, f in ROWS] for r in results]
    ws = [max(len(labels[i]), *(len(c) for c in cols[i])) + 2 for i in range(len(results))]
    print("| metric".ljust(w0 + 2) + "".join("| " + labels[i].ljust(ws[i]) for i in range(len(results))) + "|")
    print("|" + "-" * (w0 + 1) + "".join("|" + "-" * (ws[i] + 1) for i in range(len(results))) + "|")
    for j, (name, _) in enumerate(ROWS):
        print("| " + name.ljust(w0) + "".join("| " + cols[i][j].ljust(ws[i]) for i in range(len(results))) + "|")
    for title, key in (("review documents by kind", "review_kinds"), ("review documents by reason", "review_reason_classes")):
        print("\n%s (counts; a document counts once under each it has):" % title)
        keys = []
        for r in results:
            keys += [k for k in r[key] if k not in keys]
        for k in keys:
            print("  %-92s %s" % (k, "  ".join("%6d" % r[key].get(k, 0) for r in results)))


def print_incidents(r, label):
    for m in r["misfiled"]:
        print("MISFILED [%s]: document %s filed to %s, truth %s; pages: %s" % (
            label, m["document"], m["filed_to"], ", ".join(m["truth"]),
            ", ".join("%s p%d" % (p["file"], p["page"]) for p in m["pages"])))
    for l in r["lost"]:
        print("LOST PAGE [%s]: %s page %d (state %s: %s)" % (label, l["file"], l["page"], l["state"], l["reason"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", required=True, help="a folder written by make_set.py")
    ap.add_argument("--chartroom", required=True)
    ap.add_argument("--label", default="chartroom")
    ap.add_argument("--compare", default=os.environ.get("COMPARE"), help="a second binary, run on the same set")
    ap.add_argument("--compare-label", default="baseline")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", help="results.json (default: SET/results.json)")
    a = ap.parse_args()
    runs = [(a.label, a.chartroom)] + ([(a.compare_label, a.compare)] if a.compare else [])
    results = []
    for label, binary in runs:  # one after another: the machine has two cores
        print("ingesting with %s (%s) ..." % (label, binary), file=sys.stderr)
        results.append(run_binary(binary, a.set, label, a.workers))
    with open(os.path.join(a.set, "truth.json")) as f:
        profile = json.load(f).get("profile")
    print("held-out set %s (profile %s)\n" % (a.set, profile))
    print_table(results, [l for l, _ in runs])
    print()
    for (label, _), r in zip(runs, results):
        print_incidents(r, label)
    out = a.out or os.path.join(a.set, "results.json")
    with open(out, "w") as f:
        json.dump({"set": a.set, "profile": profile, "runs": {l: r for (l, _), r in zip(runs, results)}}, f, indent=1)
    print("results: %s" % out)
    return 1 if any(r["misfiled_documents"] or r["content_pages_lost"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
