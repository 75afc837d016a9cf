"""Read a user's labelled examples (CSV, JSONL or Parquet) into one validated table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

# Accepted spellings of each label, compared after lower-casing and stripping.
LABEL_VALUES = {
    "content_farm": 1,
    "farm": 1,
    "1": 1,
    "true": 1,
    "substantive": 0,
    "0": 0,
    "false": 0,
}
LABEL_HELP = "use content_farm/substantive, 1/0 or true/false"


class LabelFileError(ValueError):
    """A labels file that cannot be used; the message names the file, rows and the fix."""


def read_label_files(paths: Sequence[Path]) -> pd.DataFrame:
    """Columns id, text, label (1 = content farm), group, source, file and group_given;
    one row per example.

    Rows of a file without a `group` column get one group each (their id), so no grouping is
    assumed; `group_given` says which rows had one.
    """
    frames = [_read_one(Path(path)) for path in paths]
    if not frames:
        raise LabelFileError("no label files given")
    return pd.concat(frames, ignore_index=True)


def _read_one(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise LabelFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif suffix in (".jsonl", ".ndjson"):
            raw = pd.read_json(path, lines=True, dtype=False)
        elif suffix == ".parquet":
            raw = pd.read_parquet(path)
        else:
            raise LabelFileError(
                f"{path}: unsupported type {suffix!r}; give .csv, .jsonl or .parquet"
            )
    except LabelFileError:
        raise
    except Exception as error:  # pandas raises many types for a malformed file
        raise LabelFileError(f"{path}: cannot be read as {suffix[1:]}: {error}") from error
    return _normalise(raw, path)


def _normalise(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    if "label" not in raw.columns or not ({"text", "html"} & set(raw.columns)):
        raise LabelFileError(
            f"{path}: needs a 'label' column and a 'text' (or 'html') column; "
            f"it has {list(raw.columns)}"
        )
    if raw.empty:
        raise LabelFileError(f"{path}: no rows")
    labels = raw["label"].map(lambda v: LABEL_VALUES.get(str(v).strip().lower()))
    unknown = raw.index[labels.isna()]
    if len(unknown):
        shown = ", ".join(
            f"row {i + 2 if path.suffix == '.csv' else i + 1}: {raw['label'][i]!r}"
            for i in unknown[:5]
        )
        raise LabelFileError(f"{path}: {len(unknown)} unknown labels ({shown}); {LABEL_HELP}")
    texts = _texts(raw, path)
    ids = (
        raw["id"].astype(str)
        if "id" in raw.columns
        else pd.Series([f"{path}:{i + 1}" for i in range(len(raw))])
    )
    groups = raw["group"].astype(str) if "group" in raw.columns else ids
    source = (
        raw["source"].astype(str) if "source" in raw.columns else pd.Series([path.name] * len(raw))
    )
    return pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "text": texts,
            "label": labels.astype(int).to_numpy(),
            "group": groups.to_numpy(),
            "source": source.to_numpy(),
            "file": str(path),
            "group_given": "group" in raw.columns,
        }
    )


def _texts(raw: pd.DataFrame, path: Path) -> list[str]:
    texts: list[str] = []
    for i in range(len(raw)):
        text = raw["text"].iloc[i] if "text" in raw.columns else None
        if not isinstance(text, str) or not text.strip():
            html = raw["html"].iloc[i] if "html" in raw.columns else None
            # trafilatura and lxml (about 25 MB) are loaded only when a page needs extracting.
            from farmscore.reading.html_extraction import extract_article

            text = extract_article(html).text if isinstance(html, str) and html.strip() else ""
        if not text.strip():
            raise LabelFileError(
                f"{path}: row {i + 1} has no text; fill its text or html, or drop it"
            )
        texts.append(text)
    return texts
