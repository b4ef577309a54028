#!/usr/bin/env python3
"""Outcome probabilities with their 95% Wilson intervals, from summary.json."""
import negsim_plots as n


def main():
    p = n.parser(__doc__)
    p.add_argument("summary", help="summary.json written by negsim run")
    a = p.parse_args()
    s = n.read_json(a.summary)
    try:
        o = s["outcomes"]
        rows = [(k, o[k]["p"], o[k]["lo"], o[k]["hi"]) for k in n.OUTCOMES]
        runs = s["provenance"]["runs"]
        name = s["provenance"]["scenario"]
    except (KeyError, TypeError) as e:
        n.fail(f"cannot read {a.summary}: not a negsim summary (no {e})")
    fig, ax = n.figure(7, 4)
    x = range(len(rows))
    ax.bar(x, [r[1] for r in rows], color=[n.COLOURS[r[0]] for r in rows],
           yerr=[[r[1] - r[2] for r in rows], [r[3] - r[1] for r in rows]], capsize=6)
    for i, r in enumerate(rows):
        ax.text(i, r[3] + 0.01, f"{100 * r[1]:.1f}%", ha="center", va="bottom")
    ax.set_xticks(list(x), [n.LABELS[r[0]] for r in rows])
    ax.set_ylabel("probability")
    ax.set_ylim(0, min(1, max(r[3] for r in rows) * 1.2 + 0.02))
    ax.set_title(f"{name}\n{runs} runs, 95% Wilson intervals", fontsize=10)
    n.save(fig, a.out)


if __name__ == "__main__":
    main()
