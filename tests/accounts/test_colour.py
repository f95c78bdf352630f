"""Colour contrast of the portal header and of the product's own CSS colours (WCAG AA)."""

import pytest

from accounts.colour import AA_NORMAL_TEXT, DARK_TEXT, LIGHT_TEXT, contrast_ratio, text_colour_on


def test_contrast_ratio_of_known_pairs():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(
    "brand", ["#1f6feb", "#0f766e", "#c2185b", "#ffeb3b", "#a3e635", "#000000"]
)
def test_portal_header_text_passes_aa_on_every_brand_colour(brand):
    text = text_colour_on(brand)

    assert text in {LIGHT_TEXT, DARK_TEXT}
    assert contrast_ratio(brand, text) >= AA_NORMAL_TEXT


# Text and background pairs written in static/css/*.css (prm.css, recruitment.css).
CSS_PAIRS = [
    ("#ffffff", "#1f6feb"),  # active sidebar entry, default brand
    ("#374151", "#ffffff"),  # sidebar entries
    ("#b91c1c", "#ffffff"),  # form errors on the sign-in page
    ("#111827", "#ffffff"),  # skip link
    ("#065f46", "#d1fae5"),  # fit: high
    ("#92400e", "#fef3c7"),  # fit: mid
    ("#991b1b", "#fee2e2"),  # fit: low
    ("#1e3a8a", "#dbeafe"),  # stage reached
    ("#374151", "#ffffff"),  # stage pill
    ("#4b5563", "#eef0f3"),  # stage not reached (was #6b7280: 4.3, below AA)
    ("#6b7280", "#ffffff"),  # prospect field labels
]


@pytest.mark.parametrize(("text", "background"), CSS_PAIRS)
def test_product_css_colours_pass_aa(text, background):
    assert contrast_ratio(text, background) >= AA_NORMAL_TEXT


def test_brand_css_writes_a_readable_text_colour(tenant, client):
    tenant.portal_primary_colour = "#ffeb3b"  # a pale yellow: white text would be unreadable
    tenant.save(update_fields=["portal_primary_colour"])

    css = client.get(f"/{tenant.slug}/portal/brand.css").content.decode()

    assert "--brand: #ffeb3b;" in css
    assert f"--brand-text: {DARK_TEXT};" in css
