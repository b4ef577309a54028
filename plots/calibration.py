#!/usr/bin/env python3
"""Pairwise plots of a calibration's region (points.csv and calibration.json
written by negsim calibrate): every pair of free parameters, the points
ruled out in grey and the points kept in colour, and on the diagonal each
parameter's kept values against its prior range."""
import negsim_plots as n


def main():
    p = n.parser(__doc__)
    p.add_argument("points", help="points.csv of negsim calibrate")
    p.add_argument("calibration", help="calibration.json of negsim calibrate")
    a = p.parse_args()
    t = n.read_csv(a.points)
    c = n.read_json(a.calibration)
    params = list(c.get("parameters", {}))
    n.require_columns(t, a.points, ["wave", "kept", "max_implausibility", *params])
    if not params:
        n.fail(f"cannot read {a.calibration}: no parameters")
    k = len(params)
    size = max(2.2, min(3.2, 9 / k))
    fig, axes = n.figure(size * k + 0.6, size * k + 0.4)
    fig.clf()
    axes = fig.subplots(k, k, squeeze=False)
    kept = t[t["kept"] == 1]
    out = t[t["kept"] != 1]
    for i, yi in enumerate(params):
        for j, xj in enumerate(params):
            ax = axes[i][j]
            lo, hi = c["parameters"][xj]["prior"]
            if i == j:
                ax.hist(kept[xj], bins=20, range=(lo, hi), color="#4c72b0")
                ax.set_xlim(lo, hi)
                ax.set_yticks([])
            elif i > j:
                ax.scatter(out[xj], out[yi], s=4, color="#bbbbbb", label="ruled out")
                ax.scatter(kept[xj], kept[yi], s=6, c=kept["wave"], cmap="viridis", label="kept")
                ax.set_xlim(lo, hi)
                ylo, yhi = c["parameters"][yi]["prior"]
                ax.set_ylim(ylo, yhi)
            else:
                ax.axis("off")
                continue
            if i == k - 1:
                ax.set_xlabel(xj, fontsize=7)
            if j == 0 and i != j:
                ax.set_ylabel(yi, fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle(f"Calibration: {c.get('kept', 0)} of {c.get('points', 0)} points kept "
                 f"(cut {c.get('cut')}; colour: wave)", fontsize=10)
    n.save(fig, a.out)


if __name__ == "__main__":
    main()
