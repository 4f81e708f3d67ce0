"""A world map drawn on the server as SVG, one shape per UN Member State (issue 19).

The boundaries are Natural Earth's (public domain) as the npm package `world-atlas` ships them
in TopoJSON (package.json; installed by scripts/setup.sh like Bootstrap). This module decodes the
TopoJSON, projects it with the Equal Earth projection and writes markup: each Member State is a
focusable element named "Kenya: 14" or "Kenya: no answer", filled by its category, with a legend
in words. The page shows the same values in a table, the accessible alternative to the map.

Twenty-eight small states have no shape at 1:110 m: they are drawn as circles at the position of
their largest island or territory in the 1:50 m file of the same package (Tuvalu, absent from it
too, from the table below), so that all Member States are on the map.

Nothing here reads the database or imports another app: a page, the participation map of the
cycle page and the compiled PDF can all call `world_map`.
"""

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH = 1000  # the map's width in SVG units; its height follows from the projection
CIRCLE_RADIUS = 3.2
FONT = 'font-family="Noto Sans, Noto Sans Arabic, Noto Sans CJK SC, sans-serif" font-size="13"'

# Okabe and Ito's colours, distinguishable with the common colour-vision deficiencies; the
# categories' order gives their colour.
CATEGORICAL = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#222"]
# Viridis, five steps from dark to light: ordered, and each step far from the next.
SEQUENTIAL = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
OCEAN = "#e8f1f8"
OTHER_LAND = "#d4d4d4"  # territories that are not Member States (and drawn only as background)
BORDER = "#ffffff"

# Tuvalu has no shape at 1:110 m or 1:50 m. Its position: the area-weighted centroid of
# Funafuti, its largest island, in `countries-10m.json` of world-atlas 2.0.2 (longitude, latitude).
POSITIONS = {"798": (179.205, -8.502)}

# Antarctica is not a Member State and would take a fifth of the height.
LEFT_OUT = {"010"}


class Place(Protocol):
    """What the map needs of a country (countries.models.Country has it)."""

    name: str
    iso3: str
    m49: str


@dataclass(frozen=True)
class Shape:
    """One atlas feature, projected: a path (`d`) or, for a small state, a circle's centre."""

    m49: str | None
    d: str = ""
    centre: tuple[float, float] | None = None


class AtlasMissing(RuntimeError):
    pass


# --- Reading the atlas ----------------------------------------------------------------------


def atlas_path(scale: str) -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "world-atlas" / f"countries-{scale}.json"


def _load(scale: str) -> dict[str, Any]:
    path = atlas_path(scale)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AtlasMissing(
            f"{path} is missing: the world map's boundaries come from the npm package "
            "world-atlas (package.json). Install the browser assets with scripts/setup.sh "
            "(or `npm ci`)."
        ) from None


def _arcs(topology: dict[str, Any], wanted: set[int] | None = None) -> dict[int, list]:
    """Arcs as lists of (longitude, latitude): undo the delta encoding and the quantization."""
    transform = topology["transform"]  # world-atlas files are quantized
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = {}
    for index, arc in enumerate(topology["arcs"]):
        if wanted is not None and index not in wanted:
            continue
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded[index] = points
    return decoded


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """A geometry's polygons, each a list of rings, each ring a list of arc indexes."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []


def _ring(arc_indexes: list[int], arcs: dict[int, list]) -> list[tuple[float, float]]:
    """Join a ring's arcs; a negative index (~i) is arc i reversed. Consecutive arcs share
    their end and start point, which is kept once."""
    ring: list[tuple[float, float]] = []
    for index in arc_indexes:
        points = arcs[~index][::-1] if index < 0 else arcs[index]
        ring.extend(points[1:] if ring else points)
    return ring


# --- Projecting -----------------------------------------------------------------------------

# Equal Earth (Šavrič, Patterson and Jenny, 2018): equal-area, with straight parallels.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """(x, y) on the unit sphere, x east and y north, from degrees."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_X_MAX = equal_earth(180, 0)[0]
_Y_MAX = equal_earth(0, 90)[1]
NORTH, SOUTH = 84.0, -57.0  # the latitudes the map shows (Greenland to Cape Horn)
_SCALE = WIDTH / (2 * _X_MAX)
_TOP = equal_earth(0, NORTH)[1]
HEIGHT = round((_TOP - equal_earth(0, SOUTH)[1]) * _SCALE)


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """SVG coordinates (x right, y down) of a point, in the map's viewBox."""
    x, y = equal_earth(longitude, latitude)
    return (x + _X_MAX) * _SCALE, (_TOP - y) * _SCALE


def _antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring crossing the 180th meridian (Fiji, Chukotka), cut in two along it: the atlas
    draws it with a jump from 180° to -180°, which would streak across the whole map."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in zip(ring, ring[1:], strict=False)):
        return [ring]
    unwrapped, offset = [ring[0]], 0.0
    for (lon0, _lat0), (lon1, lat1) in zip(ring, ring[1:], strict=False):
        offset += 360 if lon1 - lon0 < -180 else -360 if lon1 - lon0 > 180 else 0
        unwrapped.append((lon1 + offset, lat1))
    pieces = []
    for shift in (-360, 0, 360):
        piece = [(lon + shift, lat) for lon, lat in unwrapped]
        piece = _clip(_clip(piece, 180.0), -180.0)
        if len(piece) > 2:
            pieces.append(piece)
    return pieces


def _clip(ring: list[tuple[float, float]], meridian: float) -> list[tuple[float, float]]:
    """The part of a ring on the map's side of `meridian` (±180), Sutherland–Hodgman, its cut
    edge following the meridian degree by degree (it is curved once projected)."""

    def inside(point: tuple[float, float]) -> bool:
        return point[0] <= meridian if meridian > 0 else point[0] >= meridian

    out: list[tuple[float, float]] = []
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        if inside(a) != inside(b):
            t = (meridian - a[0]) / (b[0] - a[0])
            _follow(out, (meridian, a[1] + t * (b[1] - a[1])))
        if inside(b):
            _follow(out, b)
    return out


def _follow(out: list[tuple[float, float]], point: tuple[float, float]) -> None:
    if out and out[-1][0] == point[0] and abs(point[0]) == 180:
        lat0, lat1 = out[-1][1], point[1]
        steps = int(abs(lat1 - lat0))
        out.extend((point[0], lat0 + (lat1 - lat0) * i / (steps + 1)) for i in range(1, steps + 1))
    out.append(point)


def _path(polygons: list[list[list[tuple[float, float]]]]) -> str:
    """Path data in tenths of a unit: absolute at each ring's start, relative after, repeated
    points (once rounded) dropped."""
    out = []
    for polygon in polygons:
        for ring in polygon:
            points: list[tuple[int, int]] = []
            for lon, lat in ring:
                x, y = project(lon, lat)
                point = (round(x * 10), round(y * 10))
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) > 1 and points[0] == points[-1]:
                points.pop()
            if len(points) < 3:
                continue
            (x0, y0), steps = points[0], []
            for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
                steps.append(f"{_tenths(bx - ax)} {_tenths(by - ay)}")
            out.append(f"M{_tenths(x0)} {_tenths(y0)}l{' '.join(steps)}z")
    return "".join(out)


def _tenths(value: int) -> str:
    return f"{value // 10}" if value % 10 == 0 else f"{value / 10:.1f}"


def _centre(polygons: list[list[list[tuple[float, float]]]]) -> tuple[float, float]:
    """Centroid of the largest polygon's outer ring, projected."""
    best, best_area = (0.0, 0.0), -1.0
    for polygon in polygons:
        ring = [project(lon, lat) for lon, lat in polygon[0]]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area, cx, cy = area + cross, cx + (x0 + x1) * cross, cy + (y0 + y1) * cross
        if abs(area) > best_area and area:
            best_area, best = abs(area), (cx / (3 * area), cy / (3 * area))
    return best


@cache
def shapes() -> tuple[Shape, ...]:
    """Every feature of the 1:110 m atlas, projected. Read once per process."""
    topology = _load("110m")
    arcs = _arcs(topology)
    drawn = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        m49 = geometry.get("id")
        if m49 in LEFT_OUT:
            continue
        rings = [
            [piece for ring in polygon for piece in _antimeridian(_ring(ring, arcs))]
            for polygon in _polygons(geometry)
        ]
        drawn.append(Shape(m49=m49, d=_path(rings)))
    return tuple(drawn)


@cache
def small_states() -> dict[str, Shape]:
    """A circle's centre for each feature of the 1:50 m atlas that has no shape at 1:110 m
    (small states, and territories the map never draws), and for POSITIONS."""
    present = {shape.m49 for shape in shapes()}
    topology = _load("50m")
    geometries = [
        geometry
        for geometry in topology["objects"]["countries"]["geometries"]
        if geometry.get("id") and geometry["id"] not in present | LEFT_OUT
    ]
    wanted = {
        ~index if index < 0 else index
        for geometry in geometries
        for polygon in _polygons(geometry)
        for ring in polygon
        for index in ring
    }
    arcs = _arcs(topology, wanted)
    circles = {
        m49: Shape(m49=m49, centre=project(longitude, latitude))
        for m49, (longitude, latitude) in POSITIONS.items()
    }
    for geometry in geometries:
        rings = [[_ring(ring, arcs) for ring in polygon] for polygon in _polygons(geometry)]
        circles[geometry["id"]] = Shape(m49=geometry["id"], centre=_centre(rings))
    return circles


# --- Drawing --------------------------------------------------------------------------------


def world_map(
    countries: Iterable[Place],
    values: Mapping[str, tuple[str, str] | None],
    *,
    title: str,
    legend: Sequence[tuple[str, str]],
    scale: str = "categorical",
    link: Callable[[Any], str] | None = None,
    description: str = "",
    missing: str = "",
    html_id: str = "worldmap",
) -> SafeString:
    """The map of `countries`, each coloured by its category.

    `values` maps an ISO alpha-3 code to (the value as the reader sees it, its category), or
    to None: a country absent or None is drawn hatched and named "<name>: <missing>" ("no
    answer" unless told). `legend` lists (category, label) in order: the order gives the colour
    (`scale` "categorical", or "sequential" for ordered bins, see `bins`). `link(country)`, if
    given, makes each country a link to that URL. `html_id` must be unique in the page.
    """
    missing = missing or gettext("no answer")
    colours = legend_colours(legend, scale)
    by_m49 = {country.m49.zfill(3): country for country in countries}
    html_id = escape(html_id)
    hatch = f"{html_id}-none"
    described = f' aria-describedby="{html_id}-desc"' if description else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + _legend_height(legend)}" '
        f'role="group" aria-labelledby="{html_id}-title"{described} class="worldmap" id="{html_id}" '
        f'{FONT}><title id="{html_id}-title">{escape(title)}</title>',
        f'<desc id="{html_id}-desc">{escape(description)}</desc>' if description else "",
        f'<defs><pattern id="{hatch}" width="4" height="4" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="4" height="4" fill="#f4f4f4"/>'
        f'<path d="M0 0v4" stroke="#707070" stroke-width="1.4"/></pattern></defs>',
        f'<g aria-hidden="true"><path d="{_outline()}" fill="{OCEAN}"/>',
    ]
    drawn, circles = [], []
    for shape in shapes():
        country = by_m49.pop(shape.m49 or "", None)
        if country is None:
            parts.append(
                f'<path d="{shape.d}" fill="{OTHER_LAND}" stroke="{BORDER}" stroke-width=".4"/>'
            )
        else:
            drawn.append((country, shape))
    for m49, country in by_m49.items():
        if m49 not in small_states():
            raise ValueError(f"{country.name} ({m49}) has no shape or position in world-atlas.")
        circles.append((country, small_states()[m49]))
    parts.append("</g><g>")
    # Shapes first and circles over them (a small state's circle overlaps its neighbours); the
    # keyboard meets each group in the order of the names.
    for country, shape in sorted(drawn, key=_by_name) + sorted(circles, key=_by_name):
        value = values.get(country.iso3)
        fill = colours.get(value[1], f"url(#{hatch})") if value else f"url(#{hatch})"
        name = f"{country.name}: {value[0] if value else missing}"
        parts.append(_element(country, name, _mark(shape, fill), link))
    parts.append("</g>")
    parts.append(_legend(legend, colours, hatch, missing))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def legend_colours(legend: Sequence[tuple[str, str]], scale: str = "categorical") -> dict[str, str]:
    """Each category's colour on the map (a chart beside it uses the same)."""
    palette = SEQUENTIAL if scale == "sequential" else CATEGORICAL
    return {category: _pick(palette, i, len(legend)) for i, (category, _) in enumerate(legend)}


def _by_name(item: tuple[Place, Shape]) -> str:
    return item[0].name


def _mark(shape: Shape, fill: str) -> str:
    if shape.centre:
        x, y = shape.centre
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{CIRCLE_RADIUS}" fill="{fill}" stroke="#333" '
            'stroke-width=".6"/>'
        )
    return f'<path d="{shape.d}" fill="{fill}" fill-rule="evenodd" stroke="{BORDER}" stroke-width=".4"/>'


def _element(country: Place, name: str, mark: str, link: Callable[[Any], str] | None) -> str:
    label = escape(name)
    if link:
        return (
            f'<a class="wm-c" href="{escape(link(country))}" aria-label="{label}" '
            f'data-iso3="{escape(country.iso3)}"><title>{label}</title>{mark}</a>'
        )
    return (
        f'<g class="wm-c" role="img" tabindex="0" aria-label="{label}" '
        f'data-iso3="{escape(country.iso3)}"><title>{label}</title>{mark}</g>'
    )


def _pick(palette: list[str], index: int, count: int) -> str:
    """Spread `count` colours over an ordered palette; a categorical one is used in order."""
    if palette is SEQUENTIAL and 1 < count <= len(palette):
        return palette[round(index * (len(palette) - 1) / (count - 1))]
    return palette[index % len(palette)]


@cache
def _outline() -> str:
    """The map's frame: the Equal Earth outline between NORTH and SOUTH."""
    east = [(180.0, NORTH - i) for i in range(0, round(NORTH - SOUTH) + 1)]
    west = [(-180.0, lat) for _lon, lat in reversed(east)]
    return _path([[east + west]])


_LEGEND_ROW = 24
_LEGEND_COLUMN = 250


def _legend_height(legend: Sequence[tuple[str, str]]) -> int:
    rows = math.ceil((len(legend) + 1) / (WIDTH // _LEGEND_COLUMN))
    return rows * _LEGEND_ROW + 12


def _legend(
    legend: Sequence[tuple[str, str]], colours: dict[str, str], hatch: str, missing: str
) -> str:
    """Swatches with their words under the map, laid out from the right in a right-to-left
    language."""
    rtl = translation.get_language_bidi()
    per_row = WIDTH // _LEGEND_COLUMN
    entries = [(colours[category], label) for category, label in legend]
    entries.append((f"url(#{hatch})", missing[:1].upper() + missing[1:]))
    parts = ['<g class="wm-legend">']
    for i, (fill, label) in enumerate(entries):
        column, row = i % per_row, i // per_row
        y = HEIGHT + 10 + row * _LEGEND_ROW
        if rtl:
            x = WIDTH - 10 - column * _LEGEND_COLUMN
            swatch, text = f'x="{x - 14}"', f'x="{x - 20}" direction="rtl"'
        else:
            x = 10 + column * _LEGEND_COLUMN
            swatch, text = f'x="{x}"', f'x="{x + 20}" direction="ltr"'
        parts.append(
            f'<rect {swatch} y="{y}" width="14" height="14" fill="{fill}" stroke="#333" '
            f'stroke-width=".6"/><text {text} y="{y + 12}">{escape(label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


# --- Numbers in bins ------------------------------------------------------------------------


def bins(
    numbers: Mapping[str, int | float | Decimal | None], *, count: int = 5
) -> tuple[dict[str, tuple[str, str] | None], list[tuple[str, str]]]:
    """Numbers (by ISO alpha-3) put in `count` equal bins from the smallest to the largest:
    `values` and `legend` for `world_map(..., scale="sequential")`."""
    present = [Decimal(str(n)) for n in numbers.values() if n is not None]
    if not present:
        return dict.fromkeys(numbers), []
    low, high = min(present), max(present)
    count = 1 if low == high else count
    step = (high - low) / count
    edges = [low + step * i for i in range(count)] + [high]
    legend = [(str(i), f"{_number(edges[i])} – {_number(edges[i + 1])}") for i in range(count)]
    if low == high:  # every country gave the same number: the legend says it once
        legend = [("0", _number(low))]
    values: dict[str, tuple[str, str] | None] = {}
    for iso3, n in numbers.items():
        if n is None:
            values[iso3] = None
            continue
        index = min(int((Decimal(str(n)) - low) / step), count - 1) if step else 0
        values[iso3] = (_number(n), str(index))
    return values, legend


def _number(value: int | float | Decimal) -> str:
    """`value` as the active language writes numbers, at most two decimals."""
    value = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)
