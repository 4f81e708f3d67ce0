"""Charts drawn on the server as SVG, so a page and a PDF show the same picture (SPEC §7).

Each function returns markup safe to put in a template: every label is escaped, the chart
has `role="img"` and a title, and the numbers it shows are also in a table beside it.
"""

from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0b3b60", "#2f7ab8", "#7fb3d5", "#1a6b2f", "#e0a100", "#a4161a", "#8c8c8c"]
WIDTH = 640
ROW = 22
LABEL_WIDTH = 190
FONT = 'font-family="Noto Sans, Noto Sans Arabic, Noto Sans CJK SC, sans-serif" font-size="11"'


def number(value) -> str:
    """`value` as the active language writes numbers (grouping, decimal mark), no trailing zeros."""
    places = None
    if not isinstance(value, int):
        value = Decimal(value).normalize()
        places = max(0, -value.as_tuple().exponent)
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _head(width: int, height: int, title: str, description: str) -> str:
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" {FONT}><title>{escape(title)}</title>{desc}'
    )


def bar_chart(
    rows: list[tuple[str, float | int | Decimal]],
    *,
    title: str,
    unit: str = "",
    description: str = "",
) -> SafeString:
    """Horizontal bars, one per (label, value)."""
    top = max((float(v) for _l, v in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 80
    height = ROW * len(rows) + 10
    parts = [_head(WIDTH, height, title, description)]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * ROW
        width = max(float(value) / top * span, 0)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{ROW - 8}" fill="{PALETTE[0]}"/>'
            f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 14}">{escape(number(value))}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_bar_chart(
    rows: list[tuple[str, list[int]]],
    *,
    series: list[str],
    title: str,
    description: str = "",
    colours: list[str] | None = None,
) -> SafeString:
    """Horizontal stacked bars: for each label, one segment per series, with a legend
    (`colours`, one per series, as a map beside it colours them; PALETTE otherwise)."""
    palette = colours or PALETTE
    top = max((sum(values) for _l, values in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 40
    legend_rows = (len(series) + 3) // 4
    height = ROW * len(rows) + 18 * legend_rows + 16
    parts = [_head(WIDTH, height, title, description)]
    for i, (label, values) in enumerate(rows):
        y = 5 + i * ROW
        x = float(LABEL_WIDTH)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
        )
        for j, value in enumerate(values):
            width = value / top * span
            if width:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 8}" '
                    f'fill="{palette[j % len(palette)]}"><title>{escape(series[j])}: {value}</title></rect>'
                )
            x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}">{sum(values)}</text>')
    legend_y = 10 + ROW * len(rows)
    for j, name in enumerate(series):
        lx = LABEL_WIDTH + (j % 4) * 110 - 150
        ly = legend_y + (j // 4) * 18
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{palette[j % len(palette)]}"/>'
            f'<text x="{lx + 14}" y="{ly + 9}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
