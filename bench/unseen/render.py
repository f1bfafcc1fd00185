"""Drawing clean chart pages with Pillow: letterheads, stickers, forms, notes.

A document is laid out on US-letter pages at the scan resolution. The first
page carries the clinic's letterhead and the patient's identity in one of
several styles (an addressograph sticker, a typed line, a boxed grid, a
letter's "RE:" line, hand-filled fields); later pages carry a running header
or nothing; footers say "Page 2 of 3", "Page 2", "- 2 -" or nothing; faxed
documents have a fax machine's line on top whose page numbers count the
transmission, not the document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from functools import lru_cache
from typing import Optional

from PIL import Image, ImageDraw, ImageFont

from identities import (DOB_LABELS, MRN_LABELS, NAME_LABELS, NAME_STYLES, DATE_STYLES, Person,
                        fmt_date, fmt_mrn, fmt_name)

FONT_DIRS = {"dejavu": "/usr/share/fonts/truetype/dejavu/", "free": "/usr/share/fonts/truetype/freefont/",
             "lib": "/usr/share/fonts/truetype/liberation2/"}

# family -> (regular, bold) font files
FAMILIES = {
    "serif": [("lib", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
              ("free", "FreeSerif.ttf", "FreeSerifBold.ttf"),
              ("dejavu", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf")],
    "sans": [("lib", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
             ("free", "FreeSans.ttf", "FreeSansBold.ttf"),
             ("dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
             ("dejavu", "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf")],
    "mono": [("lib", "LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf"),
             ("free", "FreeMono.ttf", "FreeMonoBold.ttf"),
             ("dejavu", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")],
    "hand": [("free", "FreeSerifItalic.ttf", "FreeSerifBoldItalic.ttf"),
             ("free", "FreeSansOblique.ttf", "FreeSansBoldOblique.ttf"),
             ("lib", "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
             ("dejavu", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")],
}

CLINICS = [
    ("Riverbend Family Medicine", "1180 Riverbend Parkway, Suite 200, Lowell, MA 01852", "(978) 555-0142", "(978) 555-0143"),
    ("North Shore Regional Medical Center", "81 Highland Avenue, Salem, MA 01970", "(978) 555-3100", "(978) 555-3199"),
    ("St. Brigid's Hospital", "400 Cathedral Street, Worcester, MA 01608", "(508) 555-7000", "(508) 555-7010"),
    ("Harborview Orthopedic Associates", "22 Wharf Road, New Bedford, MA 02740", "(508) 555-2288", "(508) 555-2289"),
    ("Pioneer Valley Cardiology, P.C.", "3 Elm Court, Northampton, MA 01060", "(413) 555-0190", "(413) 555-0191"),
    ("Commonwealth Imaging Partners", "600 Technology Drive, Waltham, MA 02451", "(781) 555-4400", "(781) 555-4401"),
    ("Eastfield Community Health Center", "15 Union Square, Somerville, MA 02143", "(617) 555-0123", "(617) 555-0124"),
    ("Merrimack Valley Surgical Group", "140 Main Street, Andover, MA 01810", "(978) 555-6611", "(978) 555-6612"),
    ("Cape Cod Internal Medicine", "9 Bayview Lane, Hyannis, MA 02601", "(508) 555-9087", "(508) 555-9088"),
    ("Berkshire Medical Laboratory", "725 North Street, Pittsfield, MA 01201", "(413) 555-2500", "(413) 555-2501"),
]


@lru_cache(maxsize=256)
def font(family: str, variant: int, bold: bool, px: int) -> ImageFont.FreeTypeFont:
    d, regular, boldf = FAMILIES[family][variant % len(FAMILIES[family])]
    return ImageFont.truetype(FONT_DIRS[d] + (boldf if bold else regular), max(px, 6))


@dataclasses.dataclass
class Style:
    """How one clinic's documents look."""

    clinic: tuple
    body_family: str
    body_variant: int
    head_family: str
    head_variant: int
    size_pt: float
    leading: float
    margin_in: float
    letterhead: str          # "center", "left", "rule", "box", "none"
    title_align: str         # "center", "left"

    @staticmethod
    def random(rng: random.Random) -> "Style":
        body = rng.choice(["serif", "serif", "sans", "sans", "mono"])
        return Style(clinic=rng.choice(CLINICS), body_family=body, body_variant=rng.randrange(4),
                     head_family=rng.choice(["serif", "sans"]), head_variant=rng.randrange(4),
                     size_pt=rng.choice([9.5, 10, 10.5, 11, 11, 12]) if body != "mono" else rng.choice([9, 9.5, 10]),
                     leading=rng.uniform(1.15, 1.45), margin_in=rng.uniform(0.6, 1.05),
                     letterhead=rng.choice(["center", "left", "rule", "box", "center"]),
                     title_align=rng.choice(["center", "center", "left"]))


@dataclasses.dataclass
class DocSpec:
    """Everything that decides how one document looks (content comes as blocks)."""

    person: Person
    doc_type: str
    blocks: list
    style: Style
    title: Optional[str]
    service_date: dt.date
    identity: str            # "sticker", "typed", "grid", "letter", "hand", "hand_sticker"
    cont_header: str         # "full", "name_mrn", "name_dob", "name", "none", "sticker"
    footer: str              # "of", "page", "dash", "none", "printed_of"
    fax: Optional[dict]      # {"start": n, "total": m, "from": text} or None
    print_mrn: bool
    max_pages: int
    name_style: str
    date_style: str
    lookalike: bool = False


class LayoutFull(Exception):
    """The document reached its page limit; the rest of its text is left out."""


class Writer:
    """Flows blocks onto pages, starting a new page when one is full."""

    def __init__(self, spec: DocSpec, dpi: int, rng: random.Random):
        self.spec, self.dpi, self.rng = spec, dpi, rng
        self.W, self.H = int(8.5 * dpi), int(11 * dpi)
        st = spec.style
        self.margin = int(st.margin_in * dpi)
        self.px = round(st.size_pt * dpi / 72)
        self.line_h = int(self.px * st.leading)
        self.body = font(st.body_family, st.body_variant, False, self.px)
        self.bold = font(st.body_family, st.body_variant, True, self.px)
        self.small = font("sans", st.head_variant, False, round(self.px * 0.8))
        self.pages: list[Image.Image] = []
        self.bottom = self.H - int(0.9 * dpi)
        self.mrn_text = fmt_mrn(spec.person.printed_mrn, rng, spec.lookalike) if (spec.print_mrn and spec.person.printed_mrn) else None
        self.name_text = fmt_name(spec.person, spec.name_style)
        self.dob_text = fmt_date(spec.person.dob, spec.date_style)
        self.labels = (rng.choice(NAME_LABELS), rng.choice(MRN_LABELS), rng.choice(DOB_LABELS))
        self.new_page()

    # -- pages ---------------------------------------------------------------
    def new_page(self) -> None:
        if len(self.pages) >= self.spec.max_pages:
            raise LayoutFull()
        self.img = Image.new("L", (self.W, self.H), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.pages.append(self.img)
        self.y = int(0.55 * self.dpi)
        if self.spec.fax:
            self.y += int(0.15 * self.dpi)
        if len(self.pages) == 1:
            self.first_page_header()
        else:
            self.continuation_header()

    def ensure(self, h: int) -> None:
        if self.y + h > self.bottom:
            self.new_page()

    def text(self, x: int, y: int, s: str, f=None, fill: int = 0) -> None:
        self.draw.text((x, y), s, font=f or self.body, fill=fill)

    # -- identity and headers --------------------------------------------------
    def first_page_header(self) -> None:
        spec, st, rng = self.spec, self.spec.style, self.rng
        name, addr, phone, fax = st.clinic
        big = font(st.head_family, st.head_variant, True, round(self.px * rng.uniform(1.5, 2.0)))
        mid = font(st.head_family, st.head_variant, False, round(self.px * 0.85))
        if st.letterhead != "none":
            lines = [(name, big), (addr, mid), (f"Tel {phone}   Fax {fax}", mid)]
            if st.letterhead == "box":
                self.draw.rectangle([self.margin, self.y - 10, self.W - self.margin, self.y + int(self.px * 4.6)], outline=0, width=3)
                self.y += 10
            for s, f in lines:
                w = self.draw.textlength(s, font=f)
                x = (self.W - w) / 2 if st.letterhead in ("center", "box") else self.margin + (15 if st.letterhead == "box" else 0)
                self.text(int(x), self.y, s, f)
                self.y += int(f.size * 1.25)
            if st.letterhead in ("rule", "center"):
                self.draw.line([self.margin, self.y + 8, self.W - self.margin, self.y + 8], fill=0, width=max(2, self.dpi // 100))
            self.y += int(self.px * 1.2)
        ident = spec.identity
        if ident in ("sticker", "hand_sticker"):
            self.sticker(right=rng.random() < 0.7)
        if ident == "typed":
            self.typed_identity()
        elif ident == "grid":
            self.grid_identity()
        elif ident in ("hand", "hand_sticker"):
            self.hand_identity(with_mrn=(ident == "hand"))
        if spec.title:
            self.title(spec.title)
        if ident == "letter":
            self.y += self.line_h

    def title(self, s: str) -> None:
        f = font(self.spec.style.head_family, self.spec.style.head_variant, True, round(self.px * 1.35))
        self.ensure(f.size * 2)
        w = self.draw.textlength(s, font=f)
        x = (self.W - w) / 2 if self.spec.style.title_align == "center" else self.margin
        self.text(int(x), self.y, s, f)
        self.y += int(f.size * 1.9)
        if self.spec.doc_type not in ("correspondence",):
            label = self.rng.choice(["Date of Service", "DOS", "Visit Date", "Date", "Report Date"])
            self.text(self.margin, self.y, f"{label}: {fmt_date(self.spec.service_date, self.spec.date_style)}", self.body)
            self.y += int(self.line_h * 1.6)

    def identity_pairs(self) -> list[tuple[str, str]]:
        nl, ml, dl = self.labels
        pairs = [(nl.rstrip(":"), self.name_text)]
        if self.mrn_text:
            pairs.append((ml.rstrip(":"), self.mrn_text))
        pairs.append((dl.rstrip(":"), self.dob_text))
        return pairs

    def typed_identity(self) -> None:
        pairs = self.identity_pairs()
        x = self.margin
        f = self.bold if self.rng.random() < 0.5 else self.body
        line = "    ".join(f"{k}: {v}" for k, v in pairs)
        if self.draw.textlength(line, font=f) > self.W - 2 * self.margin:
            for k, v in pairs:
                self.text(x, self.y, f"{k}: {v}", f)
                self.y += self.line_h
        else:
            self.text(x, self.y, line, f)
            self.y += self.line_h
        self.y += self.line_h

    def grid_identity(self) -> None:
        pairs = self.identity_pairs() + [("Provider", self.rng.choice(["Dr. A. Desai", "Dr. R. Lindqvist", "S. Okafor, DO", "H. Brandt, MD"]))]
        x0, x1 = self.margin, self.W - self.margin
        cell_h = int(self.line_h * 1.6)
        cols = 2
        rows = math.ceil(len(pairs) / cols)
        self.draw.rectangle([x0, self.y, x1, self.y + rows * cell_h], outline=0, width=2)
        for i, (k, v) in enumerate(pairs):
            r, c = divmod(i, cols)
            cx = x0 + c * (x1 - x0) // cols
            cy = self.y + r * cell_h
            self.draw.rectangle([cx, cy, cx + (x1 - x0) // cols, cy + cell_h], outline=0, width=2)
            self.text(cx + 12, cy + (cell_h - self.px) // 2 - 4, f"{k.upper()}: ", self.small)
            kw = self.draw.textlength(f"{k.upper()}: ", font=self.small)
            self.text(int(cx + 16 + kw), cy + (cell_h - self.px) // 2 - 4, v, self.bold)
        self.y += rows * cell_h + self.line_h

    def sticker(self, right: bool) -> None:
        """An addressograph label in monospace, stuck on a little crooked."""
        p, rng = self.spec.person, self.rng
        mono = font("mono", rng.randrange(3), rng.random() < 0.5, round(self.dpi * rng.uniform(0.105, 0.135)))
        lines = [fmt_name(p, rng.choice(["LAST_FIRST", "LAST_FIRST", "LAST_first"]))]
        mrn_label = rng.choice(["MRN", "MRN:", "MR#", "Acct/MRN", "Med Rec #"])
        dob = fmt_date(p.dob, rng.choice(["us", "us", "dmy_mon", "iso"]))
        sex = p.sex
        if self.mrn_text:
            if rng.random() < 0.5:
                lines.append(f"{mrn_label} {self.mrn_text}  {sex}")
                lines.append(f"DOB {dob}")
            else:
                lines.append(f"{mrn_label} {self.mrn_text}  DOB {dob}")
        else:
            lines.append(f"DOB {dob}  {sex}")
        if rng.random() < 0.35:  # the visit's account number, as real stickers carry it
            acct = rng.choice(["ACCT", "ACCT#", "FIN", "VISIT#", "ENC"])
            lines.append(f"{acct} {rng.randint(10**9, 10**10 - 1)}  ADM {fmt_date(self.spec.service_date, 'us')}")
        elif rng.random() < 0.5:
            lines.append(f"ADM {fmt_date(self.spec.service_date, 'us')}  RM {rng.randint(100, 599)}")
        if rng.random() < 0.5:
            lines.append(f"ATT: {rng.choice(['DESAI A', 'LINDQVIST R', 'OKAFOR S', 'BRANDT H', 'PALACIOS V'])}")
        lh = int(mono.size * 1.3)
        w = int(max(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(s, font=mono) for s in lines) + 50)
        h = lh * len(lines) + 40
        lab = Image.new("L", (w, h), rng.randint(238, 252))
        d = ImageDraw.Draw(lab)
        d.rounded_rectangle([1, 1, w - 2, h - 2], radius=18, outline=rng.randint(120, 190), width=2)
        for i, s in enumerate(lines):
            d.text((25, 20 + i * lh), s, font=mono, fill=rng.randint(0, 40))
        lab = lab.rotate(rng.uniform(-2.5, 2.5), expand=True, fillcolor=255, resample=Image.BICUBIC)
        x = self.W - self.margin - lab.width if right else self.margin
        self.img.paste(lab, (x, self.y), mask=Image.eval(lab, lambda v: 255 if v < 254 else 0))
        self.y += lab.height + self.line_h

    def hand_identity(self, with_mrn: bool) -> None:
        pairs = [("Patient name", fmt_name(self.spec.person, self.rng.choice(["first_last", "last_first"]))),
                 ("Date of birth", fmt_date(self.spec.person.dob, self.rng.choice(["us_short", "us"])))]
        if with_mrn and self.mrn_text:
            pairs.append(("MRN", self.spec.person.printed_mrn))
        self.hand_fields(pairs)

    def hand_fields(self, pairs: list[tuple[str, str]]) -> None:
        """Printed labels with a line, filled in by hand (an oblique font, jittered)."""
        rng = self.rng
        hv = rng.randrange(4)
        for label, value in pairs:
            self.ensure(self.line_h * 2)
            lx = self.margin
            self.text(lx, self.y, f"{label}:", self.body)
            x = int(lx + self.draw.textlength(f"{label}: ", font=self.body)) + 10
            base = self.y + self.px
            self.draw.line([x, base + 6, self.W - self.margin, base + 6], fill=0, width=2)
            cx = x + rng.randint(15, 60)
            for word in value.split():
                f = font("hand", hv, rng.random() < 0.3, int(self.px * rng.uniform(1.05, 1.35)))
                dy = rng.randint(-self.px // 5, self.px // 8)
                wimg = Image.new("L", (int(self.draw.textlength(word, font=f)) + 20, int(f.size * 1.5)), 255)
                ImageDraw.Draw(wimg).text((10, 0), word, font=f, fill=rng.randint(10, 70))
                wimg = wimg.rotate(rng.uniform(-3, 3), expand=True, fillcolor=255, resample=Image.BICUBIC)
                top = base - int(f.size * 0.95) + dy
                self.img.paste(Image.new("L", wimg.size, 0), (cx, top), mask=Image.eval(wimg, lambda v: 255 - v))
                cx += wimg.width + int(self.px * rng.uniform(0.2, 0.6))
            self.y += int(self.line_h * 1.9)
        self.y += self.line_h // 2

    def re_line(self) -> None:
        """A letter's subject line naming the patient."""
        parts = [f"RE: {self.name_text}", f"{self.labels[2].rstrip(':')}: {self.dob_text}"]
        if self.mrn_text:
            parts.append(f"{self.labels[1].rstrip(':')}: {self.mrn_text}")
        self.ensure(self.line_h * 2)
        self.text(self.margin, self.y, "    ".join(parts), self.bold)
        self.y += int(self.line_h * 1.6)

    def continuation_header(self) -> None:
        style = self.spec.cont_header
        if style == "none":
            return
        if style == "sticker":
            self.sticker(right=True)
            return
        parts = {"full": [self.name_text, self.mrn_text and f"{self.labels[1].rstrip(':')} {self.mrn_text}", f"DOB {self.dob_text}"],
                 "name_mrn": [self.name_text, self.mrn_text and f"MRN {self.mrn_text}"],
                 "name_dob": [self.name_text, f"{self.labels[2].rstrip(':')}: {self.dob_text}"],
                 "name": [f"Patient: {self.name_text}"]}[style]
        s = "    ".join(p for p in parts if p)
        self.text(self.margin, self.y, s, self.small)
        self.y += int(self.line_h * 1.8)

    # -- blocks ----------------------------------------------------------------
    def wrap(self, s: str, f, width: int) -> list[str]:
        words, lines, cur = s.split(), [], ""
        for w in words:
            t = f"{cur} {w}" if cur else w
            if self.draw.textlength(t, font=f) <= width or not cur:
                cur = t
            else:
                lines.append(cur)
                cur = w
        if cur:
            lines.append(cur)
        return lines

    def para(self, s: str, f=None, indent: int = 0) -> None:
        f = f or self.body
        for line in self.wrap(s, f, self.W - 2 * self.margin - indent):
            self.ensure(self.line_h)
            self.text(self.margin + indent, self.y, line, f)
            self.y += self.line_h
        self.y += self.line_h // 3

    def heading(self, s: str) -> None:
        self.ensure(self.line_h * 3)
        self.y += self.line_h // 3
        self.text(self.margin, self.y, s if s.endswith(":") else s + ":", self.bold)
        self.y += self.line_h

    def fields(self, pairs: list[tuple[str, str]]) -> None:
        colw = (self.W - 2 * self.margin) // 2
        short = all(self.draw.textlength(f"{k}: {v}", font=self.body) < colw - 30 for k, v in pairs)
        for i, (k, v) in enumerate(pairs):
            col = i % 2 if short else 0
            if col == 0:
                self.ensure(self.line_h)
            x = self.margin + col * colw
            self.text(x, self.y, f"{k}:", self.bold)
            self.text(int(x + self.draw.textlength(f"{k}: ", font=self.bold)), self.y, v, self.body)
            if col == 1 or not short or i == len(pairs) - 1:
                self.y += self.line_h
        self.y += self.line_h // 2

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        f, fb = self.body, self.bold
        widths = [max(self.draw.textlength(str(r[c]), font=f) for r in rows + [header]) + 30 for c in range(len(header))]
        avail = self.W - 2 * self.margin
        scale = min(1.0, avail / sum(widths))
        widths = [int(w * scale) for w in widths]
        if sum(widths) < avail:
            widths[0] += avail - sum(widths)
        rh = int(self.line_h * 1.25)

        def draw_row(cells, bold):
            x = self.margin
            for c, cell in enumerate(cells):
                self.text(x + 8, self.y + (rh - self.px) // 2 - 3, str(cell), fb if bold else f)
                x += widths[c]
            self.draw.line([self.margin, self.y + rh, self.margin + sum(widths), self.y + rh], fill=0, width=1 if not bold else 3)
            self.y += rh

        self.ensure(rh * 3)
        draw_row(header, True)
        for r in rows:
            if self.y + rh > self.bottom:
                self.new_page()
                draw_row(header, True)
            draw_row(r, False)
        self.y += self.line_h // 2

    def checks(self, items: list[str]) -> None:
        box = int(self.px * 0.8)
        for it in items:
            self.ensure(self.line_h)
            x, y = self.margin, self.y + (self.line_h - box) // 2
            self.draw.rectangle([x, y, x + box, y + box], outline=0, width=2)
            if self.rng.random() < 0.5:
                self.draw.line([x + 3, y + 3, x + box - 3, y + box - 3], fill=30, width=4)
                self.draw.line([x + box - 3, y + 3, x + 3, y + box - 3], fill=30, width=4)
            self.text(x + box + 20, self.y, it)
            self.y += self.line_h
        self.y += self.line_h // 2

    def signature(self, labels: list[str]) -> None:
        self.ensure(self.line_h * 4)
        colw = (self.W - 2 * self.margin) // max(len(labels), 1)
        base = self.y + self.line_h * 2
        for i, label in enumerate(labels):
            x0 = self.margin + i * colw
            self.scribble(x0 + 20, base - self.line_h, int(colw * 0.6), self.line_h)
            self.draw.line([x0, base, x0 + colw - 40, base], fill=0, width=2)
            self.text(x0, base + 8, label, self.small)
        self.y = base + self.line_h * 2

    def scribble(self, x: int, y: int, w: int, h: int) -> None:
        """A signature: a loopy pen stroke."""
        rng = self.rng
        pts, n = [], rng.randint(30, 60)
        for i in range(n):
            t = i / n
            pts.append((x + t * w + math.sin(t * rng.uniform(10, 25)) * h * 0.25,
                        y + h * 0.5 + math.sin(t * rng.uniform(6, 18) + rng.random()) * h * 0.45))
        self.draw.line(pts, fill=rng.randint(10, 60), width=max(2, self.dpi // 100), joint="curve")

    def flow(self) -> None:
        for b in self.spec.blocks:
            kind = b[0]
            if kind == "title":
                self.title(b[1])
            elif kind == "heading":
                self.heading(b[1])
            elif kind == "para":
                self.para(b[1])
            elif kind == "fields":
                self.fields(b[1])
            elif kind == "table":
                self.table(b[1], b[2])
            elif kind == "checks":
                self.checks(b[1])
            elif kind == "signature":
                self.signature(b[1])
            elif kind == "hand":
                self.hand_fields(b[1])
            elif kind == "space":
                self.y += self.line_h * b[1]
            elif kind == "re":
                self.re_line()

    # -- after layout: footers and fax lines -----------------------------------
    def finish(self) -> list[Image.Image]:
        n = len(self.pages)
        for i, img in enumerate(self.pages):
            d = ImageDraw.Draw(img)
            k = i + 1
            s = {"of": f"Page {k} of {n}", "page": f"Page {k}", "dash": f"- {k} -", "none": "",
                 "printed_of": f"Printed {fmt_date(self.spec.service_date, 'us')} 16:02   {self.spec.style.clinic[0]}   Page {k} of {n}"}[self.spec.footer]
            if s:
                w = d.textlength(s, font=self.small)
                x = self.W - self.margin - w if self.spec.footer == "printed_of" or self.rng.random() < 0.3 else (self.W - w) / 2
                d.text((int(x), self.H - int(0.6 * self.dpi)), s, font=self.small, fill=0)
            if self.spec.fax:
                fx = self.spec.fax
                mono = font("mono", 1, False, round(self.dpi * 0.09))
                line = (f"{fmt_date(fx['date'], 'us')} {fx['time']}  FROM: {fx['from'][:28].upper():<28}  "
                        f"FAX {self.spec.style.clinic[3]}   P.{fx['start'] + i:03d}/{fx['total']:03d}")
                d.text((int(0.3 * self.dpi), int(0.25 * self.dpi)), line, font=mono, fill=0)
        return self.pages


def render_document(spec: DocSpec, dpi: int, rng: random.Random) -> tuple[list[Image.Image], bool]:
    """The clean pages of one document, and whether its text was cut at the page limit."""
    w = Writer(spec, dpi, rng)
    cut = False
    try:
        w.flow()
    except LayoutFull:
        cut = True
    return w.finish(), cut


def random_spec_choices(rng: random.Random, doc_type: str) -> dict:
    """The look of one document: identity style, headers, footers."""
    if doc_type == "correspondence":
        identity = "letter"
    elif doc_type in ("consent_form", "face_sheet", "medication_list"):
        identity = rng.choice(["sticker", "hand_sticker", "hand", "grid", "sticker"])
    elif doc_type == "lab_result":
        identity = rng.choice(["grid", "typed", "sticker"])
    else:
        identity = rng.choice(["sticker", "typed", "typed", "grid", "sticker"])
    return dict(identity=identity,
                cont_header=rng.choice(["full", "full", "name_mrn", "name_dob", "name", "none", "sticker"]
                                       if identity != "sticker" else ["sticker", "full", "name_mrn", "none"]),
                footer=rng.choice(["of", "of", "page", "dash", "none", "printed_of"]),
                name_style=rng.choice(NAME_STYLES), date_style=rng.choice(DATE_STYLES))
