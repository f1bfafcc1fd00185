"""What the documents of the unseen set say: held-out MTSamples notes and form templates.

A document's content is a list of blocks for the page renderer (render.py):
  ("title", text)                     a centred or left title in capitals
  ("heading", text)                   a section heading
  ("para", text)                      a paragraph, wrapped
  ("fields", [(label, value), ...])   label: value lines, two to a row when short
  ("table", header, rows)             ruled table
  ("checks", [text, ...])             check boxes, some ticked
  ("signature", [lines])              a signature line with the name under it
  ("hand", [(label, value), ...])     a hand-filled form line: printed label, written value
  ("space", lines)                    vertical space

Only MTSamples rows whose 0-based index i satisfies i % 5 == 0 are used: they
are held out from chartroom's document-type training. Form types
(lab_result, medication_list, consent_form, face_sheet) and some letters and
pathology reports are written from this file's own templates.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re

from identities import Person, fmt_date, fmt_name

SPECIALTY_TYPES = {
    "SOAP / Chart / Progress Notes": "progress_note",
    "Office Notes": "progress_note",
    "Discharge Summary": "discharge_summary",
    "Consult - History and Phy.": "history_and_physical",
    "Radiology": "radiology_report",
    "Lab Medicine - Pathology": "pathology_report",
    "Emergency Room Reports": "emergency_note",
    "Letters": "correspondence",
    "Surgery": "operative_report",
}

NOTE_TYPES = ["progress_note", "discharge_summary", "history_and_physical", "operative_report",
              "radiology_report", "pathology_report", "emergency_note", "correspondence"]
FORM_TYPES = ["lab_result", "medication_list", "consent_form", "face_sheet"]
ALL_TYPES = NOTE_TYPES + FORM_TYPES

# Titles as different clinics print them (None: no title at all).
TITLES = {
    "progress_note": ["PROGRESS NOTE", "Office Visit", "CLINIC NOTE", "Follow-up Visit", "Progress Note", None],
    "discharge_summary": ["DISCHARGE SUMMARY", "Discharge Summary", "HOSPITAL DISCHARGE SUMMARY", None],
    "history_and_physical": ["HISTORY AND PHYSICAL", "History & Physical Examination", "CONSULTATION",
                             "ADMISSION H&P", "Consultation Note", None],
    "operative_report": ["OPERATIVE REPORT", "Operative Note", "PROCEDURE NOTE", "OPERATIVE REPORT", None],
    "radiology_report": ["RADIOLOGY REPORT", "Diagnostic Imaging Report", "IMAGING", "Radiology", None],
    "pathology_report": ["SURGICAL PATHOLOGY REPORT", "Pathology Report", "CYTOPATHOLOGY"],
    "emergency_note": ["EMERGENCY DEPARTMENT RECORD", "ED Physician Note", "EMERGENCY ROOM REPORT", None],
    "correspondence": [None],
}


def split_paragraphs(text: str) -> list[tuple[str, str]]:
    """MTSamples text back into (heading, paragraph) pieces.

    Sections are flattened as "HEADING:, text,NEXT HEADING:, text": split on a
    comma before an upper-case heading, then on commas before "2." list items.
    """
    text = text.strip()
    pieces = re.split(r",\s*(?=[A-Z][A-Z0-9 /&\-\(\),']{2,60}:)", text)
    out = []
    for piece in pieces:
        m = re.match(r"([A-Z][A-Z0-9 /&\-\(\),']{2,60}):\s*,?\s*(.*)", piece, re.S)
        heading, body = (m.group(1).strip(" ,"), m.group(2)) if m else ("", piece)
        items = [s.strip(" ,") for s in re.split(r",\s*(?=\d{1,2}\.\s)|(?<=\.),(?=\S)", body)]
        items = [s for s in items if s]
        if not items:
            out.append((heading, ""))
        for i, item in enumerate(items):
            out.append((heading if i == 0 else "", item))
    return out


def load_notes(path: str) -> list[dict]:
    """Held-out notes (row index % 5 == 0) with a truth type, in file order.

    `strict` is False when the same transcription also appears in a row that is
    not held out (MTSamples lists a text under several specialties), so the
    type model may have seen it.
    """
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    trained = {r["transcription"].strip() for i, r in enumerate(rows) if i % 5 != 0}
    notes = []
    for i, r in enumerate(rows):
        if i % 5 != 0:
            continue
        spec, text = r["medical_specialty"].strip(), r["transcription"]
        typ = SPECIALTY_TYPES.get(spec)
        if typ is None:
            continue
        has_pre_post = "PREOPERATIVE DIAGNOSIS" in text and "POSTOPERATIVE DIAGNOSIS" in text
        if typ == "operative_report" and not (has_pre_post and re.search(r"PROCEDURE|OPERATION", text)):
            continue
        if typ == "radiology_report" and has_pre_post:
            continue  # an image-guided procedure: an operative report, not a reading
        if len(text) < 300:
            continue
        notes.append({"row": i, "note_id": r["note_id"], "type": typ, "sample": r["sample_name"].strip(),
                      "text": text, "strict": text.strip() not in trained})
    return notes


# ---- form templates ---------------------------------------------------------

PROVIDERS = ["Anita Desai, MD", "Robert K. Lindqvist, MD", "Maureen O'Hara, NP", "Samuel Okafor, DO",
             "Helen Brandt, MD", "Victor Palacios, MD", "Grace Chu, PA-C", "Thomas Whitfield, MD",
             "Leah Abramowitz, MD", "Deepak Raman, MD", "Carla Benedetti, MD", "J. P. Fontaine, MD"]

LAB_PANELS = {
    "COMPREHENSIVE METABOLIC PANEL": [
        ("Sodium", 136, 145, "mmol/L", 0), ("Potassium", 3.5, 5.1, "mmol/L", 1), ("Chloride", 98, 107, "mmol/L", 0),
        ("CO2", 22, 29, "mmol/L", 0), ("BUN", 7, 20, "mg/dL", 0), ("Creatinine", 0.6, 1.3, "mg/dL", 2),
        ("Glucose", 70, 99, "mg/dL", 0), ("Calcium", 8.6, 10.3, "mg/dL", 1), ("Total Protein", 6.0, 8.3, "g/dL", 1),
        ("Albumin", 3.5, 5.0, "g/dL", 1), ("AST", 10, 40, "U/L", 0), ("ALT", 7, 56, "U/L", 0),
        ("Alk Phos", 44, 147, "U/L", 0), ("Bilirubin, Total", 0.1, 1.2, "mg/dL", 1)],
    "CBC WITH DIFFERENTIAL": [
        ("WBC", 4.5, 11.0, "K/uL", 1), ("RBC", 4.2, 5.9, "M/uL", 2), ("Hemoglobin", 12.0, 17.5, "g/dL", 1),
        ("Hematocrit", 36, 52, "%", 1), ("MCV", 80, 100, "fL", 0), ("Platelets", 150, 400, "K/uL", 0),
        ("Neutrophils", 40, 70, "%", 0), ("Lymphocytes", 20, 40, "%", 0), ("Monocytes", 2, 8, "%", 0)],
    "LIPID PANEL": [
        ("Cholesterol, Total", 100, 199, "mg/dL", 0), ("Triglycerides", 0, 149, "mg/dL", 0),
        ("HDL Cholesterol", 40, 90, "mg/dL", 0), ("LDL Cholesterol (calc)", 0, 99, "mg/dL", 0)],
    "URINALYSIS": [
        ("Specific Gravity", 1.005, 1.030, "", 3), ("pH", 5.0, 8.0, "", 1), ("Protein", 0, 0, "mg/dL", 0),
        ("Glucose, Urine", 0, 0, "mg/dL", 0), ("WBC, Urine", 0, 5, "/hpf", 0), ("RBC, Urine", 0, 2, "/hpf", 0)],
    "THYROID / A1C": [
        ("TSH", 0.4, 4.0, "mIU/L", 2), ("Free T4", 0.8, 1.8, "ng/dL", 2), ("Hemoglobin A1c", 4.0, 5.6, "%", 1)],
}

MEDS = [("Lisinopril", "10 mg", "PO", "daily"), ("Metformin", "500 mg", "PO", "twice daily"),
        ("Atorvastatin", "40 mg", "PO", "at bedtime"), ("Amlodipine", "5 mg", "PO", "daily"),
        ("Metoprolol succinate", "25 mg", "PO", "daily"), ("Levothyroxine", "75 mcg", "PO", "every morning"),
        ("Omeprazole", "20 mg", "PO", "daily before breakfast"), ("Sertraline", "50 mg", "PO", "daily"),
        ("Furosemide", "20 mg", "PO", "daily"), ("Warfarin", "5 mg", "PO", "as directed"),
        ("Albuterol HFA", "90 mcg/puff", "INH", "2 puffs q4-6h PRN"), ("Insulin glargine", "22 units", "SC", "at bedtime"),
        ("Gabapentin", "300 mg", "PO", "three times daily"), ("Acetaminophen", "650 mg", "PO", "q6h PRN pain"),
        ("Aspirin", "81 mg", "PO", "daily"), ("Tamsulosin", "0.4 mg", "PO", "daily"),
        ("Prednisone", "10 mg", "PO", "daily x 5 days"), ("Hydrochlorothiazide", "12.5 mg", "PO", "daily"),
        ("Apixaban", "5 mg", "PO", "twice daily"), ("Montelukast", "10 mg", "PO", "nightly")]

ALLERGIES = ["No Known Drug Allergies", "Penicillin (rash)", "Sulfa drugs (hives)", "Codeine (nausea)",
             "Latex", "Shellfish; iodinated contrast (flushing)"]

PROCEDURES = ["Laparoscopic cholecystectomy", "Colonoscopy with possible biopsy and polypectomy",
              "Right total knee arthroplasty", "Cardiac catheterization", "Cataract extraction, left eye",
              "Excision of skin lesion, back", "Upper endoscopy (EGD)", "Left inguinal hernia repair"]

CONSENT_TEXT = [
    "I hereby authorize {prov} and such assistants as may be selected to perform the following "
    "procedure: {proc}.",
    "The nature and purpose of the procedure, possible alternative methods of treatment, the risks "
    "involved and the possibility of complications have been explained to me. I understand that no "
    "guarantee or assurance has been given as to the results that may be obtained.",
    "I consent to the administration of anesthesia as may be considered necessary or advisable, and "
    "to the disposal of any tissue or parts which may be removed, by the hospital in accordance with "
    "its customary practice.",
    "I understand that the risks include, but are not limited to, bleeding, infection, injury to "
    "nearby organs, blood clots, reaction to medication, and the need for further procedures.",
    "I certify that I have read and fully understand the above consent, that the explanations "
    "referred to were made, and that all blanks were filled in before I signed.",
]

LETTER_BODIES = [
    ["Thank you for referring {pt_first} for evaluation of {complaint}. I saw {pt_obj} in the office on "
     "{visit}.", "On examination today {pt_subj} was comfortable and in no distress. Vital signs were "
     "within normal limits. We reviewed the prior studies together.",
     "My impression is {impression}. I have recommended {plan} and will see {pt_obj} again in "
     "{weeks} weeks. Please do not hesitate to call me with any questions."],
    ["I am writing on behalf of my patient, {pt_full}, who has been under my care since {since}.",
     "{pt_subj_cap} has a history of {impression} and requires continued treatment with {plan}. "
     "Interrupting this treatment would put {pt_obj} at risk of serious complications.",
     "I respectfully ask that you reconsider the decision and approve coverage. Records are enclosed."],
    ["This letter is to confirm that {pt_full} was seen in our clinic on {visit} and may return to "
     "work on {return_day} without restrictions.", "Please excuse {pt_obj} absence for the dates noted. "
     "If further information is needed, our office can be reached at the number above."],
]

COMPLAINTS = ["chronic low back pain", "palpitations", "an abnormal mammogram", "persistent cough",
              "knee pain after a fall", "elevated liver enzymes", "recurrent headaches", "atrial fibrillation"]
IMPRESSIONS = ["mechanical low back pain without radicular features", "paroxysmal atrial fibrillation",
               "a benign-appearing breast lesion", "moderate persistent asthma", "a medial meniscus tear",
               "non-alcoholic fatty liver disease", "migraine without aura", "type 2 diabetes mellitus"]
PLANS = ["physical therapy twice a week", "a 30-day event monitor", "a short-interval follow-up ultrasound",
         "an inhaled corticosteroid", "an MRI of the knee", "weight reduction and repeat labs in three months",
         "a trial of a daily preventive medication", "anticoagulation with apixaban"]

PATH_SPECIMENS = [("Gallbladder, cholecystectomy", "Chronic cholecystitis with cholelithiasis.",
                   "Received in formalin labeled with the patient's name is a gallbladder measuring 8.2 x 3.1 cm. "
                   "The serosa is smooth and glistening. The lumen contains multiple yellow-green faceted stones."),
                  ("Colon, sigmoid, polyp, biopsy", "Tubular adenoma. Negative for high-grade dysplasia.",
                   "Received in formalin are two tan-pink soft tissue fragments measuring 0.4 and 0.6 cm, "
                   "submitted entirely in one cassette."),
                  ("Skin, left upper back, shave biopsy", "Seborrheic keratosis. Margins free.",
                   "Received in formalin is a tan-brown shave of skin measuring 0.9 x 0.7 x 0.2 cm. Inked and bisected."),
                  ("Endometrium, curettage", "Proliferative endometrium. No hyperplasia or malignancy identified.",
                   "Received in formalin is 1.5 cc of red-tan fragmented tissue, submitted entirely.")]


def pronouns(p: Person) -> dict:
    if p.sex == "F":
        return {"pt_subj": "she", "pt_subj_cap": "She", "pt_obj": "her"}
    return {"pt_subj": "he", "pt_subj_cap": "He", "pt_obj": "him"}


def note_blocks(note: dict, rng: random.Random) -> list[tuple]:
    """Blocks of one MTSamples note."""
    blocks: list[tuple] = []
    for heading, para in split_paragraphs(note["text"]):
        if heading:
            blocks.append(("heading", heading.title() if rng.random() < 0.3 else heading))
        if para:
            blocks.append(("para", para))
    return blocks


def lab_blocks(p: Person, rng: random.Random, day: dt.date, dstyle: str) -> list[tuple]:
    panels = rng.sample(list(LAB_PANELS), rng.randint(1, 3))
    blocks: list[tuple] = [("fields", [("Collected", f"{fmt_date(day, dstyle)} {rng.randint(6, 11):02d}:{rng.randint(0, 59):02d}"),
                                       ("Received", fmt_date(day, dstyle)),
                                       ("Ordering Provider", rng.choice(PROVIDERS)),
                                       ("Specimen", rng.choice(["Blood, venous", "Serum", "Whole blood", "Urine, clean catch"])),
                                       ("Accession", f"{rng.choice('ABCHLM')}{rng.randint(10, 99)}-{rng.randint(100000, 999999)}")])]
    for panel in panels:
        rows = []
        for name, lo, hi, unit, digits in LAB_PANELS[panel]:
            span = (hi - lo) or 1
            val = rng.uniform(lo - 0.25 * span, hi + 0.25 * span) if rng.random() < 0.3 else rng.uniform(lo, hi)
            val = max(val, 0)
            flag = "H" if val > hi else ("L" if val < lo else "")
            fmt = f"{{:.{digits}f}}"
            rng_text = f"{fmt.format(lo)}-{fmt.format(hi)}" if hi else "Negative"
            rows.append([name, fmt.format(val) if hi else rng.choice(["Negative", "Negative", "Trace"]), flag, unit, rng_text])
        blocks.append(("heading", panel))
        blocks.append(("table", ["Test", "Result", "Flag", "Units", "Reference Range"], rows))
    blocks.append(("para", "Results flagged H or L are outside the reference range. Verified by "
                   f"{rng.choice(['M. Torres, MT(ASCP)', 'K. Lindgren, MLS', 'R. Patel, MT'])}. "
                   "Performed at the hospital clinical laboratory, CLIA #22D0987654."))
    return blocks


def medlist_blocks(p: Person, rng: random.Random, day: dt.date, dstyle: str) -> list[tuple]:
    meds = rng.sample(MEDS, rng.randint(4, 12))
    rows = [[m, dose, route, freq, fmt_date(day - dt.timedelta(days=rng.randint(30, 2000)), dstyle), rng.choice(PROVIDERS).split(",")[0]]
            for m, dose, route, freq in meds]
    return [("fields", [("Reconciled on", fmt_date(day, dstyle)), ("Reconciled by", rng.choice(PROVIDERS)),
                        ("Pharmacy", rng.choice(["CVS #4471", "Walgreens #1209", "Hospital Outpatient Pharmacy"]))]),
            ("heading", "ALLERGIES"), ("para", "; ".join(rng.sample(ALLERGIES, rng.randint(1, 2)))),
            ("heading", "CURRENT MEDICATIONS"),
            ("table", ["Medication", "Dose", "Route", "Frequency", "Started", "Prescriber"], rows),
            ("checks", ["Patient reports taking medications as prescribed", "Medication list reviewed with patient",
                        "Printed copy given to patient"]),
            ("signature", ["Reviewed by (RN/MD)"])]


def consent_blocks(p: Person, rng: random.Random, day: dt.date, dstyle: str, hand: bool) -> list[tuple]:
    prov, proc = rng.choice(PROVIDERS), rng.choice(PROCEDURES)
    blocks: list[tuple] = []
    if hand:
        blocks.append(("hand", [("Procedure", proc), ("Physician", prov)]))
    for i, para in enumerate(CONSENT_TEXT):
        blocks.append(("para", f"{i + 1}. " + para.format(prov=prov, proc=proc)))
    blocks += [("checks", ["I consent to the transfusion of blood products if needed",
                           "I decline blood products", "An interpreter was used"]),
               ("space", 1),
               ("signature", ["Signature of patient or legal representative", "Date / Time"]),
               ("signature", ["Witness", "Physician obtaining consent"])]
    return blocks


def face_sheet_blocks(p: Person, rng: random.Random, day: dt.date, dstyle: str, payers: list[str],
                      address: str) -> list[tuple]:
    contact_first = rng.choice(["Anne", "Luis", "Marta", "Kevin", "Sandra", "Paul"])
    payer = rng.choice(payers) if payers else "Medicare"
    return [("heading", "ADMISSION INFORMATION"),
            ("fields", [("Admit Date", fmt_date(day, dstyle)), ("Admit Time", f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"),
                        ("Admission Type", rng.choice(["Emergency", "Elective", "Urgent", "Observation"])),
                        ("Unit / Room", f"{rng.choice(['4W', '5E', 'ICU', '3N', 'MSU'])}-{rng.randint(100, 450)}"),
                        ("Attending", rng.choice(PROVIDERS)), ("Admitting Dx", rng.choice(IMPRESSIONS)),
                        ("Account #", str(rng.randint(10 ** 9, 10 ** 10 - 1)))]),
            ("heading", "PATIENT DEMOGRAPHICS"),
            ("fields", [("Sex", {"F": "Female", "M": "Male"}.get(p.sex, "Unknown")),
                        ("Marital Status", rng.choice(["Single", "Married", "Widowed", "Divorced"])),
                        ("Address", address), ("Home Phone", f"({rng.randint(201, 989)}) 555-{rng.randint(1000, 9999)}"),
                        ("Language", rng.choice(["English", "English", "Spanish", "Portuguese", "Vietnamese"])),
                        ("Religion", rng.choice(["None", "Catholic", "Protestant", "Jewish", "Declined"]))]),
            ("heading", "INSURANCE"),
            ("fields", [("Primary Payer", payer), ("Policy #", f"{rng.choice('WXYZ')}{rng.randint(10 ** 8, 10 ** 9 - 1)}"),
                        ("Group #", str(rng.randint(10000, 99999))), ("Subscriber", fmt_name(p, "last_first")),
                        ("Relationship", "Self")]),
            ("heading", "EMERGENCY CONTACT"),
            ("fields", [("Name", f"{contact_first} {p.family}"), ("Relationship", rng.choice(["Spouse", "Daughter", "Son", "Sister", "Parent"])),
                        ("Phone", f"({rng.randint(201, 989)}) 555-{rng.randint(1000, 9999)}")]),
            ("signature", ["Registered by"])]


def letter_blocks(p: Person, rng: random.Random, day: dt.date, dstyle: str, sender: str) -> list[tuple]:
    fmt = dict(pt_first=f"{p.given}", pt_full=fmt_name(p, "first_last"), complaint=rng.choice(COMPLAINTS),
               visit=fmt_date(day, "long"), impression=rng.choice(IMPRESSIONS), plan=rng.choice(PLANS),
               weeks=rng.choice([2, 4, 6, 8]), since=str(day.year - rng.randint(1, 9)),
               return_day=fmt_date(day + dt.timedelta(days=rng.randint(2, 14)), "long"), **pronouns(p))
    recipient = rng.choice(["Dr. Margaret Ellison", "Dr. Frank Nakamura", "Utilization Review Department",
                            "To Whom It May Concern", "Dr. Priya Venkataraman"])
    salutation = "To Whom It May Concern:" if recipient.startswith("To") else f"Dear {recipient.split(' ', 1)[-1] if recipient.startswith('Dr') else recipient}:"
    if recipient.startswith("Dr"):
        salutation = f"Dear Dr. {recipient.split()[-1]}:"
    body = rng.choice(LETTER_BODIES)
    blocks: list[tuple] = [("para", fmt_date(day, "long")), ("space", 1)]
    if not recipient.startswith("To"):
        blocks.append(("para", recipient))
    blocks += [("space", 1), ("re",), ("para", salutation)]
    blocks += [("para", s.format(**fmt)) for s in body]
    blocks += [("para", "Sincerely,"), ("space", 2), ("para", sender)]
    return blocks


def pathology_blocks(p: Person, rng: random.Random, day: dt.date, dstyle: str) -> list[tuple]:
    spec, dx, gross = rng.choice(PATH_SPECIMENS)
    return [("fields", [("Accession #", f"S{day.year % 100}-{rng.randint(1000, 99999)}"),
                        ("Collected", fmt_date(day, dstyle)), ("Received", fmt_date(day + dt.timedelta(days=1), dstyle)),
                        ("Submitting Physician", rng.choice(PROVIDERS))]),
            ("heading", "SPECIMEN"), ("para", spec),
            ("heading", "CLINICAL HISTORY"), ("para", rng.choice(["Rule out malignancy.", "Symptomatic cholelithiasis.",
                                                                   "Screening colonoscopy.", "Changing lesion."])),
            ("heading", "GROSS DESCRIPTION"), ("para", gross),
            ("heading", "MICROSCOPIC DESCRIPTION"), ("para", "Sections show the features summarized in the diagnosis. "
                                                     "No atypia, dysplasia or malignancy is identified in the sections examined."),
            ("heading", "FINAL DIAGNOSIS"), ("para", dx),
            ("signature", [f"Electronically signed: {rng.choice(['Ingrid Solberg, MD', 'Marcus Webb, MD, PhD'])}, Pathologist"])]
