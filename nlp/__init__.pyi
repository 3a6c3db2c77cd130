"""The names of ``import nlp``: imported on first use (see ``__init__.py``)."""

from . import (
    agreement as agreement,
)
from . import (
    batch as batch,
)
from . import (
    classifiers as classifiers,
)
from . import (
    codebook as codebook,
)
from . import (
    corpus as corpus,
)
from . import (
    default_model as default_model,
)
from . import (
    errors as errors,
)
from . import (
    evidence as evidence,
)
from . import (
    features as features,
)
from . import (
    labels as labels,
)
from . import (
    lexicon as lexicon,
)
from . import (
    model as model,
)
from . import (
    normalize as normalize,
)
from . import (
    persist as persist,
)
from . import (
    realdev as realdev,
)
from . import (
    sequence as sequence,
)
from . import (
    spacy_component as spacy_component,
)
from . import (
    tables as tables,
)
from . import (
    text as text,
)
from . import (
    train as train,
)
from .batch import classify_file
from .classifiers import CauseClassifier, SentimentClassifier
from .codebook import Codebook, default_codebook, load_codebook
from .corpus import corpus_stats, find_near_duplicates, load_corpus
from .errors import CxError, DataError, InputNotFoundError, ModelFileError, refuse_overwrite
from .features import FeedbackVectorizer
from .heads import OneVsRestHead, SoftmaxHead
from .labels import CAUSES, SENTIMENTS, Label
from .lexicon import read_lexicon
from .model import FeedbackModel, classify_feedback, train_feedback_model
from .normalize import normalize_text, normalize_texts
from .persist import load_model, save_model
from .sequence import SequenceClassifier
from .tables import Table, TableError, load_table, read_table
from .train import evaluate_model, train_model_from_table

__all__ = [
    "CAUSES",
    "SENTIMENTS",
    "CauseClassifier",
    "Codebook",
    "CxError",
    "DataError",
    "FeedbackModel",
    "FeedbackVectorizer",
    "InputNotFoundError",
    "Label",
    "ModelFileError",
    "OneVsRestHead",
    "SentimentClassifier",
    "SequenceClassifier",
    "SoftmaxHead",
    "Table",
    "TableError",
    "classify_feedback",
    "classify_file",
    "corpus_stats",
    "default_codebook",
    "evaluate_model",
    "find_near_duplicates",
    "load_codebook",
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
