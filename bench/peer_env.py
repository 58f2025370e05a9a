"""The separate virtual environment holding the peers a benchmark compares aitower with.

Peers are installed from PyPI into ``bench/.peer-venv`` (never into aitower's environment), so
each side runs with its own dependencies on the same machine in the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

PEER_VENV = Path(__file__).parent / ".peer-venv"
PEER_PACKAGES = ("mlflow-skinny==3.17.2", "sqlalchemy", "alembic", "rule-engine==5.1.0")


def peer_python() -> Path:
    """The peer environment's interpreter, created and filled on first use."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / ".installed"
    if not stamp.exists() or stamp.read_text() != " ".join(PEER_PACKAGES):
        print(f"installing peers into {PEER_VENV}: {', '.join(PEER_PACKAGES)}", file=sys.stderr)
        venv.create(PEER_VENV, with_pip=True, clear=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)
        stamp.write_text(" ".join(PEER_PACKAGES))
    return python


def peer_bin(name: str, packages: tuple[str, ...]) -> Path:
    """The ``bin`` folder of ``bench/.peer-venv-NAME`` holding ``packages``, made on first use.

    A peer that runs as a server (Phoenix, MLflow's tracking server) gets a venv of its own, as
    their dependencies pin different versions of the same libraries.
    """
    folder = PEER_VENV.with_name(f".peer-venv-{name}")
    stamp, wanted = folder / ".installed", " ".join(packages)
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"installing {wanted} into {folder} (first run only)", file=sys.stderr)
        venv.create(folder, with_pip=True, clear=True)
        pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, *packages], check=True)
        stamp.write_text(wanted)
    return folder / "bin"


def run_peer(script: str, *args: str) -> dict[str, Any]:
    """Run ``bench/peers/SCRIPT`` in the peer environment; it prints one JSON object."""
    out = subprocess.run(
        [str(peer_python()), str(Path(__file__).parent / "peers" / script), *args],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result
