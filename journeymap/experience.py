"""Schmitt's five strategic experience modules, with Vietnamese and English labels."""

from __future__ import annotations

from enum import Enum

__all__ = ["ExperienceType"]


class ExperienceType(str, Enum):
    """The five experience types of Schmitt's *Experiential Marketing*.

    Members compare equal to their string value, so ``"sense" == ExperienceType.SENSE``
    and journey files simply list the values.

    Examples
    --------
    >>> ExperienceType("feel").label_vi
    'Cảm xúc'
    >>> [t.value for t in ExperienceType]
    ['sense', 'feel', 'think', 'act', 'relate']
    """

    SENSE = "sense"
    FEEL = "feel"
    THINK = "think"
    ACT = "act"
    RELATE = "relate"

    @property
    def label_vi(self) -> str:
        """Vietnamese display name."""
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English display name."""
        return _LABELS[self][1]

    @property
    def description(self) -> str:
        """What the type covers, in English."""
        return _LABELS[self][2]

    def __str__(self) -> str:
        return self.value


_LABELS: dict[ExperienceType, tuple[str, str, str]] = {
    ExperienceType.SENSE: ("Giác quan", "Sense", "what customers see, hear, touch, taste and smell"),
    ExperienceType.FEEL: ("Cảm xúc", "Feel", "emotions and moods"),
    ExperienceType.THINK: ("Tư duy", "Think", "creative or problem-solving thought"),
    ExperienceType.ACT: ("Hành động", "Act", "behaviour, physical actions and lifestyle"),
    ExperienceType.RELATE: ("Liên kết", "Relate", "social identity and belonging"),
}
