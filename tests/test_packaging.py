"""What users install: the wheel in a fresh virtualenv, and the PyInstaller bundle.

Both are built from this checkout into a temporary folder and must pass
``massage-timer --self-check`` from outside the checkout, so a data file that is only
found next to the sources, or a module PyInstaller missed, fails here. The bundle
build starts first and runs in the background while the wheel is tested.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sound_server import null_sink_server

from massage_timer import __version__

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parent.parent


def _run(
    cmd: list[str | Path], *, cwd: Path, timeout: float, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra_env)
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )


@dataclass
class BundleBuild:
    process: subprocess.Popen[bytes]
    dist: Path
    log: Path
    started: float


@pytest.fixture(scope="module")
def bundle_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BundleBuild]:
    root = tmp_path_factory.mktemp("bundle")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    log = root / "build.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(REPO / "packaging" / "build.sh"), "--dist", str(root / "dist"),
             "--work", str(root / "work")],
            cwd=root, env={**env, "GZIP_LEVEL": "1"},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    yield BundleBuild(process, root / "dist", log, time.monotonic())
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def _self_check(program: Path, tmp_path: Path) -> str:
    with null_sink_server() as sound:
        done = _run([program, "--self-check", "--data-dir", tmp_path / "portable"],
                    cwd=tmp_path, timeout=120, XDG_RUNTIME_DIR=sound["XDG_RUNTIME_DIR"],
                    PULSE_RUNTIME_PATH=sound["PULSE_RUNTIME_PATH"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Result: the app can run here" in done.stdout
    assert str(tmp_path / "portable" / "data") in done.stdout
    return done.stdout


def test_wheel_installs_into_a_fresh_venv_and_passes_self_check(
    tmp_path: Path, bundle_build: BundleBuild
) -> None:
    start = time.monotonic()
    built = _run([sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "-q",
                  "-w", tmp_path / "wheel"], cwd=tmp_path, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("massage_timer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = "massage_timer/data/"
    assert any(n.startswith(f"{data}routines/") and n.endswith(".toml") for n in names)
    assert any(n.startswith(f"{data}assets/diagrams/") and n.endswith(".svg") for n in names)
    assert any(n.startswith(f"{data}assets/sounds/") and n.endswith(".wav") for n in names)
    assert f"{data}assets/checklist.toml" in names
    assert f"{data}assets/icons/hicolor/512x512/apps/massage-timer.png" in names
    assert not any(n.startswith(("tests/", "packaging/", "routines/")) for n in names)
    # The interface catalogues are compiled into the wheel by its build hook, sources beside.
    assert "massage_timer/locale/de/LC_MESSAGES/massage_timer.mo" in names
    assert "massage_timer/locale/de/LC_MESSAGES/massage_timer.po" in names
    assert f"{data}routines/translations/translation.schema.json" in names
    wheel_done = time.monotonic()

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", venv], cwd=tmp_path, timeout=120)
    assert made.returncode == 0, made.stderr
    installed = _run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel],
                     cwd=tmp_path, timeout=300)
    assert installed.returncode == 0, installed.stderr
    install_done = time.monotonic()

    report = _self_check(venv / "bin" / "massage-timer", tmp_path)
    site_data = next(venv.glob("lib/python3*/site-packages/massage_timer/data"))
    assert re.search(rf"built-in data +{re.escape(str(site_data))}", report), report
    assert re.search(r"routine parser +tomli \S+ \(compiled\)", report), report
    assert (venv / "bin" / "massage-timer-gui").is_file()
    print(f"\nwheel {wheel_done - start:.1f} s, venv+install {install_done - wheel_done:.1f} s, "
          f"self-check {time.monotonic() - install_done:.1f} s")


def test_pyinstaller_bundle_passes_self_check(tmp_path: Path, bundle_build: BundleBuild) -> None:
    code = bundle_build.process.wait(timeout=540)
    assert code == 0, bundle_build.log.read_text(errors="replace")
    built_done = time.monotonic()
    dist = bundle_build.dist

    bundle = dist / "massage-timer"
    report = _self_check(bundle / "massage-timer", tmp_path)
    assert "stand-alone bundle" in report
    assert re.search(rf"built-in data +{re.escape(str(bundle))}", report), report
    assert re.search(r"routine parser +tomli \S+ \(compiled\)", report), report

    tarball = next(dist.glob(f"massage-timer-{__version__}-linux-*.tar.gz"))
    with tarfile.open(tarball) as tar:
        members = tar.getnames()
    assert "massage-timer/massage-timer" in members
    assert any(m.endswith("massage_timer/data/assets/checklist.toml") for m in members)
    # Compiled catalogues, and Qt's own translations only for the shipped languages.
    assert any(m.endswith("massage_timer/locale/de/LC_MESSAGES/massage_timer.mo")
               for m in members)
    assert any(m.endswith("/qtbase_de.qm") for m in members)
    assert not any(m.endswith(("/qtbase_ja.qm", "/qt_de.qm")) for m in members)
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbundle build {built_done - bundle_build.started:.1f} s, self-check "
          f"{time.monotonic() - built_done:.1f} s, {size / 2**20:.0f} MiB, "
          f"tarball {tarball.stat().st_size / 2**20:.0f} MiB")
