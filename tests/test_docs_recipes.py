"""Every file the docs' commands use exists in the repo or has a recipe in the same document."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
YAML = re.compile(r"[\w./-]+\.yaml")


def test_command_files_exist_or_have_a_recipe():
    """Each `ccsim` line names bundled files, files it writes, or files the page makes."""
    missing = []
    for doc in DOCS:
        text = doc.read_text()
        for line in text.splitlines():
            if not line.lstrip().startswith("ccsim "):
                continue
            for name in YAML.findall(line.split("#")[0]):
                n = re.escape(name)
                made = re.search(rf"(# {n}:|--(?:out|export-to) {n}|> {n})", text)
                if not (ROOT / name).exists() and not made:
                    missing.append(f"{doc.name}: {name}")
    assert missing == []


def test_student_guide_python_example_runs():
    """The student guide's python -c example prints the P(wait) it states."""
    text = (ROOT / "docs" / "guide_student.md").read_text()
    code = re.search(r'`python -c "([^"]+)"`', text).group(1)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT)}, check=True)  # fmt: skip
    assert f"{float(out.stdout):.3f}" in text
