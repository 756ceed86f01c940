"""One self-contained HTML report of a run's district comparisons.

Inline CSS and inline SVG bar charts (no script, no network): the file
opens offline and can be mailed.  Every figure is a link to an evidence
section in the same file listing the reports behind it (title, district,
date) and, for counts and departments, the sentence with the span marked
(``<mark>`` from ``start``/``end`` on the clean text); for categories, the
report's score and the sentences that carry the label (the
``category_evidence`` table; a dataset written before that table existed
shows the score alone); each report links to
its article view, where all its counts, departments and activities are
marked.  Two clicks from a number to the words it came from.

Sections: overview · district × indicator matrix · rankings per indicator
(bar chart + table) · district × category · district × department function
· indicators per quarter · evidence · articles.

Cells carry ``data-table``/``data-place``/``data-column`` and their links
``data-figure`` (``value``, ``reports``) so that tests and scrapers can read
the figures back.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pandas as pd

from pipeline.collect import compare

SENTENCE_END_RE = re.compile(r"[。！？!?\n]")
BAR_LIMIT = 15  # districts per chart; the table below it lists them all
CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}
th{background:#f3f3f3;position:sticky;top:0}td.num{text-align:right;white-space:nowrap}
a{color:#1a55a5;text-decoration:none}a:hover{text-decoration:underline}a.n{color:#777;font-size:11px}
mark{background:#ffe066}mark.department{background:#b8e0ff}mark.activity{background:#c8f0c0}mark.category{background:#f6d0e8}
section.evidence,section.article{border-top:1px solid #ddd;padding:.5em 0}
section.evidence:target,section.article:target{background:#fffbe6}
.sentence{margin:.2em 0 .6em 1.5em}.meta{color:#666;font-size:12px}.text{white-space:pre-wrap;line-height:1.7}
svg text{font-size:11px}
"""


# ---------------------------------------------------------------- small pieces


def anchor_id(kind: str, *key: object) -> str:
    """A stable anchor for one figure's evidence (the key may hold any text).

    >>> anchor_id("ind", "安徽省·淮北市·杜集区", "deputies", "人") == anchor_id("ind", "安徽省·淮北市·杜集区", "deputies", "人")
    True
    """
    digest = hashlib.sha1("\x1f".join(str(k) for k in key).encode()).hexdigest()[:12]
    return f"ev-{kind}-{digest}"


def text_or(value: object, default: str = "") -> str:
    """Null cells (None or NaN from pandas) as ``default``."""
    return default if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def article_anchor(doc_id: str) -> str:
    return f"art-{doc_id}"


def format_number(value: float) -> str:
    """Integers without decimals, others with one (rates are means).

    >>> format_number(1234.0), format_number(93.33)
    ('1234', '93.3')
    """
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding ``[start, end)``: from after the previous 。！？ or
    line break to the next one (included; a span that is itself a whole
    sentence, its 。 included, stays that sentence).

    >>> text = "第一句。第二句。第三句。"
    >>> sentence_bounds(text, 4, 8), sentence_bounds(text, 5, 6)
    ((4, 8), (4, 8))
    """
    before = text.rfind("\n", 0, start)
    for match in SENTENCE_END_RE.finditer(text, max(0, start - 300), start):
        before = match.start()
    match = SENTENCE_END_RE.search(text, max(start, end - 1))
    return before + 1, (match.end() if match else len(text))


def mark_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Escaped ``text`` with each ``(start, end, css_class)`` in ``<mark>``;
    a span overlapping an earlier one is left unmarked."""
    out, position = [], 0
    for start, end, css in sorted(spans):
        if start < position or end > len(text) or start >= end:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f'<mark class="{css}">{html.escape(text[start:end])}</mark>')
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def marked_sentence(text: str, start: object, end: object, css: str = "count") -> str:
    if not isinstance(text, str) or pd.isna(start) or pd.isna(end):
        return ""
    start, end = int(start), int(end)
    left, right = sentence_bounds(text, start, end)
    return mark_spans(text[left:right], [(start - left, end - left, css)])


def figure_cell(table: str, place: str, column: str, value: str, reports: int, anchor: str) -> str:
    return (
        f'<td class="num" data-table="{html.escape(table)}" data-place="{html.escape(place)}" '
        f'data-column="{html.escape(column)}"><a href="#{anchor}" data-figure="value">{value}</a> '
        f'<a class="n" href="#{anchor}" data-figure="reports">{reports}篇</a></td>'
    )


def bar_chart(labels: list[str], values: list[float], anchors: list[str]) -> str:
    """Horizontal bars, each a link to its evidence."""
    if not values:
        return ""
    width, label_width, bar_height = 640, 260, 18
    top = max(values) or 1.0
    rows = []
    for i, (label, value, anchor) in enumerate(zip(labels, values, anchors, strict=True)):
        y = i * (bar_height + 4)
        length = (width - label_width - 60) * value / top
        rows.append(
            f'<a href="#{anchor}"><text x="{label_width - 4}" y="{y + 13}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#4a7fc1"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + 13}">{format_number(value)}</text></a>'
        )
    height = len(values) * (bar_height + 4)
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{"".join(rows)}</svg>'


# ---------------------------------------------------------------- sections


def matrix_section(title: str, table: str, frame: pd.DataFrame, column_keys: list[str], kind: str, note: str) -> str:
    """Places as rows, ``column_keys`` values as columns; a cell per figure."""
    if frame.empty:
        return f"<h2>{title}</h2><p>No data.</p>"
    frame = frame.assign(column=frame[column_keys].astype(str).agg(" ".join, axis=1))
    columns = list(dict.fromkeys(frame["column"]))
    cells = {(r.place, r.column): r for r in frame.itertuples(index=False)}
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for place in sorted(frame["place"].unique()):
        tds = []
        for column in columns:
            row = cells.get((place, column))
            if row is None:
                tds.append("<td></td>")
                continue
            value = format_number(row.value) if kind == "ind" else str(row.reports)
            anchor = anchor_id(kind, place, *[getattr(row, k) for k in column_keys])
            tds.append(figure_cell(table, place, column, value, int(row.reports), anchor))
        body.append(f"<tr><th>{html.escape(place)}</th>{''.join(tds)}</tr>")
    return f"<h2>{title}</h2><p>{note}</p><table><tr><th>district</th>{head}</tr>{''.join(body)}</table>"


def ranking_sections(indicators: pd.DataFrame) -> str:
    parts = ["<h2 id='rankings'>Rankings per indicator</h2>"]
    for (indicator, unit), group in indicators.groupby(["indicator", "unit"], sort=False):
        ranked = group.sort_values(["value", "reports"], ascending=False)
        anchors = [anchor_id("ind", p, indicator, unit) for p in ranked["place"]]
        column = f"{indicator} {unit}"
        measure = ranked["measure"].iloc[0]
        parts.append(f"<h3>{html.escape(column)} ({measure})</h3>")
        parts.append(bar_chart(list(ranked["place"])[:BAR_LIMIT], list(ranked["value"])[:BAR_LIMIT], anchors[:BAR_LIMIT]))
        rows = "".join(
            f"<tr><td>{rank}</td><th>{html.escape(r.place)}</th>{figure_cell('ranking', r.place, column, format_number(r.value), int(r.reports), a)}</tr>"
            for rank, (r, a) in enumerate(zip(ranked.itertuples(index=False), anchors, strict=True), 1)
        )
        parts.append(f"<table><tr><th>#</th><th>district</th><th>{html.escape(column)}</th></tr>{rows}</table>")
    return "".join(parts)


def period_section(tables: dict[str, pd.DataFrame], period: str) -> str:
    frame = compare.district_indicators(tables, period=period)
    if frame.empty:
        return f"<h2>Indicators per {period}</h2><p>No dated reports.</p>"
    frame = frame.assign(column=frame[period] + " " + frame["indicator"] + " " + frame["unit"])
    rows = []
    for r in frame.sort_values([period, "place"]).itertuples(index=False):
        anchor = anchor_id(f"ind{period}", getattr(r, period), r.place, r.indicator, r.unit)
        cell = figure_cell(f"by_{period}", r.place, r.column, format_number(r.value), int(r.reports), anchor)
        rows.append(f"<tr><td>{getattr(r, period)}</td><th>{html.escape(r.place)}</th><td>{r.indicator}</td><td>{r.unit}</td>{cell}</tr>")
    head = f"<tr><th>{period}</th><th>district</th><th>indicator</th><th>unit</th><th>value</th></tr>"
    return f"<h2 id='by-{period}'>Indicators per {period}</h2><table>{head}{''.join(rows)}</table>"


def report_heading(doc_id: str, place: str, article: pd.Series) -> str:
    """An evidence item's first line: the report's title (a link to its
    article view), its district and date."""
    link = f'<a href="#{article_anchor(doc_id)}">{html.escape(text_or(article["title"], doc_id))}</a>'
    date = text_or(article["published"], "日期不明")
    return f'{link} <span class="meta">{html.escape(place)} · {html.escape(date)}</span>'


def evidence_item(row, articles: pd.DataFrame, *, spans: bool) -> str:
    article = articles.loc[row.id]
    heading = report_heading(row.id, row.place, article)
    if not spans:
        return f"<li>{heading} <span class='meta'>score {row.score:.2f}</span></li>"
    detail = f"<div class='sentence'>{marked_sentence(article['text'], row.start, row.end)}</div>"
    return f"<li>{heading}{detail}</li>"


def category_item(doc_rows: pd.DataFrame, articles: pd.DataFrame) -> str:
    """One report behind a category figure: its score, then each sentence
    that carries the label with the sentence marked (rows without a span,
    from a dataset written before evidence was kept, list the score alone)."""
    row = doc_rows.iloc[0]
    article = articles.loc[row["id"]]
    spans = doc_rows.dropna(subset=["start", "end"])
    sentences = "".join(
        f"<div class='sentence'>{marked_sentence(article['text'], start, end, 'category')}</div>"
        for start, end in zip(spans["start"], spans["end"], strict=True)
    )
    heading = report_heading(row["id"], row["place"], article)
    return f"<li>{heading} <span class='meta'>score {row['score']:.2f}</span>{sentences}</li>"


def category_evidence_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``compare.category_rows`` with each label's evidence sentences: one row
    per sentence, null ``start``/``end`` where a label has none (or the
    dataset has no ``category_evidence`` table)."""
    rows = compare.category_rows(tables)
    evidence = tables.get("category_evidence")
    if evidence is None or evidence.empty:
        return rows.assign(start=pd.NA, end=pd.NA)
    spans = evidence[["id", "label", "start", "end"]].sort_values(["id", "label", "start"], kind="stable")
    return rows.merge(spans, on=["id", "label"], how="left")


def category_sections(tables: dict[str, pd.DataFrame], articles: pd.DataFrame) -> str:
    """The evidence of each district × category cell, one item per report."""
    parts = []
    for (place, label), group in category_evidence_rows(tables).groupby(["place", "label"], sort=True, dropna=False):
        items = "".join(category_item(doc_rows, articles) for _, doc_rows in group.groupby("id", sort=False))
        title = html.escape(f"{place} · {label}")
        heading = f"<h4>{title}: {group['id'].nunique()}篇</h4>"
        anchor = anchor_id("cat", place, label)
        parts.append(f'<section class="evidence" id="{anchor}">{heading}<ol>{items}</ol></section>')
    return "".join(parts)


def evidence_sections(rows: pd.DataFrame, keys: list[str], kind: str, articles: pd.DataFrame, *, spans: bool = True) -> str:
    parts = []
    for key, group in rows.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        anchor = anchor_id(kind, *key)
        items = "".join(evidence_item(r, articles, spans=spans) for r in group.itertuples(index=False))
        title = html.escape(" · ".join(str(k) for k in key))
        parts.append(f'<section class="evidence" id="{anchor}"><h4>{title}: {group["id"].nunique()}篇</h4><ol>{items}</ol></section>')
    return "".join(parts)


def article_views(tables: dict[str, pd.DataFrame], originals: pd.DataFrame) -> str:
    """Each story's clean text with counts, departments and activities marked."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for name, css in (("counts", "count"), ("departments", "department"), ("activities", "activity")):
        frame = tables[name].dropna(subset=["start", "end"])
        for doc_id, start, end in zip(frame["id"], frame["start"], frame["end"], strict=True):
            spans.setdefault(doc_id, []).append((int(start), int(end), css))
    parts = []
    for doc_id, a in originals.iterrows():
        meta = " · ".join(html.escape(str(v)) for v in (a["place"], text_or(a["published"]), text_or(a["url"]) or text_or(a["path"])) if v)
        text = mark_spans(text_or(a["text"]), spans.get(doc_id, []))
        parts.append(
            f'<section class="article" id="{article_anchor(doc_id)}"><h3>{html.escape(text_or(a["title"], doc_id))}</h3>'
            f'<p class="meta">{meta}</p><div class="text">{text}</div></section>'
        )
    return "".join(parts)


# ---------------------------------------------------------------- the report


def build_report(tables: dict[str, pd.DataFrame]) -> str:
    originals = compare.original_articles(tables).set_index("id", drop=False)
    indicators = compare.district_indicators(tables)
    categories = compare.district_categories(tables).assign(value=lambda f: f["reports"].astype(float))
    functions = compare.district_functions(tables).assign(value=lambda f: f["reports"].astype(float))
    n_articles = len(tables["articles"])
    overview = (
        f"<p>{n_articles} reports, {len(originals)} stories after removing {n_articles - len(originals)} duplicates "
        f"(only the first copy of a story counts), {originals['place'].nunique()} districts.</p>"
        "<p>Each figure links to its evidence; the small grey number is the number of reports behind it. "
        "Indicators sum the counts' lower bounds (90余个 → 90); satisfaction and completion rates are the mean "
        "of the stated percentages. Money is in 万元; 名/位/人 are 人.</p>"
    )
    body = [
        "<h1>District comparison</h1>",
        overview,
        "<nav><a href='#indicators'>indicators</a> · <a href='#rankings'>rankings</a> · <a href='#categories'>categories</a>"
        " · <a href='#functions'>department functions</a> · <a href='#by-quarter'>per quarter</a> · <a href='#articles'>articles</a></nav>",
        "<div id='indicators'></div>",
        matrix_section("District × indicator", "indicators", indicators, ["indicator", "unit"], "ind", "value, then reports"),
        ranking_sections(indicators),
        "<div id='categories'></div>",
        matrix_section("District × category", "categories", categories, ["label"], "cat", "reports with the label (score ≥ 0.5)"),
        "<div id='functions'></div>",
        matrix_section("District × department function", "functions", functions, ["function"], "fun", "reports naming such a department"),
        period_section(tables, "quarter"),
        "<h2>Evidence</h2>",
        evidence_sections(compare.indicator_rows(tables), ["place", "indicator", "unit"], "ind", originals),
        evidence_sections(
            compare.indicator_rows(tables).dropna(subset=["quarter"]), ["quarter", "place", "indicator", "unit"], "indquarter", originals
        ),
        category_sections(tables, originals),
        evidence_sections(compare.function_rows(tables), ["place", "function"], "fun", originals),
        "<h2 id='articles'>Articles</h2>",
        article_views(tables, originals),
    ]
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>zhnews district comparison</title>"
        f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>"
    )


def write_report(tables: dict[str, pd.DataFrame], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(build_report(tables), encoding="utf-8")
    return path
