"""Cropping figures from PDF pages and the cheap check that decides whether one is worth a
vision-model call.

The Azure lab skipped figures by edge count and entropy; the same two measures are used
here (with numpy instead of OpenCV): a blank box, a rule, a flat colour patch or a tiny
icon has almost no edges or almost one grey level, and describing it only costs money.
"""

from __future__ import annotations

import io

import numpy as np
import pymupdf
from PIL import Image

from ..errors import InputError

FIGURE_DPI = 300  # the lab's crop resolution: small print in charts stays legible
PAGE_DPI = 150  # whole image-only pages: a vision model downsizes anything larger
MIN_SIDE_PX = 96  # at 300 DPI, about 8 mm
MIN_ENTROPY_BITS = 0.3  # charts on white are low (about 0.9); a flat patch is about 0
MIN_EDGE_FRACTION = 0.004
_EDGE_STEP = 32  # grey-level jump between neighbours that counts as an edge
_ANALYSIS_SIDE = 512


def png_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def image_measures(png: bytes) -> tuple[float, float]:
    """(entropy of the grey-level histogram in bits, fraction of pixels on an edge)."""
    with Image.open(io.BytesIO(png)) as image:
        grey = image.convert("L")
        grey.thumbnail((_ANALYSIS_SIDE, _ANALYSIS_SIDE))
        pixels = np.asarray(grey, dtype=np.int16)
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(float)
    p = histogram[histogram > 0] / histogram.sum()
    entropy = float(-(p * np.log2(p)).sum())
    if min(pixels.shape) < 2:
        return entropy, 0.0
    edges = (np.abs(np.diff(pixels, axis=1))[:-1, :] + np.abs(np.diff(pixels, axis=0))[:, :-1]) > _EDGE_STEP
    return entropy, float(edges.mean())


def skip_reason(png: bytes) -> str | None:
    """Why a figure is not worth describing, or None when it is."""
    width, height = png_size(png)
    if min(width, height) < MIN_SIDE_PX:
        return f"too small ({width}x{height} px)"
    entropy, edge_fraction = image_measures(png)
    if entropy < MIN_ENTROPY_BITS:
        return f"too plain (entropy {entropy:.2f} bits)"
    if edge_fraction < MIN_EDGE_FRACTION:
        return f"too plain (edges on {edge_fraction:.2%} of pixels)"
    return None


def crop(page: pymupdf.Page, rect: pymupdf.Rect, dpi: int = FIGURE_DPI) -> bytes:
    """The region `rect` (PDF points) of `page` as PNG at `dpi`."""
    clip = rect & page.rect  # regions reported past the page edge are clipped to it
    return page.get_pixmap(dpi=dpi, clip=clip).tobytes("png")


def render_page(page: pymupdf.Page, dpi: int = PAGE_DPI) -> bytes:
    return page.get_pixmap(dpi=dpi).tobytes("png")


def pixel_size(page: pymupdf.Page, rect: pymupdf.Rect | None, dpi: int) -> tuple[int, int]:
    """(width, height) in pixels of `crop(page, rect, dpi)` (`render_page` when rect is None),
    without rendering it."""
    area = page.rect if rect is None else rect & page.rect
    pixels = (area * pymupdf.Matrix(dpi / 72, dpi / 72)).irect
    return pixels.width, pixels.height


def cut_figure(figure) -> bytes:
    """A `Figure`'s PNG, cut from its PDF (opened for this one figure, then closed)."""
    try:
        with pymupdf.open(figure.source) as pdf:
            page = pdf[figure.page - 1]
            if figure.clip is None:
                return render_page(page, figure.dpi)
            return crop(page, pymupdf.Rect(figure.clip), figure.dpi)
    except Exception as exc:  # the file changed or vanished since it was read
        raise InputError(figure.source, f"figure {figure.figure_id} cannot be cut from page {figure.page} "
                                        f"any more ({type(exc).__name__}: {exc})") from None
