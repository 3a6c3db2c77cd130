"""Classify a text column of a Spark DataFrame: :func:`classify_column`.

The model is loaded once on the driver to learn the output columns; its two files (``model.json``
and ``arrays.npz``, a few MB) are broadcast once, and every executor's Python worker loads them
once, on its first batch, and keeps the model for the later batches and tasks (Spark reuses its
Python workers, ``spark.python.worker.reuse``, on by default). Batches travel as Arrow record
batches (:meth:`pyspark.sql.DataFrame.mapInPandas`; their size is Spark's
``spark.sql.execution.arrow.maxRecordsPerBatch``, 10,000 rows by default), and each batch is
classified by the same :meth:`nlp.model.FeedbackModel.classify` as :func:`nlp.classify_feedback`,
so the predictions are identical to the single-process ones.

Needs ``pip install 'cx-vn[spark]'`` on the driver and the executors (the ``nlp`` package must be
importable there: install the wheel on the cluster, or ship it with ``spark-submit --py-files``).
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataError

if TYPE_CHECKING:
    import pandas as pd
    from pyspark import Broadcast
    from pyspark.sql import DataFrame

    from .codebook import Codebook
    from .model import FeedbackModel

__all__ = ["classify_column"]

_FILES = ("model.json", "arrays.npz")
# One model per broadcast, per Python worker process: loaded on the first batch, kept for the others.
_LOADED: dict[str, FeedbackModel] = {}
_LOCK = threading.Lock()
# How many times this process loaded a model from broadcast bytes (tests check it is once per worker).
LOADS = 0


def classify_column(
    df: DataFrame,
    text_column: str,
    model: FeedbackModel | str | Path | None = None,
    *,
    explain: bool = False,
    decimals: int | None = None,
    names: str = "ids",
    codebook: Codebook | None = None,
    rename_clashing: bool = False,
    headers: str = "ids",
    source: str = "the Spark DataFrame",
) -> DataFrame:
    """``df`` with the columns of :func:`nlp.classify_feedback` added, classified on the executors.

    Parameters
    ----------
    df
        A Spark DataFrame; every row is kept, in its partition, with all its columns.
    text_column
        The column holding the comments. Empty cells, nulls and values that are not text are kept and
        marked in ``text_status`` (``empty``, ``not_text``) exactly as by :func:`nlp.classify_feedback`.
    model
        A :class:`~nlp.model.FeedbackModel`, the folder of a saved one, or None for the shipped model.
    explain
        Add ``sentiment_evidence`` and ``causes_evidence``.
    decimals
        Round the probabilities and confidences to this many decimals (``cx classify`` writes 4).
    names, codebook
        ``"vi"`` or ``"en"``: add the labels' names after each label column, as
        :func:`nlp.batch.classify_file` does; ``"ids"`` (default) adds none.
    rename_clashing
        A column of ``df`` named like one the classifier adds is kept and the classifier's is added
        as ``<name>_cx`` (what ``cx classify`` does); by default such a clash is a DataError. A column
        named by the Vietnamese header of an added column clashes too.
    headers
        ``"ids"`` (default): the added columns are named by their ids; ``"vi"``: by their Vietnamese
        headers (:func:`nlp.headers.classified_header`), as :func:`nlp.batch.classify_file` and
        ``cx classify`` write them.
    source
        What ``df`` is, for messages (e.g. the file it was read from).

    Returns
    -------
    pyspark.sql.DataFrame
        Lazy, like any Spark transformation: nothing is classified until an action (a write, a count).
        The added columns are ``sentiment``, ``sentiment_confidence``, ``causes``, ``p_<cause>`` per
        cause and ``text_status`` (and the evidence columns), as strings and doubles.

    Raises
    ------
    DataError
        ``text_column`` is missing, or ``df`` already has a column the classifier adds (unless
        ``rename_clashing``).
    TypeError
        ``df`` is not a Spark DataFrame.

    Examples
    --------
    >>> from nlp.spark import classify_column                      # doctest: +SKIP
    >>> classified = classify_column(spark.table("reviews"), "comment")  # doctest: +SKIP
    >>> classified.write.parquet("s3a://bucket/reviews_classified")     # doctest: +SKIP
    """
    from pyspark.sql import types as T

    if not any(c.__name__ == "DataFrame" and c.__module__.startswith("pyspark.sql") for c in type(df).__mro__):
        raise TypeError(f"df must be a Spark DataFrame; got {type(df)} (use nlp.classify_feedback for pandas)")
    if text_column not in df.columns:
        raise DataError(f"{source} has no column {text_column!r}; its columns are: "
                        f"{', '.join(map(repr, df.columns)) or '(none)'}")
    from .batch import _label_names, add_label_names
    from .headers import HEADER_STYLES, classified_header

    if headers not in HEADER_STYLES:
        raise ValueError(f"headers must be one of {', '.join(map(repr, HEADER_STYLES))}; got {headers!r}")
    files, loaded = _model_files(model)
    label_names = _label_names(loaded, names, codebook)
    sample = loaded.classify(["", "ok"], explain=explain)
    add_label_names(sample, label_names, names)
    clash = [c for c in sample.columns if c in df.columns or classified_header(c) in df.columns]
    if clash and not rename_clashing:
        raise DataError(f"{source} already has the column(s) {', '.join(map(repr, clash))} that the "
                        "classifier adds; rename or drop them first")
    renamed = {c: f"{c}_cx" for c in clash}
    if headers == "vi":  # the local path's rule (nlp.batch.classify_file): a header the input has stays an id
        renamed = {c: renamed.get(c, c) for c in sample.columns}
        renamed = {c: classified_header(new) if classified_header(new) not in df.columns else new
                   for c, new in renamed.items()}
    sample = sample.rename(columns=renamed)
    fields = [T.StructField(str(name), T.DoubleType() if kind.kind == "f" else T.LongType() if kind.kind in "iu"
                            else T.BooleanType() if kind.kind == "b" else T.StringType())
              for name, kind in sample.dtypes.items()]
    schema = T.StructType([*df.schema.fields, *fields])
    shipped = df.sparkSession.sparkContext.broadcast(files)
    # Keyed by content: the same model classifying several columns is loaded once per worker.
    key = hashlib.sha256(b"".join(files[name] for name in _FILES)).hexdigest()
    columns = list(sample.columns)

    def classify_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        worker_model = _model_for(key, shipped)
        for batch in batches:
            result = worker_model.classify(batch[text_column].tolist(), explain=explain)
            if decimals is not None:
                result = result.round(decimals)
            result.index = batch.index
            add_label_names(result, label_names, names)
            yield pd.concat([batch, result.rename(columns=renamed)[columns]], axis=1)

    return df.mapInPandas(classify_batches, schema)


def _model_files(model: FeedbackModel | str | Path | None) -> tuple[dict[str, bytes], FeedbackModel]:
    """The saved model's files as bytes (saved to a temporary folder first for an in-memory model), and
    the model itself."""
    from .model import FeedbackModel
    from .persist import load_model, save_model

    if isinstance(model, FeedbackModel):
        with tempfile.TemporaryDirectory(prefix="cx-model-") as folder:
            save_model(model, folder)
            return {name: (Path(folder) / name).read_bytes() for name in _FILES}, model
    from .model import default_model_path

    directory = default_model_path() if model is None else Path(model)
    loaded = load_model(directory)  # checks the folder and its files before anything is shipped
    return {name: (directory / name).read_bytes() for name in _FILES}, loaded


def _model_for(key: str, shipped: Broadcast[dict[str, bytes]]) -> FeedbackModel:
    """The model ``key`` in this worker process, loaded from the broadcast bytes the first time (the
    broadcast value itself is read only then)."""
    global LOADS
    with _LOCK:
        if key not in _LOADED:
            from .persist import load_model

            with tempfile.TemporaryDirectory(prefix="cx-model-") as folder:
                for name, data in shipped.value.items():
                    (Path(folder) / name).write_bytes(data)
                _LOADED[key] = load_model(folder)
            LOADS += 1
        return _LOADED[key]
