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
    "normalize_text": ".normalize",
    "normalize_texts": ".normalize",
    "FeedbackVectorizer": ".features",
    "read_lexicon": ".lexicon",
    "SentimentClassifier": ".classifiers",
    "CauseClassifier": ".classifiers",
    "SequenceClassifier": ".sequence",
    "FeedbackModel": ".model",
    "classify_feedback": ".model",
    "train_feedback_model": ".model",
    "load_model": ".model",
    "save_model": ".model",
    "CxError": ".errors",
    "DataError": ".errors",
    "InputNotFoundError": ".errors",
    "ModelFileError": ".errors",
    "classify_file": ".batch",
    "train_model_from_table": ".train",
    "evaluate_model": ".train",
    "read_table": ".tables",
    "load_table": ".tables",
    "Table": ".tables",
    "TableError": ".tables",
    "refuse_overwrite": ".errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        try:  # a submodule: nlp.corpus.load_corpus() after a bare "import nlp"
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
        raise AttributeError(f"module 'nlp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
