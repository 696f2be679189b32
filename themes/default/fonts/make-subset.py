#!/usr/bin/env python3
"""Make the theme's embedded CJK fonts: subsets of Noto Sans CJK SC (SIL OFL 1.1).

Coverage: ASCII, Latin-1, general punctuation and symbols, every character GBK encodes
(21,886), CJK Extension A (U+3400-U+4DBF), CJK compatibility ideographs, full-width forms.
Hinting and OpenType layout features are dropped (posters are printed, and typst does not
need them for Chinese); glyph names are dropped.

    pip install fonttools
    python3 themes/default/fonts/make-subset.py [/usr/share/fonts/opentype/noto]

Source: Debian's fonts-noto-cjk (NotoSansCJK-{Regular,Bold}.ttc, face index 2 = SC).
"""
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto"
HERE = os.path.dirname(os.path.abspath(__file__))


def gbk_chars():
    out = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                s = bytes([lead, trail]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                out.add(ord(s))
    return out


def wanted():
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    cps |= gbk_chars()
    ranges = [
        (0x2000, 0x206F),  # general punctuation
        (0x2100, 0x214F),  # letterlike symbols (№, ℃)
        (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ)
        (0x2190, 0x21FF),  # arrows
        (0x2460, 0x24FF),  # enclosed alphanumerics ①
        (0x2500, 0x257F),  # box drawing
        (0x25A0, 0x25FF),  # geometric shapes ■ ●
        (0x2600, 0x26FF),  # misc symbols ☆
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3200, 0x32FF),  # enclosed CJK ㈠
        (0x3400, 0x4DBF),  # CJK Extension A
        (0x4E00, 0x9FFF),  # CJK unified ideographs (all, beyond GBK's 20,902)
        (0xF900, 0xFAFF),  # CJK compatibility ideographs
        (0xFE30, 0xFE4F),  # CJK compatibility forms
        (0xFF00, 0xFFEF),  # half- and full-width forms
    ]
    for a, b in ranges:
        cps |= set(range(a, b + 1))
    return cps


def make(src_name, out_name):
    ttc = TTCollection(os.path.join(SRC, src_name))
    font = None
    for f in ttc.fonts:
        if "SC" in f["name"].getDebugName(1):
            font = f
            break
    assert font is not None, "no SC face in " + src_name
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.desubroutinize = False
    opts.glyph_names = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["vhea", "vmtx", "VORG", "BASE", "GPOS", "GSUB", "GDEF"]
    sub = subset.Subsetter(opts)
    cmap = font.getBestCmap()
    cps = sorted(c for c in wanted() if c in cmap)
    sub.populate(unicodes=cps)
    sub.subset(font)
    out = os.path.join(HERE, out_name)
    font.save(out)
    print(f"{out_name}: {len(cps)} characters, {os.path.getsize(out)} bytes")
    missing = [c for c in gbk_chars() if c not in cmap]
    print(f"  GBK characters missing from the source: {len(missing)}")
    exta = [c for c in range(0x3400, 0x4DC0) if c not in cmap]
    print(f"  Extension A characters missing from the source: {len(exta)}")


make("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular-subset.otf")
make("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold-subset.otf")
