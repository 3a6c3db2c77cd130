"""The names of ``import nlp``: imported on first use (see ``__init__.py``)."""

from . import (
    batch,
    classifiers,
    corpus,
    default_model,
    errors,
    evidence,
    features,
    labels,
    lexicon,
    model,
    normalize,
    realdev,
    sequence,
    spacy_component,
    tables,
    text,
    train,
)
from .batch import classify_file
from .classifiers import CauseClassifier, SentimentClassifier
from .corpus import corpus_stats, find_near_duplicates, load_corpus
from .errors import CxError, DataError, InputNotFoundError, ModelFileError, refuse_overwrite
from .features import FeedbackVectorizer
from .labels import CAUSES, Label, SENTIMENTS
from .lexicon import read_lexicon
from .model import classify_feedback, FeedbackModel, load_model, save_model, train_feedback_model
from .normalize import normalize_text, normalize_texts
from .sequence import SequenceClassifier
from .tables import load_table, read_table, Table, TableError
from .train import evaluate_model, train_model_from_table

__all__ = [
    "CAUSES",
    "CauseClassifier",
    "CxError",
    "DataError",
    "FeedbackModel",
    "FeedbackVectorizer",
    "InputNotFoundError",
    "Label",
    "ModelFileError",
    "SENTIMENTS",
    "SentimentClassifier",
    "SequenceClassifier",
    "Table",
    "TableError",
    "classify_feedback",
    "classify_file",
    "corpus_stats",
    "evaluate_model",
    "find_near_duplicates",
    "load_corpus",
    "load_model",
    "load_table",
    "normalize_text",
    "normalize_texts",
    "read_lexicon",
    "read_table",
    "refuse_overwrite",
    "save_model",
    "train_feedback_model",
    "train_model_from_table",
]
