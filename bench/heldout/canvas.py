"""A letter-size page at a given resolution, with text, tables, boxes and handwriting."""
import math

from PIL import Image, ImageDraw

import fonts


class Canvas:
    def __init__(self, dpi, rng, family="sans", margin_in=0.75):
        self.dpi, self.rng = dpi, rng
        self.w, self.h = int(8.5 * dpi), int(11 * dpi)
        self.img = Image.new("L", (self.w, self.h), 255)
        self.draw = ImageDraw.Draw(self.img)
        choices = fonts.available(family)
        self.regular, self.bold = choices[rng.randrange(len(choices))]
        hand = fonts.available("hand")
        self.hand = hand[rng.randrange(len(hand))][0]
        self.left = int(margin_in * dpi)
        self.right = self.w - int(margin_in * dpi)
        self.y = int(0.6 * dpi)
        self.bottom = self.h - int(0.9 * dpi)

    def px(self, pt):
        return pt * self.dpi / 72.0

    def font(self, pt, bold=False, path=None):
        return fonts.load(path or (self.bold if bold else self.regular), round(self.px(pt)))

    def text(self, x, y, s, pt=10, bold=False, fill=0, path=None):
        f = self.font(pt, bold, path)
        self.draw.text((x, y), s, font=f, fill=fill)
        return f.getlength(s)

    def width(self, s, pt=10, bold=False, path=None):
        return self.font(pt, bold, path).getlength(s)

    def line_h(self, pt):
        return int(self.px(pt) * 1.32)

    def center(self, s, pt=12, bold=False, y=None):
        y = self.y if y is None else y
        self.text((self.w - self.width(s, pt, bold)) / 2, y, s, pt, bold)
        if y == self.y:
            self.y += self.line_h(pt)

    def rule(self, y=None, thick=2, x0=None, x1=None):
        y = self.y if y is None else y
        self.draw.rectangle([x0 or self.left, y, x1 or self.right, y + max(1, int(thick * self.dpi / 300))], fill=0)

    def box(self, x0, y0, x1, y1, width=2, fill=None):
        self.draw.rectangle([x0, y0, x1, y1], outline=0, width=max(1, int(width * self.dpi / 300)), fill=fill)

    def wrap(self, s, pt, max_w, bold=False):
        words, lines, cur = s.split(), [], ""
        f = self.font(pt, bold)
        for w in words:
            t = (cur + " " + w).strip()
            if f.getlength(t) <= max_w or not cur:
                cur = t
            else:
                lines.append(cur)
                cur = w
        if cur:
            lines.append(cur)
        return lines

    def room(self, pt, lines=1):
        return self.y + lines * self.line_h(pt) <= self.bottom

    def hand_text(self, x, y, s, pt=13):
        """Handwriting: an oblique font, each letter nudged up or down, sized a little unevenly."""
        rng = self.rng
        cx = x
        slope = rng.uniform(-0.02, 0.02)
        for ch in s:
            size = pt * rng.uniform(0.92, 1.1)
            f = fonts.load(self.hand, round(self.px(size)))
            dy = rng.uniform(-0.07, 0.07) * self.px(pt) + slope * (cx - x)
            self.draw.text((cx, y + dy), ch, font=f, fill=rng.randint(0, 60))
            cx += f.getlength(ch) * rng.uniform(0.98, 1.12)
        return cx - x

    def checkbox(self, x, y, checked, pt=10, label=""):
        s = int(self.px(pt) * 0.9)
        self.box(x, y, x + s, y + s, width=3)
        if checked:
            j = self.rng.uniform
            w = max(2, int(4 * self.dpi / 300))
            self.draw.line([x + s * 0.1, y + s * j(0.4, 0.6), x + s * 0.4, y + s * j(0.85, 1.0), x + s * j(1.0, 1.25), y - s * j(0.1, 0.3)], fill=20, width=w)
        if label:
            self.text(x + s * 1.5, y - s * 0.1, label, pt)
        return s * 1.5 + (self.width(label, pt) if label else 0)

    def paragraph(self, s, pt=10.5, indent=0, bold_heading=True, gap=0.35):
        """Flow a paragraph from self.y; returns the text that did not fit on the page."""
        max_w = self.right - self.left - indent
        heading, body = None, s
        if bold_heading and ":" in s[:60]:
            head, rest = s.split(":", 1)
            if head.isupper():
                heading, body = head + ":", rest.strip()
        lines = self.wrap(((heading + " ") if heading else "") + body, pt, max_w)
        lh = self.line_h(pt)
        for i, ln in enumerate(lines):
            if self.y + lh > self.bottom:
                return " ".join(lines[i:])
            x = self.left + indent
            if i == 0 and heading and ln.startswith(heading):
                x += self.text(x, self.y, heading, pt, bold=True) + self.width(" ", pt)
                ln = ln[len(heading):].strip()
            self.text(x, self.y, ln, pt)
            self.y += lh
        self.y += int(lh * gap)
        return None

    def table(self, headers, rows, widths, pt=9.5, header_fill=225, grid=True):
        """A table from self.y; widths are shares of the text width. Returns rows that did not fit."""
        total = self.right - self.left
        xs = [self.left]
        for wsh in widths:
            xs.append(xs[-1] + wsh * total)
        lh = self.line_h(pt) + int(self.px(pt) * 0.3)
        if headers:
            self.draw.rectangle([xs[0], self.y, xs[-1], self.y + lh], fill=header_fill)
            for i, hd in enumerate(headers):
                self.text(xs[i] + self.px(3), self.y + self.px(pt) * 0.12, hd, pt, bold=True)
            self.y += lh
        for r, row in enumerate(rows):
            if self.y + lh > self.bottom:
                return rows[r:]
            for i, cell in enumerate(row):
                self.text(xs[i] + self.px(3), self.y + self.px(pt) * 0.12, str(cell), pt, bold=str(cell) in ("H", "L", "HH", "LL", "A"))
            if grid:
                self.draw.line([xs[0], self.y + lh, xs[-1], self.y + lh], fill=150, width=1)
            self.y += lh
        self.y += lh // 2
        return []

    def stamp(self, lines, x, y, pt=14, angle=None):
        """A rubber stamp: a ring of text in a box, rotated, in mid gray."""
        rng = self.rng
        f = self.font(pt, bold=True)
        wmax = max(f.getlength(s) for s in lines)
        lh = self.line_h(pt)
        pad = int(self.px(6))
        tile = Image.new("L", (int(wmax + 2 * pad), lh * len(lines) + 2 * pad), 255)
        d = ImageDraw.Draw(tile)
        shade = rng.randint(70, 150)
        d.rectangle([2, 2, tile.width - 3, tile.height - 3], outline=shade, width=max(2, int(5 * self.dpi / 300)))
        for i, s in enumerate(lines):
            d.text(((tile.width - f.getlength(s)) / 2, pad + i * lh), s, font=f, fill=shade)
        tile = tile.rotate(angle if angle is not None else rng.uniform(-12, 12), expand=True, fillcolor=255)
        region = self.img.crop((int(x), int(y), int(x) + tile.width, int(y) + tile.height))
        from PIL import ImageChops
        self.img.paste(ImageChops.darker(region, tile), (int(x), int(y)))

    def signature(self, x, y, name, pt=16):
        """A scrawl: the name in the hand font, slanted, with a flourish under it."""
        w = self.hand_text(x, y, name, pt)
        rng = self.rng
        pts = []
        for i in range(8):
            pts.append((x + w * i / 7, y + self.px(pt) * (1.05 + rng.uniform(-0.15, 0.15))))
        self.draw.line(pts, fill=30, width=max(2, int(3 * self.dpi / 300)))
        return w


def angle_rad(deg):
    return deg * math.pi / 180
