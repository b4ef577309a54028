#!/usr/bin/env python3
"""Sobol' first-order (S1) and total (ST) indices with their 95% bootstrap
intervals, from sensitivity.csv of a sweep with design: sobol."""
import negsim_plots as n


def main():
    p = n.parser(__doc__)
    p.add_argument("sensitivity", help="sensitivity.csv of a sobol sweep")
    p.add_argument("--outcome", default="full_deal", choices=n.OUTCOMES)
    a = p.parse_args()
    t = n.read_csv(a.sensitivity)
    n.require_columns(t, a.sensitivity, ["outcome", "parameter", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"])
    t = t[t["outcome"] == a.outcome]
    if t.empty:
        n.fail(f"cannot read {a.sensitivity}: no rows for {a.outcome}")
    fig, ax = n.figure(max(6, 1.6 * len(t) + 2), 4)
    import numpy as np
    x = np.arange(len(t))
    w = 0.38
    for off, key, colour in ((-w / 2, "S1", "#4c72b0"), (w / 2, "ST", "#dd8452")):
        v = t[key].to_numpy()
        err = [v - t[key + "_lo"].to_numpy(), t[key + "_hi"].to_numpy() - v]
        ax.bar(x + off, v, w, yerr=np.clip(err, 0, None), capsize=4, color=colour, label=key)
    ax.set_xticks(x, t["parameter"], rotation=15, ha="right")
    ax.set_ylabel("index")
    ax.axhline(0, color="black", lw=0.8)
    ax.legend(frameon=False)
    ax.set_title(f"Sobol' indices of P({n.LABELS[a.outcome]}), 95% bootstrap intervals", fontsize=10)
    n.save(fig, a.out)


if __name__ == "__main__":
    main()
