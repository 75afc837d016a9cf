"""Execute notebooks/evaluation.ipynb on a tiny evaluation built here, in a real kernel.

The evaluation outputs are made the way the training script makes them (features, a fitted
model folder, predictions, a report) but from 120 short hand-written texts, so the test needs
neither ../shared nor a trained default model.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from farmscore.features.extractor import feature_names
from farmscore.features.transformer import FeatureExtractor
from farmscore.model.card import ModelCard
from farmscore.model.farm_model import FarmModel
from farmscore.model.folder import save_model_folder
from farmscore.training.evaluation_files import write_evaluation_outputs
from farmscore.training.fitting import baseline_pipeline, classification_metrics, fit_farm_model

nbformat = pytest.importorskip(
    "nbformat", reason="nbformat is not installed: install the dev extra (pip install -e '.[dev]')"
)
nbclient = pytest.importorskip(
    "nbclient", reason="nbclient is not installed: install the dev extra (pip install -e '.[dev]')"
)
pytest.importorskip(
    "ipykernel",
    reason="ipykernel is not installed: install the dev extra (pip install -e '.[dev]')",
)

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "evaluation.ipynb"
FIGURE_TAGS = {
    "figure-summary",
    "figure-distributions",
    "figure-curves",
    "figure-calibration",
    "figure-left-out",
}
WORST_ERRORS_TAG = "table-worst-errors"
SLICES_TAG = "table-slices"
# The notebook's defaults: worst rows per kind of error, and reasons per row.
N_WORST, N_REASONS = 5, 3
TEXTS_PER_CLASS = 60

NAMES = [
    "Maria Keller",
    "Tomas Novak",
    "Aisha Bello",
    "Ken Watanabe",
    "Lucia Ferraro",
    "Owen Price",
]
TOWNS = ["Leeds", "Tartu", "Porto", "Ghent", "Bergen", "Dundee"]
ORGS = ["the county council", "Northgate Hospital", "the port authority", "Brightwater FC"]
TOPICS = ["productivity", "home gardening", "crypto wallets", "healthy breakfasts", "smart homes"]


def substantive_text(rng: random.Random) -> str:
    """Reporting: numbers, dates, names and attributed quotes."""
    name, other = rng.sample(NAMES, 2)
    town, org = rng.choice(TOWNS), rng.choice(ORGS)
    sentences = [
        f"{org.capitalize()} in {town} approved {rng.randint(12, 480)} new homes on "
        f"{rng.randint(1, 28)} March {rng.randint(2015, 2024)}.",
        f'"We waited {rng.randint(2, 11)} years for this decision," said {name}, who chairs '
        f"the residents' group.",
        f"The plan costs £{rng.randint(2, 90)}.{rng.randint(1, 9)} million, according to figures "
        f"published by {org}.",
        f"{other} told reporters that {rng.randint(3, 40)} objections had been withdrawn.",
        f"Work on the site near {rng.choice(TOWNS)} Road starts in {rng.choice(['May', 'June'])}.",
    ]
    rng.shuffle(sentences)
    return " ".join(sentences[: rng.randint(3, 5)])


def farm_text(rng: random.Random) -> str:
    """Spun filler: stock transitions, empty stakes, a generic heading and a recap."""
    topic = rng.choice(TOPICS)
    sentences = [
        f"In today's fast-paced world, {topic} is more important than ever.",
        "Moreover, the stakes are high and it is worth noting that every detail matters.",
        f"Furthermore, {topic} plays a crucial role in navigating the ever-evolving landscape.",
        "Additionally, it is essential to delve into the key factors that shape the journey.",
        "The stakes are high, and the benefits are truly game-changing for everyone.",
    ]
    rng.shuffle(sentences)
    body = " ".join(sentences[: rng.randint(3, 5)])
    return (
        f"Why {topic.title()} Matters\n\n{body}\n\nConclusion\n\n"
        f"In conclusion, {topic} is a vital part of modern life."
    )


@dataclass(frozen=True)
class TinyEvaluation:
    model_dir: Path
    predictions: pd.DataFrame
    X: np.ndarray
    baseline_scores: np.ndarray
    model: FarmModel


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> TinyEvaluation:
    """A fitted model folder and held-out-style predictions for 120 short texts."""
    rng = random.Random(7)
    texts = [substantive_text(rng) for _ in range(TEXTS_PER_CLASS)]
    texts += [farm_text(rng) for _ in range(TEXTS_PER_CLASS)]
    y = np.array([0] * TEXTS_PER_CLASS + [1] * TEXTS_PER_CLASS)
    X = FeatureExtractor(n_jobs=1).transform(texts)
    ids = [f"t{i:03d}" for i in range(len(texts))]
    model = fit_farm_model(X, y, ids, feature_names(), "logistic")
    model_dir = tmp_path_factory.mktemp("model")
    card = ModelCard(
        name="tiny",
        threshold=model.threshold,
        threshold_rule=model.threshold_rule,
        feature_names=tuple(model.feature_names),
    )
    save_model_folder(model_dir, model, card)
    baseline = baseline_pipeline().fit(texts, y)
    predictions = pd.DataFrame(
        {
            "id": ids,
            "label": y,
            "source": "tiny",
            "generator": [f"gen-{'ab'[i % 2]}" if label else "human" for i, label in enumerate(y)],
            "domain": ["news" if i % 2 else "reviews" for i in range(len(y))],
            # Every third row stands in for an assembled page; no long human articles at all.
            "kind": ["assembled" if i % 3 == 0 else "real" for i in range(len(y))],
            "score": model.predict_proba(X),
            "n_words": [len(text.split()) for text in texts],
        }
    )
    return TinyEvaluation(
        model_dir, predictions, X, np.asarray(baseline.predict_proba(texts)[:, 1]), model
    )


def write_reports(
    tiny: TinyEvaluation, folder: Path, *, with_baseline: bool, with_extras: bool
) -> None:
    """Write evaluation outputs shaped like `evaluate_on_test`'s (and the training script's)."""
    predictions = tiny.predictions.assign(
        baseline_score=tiny.baseline_scores if with_baseline else None
    )
    y, scores = predictions["label"].to_numpy(), predictions["score"].to_numpy()

    def evaluation(mask: np.ndarray) -> dict[str, Any]:
        result: dict[str, Any] = {
            "farmscore": classification_metrics(y[mask], scores[mask], tiny.model.threshold)
        }
        if with_baseline:
            result["baseline_tfidf_logreg"] = classification_metrics(
                y[mask], tiny.baseline_scores[mask], 0.5
            )
        return result

    kinds = predictions["kind"].to_numpy()
    report: dict[str, Any] = {
        "held_out_real_text": evaluation(kinds == "real"),
        "held_out_assembled_pages": evaluation(kinds == "assembled"),
    }
    if with_extras:
        generators = predictions["generator"].to_numpy()
        report["left_out"] = {
            f"generator={name}": evaluation((generators == name) | (y == 0))
            for name in ("gen-a", "gen-b")
        }
        report["by_length_band"] = {"<150": evaluation(kinds != "assembled")}
        report["long_machine_by_family"] = {
            name: evaluation((generators == name) | (y == 0)) for name in ("gen-a", "gen-b")
        }
        report["real_html_pages"] = {
            "pages": 4.0,
            "flagged": 1.0,
            "false_positive_rate": 0.25,
            "median_score": 0.1,
            "p95_score": 0.7,
        }
    write_evaluation_outputs(folder, report, predictions, tiny.X, feature_names())


def run_notebook(
    monkeypatch: pytest.MonkeyPatch, reports: Path, model_dir: Path, sample: str = ""
) -> Any:
    """The notebook executed in a fresh kernel that inherits the FARMSCORE_* variables;
    `execute` raises `CellExecutionError` at the first cell that fails."""
    monkeypatch.setenv("FARMSCORE_REPORTS", str(reports))
    monkeypatch.setenv("FARMSCORE_MODEL", str(model_dir))
    monkeypatch.setenv("FARMSCORE_SAMPLE", sample)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return notebook


def tagged_cells(notebook: Any) -> dict[str, Any]:
    return {
        tag: cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        for tag in cell.metadata.get("tags", [])
    }


def has_png(cell: Any) -> bool:
    return any("image/png" in output.get("data", {}) for output in cell.outputs)


def printed(cell: Any) -> str:
    return "".join(
        output.get("text", "") for output in cell.outputs if output.output_type == "stream"
    )


def assert_worst_errors_table(cell: Any, predictions: pd.DataFrame) -> None:
    tables = [
        output["data"]["text/html"]
        for output in cell.outputs
        if "text/html" in output.get("data", {})
    ]
    assert len(tables) == 1, "the worst-errors cell should display exactly one table"
    html = tables[0]
    assert "<table" in html
    assert "human scored high" in html
    assert "farm scored low" in html
    assert any(name in html for name in feature_names()), "the table names no feature"
    body = html.split("<tbody>", 1)[1]
    assert body.count("<tr") == 2 * N_WORST * N_REASONS
    humans, farms = predictions[predictions["label"] == 0], predictions[predictions["label"] == 1]
    for row_id in [
        *humans.nlargest(N_WORST, "score")["id"],
        *farms.nsmallest(N_WORST, "score")["id"],
    ]:
        assert f">{row_id}<" in body
    assert "does not reproduce the scores" not in printed(cell)


def test_committed_notebook_has_no_outputs_and_tags_every_figure() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code_cells)
    assert set(tagged_cells(notebook)) >= {"setup", *FIGURE_TAGS, WORST_ERRORS_TAG, SLICES_TAG}


@pytest.mark.slow
def test_notebook_draws_every_figure_with_baseline_and_left_outs(
    tiny: TinyEvaluation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(tiny, tmp_path / "reports", with_baseline=True, with_extras=True)
    notebook = run_notebook(monkeypatch, tmp_path / "reports", tiny.model_dir)

    cells = tagged_cells(notebook)
    assert {tag for tag in FIGURE_TAGS if has_png(cells[tag])} == FIGURE_TAGS
    assert "baseline scores: present" in printed(cells["setup"])
    assert_worst_errors_table(cells[WORST_ERRORS_TAG], tiny.predictions)
    (slices,) = [o["data"]["text/html"] for o in cells[SLICES_TAG].outputs if "data" in o]
    for shown in ("length band", "long articles, family", "gen-a", "gen-b", "baseline"):
        assert shown in slices


@pytest.mark.slow
def test_notebook_without_baseline_or_left_outs_skips_only_the_left_out_chart(
    tiny: TinyEvaluation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(tiny, tmp_path / "reports", with_baseline=False, with_extras=False)
    notebook = run_notebook(monkeypatch, tmp_path / "reports", tiny.model_dir, sample="70")

    cells = tagged_cells(notebook)
    assert {tag for tag in FIGURE_TAGS if has_png(cells[tag])} == FIGURE_TAGS - {"figure-left-out"}
    assert "no left_out section" in printed(cells["figure-left-out"])
    setup = printed(cells["setup"])
    assert "baseline scores: absent" in setup
    assert "120 held-out rows, 70 drawn" in setup
    assert_worst_errors_table(cells[WORST_ERRORS_TAG], tiny.predictions)
    assert "holds no slices" in printed(cells[SLICES_TAG])
