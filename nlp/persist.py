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
from .errors import ModelFileError, excerpt
from .features import FeedbackVectorizer
from .heads import OneVsRestHead, SoftmaxHead
from .model import FORMAT, FeedbackModel, default_model_path
from .output import atomic_folder
from .sequence import SequenceClassifier

__all__ = ["load_model", "read_arrays", "save_model"]

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
            params["min_threshold"] = head.min_threshold
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
    arrays = read_arrays(arrays_path)
    try:
        return _model_from(meta, arrays, directory)
    except ModelFileError:
        raise
    except KeyError as error:
        raise ModelFileError(f"{meta_path} or {arrays_path.name} lacks {error}: the files are incomplete or "
                             "were not written by save_model") from None
    except (TypeError, ValueError, AttributeError, IndexError) as error:
        raise ModelFileError(f"{directory} is not a usable cx feedback model ({meta_path.name} and "
                             f"{arrays_path.name} disagree or hold values of the wrong kind): "
                             f"{_message(error)}") from None


#: The largest array a model archive may hold (the shipped model's largest is 5.7 MB).
MAX_ARRAY_BYTES = 1 << 30
_NUMERIC_KINDS = "biuf"


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """The numeric arrays of a ``.npz`` archive, each header checked before anything is allocated.

    Every member must be a ``.npy`` array of booleans or numbers (never Python objects) whose
    declared shape fits the bytes it holds and :data:`MAX_ARRAY_BYTES`; anything else is a
    :class:`ModelFileError` naming the archive and the member.
    """
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise ModelFileError(f"{path} is not a NumPy .npz archive (a zip file of .npy arrays): {error}") from None
    arrays: dict[str, np.ndarray] = {}
    with archive:
        members = archive.infolist()
        if not members:
            raise ModelFileError(f"{path} holds no arrays: the file is empty or was not written by save_model")
        for info in members:
            where = f"{path}: array {info.filename!r}"
            if not info.filename.endswith(".npy"):
                raise ModelFileError(f"{where} is not a .npy array")
            try:
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    if version == (1, 0):
                        shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
                    elif version == (2, 0):
                        shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
                    else:
                        raise ValueError(f".npy format version {version} (cx writes 1.0)")
                    header = member.tell()
                    if dtype.hasobject or dtype.kind not in _NUMERIC_KINDS:
                        raise ValueError(f"dtype {dtype} (a model archive holds numbers only)")
                    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize if shape else dtype.itemsize
                    if size > MAX_ARRAY_BYTES or size != info.file_size - header:
                        raise ValueError(f"its header declares shape {shape} ({size:,} bytes) but it holds "
                                         f"{info.file_size - header:,} bytes")
                    data = member.read(size)
                arrays[info.filename[:-4]] = np.frombuffer(data, dtype=dtype).reshape(
                    shape, order="F" if fortran else "C").copy()
            except (ValueError, EOFError, zipfile.BadZipFile, OSError) as error:
                raise ModelFileError(f"{where} cannot be read: {_message(error)}") from None
    return arrays



def _model_from(meta: dict[str, Any], arrays: dict[str, np.ndarray], directory: Path) -> FeedbackModel:
    arrays_path = directory / "arrays.npz"
    vectorizer = FeedbackVectorizer.from_arrays(meta["vectorizer"], arrays)
    heads: dict[str, Any] = {}
    for key in ("sentiment", "causes"):
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
        classes = meta[key]["classes"]
        if not isinstance(classes, list) or not classes or not all(isinstance(c, str) and c for c in classes) or (
                len(set(classes)) != len(classes)):
            raise ModelFileError(f"{directory / 'model.json'}: {key}.classes must be a list of distinct label "
                                 f"names; got {excerpt(classes)}")
        coef = arrays[f"{key}_coef"]
        expected = (len(classes), len(meta["vectorizer"]["vocabulary"]))
        if not isinstance(coef, np.ndarray) or coef.shape != expected:
            raise ModelFileError(f"{arrays_path}: {key} weights have shape {getattr(coef, 'shape', None)}, "
                                 f"expected {expected}")
        head_params = {"C": params["C"], "class_weight": params["class_weight"], "random_state": params.get("random_state", 0)}
        try:
            if key == "sentiment":
                fitted = SoftmaxHead.from_arrays(classes, coef, arrays[f"{key}_intercept"],
                                                 arrays[f"{key}_calibration"], **head_params)
                head: Any = SentimentClassifier.from_parts(vectorizer, fitted)
            else:
                fitted = OneVsRestHead.from_arrays(
                    coef, arrays[f"{key}_intercept"], arrays[f"{key}_calibration"], arrays["causes_thresholds"],
                    clause_training=params.get("clause_training", True),
                    cause_free_weight=params.get("cause_free_weight", 1.0),
                    min_threshold=params.get("min_threshold", 0.05), multilabel=True, **head_params)
                head = CauseClassifier.from_parts(vectorizer, fitted, classes,
                                                  content_only=params.get("content_only", False))
        except ValueError as error:
            raise ModelFileError(f"{arrays_path}: the {key} head's {error}") from None
        head.set_params(**{k: v for k, v in params.items() if k in head.get_params()})
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


def _message(error: BaseException) -> str:
    """An error's message, cut to a readable length (a forged file may make it long)."""
    text = str(error)
    return text if len(text) <= 300 else f"{text[:300]}… ({len(text):,} characters)"
