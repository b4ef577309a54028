#!/usr/bin/env python3
"""Convergence of the outcome probabilities with the number of runs, with
95% Wilson bands, from runs.csv (written by negsim run --runs-csv)."""
import negsim_plots as n


def main():
    p = n.parser(__doc__)
    p.add_argument("runs", help="runs.csv written by negsim run --runs-csv")
    a = p.parse_args()
    import numpy as np
    t = n.read_csv(a.runs)
    n.require_columns(t, a.runs, ["run", "outcome"])
    t = t.sort_values("run")
    count = np.arange(1, len(t) + 1)
    fig, ax = n.figure(7, 4)
    z = 1.959963984540054
    for k in n.OUTCOMES:
        hits = np.cumsum((t["outcome"] == k).to_numpy())
        p_hat = hits / count
        centre = (p_hat + z * z / (2 * count)) / (1 + z * z / count)
        half = z / (1 + z * z / count) * np.sqrt(p_hat * (1 - p_hat) / count + z * z / (4 * count * count))
        ax.plot(count, p_hat, color=n.COLOURS[k], label=n.LABELS[k], lw=1)
        ax.fill_between(count, centre - half, centre + half, color=n.COLOURS[k], alpha=0.15, lw=0)
    ax.set_xscale("log")
    ax.set_xlabel("runs")
    ax.set_ylabel("estimated probability")
    ax.legend(frameon=False, ncol=2)
    ax.set_title("Convergence of the estimates (95% Wilson bands)", fontsize=10)
    n.save(fig, a.out)


if __name__ == "__main__":
    main()
