#!/usr/bin/env python3
"""Checks that negsim's layering is one-way: a component includes only its
own layer and the layers below it (docs/ARCHITECTURE.md).

    check_layers.py [ROOT]

Reads every #include "negsim/..." of include/negsim/ and src/ under ROOT
(default: the repository this script is in) and fails, naming the file, the
line and both layers, when a lower component includes a higher one, or when
a file belongs to no known component (a new file must be given a layer here).
"""

import os
import re
import sys

# Lowest first. A component is a header's path under include/negsim/
# without ".hpp" (a source file belongs to the component of the same name).
LAYERS = [
    ("base", ["diagnostic", "version", "detail/text", "detail/overloaded", "detail/happens_before", "detail/sample", "detail/bisect"]),
    ("scenario", ["scenario"]),
    ("scenario_yaml", ["rng", "detail/yaml_tree", "detail/yaml_check", "detail/scenario_variants",
                       "scenario_yaml"]),
    ("model", ["model_text", "model", "mechanism", "mechanisms/*"]),
    ("classic", ["classic"]),
    ("engine", ["engine", "score"]),
    ("sweep", ["sweep", "sweep_store"]),
    ("report", ["trace", "outputs", "html_report", "report", "utilities"]),
    ("calibrate", ["calibrate"]),
    ("cli", ["cli", "detail/cli_common"]),
    ("python", ["python"]),
]

# Source files that implement a component under another name.
SOURCES = {
    "scenario_read": "scenario_yaml", "scenario_write": "scenario_yaml",
    "scenario_variants": "detail/scenario_variants", "yaml_tree": "detail/yaml_tree",
    "yaml_check": "detail/yaml_check", "text": "detail/text", "cli_common": "detail/cli_common",
    "cli_run": "cli", "cli_utilities": "cli", "cli_sweep": "cli", "cli_calibrate": "cli", "cli_classic": "cli", "cli/main": "cli",
    "python/module": "python",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"negsim/([^"]+)\.hpp"')


def layer_of(component):
    for index, (name, members) in enumerate(LAYERS):
        for m in members:
            if m == component or (m.endswith("/*") and component.startswith(m[:-1])):
                return index, name
    return None


def component_of(root, path):
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    if rel.startswith("include/negsim/"):
        return rel[len("include/negsim/"):-len(".hpp")]
    stem = rel[len("src/"):-len(".cpp")]
    return SOURCES.get(stem, stem)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))
    problems = []
    files = 0
    for top, suffix in (("include/negsim", ".hpp"), ("src", ".cpp")):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith(suffix):
                    continue
                path = os.path.join(dirpath, name)
                files += 1
                component = component_of(root, path)
                own = layer_of(component)
                rel = os.path.relpath(path, root)
                if own is None:
                    problems.append(f"{rel}: component '{component}' has no layer "
                                    f"(add it to LAYERS in tools/check_layers.py)")
                    continue
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = layer_of(m.group(1))
                        if target is None:
                            problems.append(f"{rel}:{number}: includes negsim/{m.group(1)}.hpp, "
                                            "which has no layer")
                        elif target[0] > own[0]:
                            problems.append(
                                f"{rel}:{number}: {component} ({own[1]} layer) includes "
                                f"negsim/{m.group(1)}.hpp ({target[1]} layer, higher): lower "
                                "layers must not include higher ones")
    for p in problems:
        print("layers: " + p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"layers: {files} files, every include points down or sideways "
          f"({' <- '.join(name for name, _ in LAYERS)})")


if __name__ == "__main__":
    main()
