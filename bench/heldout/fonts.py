"""Fonts for the renderer: Debian's Carlito, Caladea, TeX Gyre, Courier Prime, Noto Mono."""
import os
from functools import lru_cache

from PIL import ImageFont

_TG = "/usr/share/texmf/fonts/opentype/public/tex-gyre/"
_CX = "/usr/share/fonts/truetype/crosextra/"
_CP = "/usr/share/fonts/opentype/courier-prime/"
_NOTO = "/usr/share/fonts/truetype/noto/"

FAMILIES = {
    "sans": [(_CX + "Carlito-Regular.ttf", _CX + "Carlito-Bold.ttf"),
             (_TG + "texgyreheros-regular.otf", _TG + "texgyreheros-bold.otf"),
             (_TG + "texgyreadventor-regular.otf", _TG + "texgyreadventor-bold.otf")],
    "serif": [(_CX + "Caladea-Regular.ttf", _CX + "Caladea-Bold.ttf"),
              (_TG + "texgyretermes-regular.otf", _TG + "texgyretermes-bold.otf"),
              (_TG + "texgyrepagella-regular.otf", _TG + "texgyrepagella-bold.otf"),
              (_TG + "texgyreschola-regular.otf", _TG + "texgyreschola-bold.otf")],
    "mono": [(_CP + "Courier Prime.otf", _CP + "Courier Prime Bold.otf"),
             (_NOTO + "NotoMono-Regular.ttf", _NOTO + "NotoSansMono-Bold.ttf"),
             (_TG + "texgyrecursor-regular.otf", _TG + "texgyrecursor-bold.otf")],
    "hand": [(_CX + "Carlito-Italic.ttf", _CX + "Carlito-BoldItalic.ttf"),
             (_TG + "texgyreheros-italic.otf", _TG + "texgyreheros-bolditalic.otf"),
             (_CP + "Courier Prime Sans Italic.otf", _CP + "Courier Prime Sans Bold Italic.otf"),
             (_CX + "Caladea-Italic.ttf", _CX + "Caladea-BoldItalic.ttf")],
}


def available(kind):
    return [pair for pair in FAMILIES[kind] if os.path.exists(pair[0]) and os.path.exists(pair[1])]


@lru_cache(maxsize=512)
def load(path, px):
    return ImageFont.truetype(path, max(6, int(px)))


def missing_fonts():
    return [p for pairs in FAMILIES.values() for pair in pairs for p in pair if not os.path.exists(p)]
