"""Saving and loading a :class:`~nlp.model.FeedbackModel`: a folder of ``model.json`` and ``arrays.npz``.

``model.json`` holds the parameters, vocabulary, labels, thresholds and the manifest; ``arrays.npz``
numbers only. Loading reads JSON and NumPy arrays with ``allow_pickle=False``: a model file cannot
run code. A model trained with ``sequence=True`` also stores its BiLSTM's weights there, as arrays,
and needs PyTorch to load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .classifiers import CauseClassifier, SentimentClassifier
from .errors import ModelFileError
from .features import FeedbackVectorizer
from .model import FORMAT, FeedbackModel, default_model_path
from .output import atomic_folder
from .sequence import SequenceClassifier

__all__ = ["load_model", "save_model"]

_SEQUENCE_PREFIX = "sequence/"


def save_model(model: FeedbackModel, directory: str | Path) -> Path:
    """Write ``model.json`` and ``arrays.npz`` into ``directory`` (created if needed).

    Both files are written into a hidden temporary folder beside ``directory`` first and moved in
    only when both are complete, so a failure never leaves a half-written model (nor spoils the
    model already there).
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ModelFileError(f"{directory} is a file; a model is saved into a folder (model.json and arrays.npz)")
    vector_meta, arrays = model.vectorizer.to_arrays()
    meta: dict[str, Any] = {
        "format": FORMAT,
        "manifest": model.manifest,
        "vectorizer": vector_meta,
        "sentiment_name": model.sentiment_name,
        "causes_name": model.causes_name,
        "no_causes_for": list(model.no_causes_for),
    }
    for key, head in (("sentiment", model.sentiment), ("causes", model.causes)):
        if head is None:
            continue
        params = {"C": head.C, "class_weight": head.class_weight}
        if key == "causes":
            params["clause_training"] = head.clause_training
            params["cause_free_weight"] = head.cause_free_weight
            params["content_only"] = head.content_only
        meta[key] = {"classes": [str(c) for c in head.classes_], "params": params}
        arrays[f"{key}_coef"] = head.coef_
        arrays[f"{key}_intercept"] = head.intercept_
        arrays[f"{key}_calibration"] = head.calibration_
        if key == "causes":
            arrays["causes_thresholds"] = head.thresholds_
    if model.sequence is not None:
        sequence_meta, sequence_arrays = model.sequence.to_arrays()
        meta["sequence"] = sequence_meta
        arrays.update({_SEQUENCE_PREFIX + name: value for name, value in sequence_arrays.items()})
    with atomic_folder(directory) as temp:
        # numpy's stub lets **kwds fill allow_pickle: bool; the keys here are array names
        np.savez_compressed(temp / "arrays.npz", **arrays)  # type: ignore[arg-type]
        (temp / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return directory


def load_model(directory: str | Path | None = None) -> FeedbackModel:
    """Load a model saved by :func:`save_model`; the default is the shipped Vietnamese model.

    Only JSON and plain numeric arrays are read (``allow_pickle=False``): loading cannot run code.

    Raises
    ------
    ModelFileError
        When the directory or one of its two files is missing, or is not a cx feedback model.
    """
    directory = default_model_path() if directory is None else Path(directory)
    meta_path, arrays_path = directory / "model.json", directory / "arrays.npz"
    for path in (meta_path, arrays_path):
        if not path.is_file():
            raise ModelFileError(f"{path} not found: a model directory holds model.json and arrays.npz")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{meta_path} is not valid UTF-8 JSON: {error}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise ModelFileError(f"{meta_path}: format is {found!r}; this version of cx reads {FORMAT!r}")
    try:
        with np.load(arrays_path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (ValueError, OSError) as error:
        raise ModelFileError(f"{arrays_path} is not a plain NumPy archive: {error}") from None
    try:
        return _model_from(meta, arrays, directory)
    except KeyError as error:
        raise ModelFileError(f"{meta_path} or {arrays_path.name} lacks {error}: the files are incomplete or "
                             "were not written by save_model") from None
    except (TypeError, ValueError, AttributeError) as error:
        if isinstance(error, ModelFileError):
            raise
        raise ModelFileError(f"{directory} is not a usable cx feedback model: {error}") from None


def _model_from(meta: dict[str, Any], arrays: dict[str, np.ndarray], directory: Path) -> FeedbackModel:
    arrays_path = directory / "arrays.npz"
    vectorizer = FeedbackVectorizer.from_arrays(meta["vectorizer"], arrays)
    heads: dict[str, Any] = {}
    for key, cls in (("sentiment", SentimentClassifier), ("causes", CauseClassifier)):
        if key not in meta:
            heads[key] = None
            continue
        params = dict(meta["vectorizer"]["params"])
        params.setdefault("negation_scope", 0)  # files written before negation marking existed
        params.setdefault("lexicon", None)
        params.setdefault("cause_lexicon", None)
        params.setdefault("clauses", False)  # … and before clauses
        params.update(meta[key]["params"])
        params["word_ngrams"] = tuple(params["word_ngrams"])
        params["folded_ngrams"] = tuple(params["folded_ngrams"])
        head = cls(**params)
        head.classes_ = np.array(meta[key]["classes"], dtype=object)
        head.vectorizer_ = vectorizer
        head.coef_ = arrays[f"{key}_coef"]
        head.intercept_ = arrays[f"{key}_intercept"]
        head.calibration_ = arrays[f"{key}_calibration"]
        if key == "causes":
            head.thresholds_ = arrays["causes_thresholds"]
        if head.coef_.shape != (len(head.classes_), len(meta["vectorizer"]["vocabulary"])):
            raise ModelFileError(f"{arrays_path}: {key} weights have shape {head.coef_.shape}, "
                                 f"expected {(len(head.classes_), len(meta['vectorizer']['vocabulary']))}")
        heads[key] = head
    sequence = None
    if "sequence" in meta:
        prefix = len(_SEQUENCE_PREFIX)
        try:
            sequence = SequenceClassifier.from_arrays(
                meta["sequence"], {k[prefix:]: v for k, v in arrays.items() if k.startswith(_SEQUENCE_PREFIX)})
        except ValueError as error:
            raise ModelFileError(f"{directory}: {error}") from None
        except ImportError as error:
            raise ModelFileError(f"{directory} has a sequence (BiLSTM) head: {error}") from None
    return FeedbackModel(
        vectorizer=vectorizer, sentiment=heads["sentiment"], causes=heads["causes"],
        sentiment_name=meta["sentiment_name"], causes_name=meta["causes_name"],
        no_causes_for=tuple(meta["no_causes_for"]), manifest=meta["manifest"], sequence=sequence,
    )
