"""Packet render cost: tokenproof's render against a straightforward WeasyPrint render and Chromium, same run.

    .venv/bin/python bench/render_packet.py --packets 20 --chromium 6

Modes, interleaved round-robin on the same packets so host-speed drift hits them alike (performance.md):
  straightforward  HTML(string=page with <style>).write_pdf(): CSS parsed and fonts set up per packet, GC on
  straight, PDF/A  the same, with tokenproof's output options (PDF/A-3b, tags, the facts attachment)
  in-process       reviews.printing.pdf.html_to_pdf: shared parsed CSS and fonts, PDF/A-3b + tags + attachment
  isolated         reviews.printing.pdf.html_to_pdf_isolated: the production path, a forked child per packet under
                   rlimits, GC off in the child (what the worker runs)
  chromium         Debian chromium --headless --print-to-pdf, one process per packet (reference only)
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from weasyprint import HTML, Attachment  # noqa: E402

from evidence.facts.schema import EvidenceFactsDict  # noqa: E402
from reviews.printing.pdf import PRINT_CSS_PATH, RenderBudget, html_to_pdf, html_to_pdf_isolated  # noqa: E402
from reviews.services.packets import facts_json_bytes, packet_html  # noqa: E402
from tests.reviews.facts_samples import ten_x_facts, typical_facts  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def straightforward(html: str) -> bytes:
    page = html.replace("</head>", f"<style>{PRINT_CSS_PATH.read_text()}</style></head>")
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf


def straightforward_same_output(html: str, attachment: bytes) -> bytes:
    """The same PDF/A-3b, tagged, with the same attachment, but with nothing reused between packets."""
    page = html.replace("</head>", f"<style>{PRINT_CSS_PATH.read_text()}</style></head>")
    pdf: bytes = HTML(string=page).write_pdf(
        pdf_variant="pdf/a-3b", pdf_tags=True, attachments=[Attachment(string=attachment, name="facts.json")]
    )
    return pdf


def chromium(html: str) -> bytes:
    page = html.replace("</head>", f"<style>{PRINT_CSS_PATH.read_text()}</style></head>")
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "packet.html", Path(folder) / "packet.pdf"
        source.write_text(page)
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                f"--user-data-dir={folder}/profile",
                "--no-pdf-header-footer",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return target.read_bytes()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    packets: list[tuple[str, bytes]], modes: dict[str, Callable[[str, bytes], bytes]], limit: dict[str, int]
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {name: {"wall": [], "cpu": [], "bytes": 0} for name in modes}
    for index, (html, attachment) in enumerate(packets):
        for name, render in modes.items():
            if index >= limit.get(name, len(packets)):
                continue
            cpu_before = self_cpu() + children_cpu()
            started = time.perf_counter()
            pdf = render(html, attachment)
            results[name]["wall"].append(time.perf_counter() - started)
            results[name]["cpu"].append(self_cpu() + children_cpu() - cpu_before)
            results[name]["bytes"] = len(pdf)
    return results


def page_count(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def profile_layout(html: str) -> list[str]:
    """Where one in-process render spends its time: WeasyPrint's phases by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    html_to_pdf(html, attachment=None)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    wanted = {
        "render": "parse + cascade + layout (Document.render)",
        "layout_document": "layout",
        "set_computed_styles": "CSS cascade",
        "table_layout": "table layout",
        "split_first_line": "line breaking (Pango)",
        "write_pdf": "paint + PDF write",
        "draw_page": "drawing",
        "generate_pdf": "PDF serialisation",
    }
    lines = []
    for (file_name, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        if function in wanted and "weasyprint" in file_name:
            cumulative = row[3]
            lines.append((cumulative, f"{wanted[function]:45s} {cumulative:6.3f} s  {cumulative / total:5.0%}"))
    return [line for _, line in sorted(lines, reverse=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packets", type=int, default=20, help="typical packets (different seeds)")
    parser.add_argument("--ten-x", type=int, default=6, help="packets of a person with 10x the data")
    parser.add_argument("--chromium", type=int, default=6, help="how many typical packets Chromium renders")
    args = parser.parse_args()

    budget = RenderBudget.from_settings()
    modes: dict[str, Callable[[str, bytes], bytes]] = {
        "straightforward": lambda html, attachment: straightforward(html),
        "straight, PDF/A": straightforward_same_output,
        "in-process": lambda html, attachment: html_to_pdf(html, attachment=attachment),
        "isolated": lambda html, attachment: html_to_pdf_isolated(html, attachment=attachment, budget=budget),
    }
    if args.chromium and Path(CHROMIUM).exists():
        modes["chromium"] = lambda html, attachment: chromium(html)

    def build(facts: EvidenceFactsDict) -> tuple[str, bytes]:
        return packet_html(facts=facts, annotations=[], version=1), facts_json_bytes(facts=facts)

    typical = [build(typical_facts(seed=seed)) for seed in range(args.packets)]
    ten_x = [build(ten_x_facts(seed=100 + seed)) for seed in range(args.ten_x)]
    # Peak RSS of a render child, before any other child exists: RUSAGE_CHILDREN keeps the largest one waited for.
    peaks = {}
    for label, (html, attachment) in (("typical", typical[0]), ("10x data", ten_x[0])):
        html_to_pdf_isolated(html, attachment=attachment, budget=budget)
        peaks[label] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # Warm every mode once (imports, fonts, Chromium's disk cache) so the figures are steady-state.
    for render in modes.values():
        render(*typical[0])
    gc.collect()

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, pid {os.getpid()}")
    for label, packets, limits in (
        ("typical", typical, {"chromium": args.chromium}),
        ("10x data", ten_x, {"chromium": 0}),
    ):
        results = measure(packets, modes, limits)
        pages = page_count(html_to_pdf(packets[0][0], attachment=packets[0][1]))
        print(f"\n## {label}: {len(packets)} packets, {pages} A4 pages each (first packet)")
        print(f"{'mode':16s} {'n':>3s} {'median s':>9s} {'p95 s':>7s} {'CPU-s med':>9s} {'ratio*':>6s} {'PDF KB':>7s}")
        base = statistics.median(results["straight, PDF/A"]["wall"])
        for name, figures in results.items():
            if not figures["wall"]:
                continue
            median = statistics.median(figures["wall"])
            print(
                f"{name:16s} {len(figures['wall']):3d} {median:9.3f} {percentile(figures['wall'], 0.95):7.3f} "
                f"{statistics.median(figures['cpu']):9.3f} {median / base:6.2f} {figures['bytes'] / 1024:7.0f}"
            )
        print("* ratio of median wall time to 'straight, PDF/A' (the same packet and output, nothing reused)")
        if label == "typical":
            isolated_cpu = statistics.median(results["isolated"]["cpu"])
            minutes = 85_000 * isolated_cpu / 64 / 60
            print(
                f"\n85,000 typical packets on 64 worker processes at {isolated_cpu:.3f} core-s each: {minutes:.1f} min"
            )

    print(
        f"\npeak RSS of the render child (isolated): typical {peaks['typical']:.0f} MB, 10x data {peaks['10x data']:.0f} MB"
    )
    print(
        f"peak RSS of this process (in-process and straightforward renders): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )

    print("\n## where one typical in-process render spends its time (cProfile, cumulative)")
    for line in profile_layout(typical[1][0]):
        print("  " + line)


if __name__ == "__main__":
    main()
