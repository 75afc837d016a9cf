"""Limits and defaults, each in one place with the reason for its value."""

from __future__ import annotations

# Larger inputs are refused as records, not read: no real article is this long, and a
# stream must not be stalled by one enormous record.
MAX_DOCUMENT_BYTES = 10_000_000

# Suffixes read as one plain-text document each.
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
# Of those, the ones read as Markdown: their headings and lists are the document's structure,
# turned into lines (`farmscore.reading.markdown`), not markup left in plain text.
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
# Suffixes read as one HTML page each; the main text is extracted from them.
HTML_SUFFIXES = frozenset({".html", ".htm"})
# Suffixes read as one record per line.
JSONL_SUFFIXES = frozenset({".jsonl"})
