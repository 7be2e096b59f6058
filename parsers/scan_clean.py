"""Clean a rendered scan page before OCR: take out the strokes that are not text.

Two kinds of marks make Tesseract misread the header and the signature block of official documents:
- the rule printed under 'ĐẢNG CỘNG SẢN VIỆT NAM' / the national motto runs close to the issuer's bold line,
  and Tesseract's layout analysis joins the two columns and reads the rule as '___' or '=-';
- the round seal stamped over the signature: its rings cut through the signer's title and name.
Long thin horizontal strokes are whitened; a seal is found as a large, nearly empty ring-shaped connected
component, its ring pixels are whitened, and so are the large marks inside it (inner ring, star).  Letters
are never removed whole: only the ring's own pixels where it crosses them."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

DARK = 170  # grey level below which a pixel is ink (scans flatten paper to ~240)


COLOUR_CHROMA = 50  # max - min of the RGB channels from which a pixel is coloured ink (paper, print: < 20)
COLOUR_BRIGHT = 110  # ...and its brightest channel above this: black print over a red seal stays
BLUE_EXCESS = 18  # blue above the larger of red and green: ballpoint ink, however pale (print: < 8)
# the paler edge of a coloured stroke (a little chroma, lighter than print), taken with it when within
# COLOUR_EDGE_MM of it; the black print under a seal is darker and stays
EDGE_CHROMA = 10
EDGE_BRIGHT = 130
COLOUR_EDGE_MM = 0.3
PRINT_DARK = 110  # black print's core: darker than this in every channel...
PRINT_CHROMA = 30  # ...and nearly grey


def grey_without_colour(rgb: np.ndarray, dpi: float = 300.0) -> np.ndarray:
    """8-bit greyscale of an RGB page image with its coloured ink (red seals and stamps, blue handwriting and
    signatures) turned to paper.

    Official documents are printed in black; what is stamped or written on them afterwards is red or blue.
    In a greyscale rendering that ink is mid-grey and Tesseract reads it, or loses the print under it (the
    seal over the signer's title, a handwritten number beside 'Số:').  Where black print crosses the ink the
    pixel stays dark in every channel and is kept.  Pale ballpoint ink is told by its blue alone (a scanned
    '289' at chroma 25, print at 4), and the paler edges of a coloured stroke go with it (left, Tesseract
    reads them as letters: the outline of an 'ĐẾN' stamp came out as '2M trì sự» Đủ')."""
    from PIL import Image

    rgb = np.ascontiguousarray(rgb[..., :3])
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    hi = np.maximum(np.maximum(r, g), b)
    chroma = hi - np.minimum(np.minimum(r, g), b)  # uint8: hi >= lo, no wrap
    coloured = (chroma >= COLOUR_CHROMA) & (hi >= COLOUR_BRIGHT)
    bluish = b.astype(np.int16) - np.maximum(r, g) >= BLUE_EXCESS
    grey = np.array(Image.fromarray(rgb).convert("L"))  # ITU-R 601 luma, in C
    if not coloured.any() and not bluish.any():  # a grey scan: nothing to turn to paper (the edges go with
        return grey  # coloured ink only), and the print rim below is not needed
    reach = max(1, round(COLOUR_EDGE_MM * dpi / 25.4))
    # the soft criteria never take the rim of black print (a JPEG scan tints it): pixels near dark grey ink
    print_rim = ndimage.binary_dilation((hi < PRINT_DARK) & (chroma < PRINT_CHROMA), iterations=reach)
    soft = bluish & ~print_rim
    coloured |= soft
    if coloured.any():
        near = ndimage.binary_dilation(coloured, iterations=reach)
        coloured |= near & (chroma >= EDGE_CHROMA) & (hi >= EDGE_BRIGHT) & ~print_rim
    if coloured.any():
        grey[coloured] = np.uint8(np.percentile(grey[::4, ::4], 90))  # the paper's grey
    return grey


def clean_page(gray: np.ndarray, dpi: float) -> np.ndarray:
    """A copy of the 8-bit greyscale page image with rules and seals whitened."""
    out = gray.copy()
    paper = int(np.percentile(gray[::4, ::4], 90))
    dark = gray < min(DARK, paper - 40)
    # seals first, and no rules looked for on them: a ring's top and bottom arcs look like short rules
    seals, seal_zone = seal_mask(gray, dark, dpi)
    rules = rule_mask(dark & ~seal_zone, dpi)
    erase = _halo(rules, max(1, round(dpi / 100))) | seals
    out[erase & (gray < paper - 10)] = paper
    return out


def _shift(mask: np.ndarray, dy: int) -> np.ndarray:
    """mask moved down by dy rows (up if negative), padded with False."""
    out = np.zeros_like(mask)
    if dy > 0:
        out[dy:] = mask[:-dy]
    elif dy < 0:
        out[:dy] = mask[-dy:]
    else:
        out[:] = mask
    return out


def _long_runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels of horizontal runs of at least `length` set pixels."""
    h, w = mask.shape
    if w < length:
        return np.zeros_like(mask)
    c = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, dtype=np.int32, out=c[:, 1:])
    full = (c[:, length:] - c[:, :-length]) == length  # a full window starts at column j
    s = np.zeros((h, full.shape[1] + 1), dtype=np.int32)
    np.cumsum(full, axis=1, dtype=np.int32, out=s[:, 1:])
    x = np.arange(w)
    hi = np.minimum(x + 1, full.shape[1])
    lo = np.clip(x - length + 1, 0, full.shape[1])
    return (s[:, hi] - s[:, lo]) > 0


def rule_mask(dark: np.ndarray, dpi: float) -> np.ndarray:
    """Long thin horizontal strokes: ink with no ink 1 mm above and below, in runs of >= 10 mm that may
    step a row or two up or down (a tilted rule is a staircase of row runs)."""
    reach = max(2, round(dpi / 25))  # 1 mm: a rule is thinner than that, a letter taller
    slack = max(1, round(dpi / 150))  # rows a run may step by (a thin rule tilted by ~1 degree)
    length = max(8, round(dpi * 0.4))
    out = np.zeros_like(dark)
    counts = np.convolve(dark.sum(axis=1), np.ones(2 * slack + 1, dtype=int), mode="same")
    rows = np.nonzero(counts >= length)[0]  # only rows with that much ink near them can hold a rule
    if len(rows) == 0:
        return out
    h = dark.shape[0]

    def thin_at(ys):
        return dark[ys] & ~dark[np.maximum(ys - reach, 0)] & ~dark[np.minimum(ys + reach, h - 1)]

    thin = thin_at(rows)
    band = thin.copy()
    for d in range(1, slack + 1):
        band |= thin_at(np.maximum(rows - d, 0)) | thin_at(np.minimum(rows + d, h - 1))
    runs = _long_runs(band, length) & thin
    hit = runs.any(axis=1)
    out[rows[hit]] = _grow_x(runs[hit], round(dpi / 15))  # with the short stubs at a tilted rule's ends
    return out


def _grow_x(mask: np.ndarray, r: int) -> np.ndarray:
    out = mask.copy()
    for d in range(1, r + 1):
        out[:, d:] |= mask[:, :-d]
        out[:, :-d] |= mask[:, d:]
    return out


def _halo(mask: np.ndarray, r: int) -> np.ndarray:
    out = mask.copy()
    for d in range(1, r + 1):
        out |= _shift(mask, d) | _shift(mask, -d)
    return _grow_x(out, r)


def seal_mask(gray: np.ndarray, dark: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """(pixels to erase, the seals' discs) of round seals 20-55 mm across: their rings and the large marks
    inside them.

    Where a letter crosses the ring, its pixels clearly darker than the ring's ink are kept (a red seal scans
    mid-grey, print black)."""
    mm = dpi / 25.4
    labels, n = ndimage.label(dark, structure=np.ones((3, 3), dtype=bool))
    out = np.zeros_like(dark)
    zone = np.zeros_like(dark)
    if n == 0:
        return out, zone
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        h, w = box[0].stop - box[0].start, box[1].stop - box[1].start
        if not (20 * mm <= h <= 55 * mm and 20 * mm <= w <= 55 * mm):
            continue
        ys, xs = np.nonzero(labels[box] == index)
        if len(ys) > 0.2 * h * w:  # a filled blob or a photo, not a ring
            continue
        circle = _fit_ring(xs.astype(float) + box[1].start, ys.astype(float) + box[0].start, mm)
        if circle is None:
            continue
        cx, cy, r, thickness = circle
        pad = round(r * 0.1 + thickness)
        y0, x0 = max(0, box[0].start - pad), max(0, box[1].start - pad)
        win = (slice(y0, box[0].stop + pad), slice(x0, box[1].stop + pad))
        yy, xx = np.ogrid[win[0], win[1]]
        dist = np.hypot(xx - cx, yy - cy)
        band = np.abs(dist - r) <= thickness
        ring_ink = float(np.percentile(gray[win][dark[win] & band], 25))
        marks = _halo(_large_marks_inside(dark[win] & ~band, dist, r, mm), max(1, round(mm / 2)))
        # letter strokes darker than the seal's ink stay, with their grey edges; the ring's edges go
        letters = _halo(gray[win] < ring_ink - 15, max(1, round(mm / 4)))
        out[win] |= (band & ~letters) | marks
        zone[win] |= dist <= r + thickness + mm
    return out, zone


def _fit_ring(xs: np.ndarray, ys: np.ndarray, mm: float) -> tuple[float, float, float, float] | None:
    """(cx, cy, r, half thickness) if the points lie on a circle all round (letters touching it are
    outliers and dropped); None otherwise."""
    keep = np.ones(len(xs), dtype=bool)
    for _ in range(3):  # algebraic least-squares circle, refitted without the outliers
        a = np.column_stack([xs[keep], ys[keep], np.ones(keep.sum())])
        b = xs[keep] ** 2 + ys[keep] ** 2
        (p, q, c), *_ = np.linalg.lstsq(a, b, rcond=None)
        cx, cy = p / 2, q / 2
        r = float(np.sqrt(max(c + cx * cx + cy * cy, 0.0)))
        resid = np.abs(np.hypot(xs - cx, ys - cy) - r)
        keep = resid <= max(1.0 * mm, 3 * np.median(resid[keep]))
    on_ring = resid <= max(0.6 * mm, 2.5 * np.median(resid))
    if r < 9 * mm or on_ring.mean() < 0.6:
        return None
    angles = np.arctan2(ys[on_ring] - cy, xs[on_ring] - cx)
    covered = np.unique(((angles + np.pi) / (2 * np.pi) * 36).astype(int) % 36)
    if len(covered) < 30:  # an arc or a letter-shaped blob, not a closed ring
        return None
    thickness = float(np.percentile(resid[on_ring], 95)) + 0.3 * mm
    return cx, cy, r, thickness


def _large_marks_inside(dark: np.ndarray, dist: np.ndarray, r: float, mm: float) -> np.ndarray:
    """Components wholly inside the ring and larger than any letter (inner ring, star, emblem)."""
    inside = dark & (dist < r - 0.5 * mm)
    sub, n = ndimage.label(inside, structure=np.ones((3, 3), dtype=bool))
    out = np.zeros_like(dark)
    for index, box in enumerate(ndimage.find_objects(sub), start=1):
        if box is None:
            continue
        h, w = box[0].stop - box[0].start, box[1].stop - box[1].start
        if max(h, w) < 7 * mm:  # letter-sized: may be the signer's name, keep
            continue
        comp = sub[box] == index
        if (dist[box][comp] >= r - 0.6 * mm).any():  # touches the ring: a letter crossing it
            continue
        out[box] |= comp
    return out
