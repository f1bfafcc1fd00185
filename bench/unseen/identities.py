"""Patients of the unseen evaluation set: who has documents, who is in the index.

The people come from Synthea (patients_dev.csv, digits stripped from the names).
On top of them the set builds identity traps (twins, Jr./Sr., the same name
with another birth date, a name one letter off, an MRN of look-alike digits,
people missing from the index) and thousands of padding entries with
synthesized names, so that common family names are common in the index too.

Written independently of chartroom's own generator (tests/gen): nothing here
was taken from it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import random
import re
from typing import Optional

# Common US family and given names for the padding of the index (public
# knowledge: census frequency lists), chosen by hand for this set.
COMMON_FAMILY = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez
Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright
Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly
Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza
Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell
Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher
Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace
Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford
Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas
Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon
Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson
Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols
Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce
Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson
Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews
Pena Richards Contreras Willis Carpenter Lawrence Sandoval O'Brien Murphy-Lee""".split()

COMMON_GIVEN_F = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa
Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy
Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna
Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet
Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren
Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa
Ann Sara Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber
Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie
Kayla Alexis Lori Rosa Yolanda Mei Aisha Fatima Priya Ngoc""".split()

COMMON_GIVEN_M = """James Robert John Michael David William Richard Joseph Thomas Charles
Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin
Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan
Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond
Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan
Walter Noah Jeremy Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur
Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan
Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip Louis Luis Carlos
Miguel Hiroshi Tuan Omar Rajesh""".split()

MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"


@dataclasses.dataclass
class Person:
    """One person a document may be about; `mrn` is None when not in the index."""

    key: str                      # stable id inside the set
    family: str
    given: str
    middle: str                   # middle name or "" (initial printed on some pages)
    suffix: str                   # "", "Jr.", "Sr.", "III"
    dob: dt.date
    sex: str                      # F M O U
    mrn: Optional[str]            # the index MRN; None = not in the index
    printed_mrn: Optional[str]    # what documents print as the MRN (None: nothing printed)
    trap: str = "plain"           # why this person is interesting
    sibling: Optional[str] = None  # key of the person they can be confused with
    in_index: bool = True

    def index_row(self) -> dict:
        return {"mrn": self.mrn, "family_name": self.family, "given_name": self.given,
                "middle_name": self.middle, "birth_date": self.dob.isoformat(), "sex": self.sex}


def strip_digits(name: str) -> str:
    """Synthea appends digits to names ("Mose244"): drop them."""
    return re.sub(r"\d+", "", name).strip()


def load_synthea(path: str) -> list[dict]:
    """Synthea patients with clean names, in file order."""
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            given, family = strip_digits(row["FIRST"]), strip_digits(row["LAST"])
            if not given or not family:
                continue
            suffix = row.get("SUFFIX", "").strip()
            out.append({"given": given, "family": family,
                        "suffix": suffix if suffix in ("Jr.", "Sr.", "II", "III") else "",  # not "JD", "PhD"
                        "dob": dt.date.fromisoformat(row["BIRTHDATE"]),
                        "sex": row["GENDER"].strip() if row["GENDER"].strip() in ("F", "M") else "U",
                        "address": f'{row["ADDRESS"]}, {row["CITY"]}, MA {row["ZIP"] or "02139"}'})
    return out


class MrnAllocator:
    """Unique 8-digit MRNs (the default site shape), none reused in one set."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def take(self, digits: str = "0123456789", lead_zeros: int = -1) -> str:
        while True:
            zeros = lead_zeros if lead_zeros >= 0 else self.rng.choice([0, 0, 1, 2, 3])
            body = "".join(self.rng.choice(digits) for _ in range(8 - zeros))
            mrn = "0" * zeros + body
            if mrn not in self.used:
                self.used.add(mrn)
                return mrn


def one_letter_off(name: str, rng: random.Random) -> str:
    """A name one letter different (a substitution inside the name)."""
    pairs = {"a": "e", "e": "a", "i": "y", "y": "i", "o": "a", "u": "o", "s": "z", "z": "s",
             "c": "k", "k": "c", "n": "m", "m": "n", "t": "d", "d": "t", "r": "l", "l": "r"}
    positions = [i for i in range(1, len(name)) if name[i].lower() in pairs]
    if not positions:
        return name + "e"
    i = rng.choice(positions)
    return name[:i] + pairs[name[i].lower()] + name[i + 1:]


def other_dob(dob: dt.date, rng: random.Random, years: tuple[int, int] = (3, 40)) -> dt.date:
    delta = rng.randint(*years) * 365 + rng.randint(0, 364)
    d = dob - dt.timedelta(days=delta) if rng.random() < 0.5 or dob.year > 2000 else dob + dt.timedelta(days=delta)
    return min(d, dt.date(2024, 12, 31))


def random_dob(rng: random.Random) -> dt.date:
    return dt.date(1925, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 97))


def build_people(synthea: list[dict], rng: random.Random, n_plain: int, n_missing: int):
    """Choose the people of a set.

    Returns (people, index_only, mrns): `people` have documents (some not in
    the index); `index_only` are index entries without documents that a
    document could be confused with (e.g. the twin who had no visit); `mrns`
    the allocator, so that padding entries get MRNs of their own.
    """
    pool = synthea[:]
    rng.shuffle(pool)
    mrns = MrnAllocator(rng)
    people: list[Person] = []
    index_only: list[Person] = []
    n = 0

    def person(src: dict, trap: str, in_index: bool = True, **over) -> Person:
        nonlocal n
        n += 1
        fields = dict(family=src["family"], given=src["given"],
                      middle=rng.choice(["", "", ""] + [c for c in MIDDLE_INITIALS]),
                      suffix=src.get("suffix", ""), dob=src["dob"], sex=src["sex"])
        fields.update(over)
        mrn = mrns.take() if in_index else None
        printed = mrn if in_index else (mrns.take() if rng.random() < 0.6 else None)
        return Person(key=f"P{n:03d}", mrn=mrn, printed_mrn=printed, trap=trap,
                      in_index=in_index, **fields)

    def take() -> dict:
        return pool.pop()

    # Twins: same family name and birth date, another given name; both in the index.
    for _ in range(3):
        src = take()
        a = person(src, "twin")
        sib_src = take()
        b = person(src, "twin", given=sib_src["given"], sex=sib_src["sex"],
                   middle=rng.choice(["", "A", "M"]))
        a.sibling, b.sibling = b.key, a.key
        people.append(a)
        (people if rng.random() < 0.6 else index_only).append(b)
    # Jr. and Sr.: the same name, a generation apart.
    for _ in range(2):
        src = next((p for p in pool if p["sex"] == "M" and p["dob"].year > 1960), pool[-1])
        pool.remove(src)
        jr = person(src, "junior_senior", suffix="Jr.")
        sr = person(src, "junior_senior", suffix="Sr.", dob=other_dob(src["dob"], rng, (24, 32)),
                    middle=jr.middle)
        if sr.dob > jr.dob:
            jr.dob, sr.dob = sr.dob, jr.dob
        jr.sibling, sr.sibling = sr.key, jr.key
        people.extend([jr, sr])
    # The same name with another birth date (unrelated people).
    for _ in range(3):
        src = take()
        a = person(src, "same_name")
        b = person(src, "same_name", dob=other_dob(src["dob"], rng), middle="")
        a.sibling, b.sibling = b.key, a.key
        people.append(a)
        (people if rng.random() < 0.5 else index_only).append(b)
    # A family name one letter off, another birth date.
    for _ in range(3):
        src = take()
        a = person(src, "near_name")
        b = person(src, "near_name", family=one_letter_off(src["family"], rng), dob=other_dob(src["dob"], rng, (1, 15)))
        a.sibling, b.sibling = b.key, a.key
        people.extend([a, b])
    # MRNs made of look-alike digits (0/O, 1/l/I, 5/S, 8/B, 6/G).
    for _ in range(3):
        p = person(take(), "mrn_lookalike")
        mrns.used.discard(p.mrn)  # give back the plain MRN; take one of look-alike digits
        p.mrn = p.printed_mrn = mrns.take(digits="01580", lead_zeros=rng.choice([1, 2]))
        people.append(p)
    # Missing from the index: their documents must never be filed.
    for _ in range(n_missing):
        people.append(person(take(), "missing", in_index=False))
    # A missing twin: the sibling in the index has the same family name and birth date.
    for _ in range(2):
        src = take()
        indexed = person(src, "missing_twin_sibling")
        sib_src = take()
        missing = person(src, "missing_twin", in_index=False, given=sib_src["given"], sex=sib_src["sex"])
        indexed.sibling, missing.sibling = missing.key, indexed.key
        index_only.append(indexed)
        people.append(missing)
    # A missing Jr. whose father is in the index.
    src = next((p for p in pool if p["sex"] == "M" and p["dob"].year > 1965), pool[-1])
    pool.remove(src)
    jr = person(src, "missing_junior", in_index=False, suffix="Jr.")
    sr = person(src, "missing_junior_father", suffix="Sr.", dob=other_dob(src["dob"], rng, (25, 30)))
    jr.sibling, sr.sibling = sr.key, jr.key
    people.append(jr)
    index_only.append(sr)
    # Plain patients.
    while sum(1 for p in people if p.trap == "plain") < n_plain and pool:
        people.append(person(take(), "plain"))
    return people, index_only, mrns


def padding(people: list[Person], synthea: list[dict], mrns: MrnAllocator,
            rng: random.Random, count: int) -> list[Person]:
    """Index entries of nobody in the set: common names, and the set's own family names."""
    taken_family_dob = {(p.family.lower(), p.dob) for p in people}
    taken_full = {(p.family.lower(), p.given.lower()) for p in people}
    families = COMMON_FAMILY + [p.family for p in people] * 3 + [s["family"] for s in synthea]
    out = []
    while len(out) < count:
        sex = rng.choice("FM")
        family = rng.choice(families)
        given = rng.choice(COMMON_GIVEN_F if sex == "F" else COMMON_GIVEN_M)
        if rng.random() < 0.25:
            given = rng.choice([s["given"] for s in synthea if s["sex"] == sex] or [given])
        dob = random_dob(rng)
        # No padding person looks like a set person's twin or double.
        if (family.lower(), dob) in taken_family_dob or (family.lower(), given.lower()) in taken_full:
            continue
        out.append(Person(key=f"X{len(out):05d}", family=family, given=given,
                          middle=rng.choice(["", ""] + list(MIDDLE_INITIALS)), suffix="",
                          dob=dob, sex=sex, mrn=mrns.take(), printed_mrn=None, trap="padding"))
    return out


def write_index(path: str, entries: list[Person], rng: random.Random) -> None:
    """The patient index CSV for `chartroom patients import` (columns in a site's own order)."""
    rows = [p.index_row() for p in entries if p.mrn]
    rng.shuffle(rows)
    cols = ["mrn", "family_name", "given_name", "middle_name", "birth_date", "sex"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)


# ---- how a person is printed on paper --------------------------------------

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fmt_date(d: dt.date, style: str) -> str:
    """A date as clinics print it."""
    if style == "us":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "us_short":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "iso":
        return d.isoformat()
    if style == "mon":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "dmy_mon":
        return f"{d.day:02d}-{MONTHS[d.month - 1].upper()}-{d.year}"
    if style == "long":
        return d.strftime("%B ") + f"{d.day}, {d.year}"
    raise ValueError(style)


DATE_STYLES = ["us", "us", "us", "us_short", "iso", "mon", "dmy_mon", "long"]


def fmt_name(p: Person, style: str) -> str:
    """A name as clinics print it: 'LAST, First M', 'First Last', all caps..."""
    mid = p.middle[:1] if p.middle else ""
    suffix = f" {p.suffix}" if p.suffix else ""
    if style == "last_first":
        return f"{p.family}, {p.given}{' ' + mid if mid else ''}{suffix}"
    if style == "LAST_FIRST":
        return f"{p.family.upper()}, {p.given.upper()}{' ' + mid if mid else ''}{suffix.upper()}"
    if style == "LAST_first":
        return f"{p.family.upper()}, {p.given}{' ' + mid + '.' if mid else ''}{suffix}"
    if style == "first_last":
        return f"{p.given}{' ' + mid + '.' if mid else ''} {p.family}{suffix}"
    if style == "FIRST_LAST":
        return f"{p.given.upper()} {p.family.upper()}{suffix.upper()}"
    raise ValueError(style)


NAME_STYLES = ["last_first", "LAST_FIRST", "LAST_FIRST", "LAST_first", "first_last", "FIRST_LAST"]

MRN_LABELS = ["MRN", "MRN:", "MRN#", "Med Rec #", "Medical Record No.", "Medical Record #",
              "Acct/MRN", "MR#", "Patient ID (MRN)", "Chart #"]
DOB_LABELS = ["DOB", "DOB:", "D.O.B.", "Birth Date", "Date of Birth", "Birthdate", "BD"]
NAME_LABELS = ["Patient", "Patient Name", "Name", "PT NAME", "Patient:", "Re:"]


def fmt_mrn(mrn: str, rng: random.Random, lookalike: bool = False) -> str:
    """The MRN as printed; a look-alike MRN is sometimes typed with letters for digits."""
    if lookalike and rng.random() < 0.5:
        table = {"0": "O", "1": "l", "5": "S", "8": "B"}
        i = rng.randrange(len(mrn))
        while mrn[i] not in table:
            i = (i + 1) % len(mrn)
        return mrn[:i] + table[mrn[i]] + mrn[i + 1:]
    return mrn
