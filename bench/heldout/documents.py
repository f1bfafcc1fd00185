"""Documents as hospitals print them: each type in a few styles, with the patient's
identifiers the way that style shows them, and other numbers and other people on the page.

render(doc, dpi, rng) -> list of PIL gray pages (white paper, black ink).
"""
import datetime

from canvas import Canvas
from identity import PHYSICIANS

HOSPITALS = ["Harborview Regional Medical Center", "St. Brendan's Hospital", "Merrimack Valley General",
             "Blue Hills Community Hospital", "North Shore Family Health Center"]
OUTSIDE = ["Cape Ann Cardiology Associates", "Pioneer Valley Orthopedics, P.C.", "Westfield Imaging Partners",
           "Granite State Dermatology", "BayPath Clinical Laboratories", "Nashoba Pulmonary & Sleep"]


# ---------------------------------------------------------------- identifiers as printed

def fmt_date(iso, style):
    d = datetime.date.fromisoformat(iso)
    return {
        "us": d.strftime("%m/%d/%Y"),
        "us_short": "%d/%d/%d" % (d.month, d.day, d.year),
        "iso": d.isoformat(),
        "dmy_mon": d.strftime("%d-%b-%Y").upper(),
        "long": d.strftime("%B ") + str(d.day) + d.strftime(", %Y"),
        "mon": d.strftime("%b %d, %Y"),
    }[style]


def fmt_name(p, style):
    g, f, sfx = p["given"], p["family"], p.get("suffix") or ""
    upper_family = style.startswith("LAST") or style == "first_LAST"
    fam = f.upper() if upper_family else f
    giv = g.upper() if style == "LAST_FIRST" else g
    if sfx:
        sfx = sfx.upper().rstrip(".") if upper_family else sfx
    if style.startswith(("last", "LAST")):
        return "%s%s, %s" % (fam, " " + sfx if sfx else "", giv)
    return "%s %s%s" % (giv, fam, " " + sfx if sfx else "")


def age_on(iso, today):
    b = datetime.date.fromisoformat(iso)
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class Ident:
    """How one document prints its patient (fixed for all its pages)."""

    def __init__(self, doc, rng):
        p = doc["person"]
        self.p = p
        self.name = fmt_name(p, rng.choice(["last_first", "LAST_first", "LAST_FIRST", "first_last", "first_LAST"]))
        self.dob = fmt_date(p["birth_date"], rng.choice(["us", "us", "us_short", "iso", "dmy_mon", "mon"]))
        self.mrn = doc.get("printed_mrn")
        self.sex = {"F": "F", "M": "M"}.get(p["sex"], "U")
        self.today = doc["date"]
        self.age = age_on(p["birth_date"], self.today)
        self.visit = fmt_date(self.today.isoformat(), rng.choice(["us", "us_short", "mon"]))
        self.encounter = doc.get("encounter") or str(rng.randint(10**9, 10**10 - 1))
        self.account = doc.get("account") or "%08d" % rng.randint(10**7, 10**8 - 1)
        self.attending = "%s, MD" % rng.choice(PHYSICIANS)
        self.band_table = rng.random() < 0.5
        self.lab = {
            "name": rng.choice(["Name", "Patient", "Pt Name", "Patient Name", "NAME"]),
            "mrn": rng.choice(["MRN", "MRN:", "Medical Record #", "MR Number", "Hosp #", "MR#", "Med Rec No."]),
            "dob": rng.choice(["DOB", "Date of Birth", "Birthdate", "D.O.B.", "Birth Date"]),
        }


# ---------------------------------------------------------------- page furniture

def ehr_band(c, idn, title, page, total, hospital):
    c.text(c.left, c.y, hospital, 13, bold=True)
    c.text(c.right - c.width("Inpatient Record", 9), c.y + c.px(3), "Inpatient Record", 9)
    c.y += c.line_h(13)
    c.rule(thick=4)
    c.y += c.px(4)
    if idn.band_table:
        # labels in a header row, the values under them
        headers = ["Name", idn.lab["mrn"].rstrip(":"), "DOB/Age/Sex", "Encounter #", "Attending"]
        cells = [idn.name, idn.mrn or "", "%s / %dY / %s" % (idn.dob, idn.age, idn.sex), idn.encounter, idn.attending]
        if not idn.mrn:
            headers[1], cells[1] = "Acct #", idn.account
        c.table(headers, [cells], [0.26, 0.14, 0.24, 0.16, 0.20], pt=8.5, header_fill=215)
    else:
        # one shaded banner: name first, then label-value pairs
        pt = 9
        c.draw.rectangle([c.left, c.y, c.right, c.y + 2 * c.line_h(pt) + c.px(4)], fill=228)
        x = c.left + c.px(4)
        x += c.text(x, c.y + c.px(2), idn.name.upper(), pt + 1, bold=True) + c.px(14)
        for lab, val in ([(idn.lab["mrn"].rstrip(":"), idn.mrn)] if idn.mrn else []) + [
                (idn.lab["dob"].rstrip(":"), idn.dob), ("Age", "%d y" % idn.age), ("Sex", idn.sex)]:
            x += c.text(x, c.y + c.px(3), lab + ": ", pt, bold=True)
            x += c.text(x, c.y + c.px(3), val, pt) + c.px(12)
        y2 = c.y + c.line_h(pt) + c.px(3)
        x = c.left + c.px(4)
        for lab, val in [("Enc", idn.encounter), ("Acct", idn.account), ("Attending", idn.attending), ("Loc", "%s-%d" % (c.rng.choice(["4W", "6N", "ED", "CCU"]), c.rng.randint(1, 30)))]:
            x += c.text(x, y2, lab + ": ", pt, bold=True)
            x += c.text(x, y2, val, pt) + c.px(12)
        c.y += 2 * c.line_h(pt) + c.px(12)
    c.center(title.upper(), 12, bold=True)
    c.y += c.px(4)


def ehr_footer(c, idn, page, total):
    y = c.h - int(0.65 * c.dpi)
    c.rule(y=y - c.px(3), thick=1)
    c.text(c.left, y, "Printed %s 14:%02d by HIM.SCAN  |  CONFIDENTIAL: contains protected health information" %
           (idn.visit, c.rng.randint(0, 59)), 7.5)
    c.text(c.right - c.width("Page %d of %d" % (page, total), 8), y, "Page %d of %d" % (page, total), 8)


def fax_header(c, idn, page, total, sender):
    pt = 8
    s = "%s 09:%02d  FROM: %s  FAX (%03d) 555-%04d   TO: HIM DEPT" % (
        idn.visit, c.rng.randint(0, 59), sender.upper()[:28], c.rng.randint(201, 989), c.rng.randint(0, 9999))
    c.text(c.left - c.px(20), int(0.2 * c.dpi), s, pt, path=c.regular)
    c.text(c.right - c.width("P.%03d/%03d" % (page + 1, total + 1), pt), int(0.2 * c.dpi), "P.%03d/%03d" % (page + 1, total + 1), pt)


def outside_letterhead(c, sender):
    c.y = int(0.55 * c.dpi)
    c.center(sender, 15, bold=True)
    c.center("%d %s Road, Suite %d  *  Tel (%03d) 555-%04d" % (c.rng.randint(10, 999), c.rng.choice(["Lowell", "Essex", "Elm", "Quarry"]),
                                                             c.rng.randint(100, 400), c.rng.randint(201, 989), c.rng.randint(0, 9999)), 9)
    c.rule(thick=2)
    c.y += c.px(8)


def id_lines(c, idn, extra=(), pt=10.5, with_mrn=True):
    """'Label: value' pairs two to a line."""
    pairs = [(idn.lab["name"], idn.name), (idn.lab["dob"], idn.dob)]
    if with_mrn and idn.mrn:
        pairs.append((idn.lab["mrn"], idn.mrn))
    pairs += list(extra)
    col = (c.right - c.left) / 2
    for i in range(0, len(pairs), 2):
        for j, (lab, val) in enumerate(pairs[i:i + 2]):
            x = c.left + j * col
            lab = lab if lab.endswith(":") else lab + ":"
            x += c.text(x, c.y, lab, pt, bold=True) + c.px(4)
            c.text(x, c.y, val, pt)
        c.y += c.line_h(pt)
    c.y += c.px(6)


def continuation_line(c, idn, page, total, mode):
    pt = 8.5
    if mode == "band":
        s = "%s   %s%s %s" % (idn.name, ("%s %s   " % (idn.lab["mrn"].rstrip(":") + ":", idn.mrn)) if idn.mrn else "",
                             idn.lab["dob"].rstrip(":") + ":", idn.dob)
    elif mode == "name":
        s = "RE: %s" % idn.name
    else:
        s = ""
    if s:
        c.text(c.left, c.y, s, pt)
    if total > 1:
        t = "Page %d of %d" % (page, total) if c.rng.random() < 0.7 else "Page %d" % page
        c.text(c.right - c.width(t, pt), c.y, t, pt)
    c.y += c.line_h(pt) + c.px(8)
    c.rule(thick=1)
    c.y += c.px(6)


def sticker(c, idn, x, y):
    """An addressograph label: patient block in a monospaced face inside a rounded rectangle."""
    lines = [idn.name.upper(), "%s %s  %s" % ("MRN" if c.rng.random() < 0.6 else "MR#", idn.mrn or "", idn.sex),
             "DOB %s  AGE %d" % (idn.dob, idn.age), "ACCT %s" % idn.account, "ADM %s  %s" % (idn.visit, idn.attending.split(",")[0].upper()[:18])]
    if not idn.mrn:
        lines[1] = "ENC %s  %s" % (idn.encounter, idn.sex)
    import fonts
    mono = fonts.available("mono")[0][0]
    pt = 9
    w = max(c.width(s, pt, path=mono) for s in lines) + c.px(14)
    h = c.line_h(pt) * len(lines) + c.px(10)
    c.draw.rounded_rectangle([x, y, x + w, y + h], radius=int(c.px(6)), outline=90, width=max(1, int(3 * c.dpi / 300)))
    for i, s in enumerate(lines):
        c.text(x + c.px(7), y + c.px(5) + i * c.line_h(pt), s, pt, path=mono)
    return h


# ---------------------------------------------------------------- bodies

def flow_paragraphs(pages_needed, paras, make_page, rng, pt=10.5):
    """Flow paragraphs over pages; make_page(k) draws a page's header and returns its canvas.
    The text is cut at pages_needed pages; a shorter note makes fewer pages."""
    out, queue, k = [], list(paras), 1
    c = make_page(k)
    while True:
        if not queue:
            break  # the note ends here: the document has as many pages as its text fills
        p = queue.pop(0)
        rest = c.paragraph(p, pt)
        if rest is not None:
            out.append(c)
            if k >= pages_needed:
                return out
            k += 1
            c = make_page(k)
            queue.insert(0, rest)
    out.append(c)
    return out


def signature_block(c, who, day, role="Electronically signed by"):
    if c.y + c.line_h(10) * 3 > c.bottom:
        return
    c.y += c.px(10)
    c.text(c.left, c.y, "%s: %s on %s" % (role, who, day.strftime("%m/%d/%Y")), 9.5)
    c.y += c.line_h(10)


def narrative(doc, dpi, rng, title):
    idn = Ident(doc, rng)
    n = doc["pages"]
    style = doc["style"]
    hospital = doc["hospital"]
    sender = doc["sender"]
    family = {"ehr": "sans", "dictated": rng.choice(["mono", "serif"]), "clinic": "serif", "fax": rng.choice(["sans", "serif"])}[style]
    repeat_band = rng.random() < 0.6
    cont_mode = rng.choice(["band", "band", "name", "none"])

    def make_page(k):
        c = Canvas(dpi, rng, family)
        if style == "ehr":
            if k == 1 or repeat_band:
                ehr_band(c, idn, title, k, n, hospital)
            else:
                continuation_line(c, idn, k, n, cont_mode)
            c.bottom = c.h - int(0.95 * dpi)
            ehr_footer(c, idn, k, n)
        elif style == "fax":
            fax_header(c, idn, k, n, sender)
            if k == 1:
                outside_letterhead(c, sender)
                c.center(title.upper(), 12, bold=True)
                id_lines(c, idn, [("Acct No", idn.account), ("Date of Service", idn.visit)], with_mrn=bool(idn.mrn))
            else:
                c.y = int(0.6 * dpi)
                continuation_line(c, idn, k, n, cont_mode)
        elif style == "dictated":
            if k == 1:
                c.center(hospital.upper(), 12, bold=True)
                c.center(title.upper(), 12, bold=True)
                c.y += c.px(8)
                pairs = [("PATIENT NAME", idn.name.upper()), (idn.lab["mrn"].rstrip(":").upper(), idn.mrn),
                         (idn.lab["dob"].upper(), idn.dob), ("DATE OF SERVICE", idn.visit),
                         ("ATTENDING", idn.attending.upper()), ("ACCOUNT #", idn.account)]
                for lab, val in pairs:
                    if val:
                        c.text(c.left, c.y, lab + ":", 10, bold=True)
                        c.text(c.left + c.px(150), c.y, val, 10)
                        c.y += c.line_h(10)
                c.y += c.px(10)
            else:
                continuation_line(c, idn, k, n, cont_mode)
            c.bottom = c.h - int(1.0 * dpi)
            y = c.h - int(0.8 * dpi)
            c.text(c.left, y, "D: %s  T: %s  JOB #: %d / %s" % (idn.visit, idn.visit, rng.randint(100000, 999999),
                                                               rng.choice(["mt", "kls", "rdw"])), 8)
            if n > 1 and rng.random() < 0.8:
                c.text(c.right - c.width("Page %d of %d" % (k, n), 8), y, "Page %d of %d" % (k, n), 8)
        else:  # clinic
            if k == 1:
                c.center(hospital, 16, bold=True)
                c.center(rng.choice(["Department of Medicine", "Outpatient Clinic", "Surgical Associates", "Family Practice"]), 10)
                c.rule(thick=1)
                c.y += c.px(8)
                id_lines(c, idn, [("Visit Date", idn.visit), ("Provider", idn.attending)])
                c.text(c.left, c.y, title, 12, bold=True)
                c.y += c.line_h(12) + c.px(4)
            else:
                continuation_line(c, idn, k, n, cont_mode)
        return c

    pages = flow_paragraphs(n, doc["paras"], make_page, rng)
    signature_block(pages[-1], idn.attending, idn.today + datetime.timedelta(days=rng.randint(0, 3)))
    if style == "fax" and rng.random() < 0.5:
        # the receiving office's stamp: over the letterhead or low on the page, where it landed
        c0 = pages[0]
        y = c0.px(50) if rng.random() < 0.5 else c0.h - c0.px(rng.randint(150, 260))
        c0.stamp(["RECEIVED", fmt_date(idn.today.isoformat(), "mon").upper(), "HEALTH INFO MGMT"],
                 c0.right - c0.px(rng.randint(150, 260)), y)
    return [c.img for c in pages]


def letter(doc, dpi, rng):
    idn = Ident(doc, rng)
    n = doc["pages"]
    sender = doc["sender"]
    writer = rng.choice(PHYSICIANS)
    recipient = rng.choice([p for p in PHYSICIANS if p != writer])

    def make_page(k):
        c = Canvas(dpi, rng, "serif", margin_in=1.0)
        if k == 1:
            outside_letterhead(c, sender)
            c.text(c.left, c.y, fmt_date(idn.today.isoformat(), "long"), 11)
            c.y += c.line_h(11) * 2
            for s in ["%s, MD" % recipient, doc["hospital"], "%d Main Street" % rng.randint(10, 900)]:
                c.text(c.left, c.y, s, 11)
                c.y += c.line_h(11)
            c.y += c.line_h(11)
            c.text(c.left, c.y, "RE: %s" % idn.name, 11, bold=True)
            c.y += c.line_h(11)
            c.text(c.left, c.y, "%s: %s" % (idn.lab["dob"], idn.dob) + ("    %s %s" % (idn.lab["mrn"], idn.mrn) if idn.mrn else ""), 11)
            c.y += c.line_h(11) * 2
            c.text(c.left, c.y, "Dear Dr. %s:" % recipient.split()[-1], 11)
            c.y += c.line_h(11) * 1.5
        else:
            c.y = int(0.8 * dpi)
            c.text(c.left, c.y, "Dr. %s" % recipient.split()[-1], 10)
            c.y += c.line_h(10)
            c.text(c.left, c.y, "RE: %s" % idn.name, 10)
            c.y += c.line_h(10)
            c.text(c.left, c.y, "Page %d" % k, 10)
            c.y += c.line_h(10) * 2
        return c

    opening = "Thank you for referring %s, whom I saw in consultation on %s. My findings and recommendations follow." % (
        idn.p["given"], idn.visit)
    paras = [opening] + [p.split(":", 1)[-1].strip() for p in doc["paras"]][:8]
    pages = flow_paragraphs(n, paras, make_page, rng, pt=11)
    c = pages[-1]
    if c.y + c.line_h(11) * 6 < c.bottom:
        c.y += c.line_h(11)
        c.text(c.left, c.y, "Sincerely,", 11)
        c.y += c.line_h(11) * 1.2
        c.signature(c.left, c.y, writer.split()[0][0] + ". " + writer.split()[-1])
        c.y += c.line_h(16) * 1.3
        c.text(c.left, c.y, "%s, MD" % writer, 11)
        c.y += c.line_h(11) * 2
        c.text(c.left, c.y, "cc: %s, MD" % rng.choice(PHYSICIANS), 9)
    return [c.img for c in pages]


LAB_PANELS = {
    "Basic Metabolic Panel": [("Sodium", 136, 145, "mmol/L"), ("Potassium", 3.5, 5.1, "mmol/L"), ("Chloride", 98, 107, "mmol/L"),
                              ("CO2", 22, 29, "mmol/L"), ("BUN", 7, 20, "mg/dL"), ("Creatinine", 0.6, 1.3, "mg/dL"),
                              ("Glucose", 70, 99, "mg/dL"), ("Calcium", 8.5, 10.2, "mg/dL")],
    "Complete Blood Count": [("WBC", 4.0, 11.0, "K/uL"), ("RBC", 4.2, 5.9, "M/uL"), ("Hemoglobin", 12.0, 17.5, "g/dL"),
                             ("Hematocrit", 36, 52, "%"), ("MCV", 80, 100, "fL"), ("Platelets", 150, 400, "K/uL"),
                             ("Neutrophils", 40, 75, "%"), ("Lymphocytes", 20, 45, "%")],
    "Hepatic Function Panel": [("AST", 10, 40, "U/L"), ("ALT", 7, 56, "U/L"), ("Alk Phos", 44, 147, "U/L"),
                               ("Total Bilirubin", 0.1, 1.2, "mg/dL"), ("Albumin", 3.5, 5.0, "g/dL"), ("Total Protein", 6.0, 8.3, "g/dL")],
    "Lipid Panel": [("Cholesterol, Total", 100, 199, "mg/dL"), ("Triglycerides", 0, 149, "mg/dL"), ("HDL", 40, 90, "mg/dL"),
                    ("LDL, calculated", 0, 99, "mg/dL")],
    "Urinalysis": [("Specific Gravity", 1.005, 1.030, ""), ("pH", 5.0, 8.0, ""), ("Protein", 0, 0, "neg"), ("Glucose, UA", 0, 0, "neg")],
    "Coagulation": [("Prothrombin Time", 11.0, 13.5, "sec"), ("INR", 0.8, 1.1, ""), ("PTT", 25, 35, "sec")],
}


def lab_value(rng, lo, hi):
    if hi == 0:
        return rng.choice(["Negative", "Negative", "Trace"]), ""
    span = hi - lo
    v = rng.uniform(lo - 0.25 * span, hi + 0.25 * span)
    flag = "H" if v > hi else ("L" if v < lo else "")
    digits = 0 if hi >= 50 else (1 if hi >= 3 else (3 if hi < 1.1 else 1))
    return ("%.*f" % (digits, v)), flag


def lab_result(doc, dpi, rng):
    idn = Ident(doc, rng)
    n = doc["pages"]
    outside = doc["style"] == "fax"
    panels = rng.sample(list(LAB_PANELS), min(len(LAB_PANELS), 1 + n * 2))
    pages = []
    rows_q = []
    for name in panels:
        rows_q.append(("__panel__", name))
        for test, lo, hi, unit in LAB_PANELS[name]:
            v, flag = lab_value(rng, lo, hi)
            ref = "Negative" if hi == 0 else "%s-%s" % (lo, hi)
            rows_q.append((test, v, flag, ref, unit))
    accession = "%s%02d-%06d" % (rng.choice(["L", "C", "H"]), idn.today.year % 100, rng.randint(0, 999999))
    for k in range(1, n + 1):
        c = Canvas(dpi, rng, rng.choice(["sans", "mono"]))
        if outside:
            fax_header(c, idn, k, n, doc["sender"])
            outside_letterhead(c, doc["sender"])
        else:
            c.text(c.left, c.y, doc["hospital"] + " - Laboratory Services", 12, bold=True)
            c.y += c.line_h(12)
            c.rule(thick=3)
            c.y += c.px(6)
        c.center("LABORATORY REPORT" if k == 1 else "LABORATORY REPORT (continued)", 12, bold=True)
        id_lines(c, idn, [("Accession", accession), ("Collected", idn.visit), ("Ordering", idn.attending),
                          ("Order #", str(rng.randint(10**7, 10**8 - 1)))], pt=9.5, with_mrn=bool(idn.mrn))
        c.bottom = c.h - int(1.1 * dpi)
        per_page = max(1, len(rows_q) // (n - k + 1)) if k < n else len(rows_q)
        take, rows_q = rows_q[:per_page], rows_q[per_page:]
        rows = []
        for r in take:
            if r[0] == "__panel__":
                if rows:
                    c.table(["Test", "Result", "Flag", "Reference Range", "Units"], rows, [0.32, 0.14, 0.08, 0.26, 0.2])
                    rows = []
                c.text(c.left, c.y, r[1].upper(), 10, bold=True)
                c.y += c.line_h(10)
            else:
                rows.append(list(r))
        if rows:
            c.table(["Test", "Result", "Flag", "Reference Range", "Units"], rows, [0.32, 0.14, 0.08, 0.26, 0.2])
        y = c.h - int(0.8 * dpi)
        c.text(c.left, y, "H = above reference range, L = below. Verified by %s, MT(ASCP)" % rng.choice(PHYSICIANS), 8)
        c.text(c.right - c.width("Page %d of %d" % (k, n), 8), y, "Page %d of %d" % (k, n), 8)
        pages.append(c.img)
    return pages


DRUGS = [("Lisinopril", "10 mg", "PO", "daily"), ("Metformin", "500 mg", "PO", "BID"), ("Atorvastatin", "40 mg", "PO", "at bedtime"),
         ("Metoprolol tartrate", "25 mg", "PO", "BID"), ("Furosemide", "40 mg", "IV", "q12h"), ("Heparin", "5000 units", "SC", "q8h"),
         ("Pantoprazole", "40 mg", "PO", "daily"), ("Acetaminophen", "650 mg", "PO", "q6h PRN pain"),
         ("Insulin glargine", "18 units", "SC", "at bedtime"), ("Amlodipine", "5 mg", "PO", "daily"),
         ("Levothyroxine", "75 mcg", "PO", "daily before breakfast"), ("Ceftriaxone", "1 g", "IV", "q24h"),
         ("Albuterol inhaler", "2 puffs", "INH", "q4h PRN wheeze"), ("Warfarin", "5 mg", "PO", "daily at 1700"),
         ("Sertraline", "50 mg", "PO", "daily"), ("Ondansetron", "4 mg", "IV", "q6h PRN nausea")]


def medication_list(doc, dpi, rng):
    idn = Ident(doc, rng)
    n = doc["pages"]
    hand = doc["style"] == "form"
    pages = []
    drugs = rng.sample(DRUGS, len(DRUGS))
    title = rng.choice(["MEDICATION ADMINISTRATION RECORD", "MEDICATION RECONCILIATION", "HOME MEDICATION LIST"])
    for k in range(1, n + 1):
        c = Canvas(dpi, rng, "sans")
        c.text(c.left, c.y, doc["hospital"], 12, bold=True)
        c.y += c.line_h(12)
        c.center(title, 13, bold=True)
        if hand:
            h = sticker(c, idn, c.right - c.px(250), c.y)
            c.text(c.left, c.y, "Allergies:", 10, bold=True)
            c.hand_text(c.left + c.px(60), c.y - c.px(2), rng.choice(["NKDA", "PCN - rash", "Sulfa", "Codeine (nausea)"]))
            c.y += h + c.px(10)
        else:
            id_lines(c, idn, [("Allergies", rng.choice(["NKDA", "Penicillin", "Sulfa drugs"])), ("Encounter", idn.encounter)], pt=9.5)
        rows = []
        for d in drugs[(k - 1) * 8: k * 8] or drugs[:6]:
            if title.startswith("MEDICATION ADMIN"):
                rows.append([d[0], d[1], d[2], d[3], rng.choice(["0800", "0900", "2100"]), rng.choice(["RN", "LPN"]) + " " + rng.choice("ABCDEFGHJK") + rng.choice("LMNPRST")])
            else:
                rows.append([d[0], d[1], d[2], d[3], rng.choice(["Continue", "Continue", "Stop", "Change dose"]), ""])
        hdr = ["Medication", "Dose", "Route", "Frequency", "Time" if title.startswith("MEDICATION ADMIN") else "Action", "Initials"]
        if hand:
            c.table(hdr, [[r[0], "", "", "", "", ""] for r in rows], [0.3, 0.13, 0.1, 0.2, 0.14, 0.13], pt=10)
            y0 = c.y - (len(rows) + 0.5) * (c.line_h(10) + int(c.px(10) * 0.3))
            for i, r in enumerate(rows):
                yy = y0 + i * (c.line_h(10) + int(c.px(10) * 0.3)) - c.px(1)
                total = c.right - c.left
                c.hand_text(c.left + 0.31 * total, yy, r[1], 11)
                c.hand_text(c.left + 0.44 * total, yy, r[2], 11)
                c.hand_text(c.left + 0.54 * total, yy, r[3][:12], 11)
        else:
            c.table(hdr, rows, [0.3, 0.13, 0.1, 0.2, 0.14, 0.13], pt=9.5)
        c.y += c.px(10)
        c.text(c.left, c.y, "Reconciled by: ________________________  Date: __________", 10)
        if hand:
            c.signature(c.left + c.px(100), c.y - c.px(14), rng.choice(PHYSICIANS).split()[-1], 13)
        c.text(c.right - c.width("Page %d of %d" % (k, n), 8), c.h - int(0.8 * dpi), "Page %d of %d" % (k, n), 8)
        pages.append(c.img)
    return pages


CONSENT_TEXT = [
    "I hereby authorize Dr. {doc} and such assistants as may be selected to perform the following procedure: {proc}.",
    "The nature and purpose of the procedure, possible alternative methods of treatment, the risks involved, and the possibility of complications have been fully explained to me. No guarantee or assurance has been given by anyone as to the results that may be obtained.",
    "I consent to the administration of anesthesia as may be considered necessary or advisable by the physician responsible for this service, and I understand the risks of anesthesia, including but not limited to reactions to medications, damage to teeth, and in rare cases death.",
    "I consent to the disposal by hospital authorities of any tissues or parts which may be removed, and to the taking of photographs for the purpose of medical documentation, provided my identity is not revealed.",
    "I consent to the transfusion of blood or blood products if deemed necessary during the procedure. I understand the risks of transfusion including infection and transfusion reaction.",
    "I certify that I have read and fully understand the above consent, that the explanations referred to were made, and that all blanks or statements requiring insertion or completion were filled in before I signed.",
]
PROCEDURES = ["laparoscopic cholecystectomy", "colonoscopy with possible biopsy", "left total knee arthroplasty",
              "cardiac catheterization", "upper endoscopy (EGD)", "excision of skin lesion, right forearm", "cataract extraction, left eye"]


def consent_form(doc, dpi, rng):
    idn = Ident(doc, rng)
    n = doc["pages"]
    proc = rng.choice(PROCEDURES)
    doctor = rng.choice(PHYSICIANS)
    pages = []
    for k in range(1, n + 1):
        c = Canvas(dpi, rng, rng.choice(["serif", "sans"]))
        c.center(doc["hospital"].upper(), 12, bold=True)
        c.center("CONSENT FOR OPERATION OR PROCEDURE" if k == 1 else "CONSENT (continued)", 13, bold=True)
        c.y += c.px(6)
        if k == 1 or rng.random() < 0.6:
            if rng.random() < 0.55:
                h = sticker(c, idn, c.right - c.px(260), c.y)
                c.y += h + c.px(10)
            else:
                for lab, val in [(idn.lab["name"], idn.name), (idn.lab["dob"], idn.dob)] + ([(idn.lab["mrn"], idn.mrn)] if idn.mrn else []):
                    lab = lab if lab.endswith(":") else lab + ":"
                    c.text(c.left, c.y, lab, 10.5, bold=True)
                    c.rule(y=c.y + c.line_h(10.5) - c.px(3), thick=1, x0=c.left + c.px(110), x1=c.left + c.px(380))
                    c.hand_text(c.left + c.px(118), c.y - c.px(4), val, 13)
                    c.y += c.line_h(10.5) * 1.4
        paras = [p.format(doc=doctor, proc=proc) for p in CONSENT_TEXT]
        for p in (paras[:4] if k == 1 else paras[4:]) if n > 1 else paras:
            c.paragraph(p, 10.5)
        if k == n:
            c.y += c.px(14)
            c.text(c.left, c.y, "Interpreter used:", 10)
            x = c.left + c.px(100)
            yes = rng.random() < 0.2
            x += c.checkbox(x, c.y + c.px(2), yes, 10, "Yes") + c.px(14)
            c.checkbox(x, c.y + c.px(2), not yes, 10, "No")
            c.y += c.line_h(10) * 2
            for who in ["Patient / Legal Representative", "Witness", "Physician"]:
                c.rule(y=c.y + c.px(18), thick=1, x0=c.left, x1=c.left + c.px(260))
                name = {"Patient / Legal Representative": idn.p["family"], "Witness": rng.choice(PHYSICIANS).split()[-1],
                        "Physician": doctor.split()[-1]}[who]
                c.signature(c.left + c.px(10), c.y, name, 14)
                c.text(c.left, c.y + c.px(22), "Signature of " + who, 8)
                c.text(c.left + c.px(300), c.y + c.px(22), "Date/Time", 8)
                c.hand_text(c.left + c.px(300), c.y + c.px(2), idn.visit, 12)
                c.y += c.line_h(10) * 3
        c.text(c.right - c.width("Form HIM-%d  Page %d of %d" % (rng.randint(100, 999), k, n), 8), c.h - int(0.7 * dpi),
               "Form HIM-212  Page %d of %d" % (k, n), 8)
        pages.append(c.img)
    return pages


def face_sheet(doc, dpi, rng):
    idn = Ident(doc, rng)
    p = idn.p
    g = doc["guarantor"]      # another person, often of the same family, possibly in the index
    ec = doc["contact"]
    payer = rng.choice(doc["payers"])
    c = Canvas(dpi, rng, "sans")
    c.text(c.left, c.y, doc["hospital"], 13, bold=True)
    c.text(c.right - c.width("ADMISSION FACE SHEET", 12, True), c.y, "ADMISSION FACE SHEET", 12, bold=True)
    c.y += c.line_h(13)
    c.rule(thick=4)
    c.y += c.px(8)

    def block(title, pairs):
        c.draw.rectangle([c.left, c.y, c.right, c.y + c.line_h(10)], fill=200)
        c.text(c.left + c.px(4), c.y + c.px(1), title, 10, bold=True)
        c.y += c.line_h(10) + c.px(4)
        col = (c.right - c.left) / 2
        for i in range(0, len(pairs), 2):
            for j, (lab, val) in enumerate(pairs[i:i + 2]):
                x = c.left + j * col + c.px(4)
                c.text(x, c.y, lab, 8, bold=True)
                c.text(x + c.px(105), c.y, val, 9.5)
            c.y += c.line_h(10)
        c.y += c.px(10)

    block("PATIENT", [(idn.lab["name"], idn.name), (idn.lab["mrn"].rstrip(":") if idn.mrn else "Account #", idn.mrn or idn.account),
                      (idn.lab["dob"], idn.dob), ("Sex", {"F": "Female", "M": "Male"}.get(p["sex"], "Unknown")),
                      ("Address", p.get("address", "")), ("City/State/Zip", "%s, MA %s" % (p.get("city", ""), p.get("zip", ""))),
                      ("Marital Status", rng.choice(["Single", "Married", "Widowed", "Divorced"])), ("Language", rng.choice(["English", "Spanish", "Portuguese"]))])
    block("ENCOUNTER", [("Admit Date", idn.visit), ("Encounter #", idn.encounter), ("Account #", idn.account),
                        ("Attending", idn.attending), ("Admit Type", rng.choice(["Emergency", "Elective", "Urgent"])),
                        ("Unit/Room", "%s %d-%s" % (rng.choice(["4W", "5E", "ICU", "3N"]), rng.randint(1, 40), rng.choice("AB")))])
    block("GUARANTOR", [("Guarantor", fmt_name(g, "LAST_first")), ("Relationship", doc["guarantor_rel"]),
                        ("Guarantor DOB", fmt_date(g["birth_date"], "us")), ("Phone", "(%03d) 555-%04d" % (rng.randint(201, 989), rng.randint(0, 9999))),
                        ("Employer", rng.choice(["Self", "Retired", "Raytheon", "Stop & Shop", "MBTA"])), ("Guarantor #", str(rng.randint(10**6, 10**7 - 1)))])
    block("PRIMARY INSURANCE", [("Payer", payer), ("Plan", rng.choice(["HMO", "PPO", "Medicare Part A/B", "Standard"])),
                                ("Subscriber", fmt_name(g, "last_first")), ("Policy #", "%s%09d" % (rng.choice(["XJ", "MA", "W"]), rng.randint(0, 10**9 - 1))),
                                ("Group #", str(rng.randint(10000, 99999))), ("Auth #", str(rng.randint(10**7, 10**8 - 1)))])
    block("EMERGENCY CONTACT", [("Name", fmt_name(ec, "first_last")), ("Relationship", doc["contact_rel"]),
                                ("Home Phone", "(%03d) 555-%04d" % (rng.randint(201, 989), rng.randint(0, 9999))),
                                ("Cell Phone", "(%03d) 555-%04d" % (rng.randint(201, 989), rng.randint(0, 9999)))])
    c.y += c.px(10)
    c.text(c.left, c.y, "Advance directive on file:", 10)
    x = c.left + c.px(170)
    ad = rng.random() < 0.5
    x += c.checkbox(x, c.y + c.px(2), ad, 10, "Yes") + c.px(14)
    c.checkbox(x, c.y + c.px(2), not ad, 10, "No")
    c.text(c.left, c.h - int(0.7 * dpi), "Registered by %s  %s" % (rng.choice(["JMORALES", "TKELLY", "APHAM"]), idn.visit), 8)
    return [c.img]


SPECIMENS = [("Skin, left shoulder, shave biopsy", "Seborrheic keratosis, irritated. Margins involved."),
             ("Colon, sigmoid, polypectomy", "Tubular adenoma with low-grade dysplasia. No high-grade dysplasia or malignancy."),
             ("Gallbladder, cholecystectomy", "Chronic cholecystitis with cholelithiasis."),
             ("Breast, right, core needle biopsy at 10 o'clock", "Fibroadenoma. No atypia or malignancy identified."),
             ("Prostate, needle biopsies (12 cores)", "Benign prostatic tissue in all cores. No carcinoma identified."),
             ("Endometrium, biopsy", "Proliferative endometrium. Negative for hyperplasia or carcinoma.")]


def pathology(doc, dpi, rng):
    spec, dx = rng.choice(SPECIMENS)
    case = "%s%02d-%05d" % (rng.choice(["SP", "S", "PS"]), doc["date"].year % 100, rng.randint(0, 99999))
    gross = ("Received in formalin labeled with the patient's name and medical record number is a tan-pink portion of tissue "
             "measuring %.1f x %.1f x %.1f cm. The specimen is inked, serially sectioned and entirely submitted in cassette A1."
             % (rng.uniform(0.3, 4), rng.uniform(0.2, 3), rng.uniform(0.1, 2)))
    micro = ("Sections show %s The surrounding tissue shows no significant inflammation. Immunohistochemical stains were not required."
             % dx.lower())
    doc = dict(doc)
    doc["paras"] = ["SURGICAL PATHOLOGY CASE: " + case, "SPECIMEN: " + spec, "CLINICAL HISTORY: " + rng.choice(
        ["Rule out malignancy.", "Lesion, changing in size.", "Screening colonoscopy.", "Abdominal pain, gallstones."]),
        "FINAL DIAGNOSIS: " + dx, "GROSS DESCRIPTION: " + gross, "MICROSCOPIC DESCRIPTION: " + micro,
        "Electronically signed out by %s, MD, Pathologist." % rng.choice(PHYSICIANS)]
    return narrative(doc, dpi, rng, "Surgical Pathology Report")


TITLES = {"progress_note": ["Progress Note", "Clinic Note", "Office Visit", "Follow-up Visit"],
          "discharge_summary": ["Discharge Summary", "Hospital Discharge Summary"],
          "history_and_physical": ["History and Physical", "Admission History & Physical", "Consultation"],
          "operative_report": ["Operative Report", "Procedure Note", "Operative Note"],
          "radiology_report": ["Radiology Report", "Diagnostic Imaging Report"],
          "emergency_note": ["Emergency Department Note", "ED Physician Record"]}


def render(doc, dpi, rng):
    t = doc["type"]
    if t in TITLES:
        return narrative(doc, dpi, rng, rng.choice(TITLES[t]))
    return {"correspondence": letter, "lab_result": lab_result, "medication_list": medication_list,
            "consent_form": consent_form, "face_sheet": face_sheet, "pathology_report": pathology}[t](doc, dpi, rng)
