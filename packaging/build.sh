#!/usr/bin/env bash
# Build the stand-alone Linux bundle with PyInstaller:
#   packaging/dist/massage-timer/                          (run massage-timer inside it)
#   packaging/dist/massage-timer-<version>-linux-<arch>.tar.gz
#
#   packaging/build.sh [--dist DIR] [--work DIR] [--no-tar]
#
# Uses the project's .venv-dev (./dev test makes it) when it has PyInstaller, else
# makes its own build venv under the work folder. PYTHON=/path/to/python overrides
# both; GZIP_LEVEL=1..9 trades tarball size for speed (default 6).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DIST=$HERE/dist
WORK=$HERE/build
MAKE_TAR=1

while [ $# -gt 0 ]; do
  case "$1" in
    --dist) DIST=$(realpath -m "$2"); shift 2 ;;
    --work) WORK=$(realpath -m "$2"); shift 2 ;;
    --no-tar) MAKE_TAR=0; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }

if [ -n "${PYTHON:-}" ]; then
  PY=$PYTHON
elif [ -x "$ROOT/.venv-dev/bin/python" ] && "$ROOT/.venv-dev/bin/python" -c 'import PyInstaller, PySide6, pyttsx3, babel' 2>/dev/null; then
  PY=$ROOT/.venv-dev/bin/python
else
  PY=$WORK/venv/bin/python
  if ! "$PY" -c 'import PyInstaller, massage_timer, babel' 2>/dev/null; then
    say "Creating the build venv in $WORK/venv"
    python3 -m venv "$WORK/venv"
    "$PY" -m pip install -q "$ROOT" "pyinstaller>=6" "Babel>=2.14"
  fi
fi

VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/massage_timer/__init__.py")
ARCH=$(uname -m)
say "Building Massage Timer $VERSION for linux-$ARCH with $PY"
mkdir -p "$DIST" "$WORK"
say "Compiling the interface catalogues"
"$PY" "$HERE/catalogs.py" compile
"$PY" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$DIST" --workpath "$WORK/pyinstaller" "$HERE/massage-timer.spec"

BUNDLE=$DIST/massage-timer
"$BUNDLE/massage-timer" --version >/dev/null
if [ "$MAKE_TAR" = 1 ]; then
  TARBALL=$DIST/massage-timer-$VERSION-linux-$ARCH.tar.gz
  say "Packing $TARBALL"
  tar -C "$DIST" -cf - massage-timer | gzip "-${GZIP_LEVEL:-6}" > "$TARBALL.part"
  mv "$TARBALL.part" "$TARBALL"
  say "Tarball: $(du -h "$TARBALL" | cut -f1)"
fi
say "Bundle: $(du -sh "$BUNDLE" | cut -f1) in $BUNDLE"
