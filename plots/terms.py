#!/usr/bin/env python3
"""Deal terms per issue in real units, for full and interim deals: from
runs.csv when given (histograms), else from summary.json's quantiles."""
import negsim_plots as n


def main():
    p = n.parser(__doc__)
    p.add_argument("summary", help="summary.json written by negsim run")
    p.add_argument("--runs", help="runs.csv written by negsim run --runs-csv (optional)")
    a = p.parse_args()
    s = n.read_json(a.summary)
    try:
        terms = s["terms"]
        issues = list(terms["full_deal"].keys())
    except (KeyError, TypeError) as e:
        n.fail(f"cannot read {a.summary}: not a negsim summary (no {e})")
    import math
    plt = n.style()
    cols = min(3, len(issues))
    rows = math.ceil(len(issues) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.5 * cols, 3.0 * rows), dpi=100, squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax in flat[len(issues):]:
        ax.set_visible(False)
    table = None
    if a.runs:
        table = n.read_csv(a.runs)
        n.require_columns(table, a.runs, ["outcome"] + [f"terms.{i}" for i in issues])
    for ax, issue in zip(flat, issues):
        unit = terms["full_deal"][issue].get("unit", "")
        for kind in ("full_deal", "interim_deal"):
            if table is not None:
                values = table.loc[table["outcome"] == kind, f"terms.{issue}"].dropna()
                if len(values):
                    ax.hist(values, bins=30, alpha=0.6, color=n.COLOURS[kind], label=n.LABELS[kind])
            else:
                q = terms[kind][issue]
                if q.get("n", 0):
                    y = 0 if kind == "full_deal" else 1
                    ax.plot([q["q05"], q["q95"]], [y, y], color=n.COLOURS[kind], lw=1)
                    ax.plot([q["q25"], q["q75"]], [y, y], color=n.COLOURS[kind], lw=6, label=n.LABELS[kind])
                    ax.plot([q["q50"]], [y], "o", color="white", markeredgecolor=n.COLOURS[kind])
        if table is None:
            ax.set_yticks([0, 1], ["full", "interim"])
            ax.set_ylim(-0.8, 1.8)
        ax.set_title(issue, fontsize=10)
        ax.set_xlabel(unit, fontsize=8)
    flat[0].legend(frameon=False, fontsize=8)
    fig.suptitle("Deal terms" + (" (runs.csv)" if table is not None else " (5/25/50/75/95% quantiles)"), fontsize=10)
    n.save(fig, a.out)


if __name__ == "__main__":
    main()
