#!/usr/bin/python3
"""Rewrites the table between the e2e-cannot-prove markers in docs/RENDER.md from the specs."""
import io
import os
import sys
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table  # noqa: E402

doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "RENDER.md")
buf = io.StringIO()
with redirect_stdout(buf):
    print("| stand-in | cannot prove |")
    print("|---|---|")
    for kind, name, line in table.rows():
        escaped = line.replace("|", "\\|")
        print(f"| {'' if kind == 'apps' else 'image '}`{name}` | {escaped} |")
text = open(doc).read()
start, end = "<!-- e2e-cannot-prove:start -->\n", "<!-- e2e-cannot-prove:end -->"
a, b = text.index(start) + len(start), text.index(end)
with open(doc + ".tmp", "w") as f:
    f.write(text[:a] + buf.getvalue() + text[b:])
os.replace(doc + ".tmp", doc)
