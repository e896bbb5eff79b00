"""Render assets/icons/massage-timer.svg to hicolor PNGs with Qt's SVG renderer."""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

root = Path(sys.argv[1])
app = QGuiApplication([])
svg = root / "assets/icons/massage-timer.svg"
renderer = QSvgRenderer(str(svg))
assert renderer.isValid()
for n in (16, 24, 32, 48, 64, 128, 256, 512):
    img = QImage(n, n, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(p)
    p.end()
    out = root / f"assets/icons/hicolor/{n}x{n}/apps/massage-timer.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    assert img.save(str(out), "PNG")
    print(out)
