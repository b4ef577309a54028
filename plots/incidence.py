#!/usr/bin/env python3
"""Cumulative incidence of each outcome over the rounds, from summary.json
(runs with no agreement are censored at the horizon)."""
import negsim_plots as n


def main():
    p = n.parser(__doc__)
    p.add_argument("summary", help="summary.json written by negsim run")
    a = p.parse_args()
    s = n.read_json(a.summary)
    try:
        ci = s["cumulative_incidence"]
        rounds = ci["round"]
        unit = ci.get("unit", "round")
        series = {k: ci[k] for k in n.OUTCOMES[:3]}
    except (KeyError, TypeError) as e:
        n.fail(f"cannot read {a.summary}: not a negsim summary (no {e})")
    fig, ax = n.figure(7, 4)
    for k, ys in series.items():
        ax.step(rounds, ys, where="post", label=n.LABELS[k], color=n.COLOURS[k])
    ax.set_xlabel(unit)
    ax.set_ylabel("share of runs ended so far")
    ax.legend(frameon=False)
    ax.set_title("Cumulative incidence by outcome", fontsize=10)
    n.save(fig, a.out)


if __name__ == "__main__":
    main()
