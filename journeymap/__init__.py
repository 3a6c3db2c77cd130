"""journeymap — customer journeys as graphs: files, validation, analysis and rendering.

Names are imported lazily so ``import journeymap`` (and the ``cx`` command's help) stays fast: the
front door is ``__init__.pyi``, read by type checkers and, at run time, by ``lazy_loader``.

Examples
--------
>>> import journeymap as jm
>>> j = jm.Journey("Đặt bàn nhà hàng", stages=["Tìm quán", "Đặt bàn"])
>>> j.add_touchpoint("zalo", name="Nhắn Zalo đặt bàn", stage="Đặt bàn", experience=["act"])
>>> j.touchpoint("zalo").experience
[<ExperienceType.ACT: 'act'>]
"""

import lazy_loader

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
