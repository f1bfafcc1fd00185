"""Compare what chartroom made of the held-out set with the truth it was rendered from."""
import re
from collections import Counter, defaultdict


def rel_source(source, set_dir):
    prefix = set_dir.rstrip("/") + "/"
    return source[len(prefix):] if source.startswith(prefix) else source


def reason_class(text):
    """A review reason without its numbers, names and page references: a kind of reason to count."""
    t = re.sub(r"\S*/\S+", "[file]", text)
    t = re.sub(r"\([^)]*\)", "", t)
    t = re.sub(r"\b\d[\d\-/.:]*\b", "#", t)
    t = re.split(r"[;:]", t)[0]
    t = re.sub(r"\bMRN #( #)*", "MRN #", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t[:90]


def score(truth, pages_json, docs_json, set_dir):
    docs = {d["id"]: d for d in docs_json}
    seen = {}
    for p in pages_json:
        seen[(rel_source(p["source"], set_dir), p["index"])] = p
    truth_docs = {d["doc"]: d for d in truth["documents"]}
    content = [p for p in truth["pages"] if not p["blank"] and not p["separator"]]

    # chartroom document -> truth documents of its content pages
    holds = defaultdict(Counter)
    where = defaultdict(set)          # truth doc -> chartroom documents holding its content pages
    lost = []
    for tp in content:
        got = seen.get((tp["file"], tp["index"]))
        if got is None or got["document"] is None or got["state"] in ("dropped_blank", "quarantined", "separator"):
            lost.append({"file": tp["file"], "page": tp["index"], "state": got["state"] if got else "missing",
                         "reason": got.get("reason") if got else None})
            where[tp["doc"]].add(None)
            continue
        holds[got["document"]][tp["doc"]] += 1
        where[tp["doc"]].add(got["document"])

    misfiled = []
    for did, counter in holds.items():
        d = docs.get(did)
        if not d or d["state"] != "filed":
            continue
        mrn = (d.get("patient") or {}).get("mrn")
        wrong = [t for t in counter if truth_docs[t]["truth_mrn"] != mrn]
        if wrong:
            pages = [{"file": seen_k[0], "page": seen_k[1]} for seen_k, p in seen.items()
                     if p["document"] == did]
            misfiled.append({"document": did, "filed_to": mrn,
                             "truth": sorted({truth_docs[t]["truth_mrn"] or "not in index" for t in counter}),
                             "pages": pages})

    in_index = [t for t in truth_docs.values() if t["truth_mrn"]]
    outsiders = [t for t in truth_docs.values() if not t["truth_mrn"]]
    whole_right = 0
    for t in in_index:
        ds = where.get(t["doc"], set())
        if len(ds) == 1 and None not in ds:
            d = docs[next(iter(ds))]
            if d["state"] == "filed" and (d.get("patient") or {}).get("mrn") == t["truth_mrn"] and set(holds[d["id"]]) == {t["doc"]}:
                whole_right += 1
    outsiders_review = sum(1 for t in outsiders
                           if all(x is not None and docs[x]["state"] != "filed" for x in where.get(t["doc"], {None})))

    # review queue: counts only
    review = [d for d in docs_json if d["state"] == "review"]
    kinds, classes = Counter(), Counter()
    for d in review:
        for k in set(d.get("review_kinds") or []):
            kinds[k] += 1
        for r in set(reason_class(r) for r in d.get("review_reasons") or []):
            classes[r] += 1

    # boundaries, over each batch's content pages in scan order
    tp_, fp_, fn_ = 0, 0, 0
    by_batch = defaultdict(list)
    for p in content:
        by_batch[p["batch"]].append(p)
    for plist in by_batch.values():
        plist.sort(key=lambda p: p["order"])
        prev_t = prev_c = None
        for i, p in enumerate(plist):
            got = seen.get((p["file"], p["index"]))
            cdoc = got["document"] if got and got["document"] else ("lost", p["file"], p["index"])
            if i > 0:
                t_start, c_start = p["doc"] != prev_t, cdoc != prev_c
                tp_ += t_start and c_start
                fp_ += c_start and not t_start
                fn_ += t_start and not c_start
            prev_t, prev_c = p["doc"], cdoc
    prec = tp_ / (tp_ + fp_) if tp_ + fp_ else 1.0
    rec = tp_ / (tp_ + fn_) if tp_ + fn_ else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    # document types: each chartroom document against the truth document most of its pages are from
    type_all = type_all_ok = type_filed = type_filed_ok = 0
    for did, counter in holds.items():
        d = docs.get(did)
        if not d:
            continue
        want = truth_docs[counter.most_common(1)[0][0]]["type"]
        ok = (d.get("doc_type") or {}).get("label") == want
        type_all += 1
        type_all_ok += ok
        if d["state"] == "filed":
            type_filed += 1
            type_filed_ok += ok

    blanks = [p for p in truth["pages"] if p["blank"]]
    blanks_dropped = sum(1 for p in blanks if (seen.get((p["file"], p["index"])) or {}).get("state") == "dropped_blank")
    seps = [p for p in truth["pages"] if p["separator"]]
    seps_found = sum(1 for p in seps if (seen.get((p["file"], p["index"])) or {}).get("state") == "separator")
    flipped = [p for p in content if p.get("upside_down")]
    orient_ok = sum(1 for p in content if (seen.get((p["file"], p["index"])) or {}).get("orientation")
                    == (180 if p.get("upside_down") else 0))
    filed_docs = sum(1 for d in docs_json if d["state"] == "filed")
    return {
        "pages": len(truth["pages"]), "content_pages": len(content), "truth_documents": len(truth_docs),
        "truth_in_index": len(in_index), "truth_not_in_index": len(outsiders),
        "chartroom_documents": len(docs_json), "documents_filed": filed_docs, "documents_review": len(review),
        "misfiled_documents": len(misfiled), "misfiled": misfiled,
        "filed_whole_right": whole_right, "filed_whole_right_share": whole_right / len(in_index) if in_index else 0.0,
        "outsiders_kept_from_filing": outsiders_review,
        "review_kinds": dict(kinds.most_common()), "review_reason_classes": dict(classes.most_common()),
        "boundary_precision": prec, "boundary_recall": rec, "boundary_f1": f1,
        "type_accuracy_filed": type_filed_ok / type_filed if type_filed else None,
        "type_accuracy_all": type_all_ok / type_all if type_all else None,
        "content_pages_lost": len(lost), "lost": lost,
        "blank_backs": len(blanks), "blank_backs_dropped": blanks_dropped,
        "separators": len(seps), "separators_found": seps_found,
        "upside_down_pages": len(flipped), "orientation_right": orient_ok,
    }
