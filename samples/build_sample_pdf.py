"""Builds samples/aurora-x2-power-station-manual.pdf, the bundled demo input.

The text is original (a fictional product), so the sample carries no third-party
content. It has headings, two tables and a raster figure (a bar chart), which exercises
page triage (text vs mixed pages), table chunking and grounding of numbers.

    python samples/build_sample_pdf.py
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

OUT = Path(__file__).with_name("aurora-x2-power-station-manual.pdf")

CHARGE_TIMES = [("Wall, 1,500 W", 70), ("Wall, Quiet Charge", 180), ("Solar, 600 W", 120), ("Car, 12 V", 600)]

HTML = """
<h1>Aurora X2 Portable Power Station</h1>
<p><i>User manual, excerpt: overview, specifications, charging, operation, troubleshooting and care.</i></p>

<h2>1. Overview</h2>
<p>The Aurora X2 is a portable power station for camping, remote work and home backup. It stores energy in a
1,024 Wh lithium iron phosphate (LiFePO4) battery that is rated for 3,000 charge cycles before its capacity falls
to 80%. The unit weighs 12.5 kg and measures 38 x 26 x 30 cm, with a folding handle on top.</p>
<p>Four AC outlets deliver a pure sine wave at 230 V and 50 Hz, with 1,800 W of continuous output and 3,600 W of
surge power for motors and compressors. Two USB-C ports supply up to 100 W each, two USB-A ports supply 18 W each,
and a 12 V car outlet is rated at 10 A.</p>

<h2>2. Specifications</h2>
<table>
<tr><th>Item</th><th>Value</th></tr>
<tr><td>Battery capacity</td><td>1,024 Wh</td></tr>
<tr><td>Battery chemistry</td><td>LiFePO4</td></tr>
<tr><td>Cycle life</td><td>3,000 cycles to 80% capacity</td></tr>
<tr><td>AC output</td><td>1,800 W continuous, 3,600 W surge</td></tr>
<tr><td>AC input</td><td>1,500 W maximum</td></tr>
<tr><td>Solar input</td><td>12-60 V DC, 600 W maximum</td></tr>
<tr><td>USB-C output</td><td>2 ports, 100 W each</td></tr>
<tr><td>Weight</td><td>12.5 kg</td></tr>
<tr><td>Charging temperature</td><td>0 to 40 °C</td></tr>
<tr><td>Discharging temperature</td><td>-10 to 40 °C</td></tr>
</table>

<h2>3. Charging</h2>
<p>The Aurora X2 can be charged from a wall outlet, from solar panels or from a car socket. With the wall charger
at its default rate of 1,500 W, the battery charges from 0 to 80% in 45 minutes and to 100% in 70 minutes.
Quiet Charge mode limits the AC input to 400 W, which keeps the fan silent but takes about 3 hours.</p>
<p>Solar panels connect to the XT60 port and can supply up to 600 W. With 600 W of panels in full sun, a full
charge takes about 2 hours. Never connect panels whose open-circuit voltage is above 60 V. Charging from a 12 V
car socket takes about 10 hours. Figure 1 compares the time to a full charge for each source.</p>
<p><img src="charge-times.png" width="420"/></p>
<p><i>Figure 1. Time to a full charge (0 to 100%) by charging source, in minutes.</i></p>

<h2>4. Operating the unit</h2>
<p>Press and hold the power button for 2 seconds to turn the Aurora X2 on or off. The AC outlets stay off until
you press the AC button. The display shows the remaining battery percentage, the input and output power in watts,
and the estimated time remaining at the current load.</p>
<p>To save energy, the unit turns itself off after 12 hours without any load; this eco mode can be disabled in the
Aurora app. When the unit is plugged into the mains, it works as an uninterruptible power supply (UPS): if the
mains fails, connected devices switch to the battery within 20 ms.</p>

<h2>5. Troubleshooting</h2>
<table>
<tr><th>Code</th><th>Meaning</th><th>What to do</th></tr>
<tr><td>E01</td><td>Battery temperature too high</td><td>Move the unit to a cooler place and wait until it is below 40 °C.</td></tr>
<tr><td>E02</td><td>Output overload</td><td>Disconnect devices until the total load is below 1,800 W, then press the AC button.</td></tr>
<tr><td>E03</td><td>Solar input over-voltage</td><td>Check the panel wiring; the open-circuit voltage must not exceed 60 V.</td></tr>
<tr><td>E05</td><td>Fan failure</td><td>Stop using the unit and contact Aurora support.</td></tr>
</table>

<h2>6. Storage and care</h2>
<p>For long-term storage, keep the battery between 20% and 60% charge and store the unit between -10 and 45 °C.
Recharge it to 60% every 3 months. Clean the case with a dry cloth only; do not use solvents or water.</p>
<p>The Aurora X2 comes with a 5-year limited warranty. Registering the product within 30 days of purchase extends
the warranty to 6 years.</p>
"""

CSS = """
body { font-family: sans-serif; font-size: 12pt; line-height: 1.4; }
h1 { font-size: 20pt; } h2 { font-size: 14pt; margin-top: 12pt; }
table { border-collapse: collapse; margin: 6pt 0; } th, td { border: 0.6pt solid #555; padding: 3pt 6pt; }
th { background-color: #dde6ee; }
"""


def bar_chart_png() -> bytes:
    """Draw Figure 1 on a scratch page and rasterise it (a real image, as scanned figures are)."""
    doc = pymupdf.open()
    page = doc.new_page(width=420, height=220)
    page.draw_rect(page.rect, color=None, fill=(1, 1, 1))
    longest = max(minutes for _, minutes in CHARGE_TIMES)
    for i, (label, minutes) in enumerate(CHARGE_TIMES):
        y = 25 + i * 45
        width = 220 * minutes / longest
        page.insert_text((10, y + 18), label, fontsize=10)
        page.draw_rect(pymupdf.Rect(130, y, 130 + width, y + 28), color=None, fill=(0.20, 0.45, 0.70))
        page.insert_text((136 + width, y + 18), f"{minutes} min", fontsize=10)
    png = page.get_pixmap(dpi=150).tobytes("png")
    doc.close()
    return png


def build(out: Path = OUT) -> Path:
    archive = pymupdf.Archive()
    archive.add((bar_chart_png(), "charge-times.png"))
    story = pymupdf.Story(html=HTML, user_css=CSS, archive=archive)
    writer = pymupdf.DocumentWriter(str(out))
    mediabox = pymupdf.paper_rect("a4")
    more = True
    while more:
        device = writer.begin_page(mediabox)
        more, _ = story.place(mediabox + (56, 56, -56, -56))
        story.draw(device)
        writer.end_page()
    writer.close()
    with pymupdf.open(out) as doc:  # set a title: the default SME domain comes from it
        doc.set_metadata({"title": "Aurora X2 Portable Power Station - User Manual", "author": "agentsynth sample"})
        doc.subset_fonts()
        doc.ez_save(str(out) + ".tmp")
    Path(str(out) + ".tmp").replace(out)
    return out


if __name__ == "__main__":
    print(build())
