"""`cat fragment.html | farmscore score -` in a real subprocess: a piped fragment of a page is
scored as the page it comes from, not as text full of tags."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from tests.conftest import substantive_text


def score_piped(data: bytes, model: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "farmscore", "score", "-", "--model", str(model),
         "--format", "jsonl"],
        input=data, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    return row  # type: ignore[no-any-return]


def test_a_piped_main_fragment_scores_as_its_whole_page(tiny_model_dir: Path) -> None:
    paragraphs = substantive_text(random.Random(6)).split("\n\n")
    fragment = "<main>" + "".join(f"<p>{p}</p>\n" for p in paragraphs) + "</main>\n"
    piped = score_piped(fragment.encode(), tiny_model_dir)
    page = score_piped(f"<html><body>{fragment}</body></html>".encode(), tiny_model_dir)
    assert piped["word_count"] == page["word_count"] == len(" ".join(paragraphs).split())
    assert piped["score"] == page["score"]
    evidence = [span["text"] for reason in piped["reasons"] for span in reason["evidence"]]  # type: ignore[attr-defined]
    assert not any("<" in text for text in evidence)
