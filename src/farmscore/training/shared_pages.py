"""Read the folder of real article pages (`articles/*.html.gz` plus `ground-truth.json`)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path


def iter_article_pages(folder: Path) -> Iterator[tuple[str, bytes, str]]:
    """(page name, the page's HTML bytes, the article body a person marked), sorted by name."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for path in sorted((folder / "articles").glob("*.html.gz")):
        name = path.name.removesuffix(".html.gz")
        body = truth.get(name, {}).get("articleBody", "")
        yield name, gzip.decompress(path.read_bytes()), body


def article_page_texts(folder: Path) -> list[tuple[str, str]]:
    """(page name, the main text farmscore extracts from the page), sorted by name."""
    # trafilatura and lxml (about 25 MB) are loaded only when a page needs extracting.
    from farmscore.reading.html_extraction import extract_article

    return [(name, extract_article(html).text) for name, html, _ in iter_article_pages(folder)]
