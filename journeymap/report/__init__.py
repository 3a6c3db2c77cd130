"""The workshop report: one self-contained HTML file (see :mod:`journeymap.report.build`), its
template in ``templates/``."""

from .build import REPORT_SUFFIXES, SECTIONS, build_report, report_sections, write_report

__all__ = ["REPORT_SUFFIXES", "SECTIONS", "build_report", "report_sections", "write_report"]
