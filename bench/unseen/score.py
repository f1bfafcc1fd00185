#!/usr/bin/python3
"""Run chartroom on an unseen set in a fresh store and score what it filed.

    /usr/bin/python3 bench/unseen/score.py SET_DIR --chartroom build/app/chartroom [--json OUT] [--keep-store]

Reads only chartroom's documented JSON (`ingest --json`, `pages --json`,
`documents --json`) and the set's truth.json. VERBOSE=1 lists every document
that was not filed automatically whole and right, with its review reasons.
A development set since 2026-12-04 (chartroom was fixed on what it found);
the held-out set is bench/heldout/.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def run(cmd: list[str], env=None, check=True) -> str:
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if check and p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return p.stdout


def run_chartroom(binary: str, set_dir: str, store: str, config: str | None = None,
                  ingest_json: str | None = None) -> dict:
    """Import the index, ingest the scans, read back pages and documents.

    With `ingest_json` (the saved `ingest --json` of an earlier run into
    `store`) nothing is run again: the store is only read.
    """
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    scans = os.path.abspath(os.path.join(set_dir, "scans"))
    conf = ["--config", config] if config else []
    t0 = time.monotonic()
    if ingest_json:
        ingest = json.load(open(ingest_json))
    else:
        run([binary, "patients", "import", os.path.join(set_dir, "index.csv"), "--store", store, "--create"] + conf, env)
        t0 = time.monotonic()
        ingest = json.loads(run([binary, "ingest", scans, "--store", store, "--json"] + conf, env) or "{}")
        with open(os.path.join(set_dir, "ingest.json"), "w") as f:
            json.dump(ingest, f, indent=1)
    wall = time.monotonic() - t0
    pages = json.loads(run([binary, "pages", "--json", "--store", store], env))
    docs = json.loads(run([binary, "documents", "--json", "--store", store], env))
    return {"ingest": ingest, "wall": wall, "pages": pages, "documents": docs, "scans": scans}


def page_key(source: str, scans: str) -> str:
    """The truth's file name for a `pages --json` source (relative to scans/)."""
    return os.path.relpath(os.path.abspath(source), scans).replace(os.sep, "/")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(truth: dict, out: dict) -> dict:
    scans = out["scans"]
    seen = {(page_key(p["source"], scans), p["index"]): p for p in out["pages"]}
    docs = {d["id"]: d for d in out["documents"]}
    tdocs = {d["doc"]: d for d in truth["documents"]}

    # truth pages in batch order, with what chartroom did to each
    rows = []
    for b in truth["batches"]:
        for tp in b["pages"]:
            rows.append((b["batch"], tp, seen.get((tp["file"], tp["index"]))))

    res: dict = {"pages": len(rows), "documents": len(tdocs)}
    lost, dropped_content, quarantined, content_pages = [], [], [], 0
    blank_total = blank_dropped = sep_total = sep_found = 0
    doc_pages = collections.defaultdict(list)      # truth doc -> chartroom doc ids of its content pages
    cr_doc_truth = collections.defaultdict(list)   # chartroom doc -> truth docs of its content pages
    for batch, tp, cp in rows:
        where = f"{tp['file']} page {tp['index'] + 1}"
        if tp["kind"] == "separator":
            sep_total += 1
            sep_found += bool(cp and cp["state"] == "separator")
            continue
        if tp["kind"] == "blank":
            blank_total += 1
            blank_dropped += bool(cp and cp["state"] == "dropped_blank")
            continue
        content_pages += 1
        if cp is None:
            lost.append(where)
            continue
        if cp["state"] == "dropped_blank":
            dropped_content.append(where)
        elif cp["state"] == "quarantined":
            quarantined.append(f"{where}: {cp.get('reason')}")
        if cp.get("document"):
            doc_pages[tp["doc"]].append(cp["document"])
            cr_doc_truth[cp["document"]].append(tp["doc"])

    # misfiles: a filed chartroom document holding a page of anyone but its patient
    misfiled = []
    for cid, tds in cr_doc_truth.items():
        d = docs.get(cid)
        if not d or d["state"] != "filed":
            continue
        filed_mrn = (d.get("patient") or {}).get("mrn")
        for td in sorted(set(tds)):
            if tdocs[td]["mrn"] != filed_mrn:
                misfiled.append({"chartroom_doc": cid, "filed_to": filed_mrn, "truth_doc": td,
                                 "truth_mrn": tdocs[td]["mrn"], "trap": tdocs[td]["trap"],
                                 "batch": tdocs[td]["batch"]})

    # per truth document: what happened to it
    outcome = {}
    for td, t in tdocs.items():
        ids = doc_pages.get(td, [])
        states = {docs[i]["state"] for i in ids if i in docs}
        whole = len(set(ids)) == 1 and len(ids) == t["pages"] and set(cr_doc_truth[ids[0]]) == {td}
        cd = docs.get(ids[0]) if ids else None
        right = bool(cd and cd["state"] == "filed" and (cd.get("patient") or {}).get("mrn") == t["mrn"])
        if not ids:
            kind = "lost"
        elif whole and right:
            kind = "filed_right"
        elif any(m["truth_doc"] == td for m in misfiled):
            kind = "misfiled"
        elif states == {"filed"} and not whole:
            kind = "filed_split_or_merged"
        elif "review" in states:
            kind = "review"
        else:
            kind = "other:" + ",".join(sorted(states))
        reasons, kinds = [], []
        for i in dict.fromkeys(ids):
            d = docs.get(i, {})
            reasons += d.get("review_reasons", [])
            kinds += d.get("review_kinds", [])
        outcome[td] = {"outcome": kind, "chartroom_docs": list(dict.fromkeys(ids)), "whole": whole,
                       "reasons": reasons, "kinds": kinds,
                       "type": (cd.get("doc_type") or {}).get("label") if cd else None}

    in_index = [td for td, t in tdocs.items() if t["mrn"]]
    with_mrn = [td for td in in_index if tdocs[td]["mrn_printed"]]
    missing = [td for td, t in tdocs.items() if not t["mrn"]]
    res["misfiled"] = misfiled
    res["in_index_documents"] = len(in_index)
    res["filed_right"] = sum(outcome[td]["outcome"] == "filed_right" for td in in_index)
    res["filed_right_with_mrn_printed"] = (sum(outcome[td]["outcome"] == "filed_right" for td in with_mrn), len(with_mrn))
    res["missing_documents"] = len(missing)
    res["missing_filed"] = sum(any(docs.get(i, {}).get("state") == "filed" for i in outcome[td]["chartroom_docs"]) for td in missing)
    res["outcomes"] = collections.Counter(o["outcome"] for o in outcome.values())

    # review: chartroom documents in review, by kind of reason (each document counted once per kind)
    review_docs = [d for d in docs.values() if d["state"] == "review"]
    res["review_documents"] = len(review_docs)
    res["review_kinds"] = collections.Counter(k for d in review_docs for k in set(d.get("review_kinds", [])))
    res["review_reasons"] = collections.Counter(short_reason(r) for d in review_docs for r in d.get("review_reasons", []))

    # boundaries over content pages that chartroom kept in a document, batch by batch
    tp_ = fp = fn = 0
    by_batch = collections.defaultdict(list)
    for batch, tp, cp in rows:
        if tp["kind"] == "content" and cp and cp.get("document"):
            by_batch[batch].append((tp["doc"], cp["document"], cp.get("pdf_page")))
    for seq in by_batch.values():
        for i, (tdoc, cdoc, _) in enumerate(seq):
            t_start = i == 0 or seq[i - 1][0] != tdoc
            c_start = i == 0 or seq[i - 1][1] != cdoc
            if i == 0:
                continue  # the first page of a batch starts a document by definition
            tp_ += t_start and c_start
            fp += c_start and not t_start
            fn += t_start and not c_start
    res["boundary"] = dict(zip(("precision", "recall", "f1"), prf(tp_, fp, fn)), tp=tp_, fp=fp, fn=fn)

    # types
    filed = [td for td in tdocs if outcome[td]["outcome"] == "filed_right"]
    res["type_filed"] = (sum(outcome[td]["type"] == tdocs[td]["type"] for td in filed), len(filed))
    res["type_overall"] = (sum(outcome[td]["type"] == tdocs[td]["type"] for td in tdocs), len(tdocs))
    strict = [td for td in tdocs if tdocs[td]["note_strict"]]
    res["type_overall_strict_notes"] = (sum(outcome[td]["type"] == tdocs[td]["type"] for td in strict), len(strict))
    res["type_confusions"] = collections.Counter(f"{tdocs[td]['type']} -> {outcome[td]['type']}" for td in tdocs
                                                 if outcome[td]["type"] != tdocs[td]["type"])
    res["type_by_truth"] = {t: (sum(outcome[td]["type"] == t for td in tdocs if tdocs[td]["type"] == t),
                                sum(tdocs[td]["type"] == t for td in tdocs))
                            for t in sorted({d["type"] for d in tdocs.values()})}
    # traps
    by_trap = collections.defaultdict(collections.Counter)
    for td, t in tdocs.items():
        by_trap[t["trap"]][outcome[td]["outcome"]] += 1
    res["by_trap"] = {k: dict(v) for k, v in sorted(by_trap.items())}
    res["content_pages"] = content_pages
    res["lost_pages"] = lost
    res["content_dropped_blank"] = dropped_content
    res["quarantined"] = quarantined
    res["blank_backs"] = (blank_dropped, blank_total)
    res["separators"] = (sep_found, sep_total)
    ing = out["ingest"]
    res["seconds"] = ing.get("seconds", out["wall"])
    res["wall_seconds"] = out["wall"]
    res["ingest"] = {k: ing.get(k) for k in ("pages", "pages_filed", "pages_review", "pages_quarantined",
                                             "pages_dropped_blank", "pages_separator", "documents_filed",
                                             "documents_review", "all_accounted", "ocr_seconds")}
    res["_outcome"] = outcome
    return res


def short_reason(r: str) -> str:
    """A review reason without the patient data and numbers in it, to count kinds of reasons."""
    import re
    r = re.sub(r"\(.*?\)", "(…)", r)
    r = re.sub(r"\b[0-9OolIS]{6,}\b", "#", r)
    r = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", r)
    r = re.sub(r"\d+(\.\d+)?", "N", r)
    return r[:110]


def pct(a: int, b: int) -> str:
    return f"{a} of {b} ({100 * a / b:.1f}%)" if b else "—"


def table(truth: dict, r: dict) -> str:
    b = r["boundary"]
    fr = r["filed_right_with_mrn_printed"]
    lines = [
        f"| unseen set | profile {truth['profile']}, seed {truth['seed']} |",
        "|---|---|",
        f"| pages / documents / index entries | {r['pages']} / {r['documents']} / {truth['index_entries']} |",
        f"| misfiled documents (must be 0) | **{len(r['misfiled'])}** |",
        f"| documents of patients missing from the index filed | {r['missing_filed']} of {r['missing_documents']} |",
        f"| in-index documents filed automatically, whole and right | {pct(r['filed_right'], r['in_index_documents'])} |",
        f"| ... of those with an MRN printed | {pct(*fr)} |",
        f"| chartroom documents in review | {r['review_documents']} ({', '.join(f'{k} {v}' for k, v in r['review_kinds'].most_common())}) |",
        f"| boundary precision / recall / F1 | {b['precision']:.3f} / {b['recall']:.3f} / {b['f1']:.3f} (tp {b['tp']}, fp {b['fp']}, fn {b['fn']}) |",
        f"| type accuracy, filed documents | {pct(*r['type_filed'])} |",
        f"| type accuracy, all documents (abstentions wrong) | {pct(*r['type_overall'])} |",
        f"| ... notes with no copy in the training rows | {pct(*r['type_overall_strict_notes'])} |",
        f"| content pages lost / dropped as blank / quarantined | {len(r['lost_pages'])} / {len(r['content_dropped_blank'])} / {len(r['quarantined'])} of {r['content_pages']} |",
        f"| blank backs dropped | {pct(*r['blank_backs'])} |",
        f"| separator sheets recognised | {pct(*r['separators'])} |",
        f"| ingest time | {r['seconds']:.0f} s ({r['pages'] / max(r['seconds'], 1e-9) * 60:.0f} pages/min) |",
    ]
    return "\n".join(lines)


def verbose(truth: dict, r: dict) -> str:
    out = []
    tdocs = {d["doc"]: d for d in truth["documents"]}
    where = collections.defaultdict(list)   # truth doc -> "file pN" of its content pages (1-based)
    for b in truth["batches"]:
        for p in b["pages"]:
            if p["kind"] == "content":
                where[p["doc"]].append(p["file"] if p["file"].endswith(".png") else f"{p['file']} p{p['index'] + 1}")
    for td, o in sorted(r["_outcome"].items()):
        if o["outcome"] == "filed_right":
            continue
        t = tdocs[td]
        out.append(f"doc {td} [{t['batch']}] {t['type']} trap={t['trap']} mrn={t['mrn']} pages={t['pages']} "
                   f"-> {o['outcome']} as {o['type']} in {','.join(i[:8] for i in o['chartroom_docs'])}")
        out.append(f"      pages: {', '.join(where[td])}")
        for reason, kind in zip(o["reasons"], o["kinds"] or [""] * len(o["reasons"])):
            out.append(f"      {kind}: {reason}")
    out.append("type confusions: " + "; ".join(f"{k} x{v}" for k, v in r["type_confusions"].most_common()))
    out.append("review reasons: ")
    out += [f"  {v:3d}  {k}" for k, v in r["review_reasons"].most_common()]
    out.append("by trap: " + json.dumps(r["by_trap"]))
    for m in r["misfiled"]:
        out.append(f"MISFILED: {m}")
    for p in r["lost_pages"] + r["content_dropped_blank"] + r["quarantined"]:
        out.append(f"PAGE: {p}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set_dir")
    ap.add_argument("--chartroom", default="build/app/chartroom")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--store", help="use this folder as the store (default: a fresh temporary one)")
    ap.add_argument("--keep-store", action="store_true")
    ap.add_argument("--config", help="a chartroom.toml for import and ingest (default: chartroom's defaults)")
    ap.add_argument("--rescore", metavar="INGEST_JSON",
                    help="score the existing --store again from its saved ingest --json, running nothing")
    args = ap.parse_args()
    truth = json.load(open(os.path.join(args.set_dir, "truth.json")))
    store = args.store or tempfile.mkdtemp(prefix="unseen-store-")
    if not args.store:
        os.rmdir(store)  # chartroom makes it (--create)
    try:
        out = run_chartroom(os.path.abspath(args.chartroom), args.set_dir, store, args.config, args.rescore)
        r = score(truth, out)
    finally:
        if not args.keep_store and not args.store:
            shutil.rmtree(store, ignore_errors=True)
    print(table(truth, r))
    if os.environ.get("VERBOSE") == "1":
        print()
        print(verbose(truth, r))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"profile": truth["profile"], "seed": truth["seed"],
                       **{k: v for k, v in r.items()}}, f, indent=1, default=str)
    if args.keep_store:
        print(f"store kept in {store}", file=sys.stderr)


if __name__ == "__main__":
    main()
