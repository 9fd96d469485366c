"""Per-family clinician report: one self-contained HTML file from a candidates.json payload."""

from rarevar.report.html import render_report, write_report
from rarevar.report.pedigree_svg import draw_pedigree

__all__ = ["draw_pedigree", "render_report", "write_report"]
