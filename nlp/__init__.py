"""nlp — Vietnamese customer feedback: the labelled corpus, normalisation and classifiers.

Names are imported lazily so ``import nlp`` and ``cx --help`` stay fast: the front door is
``__init__.pyi``, read by type checkers and, at run time, by ``lazy_loader``; submodules
(``nlp.corpus``, …) are reachable after a bare ``import nlp`` too.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
