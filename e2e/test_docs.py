"""The docs name what every stand-in cannot prove (docs/RENDER.md), and every spec says it."""
import os

import pytest

from conftest import ROOT

import sys
sys.path.insert(0, os.path.join(ROOT, "e2e", "standins"))
import table  # noqa: E402


@pytest.mark.parametrize("kind,name,line", list(table.rows()), ids=[f"{k}/{n}" for k, n, _ in table.rows()])
def test_cannot_prove_documented(kind, name, line):
    assert line, f"e2e/standins/{kind}/{name}.yaml has no cannot_prove line"
    with open(os.path.join(ROOT, "docs", "RENDER.md")) as f:
        doc = " ".join(f.read().split())
    assert line.replace("|", "\\|") in doc, (
        f"docs/RENDER.md lacks {name}'s cannot_prove line; regenerate the table with python3 e2e/standins/update_docs.py")
