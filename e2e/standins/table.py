#!/usr/bin/python3
"""Prints the Markdown table of what each stand-in cannot prove (docs/RENDER.md, "What the
end-to-end suite cannot prove"); e2e/test_docs.py checks the doc holds every line."""
import glob
import os

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def rows():
    for kind in ("apps", "images"):
        for path in sorted(glob.glob(os.path.join(HERE, kind, "*.yaml"))):
            with open(path) as f:
                spec = yaml.safe_load(f)
            yield kind, os.path.basename(path)[:-5], " ".join(str(spec.get("cannot_prove", "")).split())


if __name__ == "__main__":
    print("| stand-in | cannot prove |")
    print("|---|---|")
    for kind, name, line in rows():
        escaped = line.replace("|", "\\|")
        print(f"| {'' if kind == 'apps' else 'image '}`{name}` | {escaped} |")
