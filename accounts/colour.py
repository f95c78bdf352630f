"""Colour contrast (WCAG 2.x): text on the tenant's brand colour must stay readable (AA).

The tenant picks its portal colour freely; the portal writes white or near-black text on it,
whichever contrasts more, so a pale brand colour never hides the menu.
"""

AA_NORMAL_TEXT = 4.5
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#111827"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour_on(background: str) -> str:
    """LIGHT_TEXT or DARK_TEXT, whichever reads better on `background`."""
    light = contrast_ratio(background, LIGHT_TEXT)
    dark = contrast_ratio(background, DARK_TEXT)
    return LIGHT_TEXT if light >= dark else DARK_TEXT
