#!/usr/bin/python3
"""Render the held-out evaluation set: batches of scanned chart pages, the patient index
they are matched against, and the truth.

    /usr/bin/python3 make_set.py --out DIR --seed 101 --pages 120 --profile standard --chartroom BIN

DIR/set/       the scans (TIFF, PDF, folders of PNG/JPEG pages): ingest this folder
DIR/index.csv  the patient index (chartroom patients import)
DIR/truth.json per page: file, page index, document, truth MRN (null: not in the index), type, blank
"""
import argparse
import datetime
import json
import os
import random
import subprocess
import sys

from PIL import Image

import data
import documents
import scan
from identity import Cohort, FAMILY, GIVEN_F, GIVEN_M

NARRATIVE = ["progress_note", "discharge_summary", "history_and_physical", "operative_report",
             "radiology_report", "emergency_note"]
TYPE_WEIGHTS = {"progress_note": 14, "discharge_summary": 9, "history_and_physical": 10, "operative_report": 8,
                "radiology_report": 9, "emergency_note": 7, "pathology_report": 6, "correspondence": 8,
                "lab_result": 10, "medication_list": 7, "consent_form": 6, "face_sheet": 6}
FORMATS = ["tif_g4", "tif_g4", "tif_lzw", "tif_jpeg", "pdf_gray", "pdf_bw", "png_dir", "jpg_dir"]


def weighted(rng, table):
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


class SetMaker:
    def __init__(self, seed, profile, chartroom, out):
        self.rng = random.Random(seed)
        self.prof = scan.PROFILES[profile]
        self.profile = profile
        self.chartroom = chartroom
        self.out = out
        self.cohort = Cohort(data.load_patients(), self.rng)
        self.notes = data.load_heldout_notes()
        self.payers = data.load_payers()
        self.index_by_mrn = {p["mrn"]: p for p in self.cohort.index}
        self.unused_mrns = set()
        self.doc_no = 0
        self.sep_cache = {}

    # ------------------------------------------------------------ who and what
    def pick_patient(self):
        """(person, truth MRN or None, printed MRN or None, category)."""
        rng, co = self.rng, self.cohort
        hard = self.profile == "hard"
        cat = weighted(rng, {"regular": 40, "no_mrn": 12, "trap_main": 11, "trap_sibling": 7,
                             "outsider_mrn": 6, "outsider_none": 6, "outsider_lookalike": 6,
                             "account_lookalike": 6 if hard else 4, "other_mrn_on_page": 4})
        if cat in ("regular", "no_mrn", "account_lookalike", "other_mrn_on_page"):
            p = rng.choice(co.regulars)
            return p, p["mrn"], (None if cat == "no_mrn" else p["mrn"]), cat
        if cat in ("trap_main", "trap_sibling"):
            kind, main, sib = rng.choice(co.traps)
            p = main if cat == "trap_main" else sib
            printed = p["mrn"] if rng.random() < 0.6 else None
            return p, p["mrn"], printed, "%s_%s" % (cat, kind)
        if cat == "outsider_lookalike":
            cands = [o for o in co.outsiders if o.get("lookalike")] or co.outsiders
            p = rng.choice(cands)
            return p, None, None, cat
        p = rng.choice(co.outsiders)
        if cat == "outsider_mrn":
            m = co.new_mrn()  # a number in our format that the index does not hold
            return p, None, m, cat
        return p, None, None, cat

    def style_for(self, t):
        rng = self.rng
        fax = 30 if self.profile == "hard" else 18
        if t in NARRATIVE or t == "pathology_report":
            return weighted(rng, {"ehr": 35, "dictated": 25, "clinic": 20, "fax": fax})
        if t == "lab_result":
            return weighted(rng, {"ehr": 70, "fax": fax * 2})
        if t == "medication_list":
            return rng.choice(["ehr", "form"])
        if t == "correspondence":
            return "letter"
        return "form" if t == "consent_form" else "ehr"

    def pages_for(self, t):
        rng = self.rng
        if t in ("face_sheet",):
            return 1
        if t in ("consent_form", "correspondence", "pathology_report"):
            return rng.choice([1, 1, 2])
        if t == "medication_list":
            return rng.choice([1, 2, 3])
        if t == "lab_result":
            return rng.choice([1, 1, 2, 3])
        if t in ("discharge_summary", "history_and_physical"):
            return rng.choice([1, 2, 2, 3, 4, 5, 6, 8])
        return rng.choice([1, 1, 2, 2, 3, 4])

    def note_paras(self, t, pages):
        """A held-out note of the type; a long document gets one of the longer notes."""
        rng = self.rng
        pool = self.notes.get(t)
        if not pool or len(pool) < 3:
            pool = self.notes["progress_note"] + self.notes["history_and_physical"]
        if pages >= 3:
            pool = sorted(pool, key=lambda n: -sum(len(p) for p in n[1]))[: max(3, len(pool) // 4)]
        paras = list(rng.choice(pool)[1])
        # A long stay or a long work-up: the course goes on over more pages. Its text comes from
        # other held-out notes of the type, their section bodies only (no second set of opening
        # headings in the middle of one document).
        want = pages * 3600
        while sum(len(p) for p in paras) < want:
            extra = rng.choice(pool)[1]
            body = [p.split(":", 1)[1].strip() if ":" in p[:60] and p.split(":", 1)[0].isupper() else p for p in extra[1:]]
            body = [b for b in body if len(b) > 80]
            if not body:
                break
            paras.insert(len(paras) - 1, " ".join(body))
        return paras

    def other_person(self, family=None):
        rng = self.rng
        sex = rng.choice("FM")
        d = datetime.date(rng.randint(1935, 2000), rng.randint(1, 12), rng.randint(1, 28))
        return {"given": rng.choice(GIVEN_F if sex == "F" else GIVEN_M), "family": family or rng.choice(FAMILY),
                "birth_date": d.isoformat(), "sex": sex}

    def make_doc(self):
        rng = self.rng
        t = weighted(rng, TYPE_WEIGHTS)
        person, truth_mrn, printed, cat = self.pick_patient()
        style = self.style_for(t)
        if style == "fax" and printed and rng.random() < 0.6:
            printed = None  # an outside office does not know our MRN
            cat += "+fax_no_mrn"
        self.doc_no += 1
        doc = {"no": self.doc_no, "type": t, "style": style, "pages": self.pages_for(t), "person": person,
               "truth_mrn": truth_mrn, "printed_mrn": printed, "category": cat,
               "date": datetime.date(2026, rng.randint(1, 11), rng.randint(1, 28)),
               "hospital": rng.choice(documents.HOSPITALS), "sender": rng.choice(documents.OUTSIDE),
               "payers": self.payers}
        if t != "lab_result" and t != "face_sheet":
            doc["paras"] = self.note_paras(t if t != "pathology_report" else "progress_note", doc["pages"]) if t != "consent_form" else []
        if cat == "other_mrn_on_page":
            # an encounter number in the MRN's own format that the index does not hold
            doc["encounter"] = self.cohort.new_mrn()
        if cat.startswith("account_lookalike"):
            # an account number with the same digits as another patient's MRN
            doc["account"] = rng.choice(self.cohort.index)["mrn"]
        if t == "face_sheet":
            others = [p for p in self.cohort.index if p["family"] == person["family"] and p is not person]
            if cat.endswith("junior") and cat.startswith("trap_main"):
                sr = [s for k, m, s in self.cohort.traps if m is person]
                g = sr[0] if sr else self.other_person(person["family"])
            elif others and rng.random() < 0.5:
                g = rng.choice(others)  # a family member who is a patient too
            else:
                g = self.other_person(person["family"] if rng.random() < 0.7 else None)
            doc["guarantor"], doc["guarantor_rel"] = g, rng.choice(["Spouse", "Parent", "Self" if g is person else "Child", "Other"])
            doc["contact"], doc["contact_rel"] = self.other_person(person["family"] if rng.random() < 0.5 else None), rng.choice(
                ["Daughter", "Son", "Spouse", "Sister", "Friend", "Neighbor"])
        return doc

    # ------------------------------------------------------------ batches
    def separator(self, dpi, mrn):
        key = (dpi, mrn)
        if key not in self.sep_cache:
            path = os.path.join(self.out, "work", "sep_%s.png" % (mrn or "plain"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            cmd = [self.chartroom, "separator-sheet", "--out", path] + (["--mrn", mrn] if mrn else [])
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            img = Image.open(path).convert("L")
            self.sep_cache[key] = img.resize((int(8.5 * dpi), int(11 * dpi)), Image.BILINEAR)
        return self.sep_cache[key]

    def make_batch(self, number, budget):
        rng, prof = self.rng, self.prof
        dpi = 300 if rng.random() >= prof["low_dpi"] else rng.choice([200, 240])
        fmt = rng.choice(FORMATS)
        use_sep = rng.random() < 0.3
        duplex = rng.random() < (0.35 if self.profile == "hard" else 0.2)
        ndocs = rng.randint(2, 6)
        pages, truth = [], []
        for _ in range(ndocs):
            doc = self.make_doc()
            if use_sep:
                mrn = doc["truth_mrn"] if (doc["truth_mrn"] and rng.random() < 0.4) else None
                pages.append(scan.scan_page(self.separator(dpi, mrn), rng, scan.PROFILES["standard"]))
                truth.append({"doc": None, "separator": True, "blank": False, "upside_down": False})
            imgs = documents.render(doc, dpi, rng)
            doc["pages"] = len(imgs)
            fax = doc["style"] == "fax" and rng.random() < prof["fax"]
            for img in imgs:
                flip = rng.random() < prof["upside_down"]
                pages.append(scan.scan_page(img, rng, prof, fax=fax, upside_down=flip))
                truth.append({"doc": doc["no"], "separator": False, "blank": False, "upside_down": flip})
                if duplex:
                    pages.append(scan.blank_back(img.size, rng, prof, front=img))
                    truth.append({"doc": doc["no"], "separator": False, "blank": True, "upside_down": False})
            self.docs.append({"doc": doc["no"], "batch": number, "truth_mrn": doc["truth_mrn"],
                              "printed_mrn": doc["printed_mrn"], "type": doc["type"], "style": doc["style"],
                              "category": doc["category"], "pages": doc["pages"]})
            if len(pages) >= budget:
                break
        names = scan.write_batch(pages, dpi, fmt, os.path.join(self.out, "set", "batch_%03d" % number), rng, prof)
        for order, ((fn, idx), t) in enumerate(zip(names, truth)):
            d = next((x for x in self.docs if x["doc"] == t["doc"]), None)
            self.pages.append({"file": fn, "index": idx, "batch": number, "order": order, "doc": t["doc"],
                               "mrn": d["truth_mrn"] if d else None, "type": d["type"] if d else None,
                               "blank": t["blank"], "separator": t["separator"], "upside_down": t["upside_down"]})
        return len(pages), fmt, dpi

    def run(self, total_pages):
        os.makedirs(os.path.join(self.out, "set"), exist_ok=True)
        self.docs, self.pages = [], []
        n, b = 0, 0
        while n < total_pages:
            b += 1
            got, fmt, dpi = self.make_batch(b, min(16, total_pages - n + 2))
            n += got
            print("batch %03d: %2d pages, %s, %d dpi" % (b, got, fmt, dpi), file=sys.stderr)
        self.cohort.write_index_csv(os.path.join(self.out, "index.csv"))
        with open(os.path.join(self.out, "truth.json"), "w") as f:
            json.dump({"profile": self.profile, "pages": self.pages, "documents": self.docs,
                       "index_patients": len(self.cohort.index)}, f, indent=1)
        return n, b


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--pages", type=int, default=120)
    ap.add_argument("--profile", choices=sorted(scan.PROFILES), default="standard")
    ap.add_argument("--chartroom", required=True, help="chartroom binary (for its separator sheets)")
    a = ap.parse_args()
    n, b = SetMaker(a.seed, a.profile, a.chartroom, a.out).run(a.pages)
    print("wrote %d pages in %d batches to %s" % (n, b, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
