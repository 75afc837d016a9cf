"""`python -m benchmarks.gopher_files FOLDER`: the Gopher pair as a command, the peer of
`farmscore score --jobs 1 --format jsonl FOLDER` in the whole-process real-text timings.

It reads every .txt file of FOLDER in name order, runs datatrove's Gopher quality and repetition
filters on each, and writes one JSON line per file to stdout: its path and both verdicts. Start-up
(Python, datatrove, spaCy's tokenizer) is part of what is timed, as farmscore's is.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.peers import gopher_pair
from farmscore.types import Document


def main(argv: Sequence[str] | None = None) -> int:
    """Judge each .txt file of the folder given; 0 when every file was read and judged."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m benchmarks.gopher_files FOLDER (of .txt files)", file=sys.stderr)
        return 2
    peer = gopher_pair()
    for path in sorted(Path(args[0]).glob("*.txt")):
        document = Document(id=str(path), text=path.read_text(encoding="utf-8"))
        (verdicts,) = peer.run([document])  # (quality, repetition), each (passed, reason)
        sys.stdout.write(json.dumps({"id": document.id, "verdicts": verdicts}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
