"""Official documents: the ranking decision (DOCX/PDF, Nghị định 30/2020 layout), annexes, scorecards, report.

Each module builds one document from a ``Ranking`` (``xephang.pipeline.load_period`` or ``rank(score(...))``) and
imports its heavy dependencies itself, so importing this package stays cheap:

* ``decision``: ``build_decision(ranking, meta) -> docx.Document``, ``write_decision(ranking, meta, out, pdf)``;
* ``meta``: ``build_meta(period_meta, override)`` and ``read_meta_file(path)``: the year's fields;
* ``annex``: ``build_annex(ranking) -> openpyxl.Workbook``, ``write_annex(ranking, out)``;
* ``scorecard``: ``build_scorecard(ranking, ranked_unit)``, ``write_scorecard``, ``write_all_scorecards``;
* ``report``: ``build_report(ranking, meta, analyses)``, ``write_report`` (charts from ``charts``; ``Analyses``:
  robustness, year over year, per-component ranks from ``xephang.analysis``);
* ``pdf``: ``to_pdf(docx)`` through LibreOffice with a profile of its own, ``to_png`` previews;
* ``layout``: the decree's page, fonts, rules and tables for python-docx;
* ``sample``: seeded plausible inputs for previews and benchmarks.

See docs/documents.md.
"""
