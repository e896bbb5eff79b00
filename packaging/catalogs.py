"""Interface catalogues: extract the messages, update each language, compile to ``.mo``.

One tool for every place that needs it: ``./dev i18n`` (all three steps), the set-up of
``./dev run`` and ``./dev test`` (compile what is stale), the wheel's build hook and the
bundle's spec (compile). It uses Babel, the gettext toolchain Weblate reads and writes.

    python packaging/catalogs.py [all|extract|update|compile|compile-stale|init CODE]
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "massage_timer"
LOCALE = PACKAGE / "locale"
DOMAIN = "massage_timer"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PROJECT = "Massage Timer"


def po_files() -> list[Path]:
    return sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def extract() -> Path:
    """Every translatable message of the package into the template (``.pot``)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    catalog = Catalog(project=PROJECT, domain=DOMAIN, charset="utf-8",
                      creation_date=datetime(2026, 1, 1, tzinfo=UTC))
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
    ):
        catalog.add(message, None, [(f"massage_timer/{filename}", lineno)],
                    auto_comments=comments, context=context)
    LOCALE.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    return TEMPLATE


def update() -> list[Path]:
    """Merge the template into each language's ``.po`` (new messages empty, gone ones
    kept as obsolete for the translator to see)."""
    from babel.messages.pofile import read_po, write_po

    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    updated = []
    for po in po_files():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        catalog.update(template, update_header_comment=False)
        with po.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True,
                     include_previous=True, ignore_obsolete=False)
        updated.append(po)
    return updated


def init(code: str) -> Path:
    """Start the ``.po`` of a new language from the template (Weblate does the same).
    Raises FileExistsError for a language that has one: started again, its
    translations would be gone."""
    from babel.messages.pofile import read_po, write_po

    po = LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        raise FileExistsError(f"{po.relative_to(ROOT)} exists: ./dev i18n updates it")
    with TEMPLATE.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    catalog.locale = code  # type: ignore[assignment]
    catalog.revision_date = datetime(2026, 1, 1, tzinfo=UTC)
    catalog.fuzzy = False
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    return po


def compile_all(*, only_stale: bool = False) -> list[Path]:
    """Each ``.po`` to its ``.mo`` beside it; with ``only_stale``, only where the ``.po``
    is newer (the set-up's quick path)."""
    written = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        if only_stale and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo)
    return written


DESKTOP_FILE = ROOT / "packaging" / "linux" / "io.github.massage_timer.MassageTimer.desktop"


def write_desktop_file() -> Path:
    """The shipped menu entry with every compiled language's name and comment in it
    (tests/test_desktop_files.py keeps it equal to what the app writes)."""
    sys.path.insert(0, str(ROOT))
    from massage_timer.commands import desktop
    from massage_timer.core.storage import autostart

    text = desktop.entry_text([autostart.GUI_SCRIPT])
    if not DESKTOP_FILE.exists() or DESKTOP_FILE.read_text(encoding="utf-8") != text:
        DESKTOP_FILE.write_text(text, encoding="utf-8")
    return DESKTOP_FILE


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "all"
    if command == "init":
        extract()
        try:
            print(f"created {init(argv[1]).relative_to(ROOT)}")
        except FileExistsError as exc:
            print(f"catalogs.py: {exc}", file=sys.stderr)
            return 1
        return 0
    if command in ("extract", "all"):
        print(f"extracted {extract().relative_to(ROOT)}")
    if command in ("update", "all"):
        for po in update():
            print(f"updated {po.relative_to(ROOT)}")
    if command in ("compile", "all", "compile-stale"):
        for mo in compile_all(only_stale=command == "compile-stale"):
            print(f"compiled {mo.relative_to(ROOT)}")
    if command in ("compile", "all"):
        print(f"wrote {write_desktop_file().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
