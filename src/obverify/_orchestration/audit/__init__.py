"""The audit engine behind `obverify.audit` and `obverify audit`: many files, every core busy.

    discover (lazy walk) ─▶ engines (local processes | Dask) ─▶ job (read, sha256, verify, per file)
                                                          ─▶ records (journal) ─▶ csv_report, html_report
    command (the CLI subcommand)  progress (rich bar)  manifest (per-file recipients)

It sits on the public API: each file is judged by `obverify.verify`, unchanged.
"""
