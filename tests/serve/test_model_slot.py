"""Publishing a model generation: only a verified copy of real files is ever published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from farmscore.model.folder import ModelVerificationError, default_model_dir
from farmscore.serve.model_slot import publish_generation
from farmscore.serve.settings import ServeSettings


def test_a_symlinked_model_file_is_refused_and_nothing_is_left_behind(tmp_path: Path) -> None:
    # The CLI refuses a linked model.npz; reload used to copy what the link pointed at.
    folder = tmp_path / "model"
    shutil.copytree(default_model_dir(), folder)
    moved = tmp_path / "elsewhere.npz"
    (folder / "model.npz").rename(moved)
    (folder / "model.npz").symlink_to(moved)
    settings = ServeSettings(model_folder=str(folder), state_folder=str(tmp_path / "state"))
    with pytest.raises(ModelVerificationError, match="is a symbolic link"):
        publish_generation(settings)
    assert not any(settings.generations_folder.glob(".staged-*"))
    assert not any(settings.generations_folder.glob("generation-*"))


def test_a_generation_folder_left_unrecorded_is_replaced_by_the_next_publish(
    tmp_path: Path,
) -> None:
    # A reload killed after moving its copy into place, before recording it, leaves this.
    settings = ServeSettings(
        model_folder=str(default_model_dir()), state_folder=str(tmp_path / "state")
    )
    publish_generation(settings)
    leftover = settings.generations_folder / "generation-000001"
    leftover.mkdir()
    (leftover / "model.npz").write_bytes(b"half-copied")
    served = publish_generation(settings)
    assert served.generation == 1
    model_file = default_model_dir() / "model.npz"
    assert (leftover / "model.npz").read_bytes() == model_file.read_bytes()
    assert not any(settings.generations_folder.glob(".staged-*"))
