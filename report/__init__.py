"""report: one self-contained HTML file about an annex version (`extract report`).

Data comes from load/report_data.py and load/diff.py; this package shapes it
(report/build.py), draws the charts (report/charts.py) and renders the Jinja2
templates in report/templates/.
"""

from report.build import build_report, write_report

__all__ = ["build_report", "write_report"]
