"""Small bar charts drawn on the server as SVG (no script, nothing loaded from outside): each row
gets the width of its bar, scaled to the largest count."""

BAR_WIDTH = 160

LEVEL_COLOURS = {3: "#7a0d0d", 2: "#b35c00", 1: "#1d4f91"}
SEVERITY_COLOURS = {"critical": "#a11212", "warning": "#8a5a00", "info": "#1d4f91"}
STATUS_COLOUR = "#4a5568"


def bars(rows: list[dict], colour_of=None) -> list[dict]:
    """rows: dicts with a "count"; adds "width" (px, at least 2 for a non-zero count) and "colour"."""
    top = max((row["count"] for row in rows), default=0)
    out = []
    for row in rows:
        width = round(BAR_WIDTH * row["count"] / top) if top else 0
        if row["count"] and width < 2:
            width = 2
        colour = colour_of(row) if colour_of else STATUS_COLOUR
        out.append({**row, "width": width, "colour": colour})
    return out


def level_bars(rows):
    return bars(rows, lambda row: LEVEL_COLOURS.get(row["value"], STATUS_COLOUR))


def severity_bars(rows):
    return bars(rows, lambda row: SEVERITY_COLOURS.get(row["value"], STATUS_COLOUR))
