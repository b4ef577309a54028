#!/usr/bin/env python3
"""Executes a notebook with nbclient and fails when a cell fails.

    run_notebook.py NOTEBOOK [--out EXECUTED.ipynb] [--timeout SECONDS]

The notebook runs in Debian's python3 kernel (python3-ipykernel), from the
repository's root, with the environment of this process (so PYTHONPATH can
point at a build tree's negsim). A committed notebook carries no outputs:
one that does is refused, so rendered output never lands in the repository.
"""

import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--out", help="also write the executed notebook here")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    nbformat.validate(nb)
    stored = [i for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
    if stored:
        print(f"{args.notebook}: cells {stored} hold outputs; clear them before committing "
              f"(jupyter nbconvert --clear-output --inplace {args.notebook})", file=sys.stderr)
        return 1
    # ipykernel's debugger warns about frozen modules on every start.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                            resources={"metadata": {"path": root}})
    start = time.time()
    try:
        client.execute()
    except CellExecutionError as e:
        print(f"{args.notebook}: a cell failed:\n{e}", file=sys.stderr)
        return 1
    code = sum(c.cell_type == "code" for c in nb.cells)
    print(f"{args.notebook}: {code} code cells ran in {time.time() - start:.1f} s")
    if args.out:
        nbformat.write(nb, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
