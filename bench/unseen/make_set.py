#!/usr/bin/python3
"""Build one unseen evaluation set: scanned batches, a patient index, the truth.

    /usr/bin/python3 bench/unseen/make_set.py --out DIR --profile standard --seed 1 --pages 120 \
        --chartroom build/app/chartroom

DIR/scans/      the batches (multi-page TIFF: G4, gray LZW, gray JPEG; folders of PNG pages)
DIR/index.csv   the patient index for `chartroom patients import`
DIR/truth.json  per page: document, patient MRN (null: not in the index), type, blank

Written independently of chartroom's own generator (tests/gen) and of the
type model's corpus: its own layouts, fonts, label spellings and notes held out
from training (MTSamples rows with index % 5 == 0).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from PIL import Image  # noqa: E402

import content  # noqa: E402
import defects  # noqa: E402
from identities import Person, build_people, load_synthea, padding, write_index  # noqa: E402
from render import DocSpec, Style, random_spec_choices, render_document  # noqa: E402

DATA = "/work/shared/data"

# Share of documents by type: visit notes and reports from MTSamples, forms from templates.
TYPE_WEIGHTS = {"progress_note": 9, "history_and_physical": 8, "discharge_summary": 6, "operative_report": 7,
                "radiology_report": 7, "emergency_note": 5, "pathology_report": 4, "correspondence": 6,
                "lab_result": 8, "medication_list": 6, "consent_form": 5, "face_sheet": 5}

PAGE_LIMIT_WEIGHTS = [(1, 30), (2, 30), (3, 18), (4, 10), (5, 7), (6, 5)]


def weighted(rng: random.Random, pairs) -> object:
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights)[0]


class SetBuilder:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.prof = defects.PROFILES[args.profile]
        self.synthea = load_synthea(os.path.join(DATA, "patients_dev.csv"))
        self.addresses = {}
        notes = content.load_notes(os.path.join(DATA, "mtsamples_dev.csv"))
        self.notes = {t: [n for n in notes if n["type"] == t] for t in content.NOTE_TYPES}
        with open(os.path.join(DATA, "payers.csv"), newline="") as f:
            self.payers = [r["NAME"] for r in csv.DictReader(f) if r["NAME"] != "NO_INSURANCE"]
        self.people, self.index_only, mrns = build_people(self.synthea, self.rng, n_plain=args.plain, n_missing=4)
        pad = padding(self.people + self.index_only, self.synthea, mrns, self.rng, args.padding)
        self.index = [p for p in self.people + self.index_only if p.in_index] + pad
        self.sep_cache: dict[str, Image.Image] = {}
        self.tmp = tempfile.mkdtemp(prefix="unseen-sep-")

    # -- documents -------------------------------------------------------------
    def choose_type(self, person: Person) -> str:
        return weighted(self.rng, TYPE_WEIGHTS.items())

    def doc_spec(self, person: Person, doc_type: str) -> tuple[DocSpec, dict]:
        """The spec of one document and its truth fields."""
        rng = self.rng
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))
        style = Style.random(rng)
        looks = random_spec_choices(rng, doc_type)
        note = None
        dstyle = looks["date_style"]
        if doc_type == "lab_result":
            blocks = content.lab_blocks(person, rng, day, dstyle)
            title = rng.choice(["LABORATORY REPORT", "Lab Results", "CUMULATIVE LAB REPORT", "Laboratory Results"])
        elif doc_type == "medication_list":
            blocks = content.medlist_blocks(person, rng, day, dstyle)
            title = rng.choice(["MEDICATION LIST", "Medication Reconciliation", "CURRENT MEDICATIONS", "Home Medication List"])
        elif doc_type == "consent_form":
            blocks = content.consent_blocks(person, rng, day, dstyle, hand=rng.random() < 0.5)
            title = rng.choice(["CONSENT FOR SURGERY OR PROCEDURE", "Informed Consent", "AUTHORIZATION FOR TREATMENT AND ANESTHESIA"])
        elif doc_type == "face_sheet":
            addr = next((s["address"] for s in self.synthea if s["family"] == person.family and s["given"] == person.given),
                        "12 Oak Street, Boston, MA 02118")
            blocks = content.face_sheet_blocks(person, rng, day, dstyle, self.payers, addr)
            title = rng.choice(["FACE SHEET", "Patient Face Sheet", "ADMISSION FACE SHEET", "REGISTRATION RECORD"])
        elif doc_type == "pathology_report" and (not self.notes["pathology_report"] or rng.random() < 0.7):
            blocks = content.pathology_blocks(person, rng, day, dstyle)
            title = rng.choice(content.TITLES["pathology_report"])
        elif doc_type == "correspondence" and (not self.notes["correspondence"] or rng.random() < 0.75):
            sender = rng.choice(content.PROVIDERS)
            blocks = content.letter_blocks(person, rng, day, dstyle, sender)
            title = None
        else:
            note = rng.choice(self.notes[doc_type])
            blocks = content.note_blocks(note, rng)
            if doc_type == "correspondence":
                blocks = [("para", content.fmt_date(day, "long")), ("space", 1), ("re",)] + blocks
            title = rng.choice(content.TITLES[doc_type])
        fax = None
        if rng.random() < 0.15:
            fax = {"date": day + dt.timedelta(days=rng.randint(1, 30)), "time": f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}",
                   "from": style.clinic[0], "start": rng.randint(1, 3), "total": rng.randint(4, 12)}
        print_mrn = person.printed_mrn is not None and rng.random() > self.args.no_mrn_share
        spec = DocSpec(person=person, doc_type=doc_type, blocks=blocks, style=style, title=title, service_date=day,
                       identity=looks["identity"], cont_header=looks["cont_header"], footer=looks["footer"], fax=fax,
                       print_mrn=print_mrn, max_pages=weighted(rng, PAGE_LIMIT_WEIGHTS),
                       name_style=looks["name_style"], date_style=dstyle, lookalike=person.trap == "mrn_lookalike")
        if fax:
            fax["total"] = max(fax["total"], fax["start"] + spec.max_pages)
        trap = person.trap
        if person.in_index and not print_mrn:
            trap = "no_mrn" if trap == "plain" else trap + "+no_mrn"
        truth = {"patient": person.key, "mrn": person.mrn if person.in_index else None, "type": doc_type,
                 "trap": trap, "mrn_printed": bool(print_mrn and person.printed_mrn),
                 "printed_mrn": person.printed_mrn if print_mrn else None, "identity": looks["identity"],
                 "cont_header": looks["cont_header"], "footer": looks["footer"], "fax": fax is not None,
                 "title": title, "note_row": note["row"] if note else None,
                 "note_strict": note["strict"] if note else None}
        return spec, truth

    def plan(self) -> tuple[list[Person], list[Person]]:
        """Who the documents are for, in order: every trap person once, then at random."""
        rng = self.rng
        order = [p for p in self.people if p.trap != "plain"]
        order += [p for p in self.people if p.trap in ("twin", "junior_senior", "near_name", "missing")]
        rng.shuffle(order)
        plain = [p for p in self.people if p.trap == "plain"]
        return order, plain

    # -- pages -----------------------------------------------------------------
    def separator(self, dpi: int, mrn: str | None) -> Image.Image:
        """chartroom's own separator sheet as printed and scanned (made by the binary)."""
        key = mrn or ""
        if key not in self.sep_cache:
            out = os.path.join(self.tmp, f"sep{key}.png")
            cmd = [self.args.chartroom, "separator-sheet", "--out", out] + (["--mrn", mrn] if mrn else [])
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            self.sep_cache[key] = Image.open(out).convert("L")
        img = self.sep_cache[key]
        return img.resize((int(8.5 * dpi), int(11 * dpi)), Image.LANCZOS)

    def scan_page(self, img: Image.Image, day: dt.date, hard_faint_ok: bool) -> tuple[Image.Image, dict]:
        rng, prof = self.rng, self.prof
        faint = hard_faint_ok and rng.random() < prof["faint"]
        if rng.random() < prof["stamp"]:
            img = defects.stamp(img, rng, day)
        skew = max(-prof["skew_max"], min(prof["skew_max"], rng.gauss(0, prof["skew_max"] / 2)))
        up = rng.random() < prof["upside_down"]
        return defects.scan(img, rng, prof, faint=faint, skew=skew, upside_down=up), \
            {"skew": round(skew, 2), "upside_down": up, "faint": faint}

    def write_batch(self, name: str, fmt: str, dpi: int, images: list[Image.Image]) -> list[str]:
        """Save a batch as the scanner would; returns the file of each page (relative to scans/)."""
        scans = os.path.join(self.args.out, "scans")
        if fmt == "png":
            folder = os.path.join(scans, name)
            os.makedirs(folder, exist_ok=True)
            files = []
            for i, im in enumerate(images):
                fn = f"{name}_{i + 1}.png"  # unpadded: page2 must sort before page10
                im.save(os.path.join(folder, fn), dpi=(dpi, dpi))
                files.append(f"{name}/{fn}")
            return files
        path = os.path.join(scans, name + ".tif")
        if fmt == "g4":
            ims = [defects.to_bilevel(im, self.rng) for im in images]
            ims[0].save(path, save_all=True, append_images=ims[1:], compression="group4", dpi=(dpi, dpi))
        elif fmt == "lzw":
            images[0].save(path, save_all=True, append_images=images[1:], compression="tiff_lzw", dpi=(dpi, dpi))
        else:
            images[0].save(path, save_all=True, append_images=images[1:], compression="jpeg", quality=80, dpi=(dpi, dpi))
        return [name + ".tif"] * len(images)

    def build(self) -> dict:
        rng, args = self.rng, self.args
        os.makedirs(os.path.join(args.out, "scans"), exist_ok=True)
        write_index(os.path.join(args.out, "index.csv"), self.index, rng)
        order, plain = self.plan()
        documents, batches, total = [], [], 0
        b = 0
        while total < args.pages:
            b += 1
            dpi = weighted(rng, self.prof["dpi_weights"].items())
            lowest = min(self.prof["dpi_weights"])
            if b == 2 and lowest < 200:
                dpi = lowest  # a profile with sub-200-dpi scans always has at least one such batch
            fmt = weighted(rng, [("g4", 45), ("lzw", 20), ("jpeg", 15), ("png", 20)])
            duplex = rng.random() < 0.3
            separators = rng.random() < 0.2
            images, pages = [], []
            n_docs = rng.randint(3, 6)
            prev = None
            for _ in range(n_docs):
                if prev is not None and rng.random() < 0.15:
                    person = prev  # the same patient's next document, back to back
                else:
                    person = order.pop() if order else rng.choice(plain)
                prev = person
                spec, truth = self.doc_spec(person, self.choose_type(person))
                clean, cut = render_document(spec, dpi, rng)
                doc_no = len(documents)
                truth.update(doc=doc_no, pages=len(clean), cut=cut)
                documents.append(truth)
                if separators:
                    sep_mrn = person.printed_mrn if (truth["mrn_printed"] and rng.random() < 0.3) else None
                    img, info = self.scan_page(self.separator(dpi, sep_mrn), spec.service_date, False)
                    images.append(img)
                    pages.append(dict(kind="separator", doc=None, **info))
                    if duplex:
                        images.append(defects.blank_back(img.size, rng, self.prof, None))
                        pages.append(dict(kind="blank", doc=None))
                for k, page in enumerate(clean):
                    img, info = self.scan_page(page, spec.service_date, True)
                    images.append(img)
                    pages.append(dict(kind="content", doc=doc_no, doc_page=k + 1, **info))
                    if duplex:
                        images.append(defects.blank_back(img.size, rng, self.prof, page))
                        pages.append(dict(kind="blank", doc=doc_no))
            if fmt == "png" and len(images) < 2:
                fmt = "g4"
            name = f"{'clinic' if fmt == 'png' else 'scan'}_{b:04d}"
            files = self.write_batch(name, fmt, dpi, images)
            per_file: dict[str, int] = {}
            for pg, f in zip(pages, files):
                pg["file"] = f
                pg["index"] = per_file.get(f, 0) if fmt != "png" else 0
                per_file[f] = per_file.get(f, 0) + 1
                pg["blank"] = pg["kind"] == "blank"
            for d in documents:
                d.setdefault("batch", name)
            batches.append({"batch": name, "format": fmt, "dpi": dpi, "duplex": duplex,
                            "separators": separators, "pages": pages})
            total += len(images)
            print(f"  {name}: {fmt} {dpi} dpi, {len(images)} pages{' duplex' if duplex else ''}"
                  f"{' with separators' if separators else ''}", file=sys.stderr)
        people = {p.key: {"family": p.family, "given": p.given, "middle": p.middle, "suffix": p.suffix,
                          "dob": p.dob.isoformat(), "sex": p.sex, "mrn": p.mrn, "printed_mrn": p.printed_mrn,
                          "trap": p.trap, "sibling": p.sibling, "in_index": p.in_index}
                  for p in self.people + self.index_only}
        return {"profile": args.profile, "seed": args.seed, "pages": total, "index_entries": len(self.index),
                "batches": batches, "documents": documents, "people": people}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--profile", choices=sorted(defects.PROFILES), default="standard")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pages", type=int, default=120, help="stop adding batches once this many page images are made")
    ap.add_argument("--plain", type=int, default=25, help="patients without a trap")
    ap.add_argument("--padding", type=int, default=5000, help="index entries of people with no document")
    ap.add_argument("--no-mrn-share", type=float, default=0.08, help="share of documents printed without an MRN")
    ap.add_argument("--chartroom", default="build/app/chartroom", help="binary that prints the separator sheet")
    args = ap.parse_args()
    truth = SetBuilder(args).build()
    with open(os.path.join(args.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    n_docs = len(truth["documents"])
    print(f"{truth['pages']} pages in {len(truth['batches'])} batches, {n_docs} documents, "
          f"{truth['index_entries']} index entries -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
