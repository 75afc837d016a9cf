"""A plain `pip install .` must carry the default model and the data files inside the
package, not only in the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_holds_the_default_model_and_data_files(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("farmscore-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "farmscore/models/default/model.npz",
        "farmscore/models/default/model_card.json",
        "farmscore/data/lexicon.json",
        "farmscore/data/page_furniture.json",
        "farmscore/data/tell_lines.npz",
        "farmscore/py.typed",
    }
    assert expected <= names, expected - names
    assert not any(name.startswith("farmscore/models/") and "reports" in name for name in names)

    # Installed from the wheel alone, the package finds and verifies its own model.
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target"]
    subprocess.run([*install, str(target), str(wheel)], check=True, capture_output=True)
    probe = (
        "import farmscore, farmscore.model.folder as a, farmscore.scoring as s;"
        "print(farmscore.__file__); print(a.default_model_dir());"
        "print(s.Scorer.load().score(text='The council voted 5-2 on Tuesday.').label)"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert shown.returncode == 0, shown.stderr
    module_file, model_dir, label = shown.stdout.splitlines()
    assert module_file.startswith(str(target))
    assert model_dir.startswith(str(target))
    assert label in ("substantive", "content_farm")
