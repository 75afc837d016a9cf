"""farmscore: tell substantive articles from content-farm pages, with reasons.

>>> from farmscore import Scorer
>>> Scorer.load().score(text="The council voted 5-2 on Tuesday.").label in (
...     "substantive", "content_farm")
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from farmscore.scoring import Scorer


def __getattr__(name: str) -> Any:
    # The scorer pulls in scikit-learn and the feature resources; `import farmscore` alone
    # (for the version, say) should not.
    if name == "Scorer":
        from farmscore.scoring import Scorer

        return Scorer
    raise AttributeError(f"module 'farmscore' has no attribute {name!r}")


__all__ = ["Scorer", "__version__"]
