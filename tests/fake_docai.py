"""A loopback server speaking Document Intelligence's analyze protocol, so the real
azure-ai-documentintelligence SDK is exercised: POST .../prebuilt-layout:analyze → 202
with Operation-Location → polled GET (running, then succeeded with the result).

The result is shaped like a real prebuilt-layout markdown result (API 2024-11-30) for
`documents_fixtures.figure_pdf`: HTML table, page-break comments, <figure> elements with
captions, page spans, and figure polygons in inches.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from documents_fixtures import CHART_RECT, PAGE2_AFTER, PAGE2_BEFORE, PHOTO_RECT

API_VERSION = "2024-11-30"
KEY = "test-docai-key"
CAPTION = "Figure 1: Throughput by number of GPUs"


def _polygon(rect) -> list[float]:
    x0, y0, x1, y1 = (round(v / 72, 4) for v in rect)
    return [x0, y0, x1, y0, x1, y1, x0, y1]


def layout_result() -> dict[str, Any]:
    page1 = (
        '<!-- PageHeader="Cluster Setup Guide" -->\n\n# Cluster Setup Guide\n\n'
        "The training cluster uses eight p3.16xlarge instances connected by a 25 Gbps network. Each instance "
        "carries eight NVIDIA V100 GPUs with 16 GB of memory each.\n\n"
        "<table>\n<tr>\n<th>Instance</th>\n<th>GPUs</th>\n<th>Memory</th>\n</tr>\n"
        "<tr>\n<td>p3.2xlarge</td>\n<td>1</td>\n<td>16 GB</td>\n</tr>\n"
        "<tr>\n<td>p3.8xlarge</td>\n<td>4</td>\n<td>64 GB</td>\n</tr>\n"
        "<tr>\n<td>p3.16xlarge</td>\n<td>8</td>\n<td>128 GB</td>\n</tr>\n</table>\n\n"
        '<!-- PageNumber="1" -->\n<!-- PageBreak -->\n\n'
    )
    figure1 = f"<figure>\n<figcaption>\n\n{CAPTION}\n\n</figcaption>\n\n1 GPU\n2 GPU\n4 GPU\n8 GPU\n\n</figure>"
    page2 = f"{PAGE2_BEFORE}\n\n{figure1}\n\n{PAGE2_AFTER}\n\n<!-- PageBreak -->\n\n"
    figure2 = "<figure>\n\n</figure>"
    page3 = f"Appendix: rack photo\n\n{figure2}\n"
    content = page1 + page2 + page3
    o2, o3 = len(page1), len(page1) + len(page2)
    table_start = content.index("<table>")
    return {
        "apiVersion": API_VERSION, "modelId": "prebuilt-layout", "stringIndexType": "unicodeCodePoint",
        "content": content, "contentFormat": "markdown",
        "pages": [
            {"pageNumber": n, "angle": 0, "width": 8.5, "height": 11, "unit": "inch", "words": [], "lines": [],
             "spans": [{"offset": start, "length": length}]}
            for n, start, length in ((1, 0, len(page1)), (2, o2, len(page2)), (3, o3, len(page3)))
        ],
        "tables": [{
            "rowCount": 4, "columnCount": 3,
            "cells": [{"kind": "columnHeader" if r == 0 else "content", "rowIndex": r, "columnIndex": c, "content": text,
                       "boundingRegions": [{"pageNumber": 1, "polygon": [1, 3.6, 2, 3.6, 2, 3.9, 1, 3.9]}],
                       "spans": [{"offset": content.index(text, table_start), "length": len(text)}]}
                      for r, row in enumerate([("Instance", "GPUs", "Memory"), ("p3.2xlarge", "1", "16 GB"),
                                               ("p3.8xlarge", "4", "64 GB"), ("p3.16xlarge", "8", "128 GB")])
                      for c, text in enumerate(row)],
            "boundingRegions": [{"pageNumber": 1, "polygon": [1, 3.6, 7.25, 3.6, 7.25, 4.95, 1, 4.95]}],
            "spans": [{"offset": table_start, "length": content.index("</table>") + len("</table>") - table_start}],
        }],
        "figures": [
            {"id": "2.1", "boundingRegions": [{"pageNumber": 2, "polygon": _polygon(CHART_RECT)}],
             "spans": [{"offset": content.index(figure1), "length": len(figure1)}],
             "elements": ["/paragraphs/5"],
             "caption": {"content": CAPTION, "boundingRegions": [{"pageNumber": 2, "polygon": [1, 7.2, 6, 7.2, 6, 7.4, 1, 7.4]}],
                         "spans": [{"offset": content.index(CAPTION), "length": len(CAPTION)}], "elements": []}},
            {"id": "3.1", "boundingRegions": [{"pageNumber": 3, "polygon": _polygon(PHOTO_RECT)}],
             "spans": [{"offset": content.index(figure2), "length": len(figure2)}]},
        ],
        "paragraphs": [], "sections": [], "styles": [],
    }


class FakeDocumentIntelligence:
    def __init__(self, result: dict[str, Any] | None = None, polls_before_done: int = 1) -> None:
        self.result = result or layout_result()
        self.polls_before_done = polls_before_done
        self.requests: list[dict[str, Any]] = []
        self._operations: dict[str, int] = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _send(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Ocp-Apim-Subscription-Key") == KEY:
                    return True
                self._send(401, {"error": {"code": "401", "message": "Access denied due to invalid subscription key."}})
                return False

            def do_POST(self):
                url = urlparse(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.requests.append({"path": url.path, "query": parse_qs(url.query), "body": body,
                                       "content_type": self.headers.get("Content-Type")})
                if not self._authorised():
                    return
                if not url.path.endswith("/documentModels/prebuilt-layout:analyze"):
                    return self._send(404, {"error": {"code": "NotFound", "message": "Resource not found"}})
                if not body.startswith(b"%PDF"):
                    return self._send(400, {"error": {"code": "InvalidRequest", "message": "Invalid request.",
                                                      "innererror": {"code": "InvalidContent",
                                                                     "message": "The file is corrupted or format is unsupported."}}})
                operation = uuid.uuid4().hex
                owner._operations[operation] = 0
                location = (f"http://{self.headers['Host']}/documentintelligence/documentModels/prebuilt-layout/"
                            f"analyzeResults/{operation}?api-version={API_VERSION}")
                self._send(202, None, {"Operation-Location": location, "Retry-After": "0"})

            def do_GET(self):
                if not self._authorised():
                    return
                operation = urlparse(self.path).path.rsplit("/", 1)[-1]
                if operation not in owner._operations:
                    return self._send(404, {"error": {"code": "NotFound", "message": "Operation not found"}})
                owner._operations[operation] += 1
                stamp = {"createdDateTime": "2026-11-21T10:00:00Z", "lastUpdatedDateTime": "2026-11-21T10:00:01Z"}
                if owner._operations[operation] <= owner.polls_before_done:
                    return self._send(200, {"status": "running", **stamp}, {"Retry-After": "0"})
                self._send(200, {"status": "succeeded", **stamp, "analyzeResult": owner.result})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> "FakeDocumentIntelligence":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
