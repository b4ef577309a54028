#!/usr/bin/env python3
"""Tornado chart of an outcome's probability from a one-at-a-time sweep
(sensitivity.csv written by negsim sweep with design: oat)."""
import negsim_plots as n


def main():
    p = n.parser(__doc__)
    p.add_argument("sensitivity", help="sensitivity.csv of an oat sweep")
    p.add_argument("--outcome", default="full_deal", choices=n.OUTCOMES)
    a = p.parse_args()
    t = n.read_csv(a.sensitivity)
    n.require_columns(t, a.sensitivity, ["outcome", "parameter", "low", "high", "baseline"])
    t = t[t["outcome"] == a.outcome].copy()
    if t.empty:
        n.fail(f"cannot read {a.sensitivity}: no rows for {a.outcome}")
    t["width"] = (t["high"] - t["low"]).abs()
    t = t.sort_values("width")
    base = float(t["baseline"].iloc[0])
    fig, ax = n.figure(8, 0.6 * len(t) + 1.6)
    y = range(len(t))
    ax.barh(y, t["low"] - base, left=base, color="#4c72b0", label="at the low end")
    ax.barh(y, t["high"] - base, left=base, color="#dd8452", label="at the high end")
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(list(y), t["parameter"])
    ax.set_xlabel(f"P({n.LABELS[a.outcome]})")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(f"One at a time: {n.LABELS[a.outcome]} (baseline {base:.3f})", fontsize=10)
    n.save(fig, a.out)


if __name__ == "__main__":
    main()
