"""What the pipeline tests share: pages planted with a tell, a model no process has loaded
yet, and a count of every model load."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from farmscore.model.folder import default_model_dir
from farmscore.scoring import Scorer

AI_DISCLAIMER = "As an AI language model, I cannot verify these reports.\n\n"


def planted_tells(
    to_paste: Sequence[dict[str, str]], under_disclaimer: Sequence[dict[str, str]]
) -> list[dict[str, str]]:
    """Records carrying a tell: each of `to_paste` with its body twice (id `<id>/pasted`), each
    of `under_disclaimer` after an AI disclaimer (id `<id>/ai`)."""
    pasted = [
        {"id": f"{row['id']}/pasted", "text": f"{row['text']}\n\n{row['text']}"} for row in to_paste
    ]
    disclaimed = [
        {"id": f"{row['id']}/ai", "text": AI_DISCLAIMER + row["text"]} for row in under_disclaimer
    ]
    return pasted + disclaimed


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
