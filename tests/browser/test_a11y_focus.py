"""Keyboard focus is visible in the navigation bar (WCAG 2.4.7)."""

import pytest

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        text: el.textContent.trim(),
        inNav: Boolean(el.closest("nav.navbar")),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        outlineColor: style.outlineColor,
        navBackground: getComputedStyle(el.closest("nav.navbar") || document.body)
            .backgroundColor,
    };
}"""


def luminance(rgb: str) -> float:
    """Relative luminance of a CSS rgb()/rgba() colour."""
    parts = rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")
    channels = []
    for value in (float(p) / 255 for p in parts[:3]):
        low = value <= 0.03928
        channels.append(value / 12.92 if low else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_navigation_links_show_where_the_focus_is(page, live_server):
    """Tabbing through the navigation bar draws a ring that contrasts with it."""
    page.goto(f"{live_server}/?lang=en")
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["inNav"] and state["text"] in ("Institutions", "Map", "Countries"):
            seen.append(state["text"])
            assert state["outlineStyle"] != "none", state
            assert state["outlineWidth"] >= 2, state
            ratio = contrast(state["outlineColor"], state["navBackground"])
            assert ratio >= 3, state
    assert seen == ["Institutions", "Map", "Countries"]
