#!/usr/bin/env python3
"""Heatmap of an outcome's probability over two swept parameters (points.csv
of a grid sweep). Cells whose 95% interval contains the threshold are
hatched: there the data cannot tell which side of it the probability lies."""
import negsim_plots as n


def main():
    p = n.parser(__doc__)
    p.add_argument("points", help="points.csv written by negsim sweep (grid design)")
    p.add_argument("--outcome", default="full_deal", choices=n.OUTCOMES)
    p.add_argument("--x", help="parameter on the x axis (default: the first)")
    p.add_argument("--y", help="parameter on the y axis (default: the second)")
    p.add_argument("--threshold", type=float, default=0.5, help="probability threshold (default 0.5)")
    a = p.parse_args()
    t = n.read_csv(a.points)
    params = [c for c in t.columns if c not in ("point", "runs") and not any(
        c.startswith(o) for o in n.OUTCOMES) and not c.startswith("breakdown_")]
    x, y = a.x or (params[0] if params else None), a.y or (params[1] if len(params) > 1 else None)
    if x is None or y is None:
        n.fail(f"cannot read {a.points}: a heatmap needs two swept parameters (found {len(params)})")
    o = a.outcome
    n.require_columns(t, a.points, [x, y, o, o + "_lo", o + "_hi"])
    grid = t.pivot_table(index=y, columns=x, values=o)
    lo = t.pivot_table(index=y, columns=x, values=o + "_lo")
    hi = t.pivot_table(index=y, columns=x, values=o + "_hi")
    fig, ax = n.figure(7, 5)
    im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis", vmin=0,
                   vmax=max(1e-9, float(grid.to_numpy().max())))
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if lo.iat[i, j] <= a.threshold <= hi.iat[i, j]:
                ax.add_patch(__import__("matplotlib").patches.Rectangle(
                    (j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="white", lw=0))
    ax.set_xticks(range(grid.shape[1]), [f"{v:.3g}" for v in grid.columns], rotation=45)
    ax.set_yticks(range(grid.shape[0]), [f"{v:.3g}" for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(im, ax=ax, label=f"P({n.LABELS[o]})")
    ax.set_title(f"P({n.LABELS[o]}); hatched: interval contains {a.threshold:g}", fontsize=10)
    n.save(fig, a.out)


if __name__ == "__main__":
    main()
