"""What may stand as evidence for a decision: content words and phrases, never a lone function word.

A linear model spreads weight over every n-gram of its training comments, so "bảo" (say), "đi" (go)
or "thì" (then) can carry weight for a cause because the corpus's writers used them in its
comments. Shown alone as the reason for a cause they explain nothing. :func:`is_content_phrase`
keeps a phrase only if at least one of its words is not in :data:`FUNCTION_WORDS`.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import numpy as np

from .text import fold_diacritics

__all__ = ["FUNCTION_WORDS", "content_features", "is_content_phrase"]

#: Pronouns and forms of address, particles, conjunctions, prepositions, classifiers, auxiliaries,
#: negators and verbs of saying, going and being, as written and typed without tone marks.
FUNCTION_WORDS: frozenset[str] = frozenset(
    word
    for spelled in ["tôi", "tao", "tớ", "mình", "ta", "chúng", "họ", "nó", "mày", "em", "anh", "chị", "bạn", "ông", "bà", "cô", "chú", "bác", "cậu", "con", "cháu", "ad", "admin", "shop", "page", "ai", "gì", "đâu", "nào", "sao", "thế", "vậy", "vầy", "này", "kia", "đó", "đấy", "ấy", "nọ", "đây", "thì", "là", "mà", "và", "với", "của", "cho", "cũng", "đã", "đang", "sẽ", "vẫn", "còn", "rồi", "nữa", "lại", "luôn", "mới", "chỉ", "cứ", "hãy", "đừng", "chớ", "ra", "vào", "lên", "xuống", "đi", "đến", "tới", "về", "qua", "sang", "ở", "tại", "từ", "trong", "ngoài", "trên", "dưới", "giữa", "sau", "trước", "bên", "các", "những", "mọi", "mỗi", "một", "hai", "vài", "cái", "con", "chiếc", "sự", "cuộc", "lần", "lúc", "khi", "hồi", "bữa", "hôm", "nếu", "vì", "do", "bởi", "nên", "để", "rằng", "như", "hay", "hoặc", "nhưng", "tuy", "song", "dù", "có", "được", "bị", "phải", "cần", "muốn", "nên", "không", "chẳng", "chả", "chưa", "k", "ko", "kg", "hok", "bảo", "nói", "kêu", "làm", "ạ", "à", "ơi", "nhé", "nha", "nhỉ", "hả", "hử", "chứ", "thôi", "á", "ha", "he", "hihi", "rất", "quá", "lắm", "hơi", "khá", "cực", "siêu"]
    for word in {spelled, fold_diacritics(spelled)}
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def is_content_phrase(phrase: str) -> bool:
    """Whether a phrase has a word that is not a function word (and not a number).

    Examples
    --------
    >>> [is_content_phrase(p) for p in ["bảo", "mình là", "thì", "đi", "đợi lâu", "không nhiệt tình", "20"]]
    [False, False, False, False, True, True, False]
    """
    words = [w.replace("_", " ") for w in _TOKEN.findall(phrase.lower())]
    return any(not w.isdigit() and w not in FUNCTION_WORDS and not all(part in FUNCTION_WORDS for part in w.split())
               for w in words)


def content_features(names: Collection[str]) -> np.ndarray:
    """Which of a vectorizer's features (:meth:`nlp.FeedbackVectorizer.get_feature_names_out`) hold a
    content word: n-grams of function words and punctuation alone ("thì", "là", "' ,", "¬ai") do not;
    lexicon counts (``#lex:…``, ``#cause:…``) do.

    Examples
    --------
    >>> content_features(["thì", "~thi", "chờ lâu", "~cho lau", "¬ai", "không ai nghe", "' ,", "#cause:wait_time"]).tolist()
    [False, False, True, True, False, True, False, True]
    """
    keep = np.ones(len(names), dtype=bool)
    for i, name in enumerate(names):
        name = str(name)
        if name.startswith("#"):
            continue
        words = name[1:] if name.startswith("~") and len(name) > 1 and name[1] != " " else name
        keep[i] = is_content_phrase(words.replace("¬", " "))
    return keep
