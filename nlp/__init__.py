"""nlp — Vietnamese customer feedback: the labelled corpus, normalisation and classifiers.

Names are imported lazily so ``import nlp`` and ``cx --help`` stay fast.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CAUSES": ".labels",
    "SENTIMENTS": ".labels",
    "Label": ".labels",
    "load_corpus": ".corpus",
    "find_near_duplicates": ".corpus",
    "corpus_stats": ".corpus",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nlp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
