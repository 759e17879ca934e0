"""Plot quality against speed, one point per tool and mode (run with the peers' Python).

benchmarks/.venv-peers/bin/python benchmarks/peers/plot.py results.json out.png
"""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main() -> int:
    results = json.load(open(sys.argv[1], encoding="utf-8"))
    fig, ax = plt.subplots(figsize=(9, 6), dpi=120)
    markers = {"text": ("o", "raw text in"), "html": ("s", "HTML in")}
    for mode, rows in results["modes"].items():
        marker, label = markers[mode]
        xs, ys, names = [], [], []
        for tool, r in rows.items():
            if "failed" in r or r.get("body_f1") is None or not r.get("pages_per_second"):
                continue
            xs.append(r["pages_per_second"])
            ys.append(r["body_f1"])
            names.append(tool)
        colours = [
            "#d62828" if n.startswith("cleaner") else ("#1d3557" if mode == "html" else "#2a9d8f") for n in names
        ]
        ax.scatter(xs, ys, marker=marker, c=colours, s=60, label=label, edgecolors="black", linewidths=0.5)
        for x, y, n in zip(xs, ys, names, strict=True):
            ax.annotate(f"{n} ({mode})", (x, y), textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("pages per second (log scale; one process, per-page extraction time)")
    ax.set_ylabel("body word-F1 (mean over pages)")
    meta = results.get("meta", {})
    ax.set_title(f"Quality against speed: {meta.get('pages', '?')} {meta.get('split', '')} pages")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="best")
    fig.tight_layout()
    fig.savefig(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
