"""QR codes for the plaques, as inline SVG.

The code is made by zxing-cpp (zint's encoder, in C: ~25 µs a code, where segno, in pure
Python, took ~600 µs; a city has 57,000 plaques, docs/performance.md).  zxing-cpp's own SVG is
a whole document and costs more than the encoding, so the module matrix is drawn here as one
path: each run of dark modules of a row is one horizontal stroke, one module thick."""

import re
from functools import cache

import zxingcpp

BORDER = 2  # light modules around the code (the plaque's white margin adds to it)
# The bitmap's rows (dark 0, light 255), each ended by b"\n": a match is light modules, then
# dark ones or the row's end.
_RUN = re.compile(rb"\xff*(?:\x00+|\n)")


def qr_svg(url: str) -> str:
    """An SVG QR code of ``url``, hidden from screen readers (the caption says what it is).
    Error level M, and a fixed mask: choosing the best of eight masks takes five times as long
    for a code that scans as well from a plaque."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=3)
    image = code.to_image(add_quiet_zones=False)
    width = image.shape[1]
    bits = bytes(memoryview(image))
    rows = b"\n".join([bits[start:start + width] for start in range(0, len(bits), width)]) + b"\n"
    steps = "".join(map(_steps(width).__getitem__, _RUN.findall(rows)))
    size = width + 2 * BORDER
    return (f'<svg aria-hidden="true" focusable="false" viewBox="0 0 {size} {size}">'
            f'<path stroke="#000" d="M{BORDER} {BORDER}.5{steps}"/></svg>')


class _Steps(dict):
    """A run of a row → its step of the path, made once: light modules are a move, dark ones a
    stroke; the row's end moves back to the start of the next row."""

    def __init__(self, width: int):
        super().__init__()
        self.width = width

    def __missing__(self, run: bytes) -> str:
        light = run.count(255)
        step = f"m{light - self.width} 1" if run.endswith(b"\n") else f"m{light} 0h{len(run) - light}"
        self[run] = step
        return step


@cache
def _steps(width: int) -> _Steps:
    return _Steps(width)
