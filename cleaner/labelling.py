"""Labelling pages by hand, starting from the model's labels.

A user whose pages the model gets wrong does not label them from scratch: the model
labels them first (:func:`prelabel`), the labels are written as an editable TSV
sample beside a copy of the page text (:func:`write_labelled`, ``NAME.txt`` +
``NAME.labels.tsv``, the pair that :func:`cleaner.samples.read_tsv` checks against
each other), and a person only corrects the wrong lines, in a text editor or in the
review page (:func:`review_html`): a self-contained HTML file showing every segment
coloured by its label, with the model's probabilities, and a small editor that
builds the corrected TSV.

>>> from cleaner.api import Cleaner
>>> cleaner = Cleaner()
>>> page = prelabel("Lovely weather returns\\nBy Jane Doe | June 9, 2025\\n"
...                 "The sun came out over the city on Monday.", cleaner)
>>> page.spans[0].start, page.spans[-1].end == len(page.text), page.labels <= set(cleaner.model.labels)
(0, True, True)
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .api import Cleaner
from .document import CleanResult, Segment
from .errors import InputTypeError
from .labels import STANDARD_LABELS, Label
from .samples import LabelledPage, LabelSpan, read_tsv, write_tsv

__all__ = [
    "LABEL_COLOURS",
    "PagePrediction",
    "predict_page",
    "prelabel",
    "review_html",
    "sample_paths",
    "write_labelled",
]

PathLike = str | os.PathLike[str]

# Background colours of the review page, one per standard label; custom labels take
# the next free colour of _EXTRA_COLOURS. Chosen to be told apart on screen, nothing more.
LABEL_COLOURS: dict[str, str] = {
    Label.HEADLINE: "#f4a261",
    Label.BYLINE: "#e9c46a",
    Label.BODY: "#a8dadc",
    Label.RELATED: "#cdb4db",
    Label.JUNK: "#e5e5e5",
}
_EXTRA_COLOURS = ("#95d5b2", "#ffafcc", "#bde0fe", "#ffd6a5", "#caffbf", "#fdffb6")

# Segments whose probability is below this are marked "unsure" in the review page, so
# that a person checks them first. 0.6: with five labels, below it another label
# usually holds at least a quarter of the probability. A reading aid, not a tuned value.
UNSURE_BELOW = 0.6

_TSV_HELP = (
    "# Labels drafted by the model. Correct the first column of any wrong line and keep",
    "# the text as it is (it is checked against the page in NAME.txt).",
)


@dataclass(frozen=True)
class PagePrediction:
    """The model's segments of one page, with each segment's probability per label.

    Attributes:
        text: the page text.
        segments: the segments, exactly as :meth:`cleaner.Cleaner.clean` returns them.
        probabilities: per segment, ``{label: probability}`` over the model's labels
            (the length-weighted mean over the segment's units).
        labels: the model's labels.
    """

    text: str
    segments: list[Segment]
    probabilities: list[dict[str, float]]
    labels: list[str]


def predict_page(text: str, cleaner: Cleaner | None = None) -> PagePrediction:
    """Label a page's segments with a cleaner's model and keep the probabilities.

    The segments are those :meth:`cleaner.Cleaner.clean` gives for the same text.
    """
    if not isinstance(text, str):
        raise InputTypeError(f"predict_page() takes text (str), not {type(text).__name__}")
    cleaner = Cleaner() if cleaner is None else cleaner
    classes = cleaner.model.labels
    units, proba = cleaner.predict_units(text)
    if not units:
        return PagePrediction(text, [], [], classes)
    segments = cleaner.segments(text, units, proba)
    probabilities: list[dict[str, float]] = []
    k = 0
    for seg in segments:
        rows = []
        weights = []
        while k < len(units) and units[k].start < seg.end:
            rows.append(proba[k])
            weights.append(units[k].end - units[k].start)
            k += 1
        mean = np.average(np.vstack(rows), axis=0, weights=weights)
        probabilities.append({c: round(float(v), 4) for c, v in zip(classes, mean, strict=True)})
    return PagePrediction(text, segments, probabilities, classes)


def _custom(labels: Sequence[str]) -> list[str]:
    return sorted({lbl for lbl in labels if lbl not in STANDARD_LABELS})


def prelabel(text: str, cleaner: Cleaner | None = None, *, id: str = "page", site: str | None = None) -> LabelledPage:
    """Label a page with the model, as a sample that a person corrects.

    Every segment of the model becomes a span; a model's custom labels are declared in
    ``meta["custom_labels"]`` (written as the TSV's ``# custom-labels:`` header).
    """
    pred = predict_page(text, cleaner)
    spans = tuple(LabelSpan(s.start, s.end, s.label) for s in pred.segments)
    custom = _custom(pred.labels)
    meta: dict[str, object] = {"custom_labels": custom} if custom else {}
    return LabelledPage(id=id, text=text, spans=spans, site=site, meta=meta)


def sample_paths(directory: PathLike, name: str) -> tuple[Path, Path]:
    """The page file and the TSV file of sample ``name`` in ``directory``."""
    d = Path(directory)
    return d / f"{name}.txt", d / f"{name}.labels.tsv"


def write_labelled(page: LabelledPage, directory: PathLike, name: str, *, overwrite: bool = False) -> Path:
    """Write ``NAME.txt`` (the page text) and ``NAME.labels.tsv`` (its labels); return the TSV path.

    The TSV starts with a comment on how to correct it. An existing TSV is kept
    (it may hold a person's corrections) unless ``overwrite`` is true: then
    :class:`FileExistsError` is raised instead of losing work.
    """
    txt, tsv = sample_paths(directory, name)
    if not overwrite and tsv.exists():
        raise FileExistsError(f"{tsv} exists (it may hold corrections); remove it or pass overwrite")
    txt.parent.mkdir(parents=True, exist_ok=True)
    # newline="" keeps the page's own line ends, so offsets match the text read back
    with txt.open("w", encoding="utf-8", newline="") as fh:
        fh.write(page.text)
    write_tsv(page, tsv)
    body = tsv.read_text(encoding="utf-8")
    tsv.write_text("\n".join(_TSV_HELP).replace("NAME", name) + "\n" + body, encoding="utf-8")
    read_tsv(tsv)  # what is written must read back against the page
    return tsv


# ----------------------------------------------------------------------------- review page


@dataclass(frozen=True, slots=True)
class _Shown:
    """A segment as the review page shows it."""

    start: int
    end: int
    label: str
    confidence: float | None = None
    probabilities: dict[str, float] | None = None


def _colours(labels: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    extra = iter(_EXTRA_COLOURS)
    for lbl in labels:
        out[lbl] = LABEL_COLOURS.get(lbl) or next(extra, "#dddddd")
    return out


def _label_order(found: Sequence[str]) -> list[str]:
    std = list(STANDARD_LABELS)
    return std + sorted(set(found) - set(std))


def review_html(
    page_or_result: LabelledPage | PagePrediction | CleanResult,
    *,
    text: str | None = None,
    title: str = "cleaner review",
    name: str = "page",
    editor: bool = True,
) -> str:
    """A self-contained HTML page showing every segment coloured by its label.

    Args:
        page_or_result: a labelled page (a sample, or :func:`prelabel`'s draft), a
            :class:`PagePrediction` (with probabilities), or a :class:`CleanResult`
            (its segments' confidences are shown; give ``text`` for the page text).
        text: the page text of a ``CleanResult``; without it the segments are shown
            one a line.
        title: the page title.
        name: the sample name, used for the downloaded ``NAME.labels.tsv``.
        editor: include the editor: click a segment, then a label button (or a number
            key) to change its label; "Download TSV" saves the corrected sample.

    The page uses no network resources, so it works offline and from a file.
    """
    segs: list[_Shown] = []
    site: str | None = None
    custom: list[str] = []
    model_labels: list[str] = []
    if isinstance(page_or_result, LabelledPage):
        page_text = page_or_result.text
        site = page_or_result.site
        custom = list(page_or_result.meta.get("custom_labels") or [])
        segs = [_Shown(sp.start, sp.end, sp.label) for sp in page_or_result.spans]
    elif isinstance(page_or_result, PagePrediction):
        page_text = page_or_result.text
        model_labels = page_or_result.labels
        segs = [
            _Shown(sg.start, sg.end, sg.label, sg.confidence, probs)
            for sg, probs in zip(page_or_result.segments, page_or_result.probabilities, strict=True)
        ]
    elif isinstance(page_or_result, CleanResult):
        if text is None:
            parts: list[str] = []
            pos = 0
            for sg in page_or_result.segments:
                if parts:
                    parts.append("\n")
                    pos += 1
                segs.append(_Shown(pos, pos + len(sg.text), sg.label, sg.confidence))
                parts.append(sg.text)
                pos += len(sg.text)
            page_text = "".join(parts)
        else:
            page_text = text
            segs = [_Shown(sg.start, sg.end, sg.label, sg.confidence) for sg in page_or_result.segments]
    else:
        kind = type(page_or_result).__name__
        raise InputTypeError(f"review_html() takes a LabelledPage, PagePrediction or CleanResult, not {kind}")
    found = [s.label for s in segs] + list(model_labels) + custom
    labels = _label_order(found)
    custom = [lbl for lbl in labels if lbl not in STANDARD_LABELS]
    colours = _colours(labels)

    body: list[str] = []
    pos = 0
    counts: dict[str, int] = dict.fromkeys(labels, 0)
    n_unsure = 0
    for i, s in enumerate(segs):
        counts[s.label] += 1
        body.append(html.escape(page_text[pos : s.start]))
        if s.probabilities is not None:
            ranked = sorted(s.probabilities.items(), key=lambda kv: -kv[1])
            tip = ", ".join(f"{k} {v:.2f}" for k, v in ranked if v >= 0.01)
        elif s.confidence is not None:
            tip = f"{s.label} {s.confidence:.2f}"
        else:
            tip = f"{s.label} (from the sample)"
        unsure = s.confidence is not None and s.confidence < UNSURE_BELOW
        n_unsure += unsure
        label = html.escape(s.label)
        body.append(
            f'<span class="seg{" unsure" if unsure else ""}" data-i="{i}" data-label="{label}" '
            f'data-orig="{label}" title="#{i} {html.escape(tip)}">'
            f"{html.escape(page_text[s.start : s.end])}</span>"
        )
        pos = s.end
    body.append(html.escape(page_text[pos:]))

    css_labels = "\n".join(
        f'.seg[data-label="{html.escape(lbl)}"], .key[data-label="{html.escape(lbl)}"] '
        f"{{ background: {colours[lbl]}; }}"
        for lbl in labels
    )
    legend = "".join(
        f'<button type="button" class="key" data-label="{html.escape(lbl)}" title="key {k + 1}">'
        f"{k + 1} {html.escape(lbl)} "
        f'<span class="n" data-count="{html.escape(lbl)}">{counts[lbl]}</span></button>'
        for k, lbl in enumerate(labels)
    )
    data = {
        "name": name,
        "site": site,
        "custom": custom,
        "labels": labels,
        # the segments' own texts, for the TSV (the page text stays in the HTML only)
        "texts": [page_text[s.start : s.end] for s in segs],
    }
    script = _EDITOR_JS if editor else ""
    editor_html = (
        '<div id="tools"><button type="button" id="download">Download TSV</button> '
        '<button type="button" id="next-unsure">Next unsure</button> '
        '<span id="changed">0 changed</span> · click a segment, then a label (or its number key)'
        '<details><summary>TSV</summary><textarea id="tsv" rows="12" readonly></textarea></details></div>'
        if editor
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 0; }}
header {{ position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ccc;
  padding: .5em 1em; z-index: 1; }}
h1 {{ font-size: 1.1em; margin: 0 0 .3em; }}
#page {{ white-space: pre-wrap; padding: 1em; max-width: 60em; }}
.seg {{ border-radius: 3px; padding: 0 1px; cursor: pointer; }}
.seg.unsure {{ outline: 2px dashed #d00; }}
.seg.changed {{ box-shadow: 0 0 0 2px #06c; }}
.seg.selected {{ outline: 3px solid #000; }}
.key {{ border: 1px solid #999; border-radius: 3px; margin-right: .3em; cursor: pointer; font: inherit; }}
.n {{ color: #555; }}
#tools {{ margin-top: .3em; }}
#tsv {{ width: 100%; font: 12px monospace; }}
{css_labels}
</style></head>
<body>
<header><h1>{html.escape(title)}</h1>
<div id="legend">{legend}</div>
<div>{len(segs)} segments · {n_unsure} unsure (dashed red: probability below {UNSURE_BELOW}) ·
hover a segment for its probabilities</div>
{editor_html}
</header>
<div id="page">{"".join(body)}</div>
<script type="application/json" id="data">{_json_for_script(data)}</script>
<script>{script}</script>
</body></html>
"""


def _json_for_script(data: object) -> str:
    # "</" would end the script element; \u003c keeps the JSON valid
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\u0021--")


# The editor: a few dozen lines of plain JavaScript, no libraries. The TSV it builds
# is the format of cleaner.samples.write_tsv (texts with white space folded), with the
# page's '# site:' and '# custom-labels:' headers. A URL fragment
# '#apply=3:body,5:junk' clicks those segments and label buttons on load (a way to
# share corrections, and how the headless-browser test drives the editor).
_EDITOR_JS = r"""
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const segs = Array.from(document.querySelectorAll(".seg"));
  const keys = Array.from(document.querySelectorAll(".key"));
  const tsvBox = document.getElementById("tsv");
  let selected = null;
  function select(el) {
    if (selected) selected.classList.remove("selected");
    selected = el;
    if (el) el.classList.add("selected");
  }
  function buildTsv() {
    const lines = [];
    if (data.site) lines.push("# site: " + data.site);
    const used = new Set(segs.map(s => s.dataset.label));
    const custom = data.labels.filter(l => data.custom.includes(l) && used.has(l));
    if (custom.length) lines.push("# custom-labels: " + custom.join(", "));
    segs.forEach((s, i) => {
      lines.push(s.dataset.label + "\t" + data.texts[i].split(/\s+/).filter(Boolean).join(" "));
    });
    return lines.join("\n") + "\n";
  }
  function refresh() {
    const counts = {};
    let changed = 0;
    segs.forEach(s => {
      counts[s.dataset.label] = (counts[s.dataset.label] || 0) + 1;
      const c = s.dataset.label !== s.dataset.orig;
      s.classList.toggle("changed", c);
      if (c) changed += 1;
    });
    document.querySelectorAll("[data-count]").forEach(n => { n.textContent = counts[n.dataset.count] || 0; });
    document.getElementById("changed").textContent = changed + " changed";
    tsvBox.textContent = buildTsv();  // a readonly box: its text is its value
  }
  function assign(label) {
    if (!selected) return;
    selected.dataset.label = label;
    selected.title = selected.title.replace(/^(#\d+)/, "$1 now " + label + ";");
    refresh();
  }
  segs.forEach(s => s.addEventListener("click", ev => { ev.stopPropagation(); select(s); }));
  keys.forEach(k => k.addEventListener("click", () => assign(k.dataset.label)));
  document.addEventListener("keydown", ev => {
    const n = parseInt(ev.key, 10);
    if (n >= 1 && n <= keys.length) assign(keys[n - 1].dataset.label);
    if (ev.key === "Escape") select(null);
  });
  document.getElementById("next-unsure").addEventListener("click", () => {
    const start = selected ? segs.indexOf(selected) + 1 : 0;
    const next = segs.slice(start).find(s => s.classList.contains("unsure"));
    if (next) { select(next); next.scrollIntoView({block: "center"}); }
  });
  document.getElementById("download").addEventListener("click", () => {
    const blob = new Blob([buildTsv()], {type: "text/tab-separated-values;charset=utf-8"});
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = data.name + ".labels.tsv";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
  const m = /#apply=([^&]*)/.exec(location.hash);
  if (m) {
    decodeURIComponent(m[1]).split(",").filter(Boolean).forEach(item => {
      const [i, label] = item.split(":");
      const seg = segs[parseInt(i, 10)];
      const key = keys.find(k => k.dataset.label === label);
      if (seg && key) { seg.click(); key.click(); }
    });
  }
  refresh();
})();
"""
