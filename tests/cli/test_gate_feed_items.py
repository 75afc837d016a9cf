"""`farmscore gate` on an RSS feed through CliRunner: an item whose description is empty is an
errors row naming the item, never a score of its headline."""

from __future__ import annotations

import json
import random
from pathlib import Path

from typer.testing import CliRunner

from farmscore.cli import app
from tests.conftest import substantive_text

runner = CliRunner()


def rss_item(link: str, title: str, description: str) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        f"<description>{description}</description></item>"
    )


def test_an_item_with_an_empty_description_is_an_errors_row(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    story = substantive_text(random.Random(4)).replace("\n\n", " ")
    feed = tmp_path / "town.rss"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Town</title>'
        + rss_item("https://town.example/roads", "Council approves road repairs", "")
        + rss_item("https://town.example/budget", "Budget passed", story)
        + "</channel></rss>",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(
        app, ["gate", str(feed), "--model", str(tiny_model_dir), "--errors", str(errors)]
    )
    assert result.exit_code == 1, result.output
    [accepted] = [json.loads(line) for line in result.stdout.splitlines()]
    assert accepted["link"] == "https://town.example/budget"
    [error] = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert (error["item"], error["line"]) == (1, None)
    assert json.loads(error["raw"])["link"] == "https://town.example/roads"
    assert error["error"].startswith("the item carries no content or summary, only its title")
    assert "1 accepted, 0 rejected, 1 errors" in result.stderr
