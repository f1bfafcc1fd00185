"""Simulated scanning: skew, noise, gray paper, upside-down pages, fax degradation,
blank duplex backs; and the files a scanner writes (TIFF G4 / LZW / JPEG, image PDF,
folders of PNG or JPEG pages)."""
import os
import time

import numpy as np
from PIL import Image, ImageFilter

PROFILES = {
    "standard": {"skew": 1.5, "skew_big": 3.0, "noise": 6, "specks": 150, "upside_down": 0.05, "fax": 0.6,
                 "gray_bg": (225, 250), "blur": 0.5, "edge": 0.15, "jpeg_q": (70, 90), "low_dpi": 0.2},
    "hard": {"skew": 3.5, "skew_big": 6.0, "noise": 14, "specks": 900, "upside_down": 0.12, "fax": 1.0,
             "gray_bg": (195, 240), "blur": 0.9, "edge": 0.4, "jpeg_q": (45, 75), "low_dpi": 0.45},
}


def scan_page(img, rng, prof, fax=False, upside_down=False, light=False):
    """Degrade one clean page image (mode L). Returns an L image of the same size."""
    w, h = img.size
    if fax:
        # a fax: thresholded at ~200 x 100 dpi, then printed and scanned again
        small = img.resize((int(w * 0.68), int(h * 0.34)), Image.BILINEAR)
        small = small.point(lambda v: 0 if v < rng.randint(150, 190) else 255)
        img = small.resize((w, h), Image.NEAREST).filter(ImageFilter.GaussianBlur(0.6))
    a = np.asarray(img, dtype=np.float32)
    lo, hi = prof["gray_bg"]
    paper = rng.uniform(lo, hi) if rng.random() < 0.7 else 255.0
    ink = rng.uniform(0, 40) if not light else rng.uniform(70, 110)
    a = ink + (a / 255.0) * (paper - ink)
    if prof["noise"]:
        a += np.random.default_rng(rng.randrange(1 << 30)).normal(0, prof["noise"] * rng.uniform(0.5, 1.0), a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    if prof["blur"] and rng.random() < 0.6:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, prof["blur"])))
    angle = rng.uniform(-prof["skew"], prof["skew"]) if rng.random() < 0.85 else rng.uniform(-prof["skew_big"], prof["skew_big"])
    img = img.rotate(angle, resample=Image.BILINEAR, expand=False, fillcolor=int(paper))
    a = np.array(img)
    nr = np.random.default_rng(rng.randrange(1 << 30))
    n = int(prof["specks"] * rng.uniform(0.3, 1.0))
    ys, xs = nr.integers(0, h - 3, n), nr.integers(0, w - 3, n)
    for y, x in zip(ys, xs):
        s = int(nr.integers(1, 4))
        a[y:y + s, x:x + s] = int(nr.integers(0, 90))
    if rng.random() < prof["edge"]:
        e = rng.randint(6, 30)
        side = rng.choice(["left", "top", "right"])
        if side == "left":
            a[:, :e] = rng.randint(20, 80)
        elif side == "right":
            a[:, -e:] = rng.randint(20, 80)
        else:
            a[:e, :] = rng.randint(20, 80)
    img = Image.fromarray(a, "L")
    if upside_down:
        img = img.rotate(180)
    return img


def blank_back(size, rng, prof, front=None):
    """The empty back of a duplex sheet: paper tone, specks, sometimes faint bleed-through."""
    w, h = size
    lo, hi = prof["gray_bg"]
    paper = rng.uniform(max(lo, 215), hi)
    a = np.full((h, w), paper, dtype=np.float32)
    if front is not None and rng.random() < 0.5:
        f = np.asarray(front.transpose(Image.FLIP_LEFT_RIGHT).filter(ImageFilter.GaussianBlur(3)), dtype=np.float32)
        a -= (255 - f) * rng.uniform(0.03, 0.07)
    a += np.random.default_rng(rng.randrange(1 << 30)).normal(0, max(2, prof["noise"] / 2), a.shape)
    nr = np.random.default_rng(rng.randrange(1 << 30))
    for y, x in zip(nr.integers(0, h - 3, 40), nr.integers(0, w - 3, 40)):
        a[y:y + 2, x:x + 2] = 60
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def to_bilevel(img):
    return img.point(lambda v: 0 if v < 150 else 255).convert("1")


def write_batch(pages, dpi, fmt, path, rng, prof):
    """Write one batch's page images in the scanner format fmt; returns the file names of the
    pages in order (relative to the set folder) with their index inside that file."""
    if fmt in ("tif_g4", "tif_lzw", "tif_jpeg"):
        conv = {"tif_g4": to_bilevel, "tif_lzw": lambda i: i, "tif_jpeg": lambda i: i}[fmt]
        comp = {"tif_g4": "group4", "tif_lzw": "tiff_lzw", "tif_jpeg": "jpeg"}[fmt]
        imgs = [conv(p) for p in pages]
        kw = {"compression": comp, "dpi": (dpi, dpi), "save_all": True, "append_images": imgs[1:]}
        if fmt == "tif_jpeg":
            kw["quality"] = rng.randint(*prof["jpeg_q"])
        imgs[0].save(path + ".tif", **kw)
        name = os.path.basename(path) + ".tif"
        return [(name, i) for i in range(len(pages))]
    if fmt in ("pdf_gray", "pdf_bw"):
        imgs = [to_bilevel(p) if fmt == "pdf_bw" else p for p in pages]
        fixed = time.gmtime(1796040000)  # 2026-11-30: the same bytes for the same seed
        imgs[0].save(path + ".pdf", save_all=True, append_images=imgs[1:], resolution=float(dpi),
                     creationDate=fixed, modDate=fixed, producer="scanner")
        name = os.path.basename(path) + ".pdf"
        return [(name, i) for i in range(len(pages))]
    # a folder of single-page images, in name order
    os.makedirs(path, exist_ok=True)
    out = []
    for i, p in enumerate(pages):
        if fmt == "png_dir":
            fn = "page%d.png" % (i + 1)  # page2 before page10: chartroom sorts names naturally
            (to_bilevel(p) if rng.random() < 0.3 else p).save(os.path.join(path, fn), dpi=(dpi, dpi))
        else:
            fn = "scan_%03d.jpg" % (i + 1)
            p.save(os.path.join(path, fn), quality=rng.randint(*prof["jpeg_q"]), dpi=(dpi, dpi))
        out.append((os.path.join(os.path.basename(path), fn), 0))
    return out
