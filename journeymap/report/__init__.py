"""The workshop report: one self-contained HTML file.

:mod:`~journeymap.report.build` assembles the page (:func:`build_report`, :func:`write_report`) from
:mod:`~journeymap.report.inputs` (each table read once), :mod:`~journeymap.report.sections`
(conversion, metrics, feedback, pain, designed versus lived) and :mod:`~journeymap.report.charts`
(inline SVG charts and diagrams), through the template in ``templates/``.
"""

from .build import REPORT_SUFFIXES, SECTIONS, build_report, report_findings, report_sections, write_report

__all__ = ["REPORT_SUFFIXES", "SECTIONS", "build_report", "report_findings", "report_sections", "write_report"]
