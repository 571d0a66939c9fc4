"""Charts drawn on the server as SVG: the same markup on the results page and in the PDF.

No JavaScript and no style attributes (CSP): only SVG presentation attributes. Every text
is escaped; sizes come from a viewBox so that the chart scales with its container.
"""

from decimal import ROUND_CEILING, Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.text import vn_number

FONT = "Liberation Serif, Times New Roman, serif"
BAR = "#2f5d8a"
LEADER = "#b8860b"
AVERAGE = "#9aa5b1"
GRID = "#d0d5db"
TEXT = "#1f2933"


def _short(label, limit):
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width, height, title, body, chart_id):
    title_id = f"{chart_id}-title"
    return mark_safe(  # noqa: S308 - every piece of text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id}" '
        f'class="results-chart" font-family="{FONT}" font-size="12">'
        f'<title id="{title_id}">{escape(title)}</title>{"".join(body)}</svg>'
    )


def _axis_end(maximum, totals):
    """Where the value axis ends: the maximum, or beyond it in quarter steps when a total (with
    its bonus) passes it, so that every bar is drawn at its length."""
    maximum = Decimal(maximum or 0)
    highest = max([maximum, *(Decimal(t) for t in totals)])
    if maximum <= 0:
        return highest, highest / 4 if highest else Decimal(0)
    step = maximum / 4
    steps = max(4, int((highest / step).to_integral_value(rounding=ROUND_CEILING)))
    return step * steps, step


def totals_chart(items, maximum, *, title, chart_id="totals-chart"):
    """Horizontal bars: each unit's total against the maximum; rank 1 in gold.

    `items` is a list of (label, total, rank). A total above the maximum (bonus points) runs
    past the maximum's line, at its length.
    """
    label_width, bar_width, row_height, top = 190, 360, 24, 28
    width = label_width + bar_width + 70
    height = top + row_height * max(len(items), 1) + 24
    end, step = _axis_end(maximum, [total for _label, total, _rank in items])
    scale = Decimal(bar_width) / end if end else Decimal(0)
    body = [
        f'<text x="{label_width}" y="16" fill="{TEXT}" font-weight="bold">{escape(title)}</text>'
    ]
    ticks = int(end / step) if step else 0
    for index in range(0, ticks + 1):
        value = step * index
        x = label_width + int(value * scale)
        at_maximum = maximum and value == Decimal(maximum)
        body.append(
            f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{height - 20}" '
            f'stroke="{TEXT if at_maximum and end > Decimal(maximum) else GRID}" '
            f'stroke-width="1"/>'
        )
        body.append(
            f'<text x="{x}" y="{height - 6}" fill="{TEXT}" text-anchor="middle" '
            f'font-size="10">{vn_number(value)}</text>'
        )
    for index, (label, total, rank) in enumerate(items):
        y = top + index * row_height
        length = max(int(Decimal(total) * scale), 0)
        colour = LEADER if rank == 1 else BAR
        body.append(
            f'<text x="{label_width - 8}" y="{y + 15}" fill="{TEXT}" text-anchor="end">'
            f"{escape(_short(label, 30))}</text>"
        )
        body.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{max(length, 1)}" '
            f'height="{row_height - 8}" fill="{colour}"><title>{escape(label)}: '
            f"{vn_number(total)}</title></rect>"
        )
        body.append(
            f'<text x="{label_width + length + 6}" y="{y + 15}" fill="{TEXT}">'
            f"{vn_number(total)}</text>"
        )
    return _svg(width, height, title, body, chart_id)


def profile_chart(
    sections, unit_values, average_values, *, title, unit_label, average_label, chart_id
):
    """Grouped bars per section: the unit's share of the section maximum vs the average.

    `sections` is a list of (label, maximum); values are points (shown as % of maximum).
    """
    left, group, top, plot_height = 44, 64, 34, 150
    width = max(left + group * max(len(sections), 1) + 16, 400)
    height = top + plot_height + 46
    body = [
        f'<text x="{left}" y="14" fill="{TEXT}" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="20" width="10" height="10" fill="{BAR}"/>',
        f'<text x="{left + 14}" y="29" fill="{TEXT}" font-size="10">'
        f"{escape(_short(unit_label, 28))}</text>",
        f'<rect x="{left + 180}" y="20" width="10" height="10" fill="{AVERAGE}"/>',
        f'<text x="{left + 194}" y="29" fill="{TEXT}" font-size="10">'
        f"{escape(average_label)}</text>",
    ]
    for step in range(0, 5):
        y = top + plot_height - plot_height * step // 4
        body.append(
            f'<line x1="{left}" y1="{y}" x2="{width - 8}" y2="{y}" stroke="{GRID}" '
            f'stroke-width="1"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y + 4}" fill="{TEXT}" text-anchor="end" '
            f'font-size="10">{step * 25}%</text>'
        )
    for index, (label, maximum) in enumerate(sections):
        x = left + index * group + 10
        for offset, (value, colour) in enumerate(
            ((unit_values[index], BAR), (average_values[index], AVERAGE))
        ):
            share = Decimal(value) / Decimal(maximum) if maximum else Decimal(0)
            share = min(max(share, Decimal(0)), Decimal(1))
            bar = int(share * plot_height)
            body.append(
                f'<rect x="{x + offset * 22}" y="{top + plot_height - bar}" width="20" '
                f'height="{max(bar, 1)}" fill="{colour}"><title>{escape(label)}: '
                f"{vn_number(share * 100)}%</title></rect>"
            )
        body.append(
            f'<text x="{x + 21}" y="{top + plot_height + 16}" fill="{TEXT}" '
            f'text-anchor="middle" font-size="11">{escape(_short(label, 10))}</text>'
        )
    return _svg(width, height, title, body, chart_id)


# Titles in the official documents (Vietnamese only); pages pass translated ones.
DOCUMENT_TITLES = {
    "totals": "Tổng điểm theo đơn vị",
    "profile": "Tỷ lệ điểm từng nội dung (% điểm tối đa)",
    "average": "Bình quân cụm",
    "section": "ND {order}",
}


def totals_for_results(results, *, titles=DOCUMENT_TITLES, labels=None):
    """Totals by unit for a period's results (or its snapshot when locked)."""
    labels = labels or {}
    return totals_chart(
        [
            (labels.get(row.assessment.unit_id, row.name), row.total, row.rank)
            for row in results.rows
        ],
        results.max_points,
        title=titles["totals"],
    )


def unit_profile(results, row, *, titles=DOCUMENT_TITLES, labels=None):
    """One unit's points per section against the cluster average, as % of each maximum."""
    labels = labels or {}
    sections = [
        (titles["section"].format(order=section.order), maximum)
        for section, maximum in zip(results.sections, results.section_max, strict=True)
    ]
    values = [row.totals.normal_sections.get(section.pk, 0) for section in results.sections]
    return profile_chart(
        sections,
        values,
        results.averages,
        title=titles["profile"],
        unit_label=labels.get(row.assessment.unit_id, row.name),
        average_label=titles["average"],
        chart_id=f"profile-{row.assessment.pk}",
    )
