"""Source material for the held-out set: Synthea patients and the held-out MTSamples notes.

Only MTSamples data rows whose 0-based index i (file order after the header) has
i % 5 == 0 are used: those rows are kept out of the type model's training.
"""
import csv
import re

PATIENTS_CSV = "/work/shared/data/patients_dev.csv"
MTSAMPLES_CSV = "/work/shared/data/mtsamples_dev.csv"
PAYERS_CSV = "/work/shared/data/payers.csv"


def clean_name(text):
    return re.sub(r"\d+", "", text or "").strip()


def load_patients():
    with open(PATIENTS_CSV, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    people = []
    for r in rows:
        given, family = clean_name(r["FIRST"]), clean_name(r["LAST"])
        if not given or not family:
            continue
        people.append({
            "given": given, "family": family, "birth_date": r["BIRTHDATE"],
            "sex": r["GENDER"] if r["GENDER"] in ("F", "M") else "U",
            "address": clean_name(r["ADDRESS"]) or r["ADDRESS"], "city": r["CITY"],
            "zip": r["ZIP"], "suffix": clean_name(r["SUFFIX"]),
        })
    return people


def load_payers():
    with open(PAYERS_CSV, newline="", encoding="utf-8") as f:
        return [r.get("NAME") or list(r.values())[1] for r in csv.DictReader(f)]


_SPECIALTY_TYPES = {
    "SOAP / Chart / Progress Notes": "progress_note",
    "Office Notes": "progress_note",
    "Discharge Summary": "discharge_summary",
    "Consult - History and Phy.": "history_and_physical",
    "Radiology": "radiology_report",
    "Lab Medicine - Pathology": "pathology_report",
    "Emergency Room Reports": "emergency_note",
    "Letters": "correspondence",
}


def note_type(specialty, text):
    specialty = (specialty or "").strip()
    if specialty in _SPECIALTY_TYPES:
        return _SPECIALTY_TYPES[specialty]
    if specialty == "Surgery":
        up = text.upper()
        if ("PREOPERATIVE DIAGNOSIS" in up and "POSTOPERATIVE DIAGNOSIS" in up
                and ("PROCEDURE" in up or "OPERATION" in up)):
            return "operative_report"
    return None


def load_heldout_notes():
    """Held-out notes by chartroom type: {type: [(description, paragraphs)]}."""
    with open(MTSAMPLES_CSV, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        notes = {}
        for i, r in enumerate(reader):
            if i % 5 != 0:
                continue
            text = (r.get("transcription") or "").strip()
            kind = note_type(r.get("medical_specialty"), text)
            if not kind or len(text) < 200:
                continue
            notes.setdefault(kind, []).append((r.get("description", "").strip(), paragraphs(text)))
    return notes


_HEADING = re.compile(r",\s*(?=[A-Z][A-Z /&()\-]{2,60}:)")


def paragraphs(text):
    """Split MTSamples' flattened 'HEADING:, text,NEXT HEADING:, text' into paragraphs."""
    parts = [p.strip(" ,") for p in _HEADING.split(text)]
    out = []
    for p in parts:
        p = re.sub(r"^([A-Z][A-Z /&()\-]{2,60}:)\s*,\s*", r"\1 ", p)
        p = p.replace(",,", ",").replace(".,", ". ").replace(":,", ": ")
        if p:
            out.append(p)
    return out
