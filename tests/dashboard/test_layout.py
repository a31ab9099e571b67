"""The dashboard's layout: pages as packages, and only the public `sim` modules imported."""

from __future__ import annotations

import ast
from pathlib import Path

import dashboard

ROOT = Path(dashboard.__file__).resolve().parent
ALLOWED = {"sim", "sim.api", "sim.results", "sim.kpis.registry"}


def sim_imports(path: Path) -> set[str]:
    """The `sim` modules one file imports (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(n for n in names if n == "sim" or n.startswith("sim."))
    return found


def test_dashboard_imports_only_the_public_sim_modules() -> None:
    """No dashboard module imports engine or package internals: only sim.api, results, registry."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(sim_imports(path) - ALLOWED)
        for path in ROOT.rglob("*.py")
        if sim_imports(path) - ALLOWED
    }
    assert offenders == {}


def test_every_page_is_a_package_that_registers_itself() -> None:
    """Each folder under pages/ holds a page.py that registers the page; no flat page modules."""
    pages = ROOT / "pages"
    folders = [d for d in pages.iterdir() if d.is_dir() and not d.name.startswith("_")]
    assert len(folders) >= 9
    for folder in folders:
        assert "register_page(" in (folder / "page.py").read_text(), folder.name
        helpers = [f for f in folder.glob("*.py") if f.name not in ("page.py", "__init__.py")]
        assert all("register_page" not in f.read_text() for f in helpers), folder.name
    assert sorted(p.name for p in pages.glob("*.py")) == ["__init__.py"]
    assert sorted(p.name for p in ROOT.glob("*.py")) == ["__init__.py", "app.py"]
