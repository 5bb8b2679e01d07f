"""The report of a study run: ``report.md`` (figures beside it as PNG files) and one
self-contained ``report.html`` that opens offline: inline CSS, figures embedded as data
URIs, no script, font, image or style fetched from anywhere.

Each chapter reads in the same order: question, set-up, answer, the significant
differences, the tables the text quotes (every number of the text is a cell of one of
them, shown with :func:`iads.study.chapter.fmt`), figures, and the assumed figures the
answer rests on. A chapter that failed says so, with its error, where its answer would be.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from iads._outputs import atomic_write
from iads.study.chapter import fmt

if TYPE_CHECKING:
    from iads.study.runner import ChapterRun, StudyRun

__all__ = ["display_columns", "render_html", "render_markdown", "write_reports"]

#: Rows of a table shown in the report (the Parquet file holds them all).
MAX_ROWS = 200


def display_columns(table: pa.Table) -> list[tuple[str, list[str]]]:
    """The columns of ``table`` as the report shows them: (header, cells). A column
    ``X`` with ``X_lo`` and ``X_hi`` beside it becomes one column ``X``, cells
    ``estimate [lo, hi]``."""
    names = table.column_names
    data = {n: table.column(n).to_pylist()[:MAX_ROWS] for n in names}
    merged = {f"{n}_lo" for n in names if f"{n}_lo" in data and f"{n}_hi" in data}
    merged |= {f"{n}_hi" for n in names if f"{n}_lo" in data and f"{n}_hi" in data}
    out = []
    for n in names:
        if n in merged:
            continue
        if f"{n}_lo" in merged:
            cells = [_cell(v) if lo is None or hi is None else
                     f"{_cell(v)} [{_cell(lo)}, {_cell(hi)}]"
                     for v, lo, hi in zip(data[n], data[f"{n}_lo"], data[f"{n}_hi"],
                                          strict=True)]
        else:
            cells = [_cell(v) for v in data[n]]
        out.append((n, cells))
    return out


def _cell(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float, bool)) or v is None:
        return fmt(v)
    return str(v)


def _status(ch: ChapterRun) -> str:
    if ch.result is not None:
        return ""
    if ch.error is None:
        return "This chapter was not run."
    return f"This chapter failed: {ch.error}"


def _header(run: StudyRun) -> list[str]:
    s = run.study
    from iads import __version__

    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = " (--quick: the smallest runs that still answer)" if run.quick else ""
    return [
        f"Study `{s.name}`, seed {s.seed}, {run.reps} replications per arm or point unless "
        f"a chapter says otherwise{mode}; iads {__version__}, {when}. The tables behind "
        "every number are Parquet files in each chapter's folder.",
    ]


# -- markdown ------------------------------------------------------------------------------
def _md_table(table: pa.Table) -> list[str]:
    cols = display_columns(table)
    if not cols:
        return []
    esc = [(h.replace("|", "\\|"), [c.replace("|", "\\|") for c in cells]) for h, cells in cols]
    lines = ["| " + " | ".join(h for h, _ in esc) + " |",
             "|" + "|".join("---" for _ in esc) + "|"]
    for i in range(len(esc[0][1])):
        lines.append("| " + " | ".join(cells[i] for _, cells in esc) + " |")
    if table.num_rows > MAX_ROWS:
        lines.append(f"\n({MAX_ROWS} of {table.num_rows} rows; all in the Parquet file)")
    return lines


def render_markdown(run: StudyRun) -> str:
    """report.md: the study and every chapter, figures linked as ``<key>/<name>.png``."""
    s = run.study
    out = [f"# {s.title}", ""]
    if s.description:
        out += [s.description.strip(), ""]
    out += [*_header(run), "", "## Contents", ""]
    out += [f"{i}. [{ch.spec.title}](#{ch.key})" + (" (failed)" if ch.error else "")
            for i, ch in enumerate(run.chapters, 1)]
    for ch in run.chapters:
        out += ["", f'<a id="{ch.key}"></a>', "", f"## {ch.spec.title}", "",
                f"**Question.** {ch.spec.question}", ""]
        r = ch.result
        if r is None:
            out += [f"**{_status(ch)}** (details in `{ch.key}/error.txt`)"
                    if ch.error and ch.error != "interrupted" else f"**{_status(ch)}**"]
            continue
        out += ["### Set-up", "", r.setup.strip(), "", "### Answer", "", r.answer.strip(), "",
                "### Significant differences", ""]
        out += [f"- {f}" for f in r.findings] or ["None after Holm's correction."]
        for name in r.shown:
            if name in r.tables:
                out += ["", f"### Table: {name}", "", *_md_table(r.tables[name]),
                        "", f"(`{ch.key}/{name}.parquet`)"]
        for fig in r.figures:
            out += ["", f"### {fig.title}", "", f"![{fig.title}]({ch.key}/{fig.name}.png)"]
            if fig.caption:
                out += ["", f"*{fig.caption}*"]
        if r.assumptions:
            out += ["", f"### Assumptions ({len(r.assumptions)})", ""]
            out += [f"- {a}" for a in r.assumptions]
    return "\n".join(out) + "\n"


# -- HTML ----------------------------------------------------------------------------------
_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 color:#1d2330;max-width:1100px;margin:0 auto;padding:24px 28px 80px;background:#fff}
h1{font-size:28px;margin:0 0 8px}h2{font-size:22px;margin:40px 0 8px;padding-top:12px;
 border-top:2px solid #d8dde6}h3{font-size:16px;margin:22px 0 6px;color:#33415c}
.meta{color:#5b6475;font-size:13px}.question{font-size:17px;background:#eef3fb;
 border-left:4px solid #3d6fb6;padding:8px 14px;margin:10px 0}
.failed{background:#fdecec;border-left:4px solid #c0392b;padding:8px 14px}
nav ol{columns:2;margin:6px 0}nav a{text-decoration:none;color:#2b5797}
table{border-collapse:collapse;margin:8px 0 4px;font-size:13px;font-variant-numeric:
 tabular-nums}th,td{border:1px solid #d8dde6;padding:4px 8px;text-align:right;
 vertical-align:top}th{background:#f3f5f9}td:first-child,th:first-child,td.t,th.t{text-align:left}
tr:nth-child(even) td{background:#fafbfd}.src{color:#5b6475;font-size:12px}
figure{margin:12px 0}figure img{max-width:100%;border:1px solid #e3e6ec}
figcaption{color:#5b6475;font-size:13px}details{margin:8px 0}summary{cursor:pointer;
 color:#33415c;font-weight:600}details li{font-size:13px}
.findings li{margin:3px 0}code{background:#f3f5f9;padding:0 3px;border-radius:3px}
"""


def _md(text: str) -> str:
    """Markdown (CommonMark with tables) to HTML; raw HTML and images are not rendered,
    so that a chapter's text can never make the page fetch anything."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
    return md.render(text)


def _html_table(table: pa.Table) -> str:
    cols = display_columns(table)
    if not cols:
        return ""
    e = html.escape
    # Text columns read left-aligned, numbers right-aligned.
    text = [pa.types.is_string(table.schema.field(h).type) if h in table.column_names
            else False for h, _ in cols]
    cls = ['' if not t else ' class="t"' for t in text]
    head = "".join(f"<th{c}>{e(h)}</th>" for (h, _), c in zip(cols, cls, strict=True))
    body = "".join("<tr>" + "".join(f"<td{c}>{e(cells[i])}</td>"
                                    for (_, cells), c in zip(cols, cls, strict=True)) + "</tr>"
                   for i in range(len(cols[0][1])))
    more = (f'<p class="src">{MAX_ROWS} of {table.num_rows} rows; all in the Parquet file</p>'
            if table.num_rows > MAX_ROWS else "")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def render_html(run: StudyRun) -> str:
    """report.html: one self-contained page (inline CSS, figures as data URIs)."""
    e = html.escape
    s = run.study
    parts = [f"<h1>{e(s.title)}</h1>"]
    if s.description:
        parts.append(_md(s.description))
    parts.append(f'<p class="meta">{_md(" ".join(_header(run)))[3:-5]}</p>')
    parts.append("<nav><h3>Contents</h3><ol>" + "".join(
        f'<li><a href="#{e(ch.key)}">{e(ch.spec.title)}</a>'
        + (" (failed)" if ch.error else "") + "</li>" for ch in run.chapters) + "</ol></nav>")
    for ch in run.chapters:
        parts.append(f'<section id="{e(ch.key)}"><h2>{e(ch.spec.title)}</h2>')
        parts.append(f'<div class="question"><b>Question.</b> {e(ch.spec.question)}</div>')
        r = ch.result
        if r is None:
            where = (f" (details in <code>{e(ch.key)}/error.txt</code>)"
                     if ch.error and ch.error != "interrupted" else "")
            parts.append(f'<p class="failed">{e(_status(ch))}{where}</p></section>')
            continue
        parts += ["<h3>Set-up</h3>", _md(r.setup), "<h3>Answer</h3>", _md(r.answer),
                  "<h3>Significant differences</h3>"]
        if r.findings:
            parts.append('<ul class="findings">' + "".join(
                f"<li>{_md(f)[3:-5]}</li>" for f in r.findings) + "</ul>")
        else:
            parts.append("<p>None after Holm's correction.</p>")
        for name in r.shown:
            if name in r.tables:
                parts.append(f"<h3>Table: {e(name)}</h3>" + _html_table(r.tables[name])
                             + f'<p class="src">{e(ch.key)}/{e(name)}.parquet</p>')
        for fig in r.figures:
            data = base64.b64encode(fig.png).decode("ascii")
            parts.append(f"<h3>{e(fig.title)}</h3><figure><img alt=\"{e(fig.title)}\" "
                         f'src="data:image/png;base64,{data}">'
                         f"<figcaption>{e(fig.caption)}</figcaption></figure>")
        if r.assumptions:
            parts.append(f"<details><summary>Assumptions ({len(r.assumptions)})</summary><ul>"
                         + "".join(f"<li>{e(a)}</li>" for a in r.assumptions)
                         + "</ul></details>")
        parts.append("</section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(s.title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def write_reports(run: StudyRun) -> list[Path]:
    """Write report.md and report.html into the run's folder; return their paths."""
    md = run.out_dir / "report.md"
    page = run.out_dir / "report.html"
    atomic_write(md, lambda p: p.write_text(render_markdown(run), encoding="utf-8"))
    atomic_write(page, lambda p: p.write_text(render_html(run), encoding="utf-8"))
    return [md, page]
