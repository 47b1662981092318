"""QR codes for the plaques, as inline SVG (segno: pure Python, no image library)."""

import segno


def qr_svg(url: str) -> str:
    """An SVG QR code of ``url``, hidden from screen readers (the caption says what it is).
    Error level M, and a fixed mask: choosing the best of eight masks quadruples the time for a
    code that scans as well from a plaque."""
    svg = segno.make_qr(url, error="m", mask=3, boost_error=False).svg_inline(scale=1, border=2, omitsize=True)
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
