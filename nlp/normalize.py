"""Normalising messy Vietnamese feedback before it is classified.

Each step is a small ``str -> str`` function; :func:`normalize_text` chains them in a fixed order:

1. mask URLs, e-mail addresses and phone numbers (``<url>``, ``<email>``, ``<phone>``), so that
   personal data never becomes a feature and every link counts as the same cue;
2. NFC, lower case, and letters repeated three or more times squashed (``ngonnnn`` → ``ngon``),
   emoji runs cut to two;
3. repeated punctuation (``!!!!`` → ``!``) by underthesea_core's ``TextPreprocessor`` rules;
4. one pass over the words expanding teencode (:data:`TEENCODE`) and applying underthesea's
   tone-mark rules (``hoà`` → ``hòa``, ``thuỷ`` → ``thủy``).

Emoji and emoticons are kept: they are sentiment cues. Text typed without diacritics is left as
typed; the classifiers read a diacritic-folded copy alongside (see :mod:`nlp.features`).
The result is idempotent and no string makes it raise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

from .text import fold_diacritics

__all__ = [
    "EMOJI",
    "TEENCODE",
    "expand_teencode",
    "mask_emails",
    "mask_phones",
    "mask_urls",
    "normalize_text",
    "normalize_texts",
    "normalize_tone_marks",
    "squash_repeated_letters",
]

#: Abbreviations and teencode expanded by :func:`normalize_text`. underthesea_core's defaults,
#: minus ``ok``/``oke`` → ``tốt`` (the codebook reads a bare "ok" as neutral), plus forms common in
#: service feedback. Ambiguous short forms (``bh`` bảo hành/bao giờ, ``ck`` chuyển khoản/chồng,
#: ``kh`` khách hàng/không) are left alone: a wrong expansion is worse than none.
TEENCODE: Mapping[str, str] = {
    "k": "không", "ko": "không", "kg": "không", "khg": "không", "hok": "không", "hong": "không",
    "hông": "không", "hem": "không", "khum": "không",
    "dc": "được", "đc": "được", "dk": "được", "đk": "được", "dcc": "được",
    "nv": "nhân viên", "nvien": "nhân viên", "tvv": "tư vấn viên", "cskh": "chăm sóc khách hàng",
    "dv": "dịch vụ", "sp": "sản phẩm", "sđt": "số điện thoại", "sdt": "số điện thoại",
    "đt": "điện thoại", "dt": "điện thoại", "stk": "số tài khoản", "cty": "công ty",
    "bs": "bác sĩ", "bv": "bệnh viện", "ks": "khách sạn", "gv": "giáo viên", "sv": "sinh viên",
    "hs": "học sinh", "tx": "tài xế", "pgd": "phòng giao dịch", "cn": "chi nhánh",
    "mk": "mình", "mik": "mình", "mn": "mọi người", "ng": "người", "j": "gì",
    "r": "rồi", "gòi": "rồi", "ròi": "rồi", "v": "vậy", "z": "vậy", "zậy": "vậy", "dzậy": "vậy",
    "cx": "cũng", "cg": "cũng", "vs": "với", "ms": "mới", "lun": "luôn", "trc": "trước",
    "wa": "quá", "wá": "quá", "qá": "quá", "nhìu": "nhiều", "bít": "biết", "bik": "biết",
    "bjk": "biết", "mún": "muốn", "thik": "thích", "iu": "yêu", "zui": "vui", "dth": "dễ thương",
    "đag": "đang", "dag": "đang", "hnay": "hôm nay", "hqua": "hôm qua", "tg": "thời gian",
    "tgian": "thời gian", "kq": "kết quả", "kt": "kiểm tra", "nt": "nhắn tin", "ntn": "như thế nào",
    "nc": "nói chuyện", "ns": "nói", "tl": "trả lời", "trl": "trả lời", "lm": "làm",
    "bt": "bình thường", "bth": "bình thường", "lg": "lượng", "nma": "nhưng mà", "nhma": "nhưng mà",
    "thank": "cảm ơn", "thanks": "cảm ơn", "thankyou": "cảm ơn", "tks": "cảm ơn", "thks": "cảm ơn",
    "thx": "cảm ơn", "vl": "vãi",
}

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|vn|net|org|io|me|ly|gl)(?:/\S*)?\b",
                  re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Vietnamese numbers: 0 or +84 then 9–10 digits, often grouped with spaces, dots or dashes;
# hotlines 1800/1900 xxxx(xx).
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+84|0)(?:[\s.-]?\d){8,10}|1[89]00(?:[\s.-]?\d){4,6})(?!\w)")
_REPEATED_LETTER = re.compile(r"([^\W\d_])(([^\W\d_])\3+)")
_WORD = re.compile(r"\w+")
#: A word right after an emoticon's eyes is part of the emoticon (":v", ":d", "=p"), not teencode.
_WORD_OUTSIDE_EMOTICON = re.compile(r"(?<![:;=])\w+")
_EYES = frozenset(":;=")
_SPACES = re.compile(r"\s+")
_PUNCTUATION_RUN = re.compile(r"([!?])\1+|\.{4,}")
_TLD = re.compile(r"\.(?:com|vn|net|org|io|me|ly|gl)\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d{4}")
_DOUBLE_LETTER = re.compile(r"([^\W\d_])\1")  # every run squash_repeated_letters changes has one
_EDGE_PUNCTUATION = "\"'.,!?;:()[]{}<>…“”‘’«»-–—/\\*&%$#@^~`|+="
#: Emoji and pictographic symbols, as a regex character class.
EMOJI = "\U0001F000-\U0001FAFF\u2600-\u27BF"
_REPEATED_EMOJI = re.compile(f"([{EMOJI}])\\1{{2,}}")


def mask_urls(text: str) -> str:
    """Replace links with ``<url>``.

    Examples
    --------
    >>> mask_urls("xem https://shop.vn/don-hang?id=12 nhé")
    'xem <url> nhé'
    """
    return _URL.sub("<url>", text)


def mask_emails(text: str) -> str:
    """Replace e-mail addresses with ``<email>``.

    Examples
    --------
    >>> mask_emails("gửi về hotro.khach@gmail.com giúp em")
    'gửi về <email> giúp em'
    """
    return _EMAIL.sub("<email>", text)


def mask_phones(text: str) -> str:
    """Replace Vietnamese phone numbers and 1800/1900 hotlines with ``<phone>``.

    Amounts and codes (``150000``, ``100k``, order ``#2024112301``) are left alone.

    Examples
    --------
    >>> mask_phones("gọi 0912 345 678 hoặc 1900 1234, phí 150000đ")
    'gọi <phone> hoặc <phone>, phí 150000đ'
    """
    return _PHONE.sub("<phone>", text)


def squash_repeated_letters(text: str) -> str:
    """Collapse a letter typed three or more times in a row to one (``quáaaa`` → ``quá``).

    A toned vowel followed by its bare vowel counts as one run. Doubled letters stay (``app``,
    ``xoong``); repeated digits are numbers and stay.

    Examples
    --------
    >>> squash_repeated_letters("ngonnnn quáaaa, app 1000đ")
    'ngon quá, app 1000đ'
    """
    return _REPEATED_LETTER.sub(_squash, text)


def _squash(match: re.Match[str]) -> str:
    first, run, letter = match.groups()
    if fold_diacritics(first) == fold_diacritics(letter):  # "quáaaa": the tail repeats the vowel
        return first
    if len(run) >= 3:
        return first + letter
    return match.group()


def normalize_punctuation(text: str) -> str:
    """Collapse runs of ``!`` and ``?`` to one and long ellipses to ``...``; emoticons are kept.

    The same rules as underthesea_core's ``TextPreprocessor`` punctuation step (checked equal on
    the whole corpus), as a regular expression: the Rust call costs about 130 µs per comment in
    crossing overheads, more than all other steps together, while this costs under 1 µs.

    Examples
    --------
    >>> normalize_punctuation("tệ quá!!!! sao vậy???? thôi..... :)))")
    'tệ quá! sao vậy? thôi... :)))'
    """
    if "!" in text or "?" in text or "...." in text:
        return _PUNCTUATION_RUN.sub(_punctuation_run, text)
    return text


def _punctuation_run(match: re.Match[str]) -> str:
    return "..." if match.group()[0] == "." else match.group()[0]


@cache
def _word_map() -> dict[str, str]:
    """Teencode plus underthesea's tone-mark rules, applied together in one pass over the words."""
    from underthesea.pipeline.text_normalize.text_normalizer import token_map

    words = {key: value for key, value in token_map.items() if key == key.lower()}
    words.update(TEENCODE)
    # Resolve chains ("roì" → "ròi" → "rồi") so that one pass reaches a fixed point: idempotence.
    for key, value in words.items():
        for _ in range(3):
            mapped = _WORD.sub(lambda m: words.get(m.group(), m.group()), value)
            if mapped == value:
                break
            value = mapped
        words[key] = value
    return words


def _map_words(text: str) -> str:
    # One regular expression over the text, alternatives arranged as a trie of the mapped words:
    # the scan runs in C and Python is called only for a word that maps. A word is a maximal run of
    # word characters not right after an emoticon's eyes (":v" is an emoticon, not "vậy").
    words = _word_map()
    return _word_pattern().sub(lambda match: words[match.group()], text)


@cache
def _word_pattern() -> re.Pattern[str]:
    return re.compile(r"(?<![\w:;=])(?:" + _trie(sorted(_word_map())) + r")(?!\w)")


def _trie(words: list[str]) -> str:
    """A regular expression matching exactly ``words``, factored by common prefixes."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        optional = "" in node
        if len(branches) == 1 and not optional:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if optional else group

    return pattern(tree)


def expand_teencode(text: str) -> str:
    """Expand teencode and abbreviations (:data:`TEENCODE`) and fix tone-mark placement.

    Expects lower-cased NFC text, as the earlier steps of :func:`normalize_text` leave it.

    Examples
    --------
    >>> expand_teencode("ko đc đâu, nv thái độ quá tệ")
    'không được đâu, nhân viên thái độ quá tệ'
    >>> expand_teencode("v thì chịu :v, ok thankyou")  # ":v" is an emoticon, not "vậy"
    'vậy thì chịu :v, ok cảm ơn'
    """
    return _map_words(text)


def normalize_tone_marks(text: str) -> str:
    """Put tone marks where modern orthography puts them (underthesea's ``text_normalize`` rules).

    Expects lower-cased NFC text.

    Examples
    --------
    >>> normalize_tone_marks("hoà bình, thuỷ lợi, khoẻ, ðúng")
    'hòa bình, thủy lợi, khỏe, đúng'
    """
    return _map_words(text.replace("ð", "đ"))


def _before(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("ð", "đ")
    if "@" in text:
        text = mask_emails(text)
    if "http" in text or "www" in text or _TLD.search(text):
        text = mask_urls(text)
    if _DIGITS.search(text):
        text = mask_phones(text)
    if _DOUBLE_LETTER.search(text):
        text = squash_repeated_letters(text)
    return normalize_punctuation(_REPEATED_EMOJI.sub(r"\1\1", text))


def _after(text: str) -> str:
    text = _map_words(text)
    # A mapped word can meet a stray combining mark ("r\u0300" → "rồi\u0300"); compose it and map
    # again, so that a second normalisation finds nothing left to do.
    for _ in range(3):
        if unicodedata.is_normalized("NFC", text):
            break
        text = _map_words(unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def normalize_text(text: str) -> str:
    """Normalise one comment: masks, repeated letters, NFC, lower case, teencode, tone marks.

    Parameters
    ----------
    text : str
        Any string; it never raises on one, and ``normalize_text(normalize_text(t))`` equals
        ``normalize_text(t)``.

    Raises
    ------
    TypeError
        If ``text`` is not a string (``None``, a number): classify such rows as empty instead.

    Examples
    --------
    >>> normalize_text("Nv tư vấn nhiệt tìnhhhh 😍😍😍, ko phải chờ lâu. LH 0987.654.321")
    'nhân viên tư vấn nhiệt tình 😍😍, không phải chờ lâu. lh <phone>'
    >>> normalize_text("Hoà nhã, chu đáo. Thanks shop!!!")
    'hòa nhã, chu đáo. cảm ơn shop!'
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize_text expects a str, got {type(text).__name__}: {text!r:.80}")
    return _after(_before(text))


def normalize_texts(texts: Iterable[str]) -> list[str]:
    """Normalise many comments, each exactly as :func:`normalize_text` does.

    Examples
    --------
    >>> normalize_texts(["Dc lắm", "hok hài lòng"])
    ['được lắm', 'không hài lòng']
    """
    texts = list(texts)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"normalize_texts: item {position} is {type(text).__name__}, not str: {text!r:.80}")
    return [_after(_before(text)) for text in texts]
