"""Document rendering speed: shipping labels, packing slips and ZPL, in milliseconds per document on one core.

``--count`` distinct labels and slips are built first (different tracking numbers, SSCCs, order numbers and
recipients with accented names; slips on A4 with six lines, one of them short), then each kind is rendered
``--count`` times in this one process, pinned to one CPU where the OS allows it, after one warm-up document
per kind (font registration). The target from issue 6 is a label and its slip together in under 8 ms.

Only ``labels`` and the standard library are imported: the numbers are the documents' cost, not the app's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from app.domain.stats import percentile
from labels.gs1 import sscc_with_check
from labels.model import Address, PackingSlipData, ShippingLabelData, SlipLine
from labels.packing_slip import render_packing_slip
from labels.shipping_label import render_shipping_label
from labels.zpl import shipping_label_zpl

TARGET_LABEL_AND_SLIP_MS = 8.0

WAREHOUSE = Address(
    name="Nordlicht Versand GmbH",
    company="Lager Süd",
    line1="Industriestraße 12",
    city="München",
    postal_code="80939",
    country="DE",
    phone="+49 89 1234567",
)
RECIPIENTS = (
    Address(name="Zoë Åberg", line1="Kongens Nytorv 13, 4. th.", city="København K", postal_code="1050", country="DK"),
    Address(
        name="José Núñez",
        company="Núñez y Hijos S.L.",
        line1="Calle de Alcalá 48",
        line2="Escalera B, 3º izq.",
        city="Madrid",
        postal_code="28014",
        country="ES",
        phone="+34 915 55 01 23",
    ),
    Address(
        name="Grzegorz Brzęczyszczykiewicz",
        line1="ul. Marszałkowska 104/122 m. 15",
        city="Warszawa",
        postal_code="00-017",
        country="PL",
    ),
    Address(
        name="Mary-Jane O'Connor",
        line1="1200 Peachtree St NE",
        line2="Suite 400",
        city="Atlanta",
        region="GA",
        postal_code="30309",
        country="US",
        phone="+1 404 555 0199",
    ),
)
PRODUCTS = (
    ("SKU-10001", "Merino-Wollpullover „Fjällräven“ Größe M, Rauchblau"),
    ("SKU-10002", "Espresso-Tasse 80 ml, Porzellan"),
    ("SKU-10003", "Crème-brûlée-Set mit vier Förmchen"),
    ("SKU-10004", "Bio-Kaffee Äthiopien 500 g, ganze Bohne"),
    ("SKU-10005", "Kabel USB-C auf USB-C, 2 m"),
    ("SKU-10006", "Notizbuch A5 punktiert, 120 Seiten"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=1000, help="documents of each kind to render (default 1000)")


def labels_and_slips(count: int) -> tuple[list[ShippingLabelData], list[PackingSlipData]]:
    """``count`` different labels and matching six-line A4 slips."""
    labels: list[ShippingLabelData] = []
    slips: list[PackingSlipData] = []
    for index in range(count):
        order = f"SO-2025-{100000 + index:06d}"
        recipient = RECIPIENTS[index % len(RECIPIENTS)]
        labels.append(
            ShippingLabelData(
                ship_from=WAREHOUSE,
                ship_to=recipient,
                carrier_name="DHL Paket",
                service_name="Express" if index % 3 == 0 else "Paket",
                tracking_number=f"JJD00039000{index:07d}",
                sscc=sscc_with_check(3, "4012345", index),
                weight_kg=Decimal("0.85") + Decimal(index % 40) / 4,
                carton_no=1 + index % 2,
                carton_count=2,
                order_number=order,
                reference=f"PO {7000 + index}" if index % 2 else "",
                ship_date=date(2025, 3, 14),
            )
        )
        lines = [
            SlipLine(sku=sku, name=name, qty_ordered=1 + (index + number) % 3, qty_shipped=1 + (index + number) % 3)
            for number, (sku, name) in enumerate(PRODUCTS)
        ]
        lines[2] = SlipLine(sku=lines[2].sku, name=lines[2].name, qty_ordered=2, qty_shipped=1, note="follows")
        slips.append(
            PackingSlipData(
                order_number=order,
                order_date=date(2025, 3, 12) - timedelta(days=index % 3),
                ship_to=recipient,
                lines=lines,
                shipment_note="1 item short, follows in a second parcel.",
                return_instructions=(
                    "Return unused items within 30 days: write the order number on the parcel and send it to "
                    "Nordlicht Versand GmbH, Retouren, Industriestraße 12, 80939 München, Germany."
                ),
                warehouse=WAREHOUSE,
                page_size="A4",
            )
        )
    return labels, slips


def _time_each(render: Callable[[int], object], count: int) -> list[float]:
    """Milliseconds of ``render(i)`` for i in 0..count-1, after one warm-up call."""
    render(0)
    samples = []
    for index in range(count):
        started = time.perf_counter()
        render(index)
        samples.append((time.perf_counter() - started) * 1000.0)
    return samples


def _pin_to_one_cpu() -> str:
    """Run on one CPU where the OS allows it, so the numbers are single-core numbers; say what happened."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this OS)"
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})
    return f"pinned to CPU {cpus[-1]}"


def _row(name: str, samples: Sequence[float], size_bytes: float) -> str:
    p95 = percentile(samples, 95)
    return (
        f"| {name} | {len(samples)} | {statistics.fmean(samples):.2f} | {statistics.median(samples):.2f} "
        f"| {p95:.2f} | {1000.0 / statistics.fmean(samples):.0f} | {size_bytes / 1024:.0f} |"
    )


def run(args: argparse.Namespace) -> int:
    count = max(1, args.count)
    pinned = _pin_to_one_cpu()
    labels, slips = labels_and_slips(count)

    sizes: dict[str, float] = {}

    def measure(name: str, render: Callable[[int], bytes | str]) -> list[float]:
        output = render(0)
        sizes[name] = len(output.encode() if isinstance(output, str) else output)
        return _time_each(render, count)

    label_ms = measure("label", lambda i: render_shipping_label(labels[i]))
    slip_ms = measure("slip", lambda i: render_packing_slip(slips[i]))
    both_ms = measure(
        "both", lambda i: render_shipping_label(labels[i]) + render_packing_slip(slips[i])
    )  # the pack station's moment: both documents for one parcel
    compressed_ms = measure("compressed", lambda i: render_shipping_label(labels[i], compress=True))
    zpl_ms = measure("zpl", lambda i: shipping_label_zpl(labels[i]))

    print("## Document rendering benchmark\n")
    print(
        f"{count} different documents of each kind, one process, {pinned}; label 4 x 6 in with Code 128 tracking "
        "and GS1-128 SSCC (uncompressed PDF, the default); slip A4 with 6 lines (compressed PDF, the default).\n"
    )
    print("| document | n | mean ms | median ms | p95 ms | per second | KiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(_row("shipping label (PDF)", label_ms, sizes["label"]))
    print(_row("packing slip (PDF, A4, 6 lines)", slip_ms, sizes["slip"]))
    print(_row("label + slip", both_ms, sizes["both"]))
    print(_row("shipping label (PDF, compressed)", compressed_ms, sizes["compressed"]))
    print(_row("shipping label (ZPL II)", zpl_ms, sizes["zpl"]))
    p95_both = percentile(both_ms, 95)
    verdict = "met" if p95_both < TARGET_LABEL_AND_SLIP_MS else "MISSED"
    print(
        f"\nTarget: label + slip under {TARGET_LABEL_AND_SLIP_MS:g} ms at p95 (a packer waits on the slow ones, "
        f"not the mean): {verdict} (p95 {p95_both:.2f} ms, mean {statistics.fmean(both_ms):.2f} ms)."
    )
    print(
        "Included: building each PDF/ZPL in memory. Left out: fonts' first registration (one warm-up document), "
        "writing files, sending to a printer, the database."
    )
    return 0
