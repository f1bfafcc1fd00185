"""What a scanner does to a clean page: skew, gray paper, noise, faint toner, stamps.

Every function takes and returns an 8-bit gray PIL image (255 = white paper).
Profiles: "standard" (an ordinary office scanner) and "hard" (faint toner,
heavier skew, stamps, 150-dpi scans).
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from identities import MONTHS

PROFILES = {
    "standard": dict(skew_max=2.0, upside_down=0.03, faint=0.0, stamp=0.04, noise=(2, 7),
                     speckle=(0, 2e-5), paper=(238, 255), ink=(0, 45), dpi_weights={300: 0.8, 200: 0.2},
                     blur=(0.0, 0.6), edge_shadow=0.1),
    "hard": dict(skew_max=7.0, upside_down=0.06, faint=0.3, stamp=0.3, noise=(4, 12),
                 speckle=(1e-5, 8e-5), paper=(205, 245), ink=(0, 70), dpi_weights={300: 0.65, 200: 0.2, 150: 0.15},
                 blur=(0.3, 1.1), edge_shadow=0.25),
}

STAMP_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def stamp(img: Image.Image, rng: random.Random, day) -> Image.Image:
    """A rubber stamp (RECEIVED / date) over the page, in darker or lighter ink, crooked."""
    dpi_scale = img.width / 2550
    word = rng.choice(["RECEIVED", "SCANNED", "COPY", "FAXED", "REVIEWED"])
    f = ImageFont.truetype(STAMP_FONT, int(80 * dpi_scale))
    f2 = ImageFont.truetype(STAMP_FONT, int(52 * dpi_scale))
    date = f"{MONTHS[day.month - 1].upper()} {day.day:02d} {day.year}"
    w, h = int(720 * dpi_scale), int(260 * dpi_scale)
    st = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(st)
    d.rectangle([4, 4, w - 5, h - 5], outline=255, width=max(4, int(10 * dpi_scale)))
    d.text((w // 2, int(h * 0.35)), word, font=f, fill=255, anchor="mm")
    d.text((w // 2, int(h * 0.72)), date, font=f2, fill=255, anchor="mm")
    st = st.rotate(rng.uniform(-18, 18), expand=True, resample=Image.BICUBIC)
    x = rng.randint(int(img.width * 0.35), max(int(img.width * 0.35) + 1, img.width - st.width - 50))
    y = rng.randint(int(img.height * 0.05), int(img.height * 0.5))
    ink = rng.randint(60, 150)
    # multiply: the stamp darkens what is under it, it does not cover it
    arr = np.asarray(img).astype(np.float32)
    m = np.zeros_like(arr)
    sh, sw = min(st.height, arr.shape[0] - y), min(st.width, arr.shape[1] - x)
    m[y:y + sh, x:x + sw] = np.asarray(st)[:sh, :sw] / 255.0
    arr = arr * (1 - m * (1 - ink / 255.0))
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def tone(img: Image.Image, paper: int, ink: int) -> Image.Image:
    """Map white to the paper's gray and black to the toner's gray."""
    lut = [int(ink + (paper - ink) * v / 255) for v in range(256)]
    return img.point(lut)


def scan(img: Image.Image, rng: random.Random, prof: dict, faint: bool = False,
         skew: float = 0.0, upside_down: bool = False) -> Image.Image:
    """One pass through the scanner: tone, blur, skew, noise, speckle, edge shadow."""
    paper = rng.randint(*prof["paper"])
    ink = rng.randint(120, 185) if faint else rng.randint(*prof["ink"])
    img = tone(img, paper, min(ink, paper - 40))
    b = rng.uniform(*prof["blur"])
    if b > 0.05:
        img = img.filter(ImageFilter.GaussianBlur(b))
    if abs(skew) > 0.01:
        img = img.rotate(skew, resample=Image.BICUBIC, fillcolor=paper)
    if upside_down:
        img = img.rotate(180)
    arr = np.asarray(img).astype(np.float32)
    nrng = np.random.default_rng(rng.randrange(2 ** 32))
    arr += nrng.normal(0, rng.uniform(*prof["noise"]), arr.shape)
    density = rng.uniform(*prof["speckle"])
    if density > 0:
        n = int(arr.size * density)
        ys, xs = nrng.integers(0, arr.shape[0], n), nrng.integers(0, arr.shape[1], n)
        for dy in range(3):
            for dx in range(3):
                arr[np.clip(ys + dy, 0, arr.shape[0] - 1), np.clip(xs + dx, 0, arr.shape[1] - 1)] = rng.randint(20, 90)
    if rng.random() < prof["edge_shadow"]:
        wpx = rng.randint(6, 30)
        side = rng.choice(["left", "right", "top"])
        if side == "left":
            arr[:, :wpx] *= 0.35
        elif side == "right":
            arr[:, -wpx:] *= 0.35
        else:
            arr[:wpx, :] *= 0.35
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def blank_back(size: tuple[int, int], rng: random.Random, prof: dict, front: Image.Image | None) -> Image.Image:
    """The back of a sheet: blank, a few specks, or the front showing through faintly."""
    img = Image.new("L", size, 255)
    if front is not None and rng.random() < 0.5:
        ghost = front.transpose(Image.FLIP_LEFT_RIGHT).filter(ImageFilter.GaussianBlur(2.5))
        depth = rng.randint(8, 22)
        img = ghost.point([255 - int(depth * (255 - v) / 255) for v in range(256)])
    out = scan(img, rng, dict(prof, ink=(200, 230), edge_shadow=prof["edge_shadow"] / 2),
               skew=rng.uniform(-1, 1))
    if rng.random() < 0.3:  # a couple of hole-punch shadows or dirt specks
        d = ImageDraw.Draw(out)
        r = int(size[0] * 0.012)
        for k in range(rng.randint(1, 3)):
            cx, cy = int(size[0] * 0.05), int(size[1] * (0.2 + 0.3 * k))
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rng.randint(60, 140))
    return out


def to_bilevel(img: Image.Image, rng: random.Random) -> Image.Image:
    """What a bilevel scanner (G4) keeps: a fixed threshold near the middle of the page's range."""
    arr = np.asarray(img)
    paper, lo = float(np.median(arr)), float(np.percentile(arr, 0.5))
    t = paper - max(paper - lo, 100.0) * rng.uniform(0.4, 0.55)
    return Image.fromarray(((arr > t) * 255).astype(np.uint8)).convert("1", dither=Image.NONE)
