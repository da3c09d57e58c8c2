"""Bar charts: as block characters for the terminal, and as SVG for files and HTML reports.
Plain text and markup only: no plotting library, nothing fetched."""

from __future__ import annotations

import re
from html import escape as _escape

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """Text for SVG: markup escaped, and the characters XML may not hold shown as \\xNN."""
    return _escape(_NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text))

EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar(value: float, largest: float, width: int) -> str:
    """A bar of block characters, `width` cells for the largest value, in eighths of a cell."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(8 * width * value / largest))
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def svg(rows: list[tuple[str, int]], title: str, description: str = "", unit: str = "") -> str:
    """A horizontal bar chart as a self-contained SVG: one labelled bar per (label, value),
    with a title and a description for screen readers."""
    label_width, bar_width, row_height, top = 260, 340, 24, 40
    height = top + row_height * len(rows) + 16
    width = label_width + bar_width + 70
    largest = max((value for _, value in rows), default=0) or 1
    description = description or f"{title}: " + "; ".join(f"{label} {value}" for label, value in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="sans-serif" font-size="13">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<text x="0" y="20" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        length = round(bar_width * value / largest)
        shown = label if len(label) <= 38 else label[:37] + "…"
        parts.append(
            f'<g><text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{escape(shown)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{max(length, 1)}" height="16" '
            f'fill="#2f6f9f"><title>{escape(label)}: {value}{escape(unit)}</title></rect>'
            f'<text x="{label_width + max(length, 1) + 6}" y="{y + 16}">{value}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
