"""Shared helpers of negsim's plot scripts: reading its outputs with clear
errors, and saving every figure as PNG and SVG."""

import json
import sys

OUTCOMES = ["full_deal", "interim_deal", "breakdown", "no_agreement"]
LABELS = {"full_deal": "full deal", "interim_deal": "interim deal",
          "breakdown": "breakdown", "no_agreement": "no agreement"}
COLOURS = {"full_deal": "#2a7f62", "interim_deal": "#7fb069",
           "breakdown": "#c0392b", "no_agreement": "#8c8c8c"}


def fail(message):
    print(f"negsim plot: {message}", file=sys.stderr)
    sys.exit(1)


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        fail(f"cannot read {path}: not JSON ({e.msg} at line {e.lineno}, column {e.colno})")


def read_csv(path):
    import pandas as pd
    try:
        return pd.read_csv(path)
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        fail(f"cannot read {path}: not a CSV table ({e})")


def require_columns(table, path, columns):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        fail(f"cannot read {path}: missing column(s) {', '.join(missing)}")


def style():
    """The Agg backend (no display needed) and negsim's plot style."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"font.size": 10, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def figure(width=8, height=4.5):
    return style().subplots(figsize=(width, height), dpi=100)


def save(fig, prefix):
    """Writes PREFIX.png (150 dpi) and PREFIX.svg."""
    fig.tight_layout()
    try:
        fig.savefig(prefix + ".png", dpi=150)
        fig.savefig(prefix + ".svg")
    except OSError as e:
        fail(f"cannot write {prefix}.png/.svg: {e.strerror}")
    print(f"wrote {prefix}.png, {prefix}.svg")


def parser(description):
    import argparse
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", required=True, help="output prefix: writes OUT.png and OUT.svg")
    return p
