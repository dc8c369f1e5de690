"""`report.html`: one self-contained page an auditor reads, with charts drawn by Plotly.

The page needs no network to open: plotly.js is inlined once (from the `plotly` package, so its version
is the one the figures were built for) and a Content-Security-Policy meta tag forbids every fetch, so
nothing in it can call home. It shows the totals; four charts (files per error code, verdicts by issuer,
by version, expiry dates by month); small thumbnails of the PNG badges, one per issuer and badge name
(`gallery`: Pillow re-encoded, data: URIs, bounded; SVG never rendered); the failures grouped by error code
with the files under each; and a searchable table of every file.

Badge text is attacker-chosen. Nothing from a badge is ever parsed as HTML: the failures list is
HTML-escaped, the table data and the figures sit in `<script type="application/json">` blocks with `<`,
`>` and `&` escaped (so no `</script>` can end them early), and the table is filled with `textContent`.

Memory stays bounded whatever the number of files: counts are kept per code, issuer, version and month
(each capped at `MAX_KEYS` distinct values, the rest counted as "(other)"), at most `FILES_PER_REASON`
files are listed under each reason, and the table rows go to a temporary file until the page is written.
The table holds at most `table_limit` rows (results.csv has every file).
"""

from __future__ import annotations

import html
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from obverify._orchestration.audit.records import Result, as_record, codes_of, facts

if TYPE_CHECKING:
    from obverify._orchestration.audit.gallery import Gallery

MAX_KEYS = 5000
FILES_PER_REASON = 100
TABLE_LIMIT = 100_000
TOP_ISSUERS = 20
OTHER = "(other)"
VERDICTS = ("valid", "invalid", "not_awarded")
_COLOURS = {"valid": "#2a9d4b", "invalid": "#c8382d", "not_awarded": "#8a8f98", "in force": "#3b6fd4",
            "expired": "#e08a1e"}
_MONTH = re.compile(r"^(\d{4})-(\d{2})")
CHARTS = ("by-code", "by-issuer", "by-version", "expiries")


class Totals(NamedTuple):
    """The page's headline figures."""

    files: int
    valid: int
    invalid: int
    not_awarded: int
    revoked: int
    expired: int


def _safe_json(value: Any) -> str:
    """JSON that can sit inside a <script> element: no `<`, `>` or `&` left to end or open anything."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=True, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Tally:
    """Counts with a cap on the number of distinct keys (attacker-chosen issuer names cannot grow it)."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {}

    def add(self, key: str, verdict: str) -> None:
        if key not in self.counts and len(self.counts) >= MAX_KEYS:
            key = OTHER
        self.counts.setdefault(key, Counter())[verdict] += 1


class _Aggregate:
    def __init__(self) -> None:
        self.verdicts: Counter[str] = Counter()
        self.revoked = 0
        self.expired = 0
        self.codes: Counter[str] = Counter()
        self.issuers = _Tally()
        self.versions = _Tally()
        self.months = _Tally()
        self.failures: dict[str, list[tuple[str, str]]] = {}

    def add(self, path: str, verdict: str, report: Mapping[str, Any], issuer: str, expires: str | None) -> None:
        self.verdicts[verdict] += 1
        self.revoked += report.get("revoked") is True
        self.expired += report.get("expired") is True
        self.issuers.add(issuer, verdict)
        version = report.get("version")
        self.versions.add(version if isinstance(version, str) else "unknown", verdict)
        month = _MONTH.match(expires or "")
        if month:
            self.months.add(f"{month[1]}-{month[2]}", "expired" if report.get("expired") is True else "in force")
        errors = report.get("errors")
        first_message: dict[str, str] = {}
        for f in errors if isinstance(errors, list) else []:
            if isinstance(f, Mapping) and isinstance(f.get("code"), str):
                first_message.setdefault(f["code"], str(f.get("message", ""))[:300])
        for code in codes_of(report):
            self.codes[code] += 1
            listed = self.failures.setdefault(code, [])
            if len(listed) < FILES_PER_REASON:
                listed.append((path, first_message.get(code, "")))
        if verdict == "not_awarded":
            self.codes["(not an awarded badge)"] += 1
            listed = self.failures.setdefault("(not an awarded badge)", [])
            if len(listed) < FILES_PER_REASON:
                listed.append((path, "a valid object that is not an awarded badge"))

    def totals(self) -> Totals:
        v = self.verdicts
        return Totals(sum(v.values()), v["valid"], v["invalid"], v["not_awarded"], self.revoked, self.expired)


def _figures(agg: _Aggregate) -> dict[str, str]:
    """The four Plotly figures as JSON (built and validated by plotly.graph_objects)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    layout: dict[str, Any] = {"template": "plotly_white", "margin": {"l": 60, "r": 20, "t": 50, "b": 120},
                              "height": 420}
    codes = agg.codes.most_common()
    by_code = go.Figure(go.Bar(x=[c for c, _ in codes], y=[n for _, n in codes], marker_color="#c8382d",
                               name="files"), layout={**layout, "title": {"text": "Files per error code"}})

    def stacked(tally: _Tally, keys: list[str], title: str, series: tuple[str, ...]) -> Any:
        fig = go.Figure(layout={**layout, "title": {"text": title}, "barmode": "stack",
                                "xaxis": {"type": "category"}})
        for s in series:
            fig.add_trace(go.Bar(x=keys, y=[tally.counts[k][s] for k in keys], name=s.replace("_", " "),
                                 marker_color=_COLOURS.get(s)))
        return fig

    issuers = sorted(agg.issuers.counts, key=lambda k: -sum(agg.issuers.counts[k].values()))[:TOP_ISSUERS]
    versions = sorted(agg.versions.counts)
    months = sorted(agg.months.counts)
    figs = {
        "by-code": by_code,
        "by-issuer": stacked(agg.issuers, issuers, f"Verdicts by issuer (top {TOP_ISSUERS})", VERDICTS),
        "by-version": stacked(agg.versions, versions, "Verdicts by Open Badges version", VERDICTS),
        "expiries": stacked(agg.months, months, "Expiry dates by month", ("in force", "expired")),
    }
    return {name: pio.to_json(fig, validate=True) for name, fig in figs.items()}


def write_html(
    results: Iterable[Result],
    fh: IO[str],
    *,
    title: str = "obverify audit",
    about: Mapping[str, Any] | None = None,
    table_limit: int = TABLE_LIMIT,
    thumbnails: bool = True,
) -> Totals:
    """Write the page for `results` (any iterable of `(path, Report)` or records); returns the totals.

    `about` is shown as the run's parameters (instant, engine, options), each value as text. With
    `thumbnails`, PNG badges still at their paths (and, for journal records, with the same sha256) get a
    small thumbnail each, one per issuer and badge name (`gallery`).
    """
    from obverify._orchestration.audit.gallery import Gallery

    agg = _Aggregate()
    gallery = Gallery() if thumbnails else None
    rows = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for item in results:
            rec = as_record(item)
            f = facts(rec.report)
            issuer = f.issuer_name or f.issuer_id or "(no issuer)"
            agg.add(rec.path, rec.verdict, rec.report, issuer, f.expires)
            if gallery is not None:
                gallery.add(rec.path, rec.sha256, rec.report.get("kind"), issuer, f.name, rec.verdict)
            if rows < table_limit:
                row = [rec.path, rec.verdict, rec.object_type, rec.report.get("version"), issuer, f.name,
                       f.recipient, f.issued, f.expires, " ".join(codes_of(rec.report)), rec.sha256]
                spool.write(("," if rows else "") + _safe_json(row) + "\n")
                rows += 1
        totals = agg.totals()
        _write_page(fh, agg, totals, spool, rows, title=title, about=about or {}, table_limit=table_limit,
                    gallery=gallery)
    return totals


_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:")

_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
h1{margin:0 0 .5rem}.about{color:#555;font-size:.9rem}
.totals{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.total{border:1px solid #ddd;border-radius:8px;padding:.6rem 1rem;min-width:7rem}
.total .n{font-size:1.8rem;font-weight:600}.total .k{color:#555;font-size:.85rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:1rem}
.chart{border:1px solid #eee;border-radius:8px;min-height:420px}
details{margin:.3rem 0}summary{cursor:pointer}.msg{color:#666}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border-bottom:1px solid #eee;padding:.25rem .4rem;
text-align:left;vertical-align:top}td.path{word-break:break-all;min-width:22rem}
td.sha{font-family:monospace;font-size:.75rem;max-width:9rem;overflow:hidden;text-overflow:ellipsis}
input#search{width:40rem;max-width:100%;padding:.4rem;margin:.5rem 0}
.gallery{display:flex;flex-wrap:wrap;gap:.8rem}.gallery figure{margin:0;width:10rem;font-size:.8rem}
.gallery img{display:block;max-width:96px;max-height:96px;margin-bottom:.3rem}
"""

_SCRIPT = """
(function(){
  var opts={displayModeBar:false,responsive:true};
  document.querySelectorAll('div.chart').forEach(function(div){
    var fig=JSON.parse(document.getElementById('fig-'+div.dataset.chart).textContent);
    Plotly.newPlot(div,fig.data,fig.layout,opts).then(function(){div.dataset.rendered='yes';});
  });
  var rows=JSON.parse(document.getElementById('rows').textContent);
  var body=document.getElementById('table-body'), shown=document.getElementById('shown');
  var SHOW=500;
  function render(q){
    q=q.toLowerCase(); body.textContent=''; var n=0, hits=0;
    for(var i=0;i<rows.length;i++){
      var r=rows[i];
      if(q && r.join('\\u0001').toLowerCase().indexOf(q)<0) continue;
      hits++; if(n>=SHOW) continue; n++;
      var tr=document.createElement('tr');
      for(var j=0;j<r.length;j++){var td=document.createElement('td');td.textContent=r[j]==null?'':String(r[j]);
        if(j==0)td.className='path';if(j==r.length-1)td.className='sha';tr.appendChild(td);}
      body.appendChild(tr);
    }
    shown.textContent=hits+' matching file(s)'+(hits>SHOW?', first '+SHOW+' shown':'');
  }
  document.getElementById('search').addEventListener('input',function(e){render(e.target.value);});
  render('');
})();
"""

_HEADERS = ("path", "verdict", "object", "version", "issuer", "name", "recipient", "issued", "expires", "errors",
            "sha256")


def _write_page(
    fh: IO[str], agg: _Aggregate, totals: Totals, spool: IO[str], rows: int, *, title: str,
    about: Mapping[str, Any], table_limit: int, gallery: Gallery | None = None,
) -> None:
    import plotly.offline

    from obverify._orchestration.audit.gallery import write_gallery

    esc = html.escape
    fh.write(f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">"
             f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>\n<h1>{esc(title)}</h1>\n")
    if about:
        fh.write("<p class=\"about\">" + " · ".join(f"{esc(str(k))}: {esc(str(v))}" for k, v in about.items())
                 + "</p>\n")
    fh.write("<section class=\"totals\" id=\"totals\">")
    labels = {"files": "files", "valid": "valid badges", "invalid": "failed", "not_awarded": "not awarded badges",
              "revoked": "revoked", "expired": "expired"}
    for key, label in labels.items():
        fh.write(f"<div class=\"total\" id=\"total-{key.replace('_', '-')}\"><div class=\"n\">"
                 f"{getattr(totals, key):,}</div><div class=\"k\">{label}</div></div>")
    fh.write("</section>\n<h2>Charts</h2><section class=\"charts\">")
    figures = _figures(agg)
    for name in CHARTS:
        fh.write(f"<div class=\"chart\" id=\"chart-{name}\" data-chart=\"{name}\"></div>")
    fh.write("</section>\n")
    for name in CHARTS:
        fh.write(f"<script type=\"application/json\" id=\"fig-{name}\">{_safe_json(figures[name])}</script>\n")
    if gallery is not None:
        write_gallery(fh, gallery.entries())
    fh.write("<h2>Failures by reason</h2><section id=\"failures\">")
    if not agg.failures:
        fh.write("<p>No failures.</p>")
    for code, listed in sorted(agg.failures.items(), key=lambda kv: -agg.codes[kv[0]]):
        count = agg.codes[code]
        more = f" (first {len(listed)} listed; the table and results.csv have all)" if count > len(listed) else ""
        fh.write(f"<details data-code=\"{esc(code)}\"><summary><b>{esc(code)}</b>: {count:,} file(s){more}"
                 "</summary><ul>")
        for path, message in listed:
            fh.write(f"<li>{esc(path)} <span class=\"msg\">{esc(message)}</span></li>")
        fh.write("</ul></details>")
    fh.write("</section>\n<h2>All files</h2>")
    if totals.files > rows:
        fh.write(f"<p>The table holds the first {table_limit:,} files; results.csv has all {totals.files:,}.</p>")
    fh.write("<input id=\"search\" type=\"search\" placeholder=\"search path, issuer, code, verdict…\">"
             "<div id=\"shown\"></div><table id=\"files\"><thead><tr>"
             + "".join(f"<th>{h}</th>" for h in _HEADERS)
             + "</tr></thead><tbody id=\"table-body\"></tbody></table>\n")
    fh.write("<script type=\"application/json\" id=\"rows\">[")
    spool.seek(0)
    for line in spool:
        fh.write(line)
    fh.write("]</script>\n<script>")
    fh.write(plotly.offline.get_plotlyjs())
    fh.write("</script>\n<script>" + _SCRIPT + "</script>\n</body></html>\n")
