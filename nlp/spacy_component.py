"""A spaCy pipeline component, ``cx_feedback``, that fills ``doc.cats`` with sentiment and causes.

Importing this module registers the factory, so ``nlp.add_pipe("cx_feedback")`` works on any
pipeline; an installed cx-vn also advertises it through the ``spacy_factories`` entry point, so
spaCy finds it without the import. :func:`feedback_pipeline` builds a ready Vietnamese pipeline::

    >>> pipeline = feedback_pipeline()
    >>> doc = pipeline("Chờ 2 tiếng mà nhân viên còn quát khách 😡")
    >>> doc._.sentiment, doc._.causes
    ('negative', ('wait_time', 'rude_staff'))

What the component writes on each doc
-------------------------------------
``doc.cats``
    Flat ``label -> score``, spaCy's convention: one key per sentiment label (``negative``,
    ``neutral``, ``positive`` for the shipped model), whose scores sum to 1, and one key per cause
    id (``wait_time``, ``rude_staff``, ...), each an independent calibrated probability. Keys are
    the model's labels without a prefix, so they match the ids of :func:`nlp.model.classify_feedback`
    (its ``causes`` column and ``p_<cause>`` columns); a model whose sentiment labels and cause ids
    overlap is refused. Scores come from :meth:`nlp.model.FeedbackModel.predict`, the pass behind
:meth:`~nlp.model.FeedbackModel.classify`, so they are the same numbers; a cause's
    score can pass its threshold while the cause is left out of ``doc._.causes`` (positive
    comments carry no cause).
``doc._.sentiment``
    The predicted sentiment label (``None`` for a model without a sentiment head).
``doc._.causes``
    Tuple of the cause ids over their thresholds, in the model's label order; empty for positive
    comments, as :func:`~nlp.model.classify_feedback` does. spaCy's serialisation turns it into a
    list on the way back from ``nlp.pipe(..., n_process=2)`` or a ``DocBin``.
``doc._.text_status``
    ``"ok"``, ``"empty"`` (blank text) or ``"not_text"`` (no letter or emoji, e.g. ``"123"``).
    Docs that are not ``"ok"`` are not classified: their ``doc.cats`` get none of the model's keys,
    ``doc._.sentiment`` stays ``None`` and ``doc._.causes`` stays ``()``.

Saving a pipeline
-----------------
The component's only setting is ``model``: ``None`` for the shipped model, or the path of a model
folder (``model.json`` and ``arrays.npz``, written by :func:`nlp.persist.save_model`). ``nlp.to_disk``
records that setting in ``config.cfg`` and does not copy the model, so ``spacy.load`` finds the
shipped model again, or reads the model folder from the recorded path, which must still exist.
:func:`feedback_pipeline` records paths as absolute paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc

if TYPE_CHECKING:
    from .model import FeedbackModel, FeedbackPrediction

__all__ = ["FeedbackComponent", "feedback_pipeline", "make_feedback_component"]

FACTORY = "cx_feedback"
_EXTENSIONS: dict[str, Any] = {"sentiment": None, "causes": (), "text_status": None}


def _register_extensions() -> None:
    """Declare ``Doc._.sentiment``, ``Doc._.causes`` and ``Doc._.text_status`` once per process."""
    for name, default in _EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


class FeedbackComponent:
    """Classifies docs with a :class:`~nlp.model.FeedbackModel`, one batch at a time.

    Build it with ``nlp.add_pipe("cx_feedback")``; see the module docstring for what it writes.

    Parameters
    ----------
    model : FeedbackModel
        The fitted model.
    name : str
        The component's name in the pipeline.

    Raises
    ------
    ValueError
        When the model's sentiment labels and cause ids overlap, since they share ``doc.cats``.

    Examples
    --------
    >>> import spacy
    >>> pipeline = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    >>> component = pipeline.add_pipe("cx_feedback")
    >>> docs = list(pipeline.pipe(["Nhân viên hỗ trợ nhiệt tình, cảm ơn chị!", ""]))
    >>> [(doc._.sentiment, doc._.causes, doc._.text_status) for doc in docs]
    [('positive', (), 'ok'), (None, (), 'empty')]
    >>> max(docs[0].cats, key=docs[0].cats.get)
    'positive'
    """

    def __init__(self, model: FeedbackModel, *, name: str = FACTORY) -> None:
        shared = sorted(set(model.sentiment_labels) & set(model.cause_labels))
        if shared:
            raise ValueError(
                f"component {name!r}: the model's sentiment labels and cause ids overlap ({shared}), "
                "so their doc.cats keys would collide; rename the labels of one head"
            )
        self.model = model
        self.name = name
        _register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        """Classify one doc (``nlp(text)``)."""
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 1000) -> Iterator[Doc]:
        """Classify docs ``batch_size`` at a time (``nlp.pipe(texts, batch_size=...)``).

        Each batch goes through the model as one matrix, which is what makes ``nlp.pipe`` fast.
        """
        from spacy.util import minibatch

        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"component {self.name!r}: batch_size must be an integer >= 1; got {batch_size!r}")
        for batch in minibatch(stream, size=batch_size):
            self.set_annotations(batch, self.predict(batch))
            yield from batch

    def predict(self, docs: Sequence[Doc]) -> FeedbackPrediction:
        """Classify the docs' texts as one batch (:meth:`nlp.model.FeedbackModel.predict`)."""
        return self.model.predict([doc.text for doc in docs])

    def set_annotations(self, docs: Sequence[Doc], predictions: FeedbackPrediction) -> None:
        """Write ``doc.cats``, ``doc._.sentiment``, ``doc._.causes`` and ``doc._.text_status``."""
        _register_extensions()  # a spawned worker process unpickles the component without __init__
        for doc, status in zip(docs, predictions.status):
            doc._.text_status = status
        model = self.model
        for k, position in enumerate(predictions.keep):
            doc = docs[position]
            if predictions.sentiment_proba is not None:
                doc.cats.update(zip(model.sentiment_labels, predictions.sentiment_proba[k].tolist()))
            if predictions.sentiment is not None:
                doc._.sentiment = str(predictions.sentiment[k])
            if predictions.cause_proba is not None:
                doc.cats.update(zip(model.cause_labels, predictions.cause_proba[k].tolist()))
            if predictions.causes_on is not None:
                doc._.causes = tuple(label for label, on in zip(model.cause_labels, predictions.causes_on[k]) if on)


@Language.factory(
    FACTORY,
    default_config={"model": None},
    assigns=["doc.cats", "doc._.sentiment", "doc._.causes", "doc._.text_status"],
)
def make_feedback_component(nlp: Language, name: str, model: str | None) -> FeedbackComponent:
    """Build the ``cx_feedback`` component; spaCy calls this for ``nlp.add_pipe("cx_feedback")``.

    Parameters
    ----------
    nlp : spacy.Language
        The pipeline (unused: the component needs no vocabulary).
    name : str
        The component's name in the pipeline.
    model : str or None
        ``None`` for the shipped model (:func:`nlp.persist.load_model`), or the path of a model
        folder. A relative path is read from the working directory, at every ``spacy.load`` too.

    Raises
    ------
    nlp.model.ModelFileError
        When the folder is missing, incomplete or not a cx feedback model.

    Examples
    --------
    >>> import spacy
    >>> from nlp.model import default_model_path
    >>> pipeline = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    >>> _ = pipeline.add_pipe("cx_feedback", config={"model": str(default_model_path())})
    >>> pipeline("ko ai nghe máy, gọi 5 lần rồi 😤")._.sentiment
    'negative'
    """
    from .persist import load_model

    return FeedbackComponent(load_model(model), name=name)


def feedback_pipeline(model: str | Path | None = None) -> Language:
    """A blank Vietnamese spaCy pipeline with the ``cx_feedback`` component.

    The tokenizer splits on whitespace (``use_pyvi = false``), so the pipeline does not need pyvi;
    the component reads the raw text and does its own normalisation.

    Parameters
    ----------
    model : str or pathlib.Path, optional
        A model folder; by default the shipped model. The path is recorded as an absolute path in
        the pipeline's config, so a saved pipeline can be loaded from another working directory.

    Returns
    -------
    spacy.Language
        ``spacy.blank("vi")`` with ``cx_feedback`` as its only component.

    Examples
    --------
    >>> pipeline = feedback_pipeline()
    >>> pipeline.pipe_names
    ['cx_feedback']
    >>> docs = list(pipeline.pipe(["Chờ 2 tiếng mà nhân viên còn quát khách 😡",
    ...                            "Cho hỏi chi nhánh Quận 1 mở cửa mấy giờ ạ?"]))
    >>> [doc._.causes for doc in docs]
    [('wait_time', 'rude_staff'), ()]
    >>> round(sum(docs[0].cats[label] for label in ("negative", "neutral", "positive")), 6)
    1.0
    """
    import spacy

    pipeline = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    location = None if model is None else str(Path(model).resolve())
    pipeline.add_pipe(FACTORY, config={"model": location})
    return pipeline
