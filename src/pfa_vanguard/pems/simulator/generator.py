"""Deterministic, realistic PFA records at the PEMS alias level, in the simulator's canonical
text (every value a string; the grid formats it for the API user).

The same (code, count, seed) always gives the same rows, whatever the process."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

DEMO_ORGS: tuple[str, ...] = (
    "RIO", "PORTARTHUR", "HOLNG", "KEMAMAN", "GORGON", "ICHTHYS", "PRELUDE", "SABINE",
    "CAMERON", "FREEPORT", "CORPUS", "PLAQUEMINES", "RUWAIS", "JAFURAH", "BARZAN",
    "NORTHFIELD", "ROVUMA", "ARCTIC", "YAMAL", "WHEATSTONE",
)  # fmt: skip

# Column order of a generated row, with the DATATYPE the grid reports for each alias.
COLUMNS: dict[str, str] = {
    "pfs_id": "VARCHAR", "pfs_a_org": "VARCHAR", "description": "VARCHAR",
    "pfs_f_area": "VARCHAR", "pfs_f_category": "VARCHAR", "pfs_f_catdesc": "VARCHAR",
    "pfs_f_class": "VARCHAR", "pfs_f_source": "VARCHAR", "pfs_f_dor": "VARCHAR",
    "pfs_f_actualized": "CHKBOOLEAN", "pfs_f_discontinued": "CHKBOOLEAN",
    "pfs_f_fundstrans": "CHKBOOLEAN", "pfs_f_rental": "DECIMAL", "pfs_f_purchase": "DECIMAL",
    "pfs_f_manufacturer": "VARCHAR", "pfs_f_model": "VARCHAR",
    "pfs_p_startdate": "DATE", "pfs_p_enddate": "DATE",
    "pfs_f_startdate": "DATE", "pfs_f_enddate": "DATE",
    "pfs_a_startdate": "DATE", "pfs_a_enddate": "DATE",
    "pfs_p_projcode": "VARCHAR", "pfs_equipment_tag": "VARCHAR",
    "recordid": "INTEGER", "pfs_lastmodified": "DATETIME",
}  # fmt: skip

# The grid's column headings (FIELDLABEL).
LABELS: dict[str, str] = {
    "pfs_id": "PFA ID", "pfs_a_org": "Organization", "description": "Description",
    "pfs_f_area": "Area / Silo", "pfs_f_category": "Category",
    "pfs_f_catdesc": "Forecast Category", "pfs_f_class": "Class", "pfs_f_source": "Source",
    "pfs_f_dor": "DOR", "pfs_f_actualized": "Actualized", "pfs_f_discontinued": "Discontinued",
    "pfs_f_fundstrans": "Funds Transferable", "pfs_f_rental": "Rental Rate",
    "pfs_f_purchase": "Purchase Price", "pfs_f_manufacturer": "Manufacturer",
    "pfs_f_model": "Model", "pfs_p_startdate": "Plan Start Date",
    "pfs_p_enddate": "Plan End Date", "pfs_f_startdate": "Estimated Start Date",
    "pfs_f_enddate": "Estimated End Date", "pfs_a_startdate": "Actual Start Date",
    "pfs_a_enddate": "Actual End Date", "pfs_p_projcode": "Project Code",
    "pfs_equipment_tag": "Equipment", "recordid": "Record ID",
    "pfs_lastmodified": "Last Forecast Change Date",
}  # fmt: skip
# Code columns and the codes they take (stored and served in upper case).
CODES: dict[str, tuple[str, ...]] = {
    "pfs_f_source": ("RENTAL", "PURCHASE"),
    "pfs_f_dor": ("BEO", "PROJECT"),
}

# "Today" of the generated data: lines whose forecast started before it may be actualized.
REFERENCE_DATE = date(2025, 11, 25)
_PLAN_FROM = date(2025, 1, 1)
_PLAN_DAYS = 730  # plan starts spread over 2025-2026; windows run into 2027
_MODIFIED_FROM = datetime(2024, 6, 1, tzinfo=UTC)
_MODIFIED_SPAN_S = 540 * 86_400
_T = TypeVar("_T")


@dataclass(frozen=True)
class Category:
    name: str
    tag: str
    weight: int
    rental_share: float
    rate: tuple[int, int]  # monthly rate range
    price: tuple[int, int]  # purchase price range
    classes: tuple[tuple[str, str], ...]  # (class code, description)
    makes: tuple[tuple[str, tuple[str, ...]], ...]


CATEGORIES: tuple[Category, ...] = (
    Category("Crane", "CRN", 10, 0.92, (18_000, 95_000), (450_000, 3_500_000),
             (("CRN-CC250", "Crawler Crane 250t"), ("CRN-AT100", "All-Terrain Crane 100t"),
              ("CRN-RT60", "Rough-Terrain Crane 60t"), ("CRN-TWR", "Tower Crane")),
             (("Liebherr", ("LTM 1100-5.2", "LR 1300")), ("Grove", ("GMK5250L", "RT890E")),
              ("Tadano", ("ATF 220G-5", "GR-1000XL")), ("Manitowoc", ("MLC300",)))),
    Category("Generator", "GEN", 8, 0.7, (1_500, 14_000), (25_000, 420_000),
             (("GEN-500", "Diesel Generator 500 kVA"), ("GEN-1000", "Diesel Generator 1 MVA"),
              ("GEN-60", "Portable Generator 60 kVA")),
             (("Caterpillar", ("XQ500", "XQ1000", "XQ60")), ("Atlas Copco", ("QAS 500", "QAS 60")),
              ("Cummins", ("C1000D5",)))),
    Category("Scaffold", "SCF", 9, 0.8, (400, 6_000), (5_000, 90_000),
             (("SCF-TC", "Tube & Coupler Scaffold"), ("SCF-SYS", "System Scaffold"),
              ("SCF-MT", "Mobile Scaffold Tower")),
             (("Layher", ("Allround", "Uni Standard")), ("PERI", ("UP Flex",)),
              ("Brand", ("Cuplok",)))),
    Category("Truck", "TRK", 9, 0.75, (2_500, 12_000), (80_000, 650_000),
             (("TRK-FLT", "Flatbed Truck"), ("TRK-DMP40", "Articulated Dump Truck 40t"),
              ("TRK-WTR", "Water Truck"), ("TRK-FUEL", "Fuel Truck")),
             (("Volvo", ("FMX 460", "A40G")), ("Caterpillar", ("745", "775G")),
              ("Mack", ("Granite",)))),
    Category("Compressor", "CMP", 7, 0.8, (1_200, 9_000), (20_000, 260_000),
             (("CMP-750", "Air Compressor 750 cfm"), ("CMP-1600", "Air Compressor 1600 cfm")),
             (("Atlas Copco", ("XAS 750", "XATS 1600")), ("Sullair", ("1600H",)),
              ("Doosan", ("P425",)))),
    Category("Excavator", "EXC", 9, 0.7, (4_000, 28_000), (60_000, 900_000),
             (("EXC-20", "Excavator 20t"), ("EXC-50", "Excavator 50t"),
              ("EXC-MINI", "Mini Excavator")),
             (("Caterpillar", ("320", "352", "305.5")), ("Komatsu", ("PC210", "PC490")),
              ("Hitachi", ("ZX350",)))),
    Category("Forklift", "FLT", 8, 0.7, (1_500, 9_500), (30_000, 320_000),
             (("FLT-5", "Forklift 5t"), ("FLT-TH17", "Telehandler 17m"),
              ("FLT-16", "Forklift 16t")),
             (("JLG", ("1255",)), ("Manitou", ("MT 1840",)), ("Toyota", ("8FD50",)),
              ("Hyster", ("H360HD",)))),
    Category("Light Tower", "LTW", 7, 0.6, (350, 2_200), (8_000, 45_000),
             (("LTW-LED", "Light Tower LED"), ("LTW-MH", "Light Tower Metal Halide")),
             (("Generac", ("MLT6S",)), ("Terex", ("AL5",)), ("Atlas Copco", ("HiLight V5+",)))),
    Category("Welding Machine", "WLD", 8, 0.5, (300, 3_500), (3_000, 60_000),
             (("WLD-ENG500", "Engine Welder 500A"), ("WLD-INV", "Inverter Welder")),
             (("Lincoln Electric", ("Vantage 500", "Flextec 650")),
              ("Miller", ("Big Blue 500", "XMT 450")))),
    Category("Manlift", "MLF", 9, 0.85, (1_800, 14_000), (25_000, 480_000),
             (("MLF-BL40", "Boom Lift 40m"), ("MLF-SL12", "Scissor Lift 12m"),
              ("MLF-BL26", "Boom Lift 26m")),
             (("JLG", ("1350SJP", "4069LE", "860SJ")), ("Genie", ("SX-135 XC", "GS-4069")))),
    Category("Loader", "LDR", 8, 0.75, (3_000, 19_000), (55_000, 700_000),
             (("LDR-WL5", "Wheel Loader 5 m3"), ("LDR-SSL", "Skid Steer Loader"),
              ("LDR-BHL", "Backhoe Loader")),
             (("Caterpillar", ("966M", "262D3", "432")), ("Volvo", ("L150H",)), ("JCB", ("3CX",)))),
    Category("Pump", "PMP", 8, 0.65, (500, 7_000), (6_000, 140_000),
             (("PMP-DW6", "Dewatering Pump 6in"), ("PMP-SUB", "Submersible Pump"),
              ("PMP-HT", "Hydrotest Pump")),
             (("Godwin", ("CD150M",)), ("Flygt", ("2640",)), ("Xylem", ("HL110M",)))),
)  # fmt: skip

AREAS: tuple[tuple[str, int], ...] = (
    ("A01 Process Train 1", 16), ("A02 Process Train 2", 14), ("A03 Utilities", 10),
    ("A04 Tank Farm", 10), ("A05 Marine Jetty", 7), ("A06 Flare", 5), ("A07 Pipe Rack", 12),
    ("A08 Laydown Yard", 11), ("A09 Camp", 6), ("A10 Admin & Workshops", 9),
)  # fmt: skip
_DISCIPLINES = ("CIV", "MEC", "ELE", "PIP", "INS", "STR")


def generate_org(code: str, count: int, seed: int) -> list[dict[str, str]]:
    """`count` alias-level rows for organization `code`, sorted on pfs_id (`PFA-000001`…).

    Deterministic for (code, seed); the rows of a smaller count are a prefix of a larger one.
    Shares follow the domain's: ~12 categories of ~8% each, ~75% rentals, ~20% BEO, ~30%
    actualized, ~4% discontinued, ~6% funds-transferable; plan windows start in 2025-2026,
    forecasts often moved from plan.
    """
    rand = random.Random(f"pfa-sim:{seed}:{code}").random

    # random()-based draws: Random.randint/choice cost several times more, and 50K records
    # take ~25 draws each.
    def randint(low: int, high: int) -> int:
        return low + int(rand() * (high - low + 1))

    def choice(options: Sequence[_T]) -> _T:
        return options[int(rand() * len(options))]

    category_weights = list(itertools.accumulate(c.weight for c in CATEGORIES))
    area_weights = list(itertools.accumulate(w for _, w in AREAS))
    day_text: dict[int, str] = {}

    def iso(ordinal: int) -> str:
        text = day_text.get(ordinal)
        if text is None:
            text = day_text[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    plan_from, reference = _PLAN_FROM.toordinal(), REFERENCE_DATE.toordinal()
    modified_from = _MODIFIED_FROM.date().toordinal()
    rows: list[dict[str, str]] = []
    for n in range(1, count + 1):
        # Drawn row by row, so that a smaller count gives a prefix of a larger one.
        cat = CATEGORIES[bisect.bisect(category_weights, rand() * category_weights[-1])]
        area = AREAS[bisect.bisect(area_weights, rand() * area_weights[-1])][0]
        class_code, class_desc = choice(cat.classes)
        make, models = choice(cat.makes)
        rental = rand() < cat.rental_share
        plan_start = plan_from + randint(0, _PLAN_DAYS)
        length = randint(30, 540) if rental else randint(1, 60)
        plan_end = plan_start + length
        if rand() < 0.4:
            f_start, f_end = plan_start, plan_end
        else:
            f_start = plan_start + randint(-30, 120)
            f_end = f_start + max(1, round(length * (0.8 + rand() * 0.55)))
        actualized = f_start <= reference and rand() < 0.7
        a_start = a_end = ""
        if actualized:
            start = min(f_start + randint(-7, 14), reference)
            a_start = iso(start)
            if f_end <= reference:
                a_end = iso(max(f_end + randint(-15, 30), start + 1))
            elif rand() < 0.5:
                a_end = iso(f_end)
        discontinued = not actualized and rand() < 0.06
        assigned = actualized or rand() < 0.15
        equipment = f"{cat.tag}-{randint(10000, 99999)}" if assigned else ""
        forecast_category = cat.name if rand() < 0.94 else choice(CATEGORIES).name
        second = randint(0, _MODIFIED_SPAN_S - 1)
        day, second = divmod(second, 86_400)
        hour, second = divmod(second, 3_600)
        modified = (
            f"{iso(modified_from + day)}T{hour:02d}:{second // 60:02d}:{second % 60:02d}"
            f".{randint(0, 999):03d}Z"
        )
        rows.append(
            {
                "pfs_id": f"PFA-{n:06d}",
                "pfs_a_org": code,
                "description": f"{class_desc} - {area}",
                "pfs_f_area": area,
                "pfs_f_category": cat.name,
                "pfs_f_catdesc": forecast_category,
                "pfs_f_class": class_code,
                "pfs_f_source": "RENTAL" if rental else "PURCHASE",
                "pfs_f_dor": "BEO" if rand() < 0.2 else "PROJECT",
                "pfs_f_actualized": "-1" if actualized else "0",
                "pfs_f_discontinued": "-1" if discontinued else "0",
                "pfs_f_fundstrans": "-1" if rand() < 0.06 else "0",
                "pfs_f_rental": f"{randint(*cat.rate) // 50 * 50}.00" if rental else "",
                "pfs_f_purchase": "" if rental else f"{randint(*cat.price) // 100 * 100}.00",
                "pfs_f_manufacturer": make,
                "pfs_f_model": choice(models),
                "pfs_p_startdate": iso(plan_start),
                "pfs_p_enddate": iso(plan_end),
                "pfs_f_startdate": iso(f_start),
                "pfs_f_enddate": iso(f_end),
                "pfs_a_startdate": a_start,
                "pfs_a_enddate": a_end,
                "pfs_p_projcode": f"{code}-{choice(_DISCIPLINES)}-{randint(1, 40):03d}",
                "pfs_equipment_tag": equipment,
                "recordid": str(randint(1, 6)),
                "pfs_lastmodified": modified,
            }
        )
    return rows
