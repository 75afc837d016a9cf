"""Fixtures shared by the pipeline tests: a model no process has loaded yet, and a count of
every model load."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from farmscore.model.folder import default_model_dir
from farmscore.scoring import Scorer


@pytest.fixture
def fresh_model(tmp_path: Path) -> Path:
    """The shipped model under a path of its own: no process has loaded it yet."""
    return Path(shutil.copytree(default_model_dir(), tmp_path / "model"))


@pytest.fixture
def counted_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every `Scorer.load` of this process from now on, by folder."""
    loads: list[str] = []
    load = Scorer.load.__func__

    def counting(cls: type[Scorer], path: Any = None, **options: Any) -> Scorer:
        loads.append(str(path))
        scorer: Scorer = load(cls, path, **options)
        return scorer

    monkeypatch.setattr(Scorer, "load", classmethod(counting))
    return loads
