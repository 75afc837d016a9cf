"""Fixtures shared by every test: where ../shared is, a way to forbid the network, and a
word-table cache of the session's own."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from farmscore.features.table_cache import CACHE_VARIABLE

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need ../shared beside the repository")
    return path


@pytest.fixture(scope="session", autouse=True)
def _word_table_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The word-table cache of this test session, inherited by every command the tests run,
    instead of the user's ~/.cache."""
    os.environ[CACHE_VARIABLE] = str(tmp_path_factory.mktemp("farmscore-cache"))


def outputs_under_hash_seeds(code: str, seeds: tuple[str, ...]) -> list[str]:
    """What `python -c code` prints under each PYTHONHASHSEED: the same list item by item
    when nothing it prints depends on the process's string hashes."""
    return [
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in seeds
    ]


class NetworkBlockedError(RuntimeError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test: farmscore never downloads at run time."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkBlockedError("a socket was opened: farmscore must not use the network")

    # Connecting is refused rather than the socket class replaced, which ssl subclasses.
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# ---- a small model trained on texts the tests write themselves --------------------------

PEOPLE = ["Dana Ortiz", "Marcus Bell", "Joan Pike", "Rick Alvarez", "Tom Nguyen", "Ann Reyes"]
PLACES = ["Harbor City", "Elm Street", "Northside", "Carver Street", "the county"]
FILLER = [
    "In today's fast-paced world, this development plays a crucial role.",
    "Moreover, the stakes are high and everyone is watching closely.",
    "It's not just about the news; it's about navigating this complex landscape.",
    "Furthermore, it serves as a testament to the ever-evolving nature of things.",
    "Additionally, experts believe this could have significant implications.",
    "Only time will tell what the future holds for everyone involved.",
]
HEADINGS = ["Understanding the Situation", "The Bigger Picture", "Final Thoughts", "Looking Ahead"]


def substantive_text(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(3, 6)):
        person, place = rng.choice(PEOPLE), rng.choice(PLACES)
        amount, year = rng.randint(2, 900), rng.randint(1998, 2024)
        paragraphs.append(
            f"{person} said on Tuesday that {place} would spend ${amount} million by {year}. "
            f'"We counted {amount * 3} calls last year," {person.split()[1]} told reporters. '
            f"The figure rose {rng.randint(2, 40)}% from {year - 1}, according to the "
            f"finance department."
        )
    return "\n\n".join(paragraphs)


def farm_text(rng: random.Random) -> str:
    paragraphs = [f"BREAKING: {rng.choice(PLACES).title()} News SHOCKS Everyone!"]
    for _ in range(rng.randint(3, 6)):
        paragraphs.append(rng.choice(HEADINGS))
        paragraphs.append(" ".join(rng.sample(FILLER, 3)))
    paragraphs.append("Leave a Reply\nYour email address will not be published.")
    return "\n\n".join(paragraphs)


def labelled_examples(n_per_class: int, seed: int = 0) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    rows = [(substantive_text(rng), 0) for _ in range(n_per_class)]
    rows += [(farm_text(rng), 1) for _ in range(n_per_class)]
    return rows


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder fitted on 60 + 60 hand-made texts: fast, and enough to test the
    score, evaluate and train round trips without the shipped model."""
    from farmscore.features.extractor import feature_names
    from farmscore.features.transformer import FeatureExtractor
    from farmscore.model.card import ModelCard
    from farmscore.model.folder import save_model_folder
    from farmscore.training.fitting import fit_farm_model

    rows = labelled_examples(60)
    X = FeatureExtractor().transform([text for text, _ in rows])
    y = np.array([label for _, label in rows])
    texts = [text for text, _ in rows]
    model = fit_farm_model(
        X, y, [str(i) for i in range(len(rows))], feature_names(), "logistic", texts=texts
    )
    folder = tmp_path_factory.mktemp("models") / "tiny"
    card = ModelCard(
        name="tiny",
        threshold=model.threshold,
        threshold_rule=model.threshold_rule,
        feature_names=tuple(model.feature_names),
    )
    save_model_folder(folder, model, card)
    return folder
