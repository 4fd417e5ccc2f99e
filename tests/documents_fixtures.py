"""Test documents built on the fly: a PDF with a table, a chart and an image-only page."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
from PIL import Image, ImageDraw

# Where the chart sits on page 2, in PDF points (1/72 inch).
CHART_RECT = pymupdf.Rect(72, 300, 432, 516)  # 5 x 3 inches
PHOTO_RECT = pymupdf.Rect(36, 120, 560, 760)  # page 3: most of the page

PAGE1 = (
    "Cluster Setup Guide\n\n"
    "The training cluster uses eight p3.16xlarge instances connected by a 25 Gbps network. "
    "Each instance carries eight NVIDIA V100 GPUs with 16 GB of memory each.\n\n"
)
PAGE2_BEFORE = (
    "Scaling results. Throughput grows almost linearly with the number of GPUs, as the chart below shows. "
    "The measurements used a batch size of 256 images per GPU. Every run trained ResNet-50 for 90 epochs on "
    "the ImageNet training set of 1.28 million images, with data read from local NVMe storage. "
    "Horovod averaged the gradients with ring all-reduce over NCCL, and mixed precision was enabled on all runs. "
    "Each configuration was repeated three times and the median is reported."
)
PAGE2_AFTER = (
    "After the chart: the learning rate was scaled with the number of workers and warmed up for five epochs. "
    "Checkpoints were written to Amazon S3 every ten epochs."
)


def chart_png(width: int = 600, height: int = 360) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(40, 20), (40, height - 30), (width - 10, height - 30)], fill="black", width=3)
    for i, value in enumerate((60, 120, 200, 290)):
        x = 70 + i * 130
        draw.rectangle([x, height - 30 - value, x + 80, height - 31], fill=(220, 30, 30))
        draw.text((x + 20, height - 25), f"{2 ** i} GPU", fill="black")
    return _png(image)


def photo_png(width: int = 700, height: int = 860) -> bytes:
    """A busy 'scanned' image: gradients and shapes, plenty of edges."""
    image = Image.new("RGB", (width, height), (30, 90, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 35):
        draw.ellipse([i, (i * 7) % height, i + 60, (i * 7) % height + 60], fill=(200, 180 - i % 150, 40))
        draw.line([(i, 0), (width - i, height)], fill=(240, 240, 240), width=2)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def figure_pdf(path: Path) -> Path:
    """Page 1: text and a table. Page 2: text, a chart, text. Page 3: an image-only page."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 72, 540, 250), PAGE1, fontsize=11)
    table_top = 260
    rows = [("Instance", "GPUs", "Memory"), ("p3.2xlarge", "1", "16 GB"), ("p3.8xlarge", "4", "64 GB"),
            ("p3.16xlarge", "8", "128 GB")]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            rect = pymupdf.Rect(72 + c * 150, table_top + r * 24, 72 + (c + 1) * 150, table_top + (r + 1) * 24)
            page.draw_rect(rect, color=(0, 0, 0), width=0.8)
            page.insert_text((rect.x0 + 6, rect.y1 - 8), cell, fontsize=10)
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 72, 540, 290), PAGE2_BEFORE, fontsize=11)
    page.insert_image(CHART_RECT, stream=chart_png())
    page.insert_textbox(pymupdf.Rect(72, 540, 540, 700), PAGE2_AFTER, fontsize=11)
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 60, 540, 110), "Appendix: rack photo", fontsize=11)
    page.insert_image(PHOTO_RECT, stream=photo_png())
    doc.set_metadata({"title": "Cluster Setup Guide"})
    doc.save(str(path))
    doc.close()
    return path
