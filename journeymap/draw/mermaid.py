"""Export a journey as a Mermaid ``journey`` diagram, which GitHub, GitLab, Notion and Obsidian draw.

Mermaid's user-journey syntax (https://mermaid.js.org/syntax/userJourney.html) is a ``title`` line,
``section`` lines and one task line per step, ``Task name: <score>: <comma separated actors>``,
where the score runs from 1 (unhappy face) to 5 (happy face)::

    journey
        title Mua hàng trên sàn thương mại điện tử
        section Khám phá
          Livestream bán hàng trên TikTok Shop: 5: Nữ nhân viên văn phòng 22–30 tuổi

How a journey becomes that diagram (wording ready for the README):

- Each stage with frontstage touchpoints becomes a ``section``, in stage order; its touchpoints
  become tasks in the order of the journey file. Backstage touchpoints are work the customer does
  not see, so they are left out, unless ``backstage=True`` puts them, in file order, in a last
  section named "Hậu trường (dưới Đường ranh giới hữu hình)" (:data:`journeymap.terms.VISIBILITY_TERM`,
  the line of visibility, as on every other picture).
- The score (1–5) comes from the touchpoint's emotion (−2…+2): score = emotion + 3, so −2 → 1,
  −1 → 2, 0 → 3, +1 → 4, +2 → 5; an emotion between the steps is rounded half up (−0.5 → 3,
  +0.5 → 4). A touchpoint without an emotion takes its CES (1 very hard … 7 very easy) scaled
  to 1–5: score = 1 + (CES − 1) × 4/6, rounded half up (CES 1 → 1, 2 → 2, 3 → 2, 4 → 3, 5 → 4,
  6 → 4, 7 → 5). One with neither scores 3, neutral. ``score="ces"`` looks at the CES first
  and the emotion second.
- The actor is the persona up to its first comma ("Khách hàng" when the journey has no persona),
  or the names given as ``actors=``; every task gets the same actors. A journey with several
  ``personas`` has each persona (its name up to the first comma) as an actor, and a task lists only
  the personas its touchpoint's ``personas`` names (all of them when it names none), so Mermaid
  shows who meets which step.
- ``persona=`` (a name among the journey's ``personas``; ``cx render --persona``) draws the journey
  as that persona lives it, as the canvas does: each touchpoint's ``by_persona`` emotion and CES for
  that persona replace its own before scoring (a value the persona does not give keeps the
  touchpoint's), the touchpoints whose ``personas`` list leaves the persona out are left out (a
  Mermaid task cannot be greyed), the persona is the one actor, and the title ends with
  "— góc nhìn của <persona>". Without it, the touchpoints' own values are scored.
- A moment of truth (``moment_of_truth: true``) starts its task name with "◆ ". Mermaid's journey
  diagram has no classes or styles for a task, so the marker is in the name.
- Text is written in UTF-8, Unicode NFC, so Vietnamese diacritics stay as they are. Characters
  that Mermaid would read as syntax are written as Mermaid entity codes, ``#`` + decimal code
  point + ``;`` (``#58;`` for ":"), which Mermaid turns back into the character when it draws
  the diagram. Line breaks and other control characters become a space.

What the escaping rests on, in Mermaid 11:

- The docs' "Entity codes to escape characters" (flowchart syntax page): ``#35;`` and the like
  are numeric entity codes. Before parsing, Mermaid's ``encodeEntities`` swaps every ``#\\w+;``
  for the placeholders ``ﬂ°°…¶ß`` (or ``ﬂ°…¶ß``), and after drawing ``decodeEntities`` turns those
  into ``&#…;``, which the browser shows as the character.
- The journey grammar ``packages/mermaid/src/diagrams/user-journey/parser/journey.jison``: a
  ``#`` starts a comment, ``;`` ends a statement, ``:`` separates name, score and actors,
  ``title``/``section`` lines stop at ``#``, ``;`` and newlines, ``%%`` starts a comment, and the
  keywords ``journey``, ``title ``, ``section ``, ``accTitle``, ``accDescr`` are matched
  case-insensitively before a task name. ``journeyDb.addTask`` splits the actors on ``,``.
- What a real render showed (Mermaid 11.17 in Chromium): ``&``, ``<`` and ``>`` in the title are
  sanitised as HTML ("A & B" shows as "A &amp; B"), while sections, tasks and actors show them
  as written.

So every text escapes ``:``, ``;``, ``#``, each ``%`` of a ``%%`` run, ``¶`` and ``ﬂ`` (the
placeholder characters) and whitespace at its start or end; actors also escape ``,``; the title
also escapes ``&``, ``<`` and ``>``; a task name that begins with a keyword has its first letter
escaped. Decoding ``#(\\d+);`` gives back the original text (NFC, control characters as spaces).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from nlp.output import write_text

from ..errors import DataError
from ..terms import VISIBILITY_TERM

if TYPE_CHECKING:
    from .._schema import TouchpointSpec
    from ..journey import Journey

__all__ = ["BackstageOnlyError", "MermaidScore", "journey_to_mermaid", "touchpoint_score", "write_mermaid"]

MermaidScore = Literal["emotion", "ces"]
DEFAULT_ACTOR = "Khách hàng"
BACKSTAGE_SECTION = f"Hậu trường (dưới {VISIBILITY_TERM})"
NEUTRAL_SCORE = 3

_CONTROL = re.compile(r"\r\n|[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ALWAYS = frozenset(":;#¶ﬂ")
_KEYWORD_START = re.compile(r"(?i)journey|title\s|section\s|acctitle|accdescr")


class BackstageOnlyError(DataError):
    """Every touchpoint of the journey is backstage, and backstage touchpoints were not asked for.

    The message tells a Python caller to pass ``backstage=True``; the command line, which calls
    the same function, names its own option with :meth:`advice`.
    """

    def __init__(self, title: str, hidden: int) -> None:
        self.title, self.hidden = title, hidden
        super().__init__(self.advice("pass backstage=True"))

    def advice(self, how: str) -> str:
        """The message, with ``how`` saying how to draw the backstage touchpoints."""
        return f"journey {self.title!r} has no frontstage touchpoint to draw; {how} to draw its {self.hidden} backstage touchpoints"


def journey_to_mermaid(
    journey: Journey,
    *,
    score: MermaidScore = "emotion",
    actors: str | Sequence[str] | None = None,
    backstage: bool = False,
    persona: str | None = None,
) -> str:
    """The journey as Mermaid ``journey`` diagram text.

    Parameters
    ----------
    journey
        The journey to export.
    score
        ``"emotion"`` (default) scores each task from the touchpoint's emotion, falling back to
        its CES; ``"ces"`` uses the CES first and the emotion second. Neither gives 3.
    actors
        Actor names for every task; default: the persona up to its first comma, or
        "Khách hàng" when there is no persona; the journey's personas, each task listing those who
        meet it, when it declares ``personas``.
    backstage
        Add the backstage touchpoints in a last section named "Hậu trường (dưới Đường ranh giới hữu hình)".
    persona
        Draw the journey as this persona (a name of the journey's ``personas``, case aside) lives it:
        their ``by_persona`` emotion and CES score the tasks, the touchpoints they do not meet are
        left out, and they are the actor (unless ``actors`` names others).

    Returns
    -------
    str
        The diagram text, ending in a newline.

    Raises
    ------
    ValueError
        For a bad ``score`` or ``actors``, or a touchpoint whose stage is not one of the journey's
        stages.
    BackstageOnlyError
        A :class:`~journeymap.errors.DataError` (so a ``ValueError``): a journey with nothing to
        show (no frontstage touchpoint and ``backstage=False``).
    DataError
        ``persona`` is not one of the journey's personas (the message lists them).
    TypeError
        ``persona`` is not text.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Khám bệnh", stages=["Đặt lịch", "Khám"], persona="Chị Lan, 40 tuổi")
    >>> j.add_touchpoint("zalo", name="Đặt lịch qua Zalo: 8:00", stage="Đặt lịch", emotion=1)
    >>> j.add_touchpoint("cho", name="Chờ khám #2; quá lâu", stage="Khám", ces=2)
    >>> print(journey_to_mermaid(j), end="")
    journey
        title Khám bệnh
        section Đặt lịch
          Đặt lịch qua Zalo#58; 8#58;00: 4: Chị Lan
        section Khám
          Chờ khám #35;2#59; quá lâu: 2: Chị Lan
    """
    _check_score(score)
    chosen = None
    if persona is not None:
        chosen = journey.persona_named(persona)  # the canvas's rule: exact name, else the only one up to case
    names = _actor_names(journey, actors) if chosen is None or actors is not None else [_short_name(chosen.name)]
    per_persona = actors is None and chosen is None and bool(journey.graph.graph.get("personas"))

    def actor_text(tp: TouchpointSpec) -> str:
        meets = [n for n, p in zip(names, journey.personas) if p.name in tp.personas] if per_persona else []
        return ", ".join(_escape(a, extra=",") for a in (meets or names))

    by_stage: dict[str, list[TouchpointSpec]] = {stage: [] for stage in journey.stages}
    hidden: list[TouchpointSpec] = []
    unknown: list[str] = []
    for tp in journey.touchpoints:
        if chosen is not None:
            if tp.personas and chosen.name not in tp.personas:
                continue  # a step this persona never takes
            variant = tp.by_persona.get(chosen.name)
            if variant is not None:
                lived = {k: getattr(variant, k) for k in ("emotion", "ces") if getattr(variant, k) is not None}
                tp = tp.model_copy(update=lived)
        if tp.lane == "backstage":
            hidden.append(tp)
        elif tp.stage in by_stage:
            by_stage[tp.stage].append(tp)
        else:
            unknown.append(f"{tp.id!r} (stage {tp.stage!r})")
    if unknown:
        raise ValueError(
            f"touchpoints whose stage is not one of the journey's stages ({', '.join(journey.stages)}): "
            + ", ".join(unknown)
        )
    sections = [(stage, tps) for stage, tps in by_stage.items() if tps]
    if backstage and hidden:
        sections.append((BACKSTAGE_SECTION, hidden))
    if not sections:
        raise BackstageOnlyError(journey.title, len(hidden))

    title = journey.title if chosen is None else f"{journey.title} — góc nhìn của {chosen.name}"
    lines = ["journey", f"    title {_escape(title, extra='&<>')}"]
    for stage, tps in sections:
        lines.append(f"    section {_escape(stage)}")
        lines.extend(
            f"      {_task_name(('◆ ' if tp.moment_of_truth else '') + tp.name)}: {touchpoint_score(tp, score=score)}:"
            f" {actor_text(tp)}"
            for tp in tps
        )
    return "\n".join(lines) + "\n"


def write_mermaid(
    journey: Journey,
    path: str | Path,
    *,
    score: MermaidScore = "emotion",
    actors: str | Sequence[str] | None = None,
    backstage: bool = False,
    persona: str | None = None,
) -> Path:
    """Write :func:`journey_to_mermaid` to ``path`` (UTF-8, ``\\n`` line ends); return the path.

    Examples
    --------
    >>> import tempfile
    >>> from journeymap import Journey
    >>> j = Journey("Đổi trả", stages=["Gửi yêu cầu"])
    >>> j.add_touchpoint("form", name="Điền phiếu trả hàng", stage="Gửi yêu cầu", emotion=-2)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_mermaid(j, Path(tmp) / "doi_tra.mmd", actors=["Khách", "Shop"])
    ...     print(out.read_text(encoding="utf-8").splitlines()[-1].strip())
    Điền phiếu trả hàng: 1: Khách, Shop
    """
    text = journey_to_mermaid(journey, score=score, actors=actors, backstage=backstage, persona=persona)
    return write_text(path, text, newline="\n")


def touchpoint_score(touchpoint: TouchpointSpec, *, score: MermaidScore = "emotion") -> int:
    """The 1–5 Mermaid score of one touchpoint (see the module docstring for the mapping).

    Examples
    --------
    >>> from journeymap import TouchpointSpec
    >>> tp = TouchpointSpec(id="ivr", name="Tổng đài IVR", stage="Liên hệ", emotion=-0.5, ces=6)
    >>> touchpoint_score(tp), touchpoint_score(tp, score="ces")
    (3, 4)
    """
    _check_score(score)
    from_emotion = None if touchpoint.emotion is None else _round_half_up(touchpoint.emotion + 3)
    from_ces = None if touchpoint.ces is None else _round_half_up(1 + (touchpoint.ces - 1) * 4 / 6)
    order = (from_emotion, from_ces) if score == "emotion" else (from_ces, from_emotion)
    return next((s for s in order if s is not None), NEUTRAL_SCORE)


def _check_score(score: str) -> None:
    if score not in ("emotion", "ces"):
        raise ValueError(f"score must be 'emotion' or 'ces'; got {score!r}")


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _short_name(name: str) -> str:
    """A persona's name up to its first comma: "Chị Lan, 40 tuổi" acts as "Chị Lan"."""
    return _CONTROL.sub(" ", name).split(",")[0].strip() or name


def _actor_names(journey: Journey, actors: str | Sequence[str] | None) -> list[str]:
    if actors is None:
        if journey.graph.graph.get("personas"):
            return [_short_name(p.name) for p in journey.personas]
        persona = _CONTROL.sub(" ", journey.persona or "").split(",")[0].strip()
        return [persona or DEFAULT_ACTOR]
    names = [actors] if isinstance(actors, str) else list(actors)
    if not names or any(not isinstance(a, str) or not a.strip() for a in names):
        raise ValueError(f"actors must be a name or a non-empty list of names that are not blank; got {actors!r}")
    return names


def _task_name(name: str) -> str:
    text = _escape(name)
    # The lexer tries these keywords before a task name, so "Title …" would become the title line.
    if _KEYWORD_START.match(text):
        text = f"#{ord(text[0])};{text[1:]}"
    return text


def _escape(text: str, *, extra: str = "") -> str:
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    special = _ALWAYS | set(extra)
    core = text.strip()
    start = len(text) - len(text.lstrip())
    out = [f"#{ord(c)};" for c in text[:start]]
    for i, c in enumerate(core):
        percent_run = c == "%" and "%" in core[max(i - 1, 0) : i] + core[i + 1 : i + 2]
        out.append(f"#{ord(c)};" if c in special or percent_run else c)
    out.extend(f"#{ord(c)};" for c in text[start + len(core) :])
    return "".join(out)
