"""The layout's rules, checked on the code itself: apps depend one way, `core` knows no domain,
no import cycle, no function-level import to hide one, no filename prefix standing for a package.
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["core", "clusters", "agreements", "results", "awards", "config", "demo"]
APPS = ["clusters", "agreements", "results", "awards"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def modules(*packages):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def lint_imports(root):
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_a_forbidden_import_breaks_the_build(tmp_path):
    """The same check on a copy of the code where core imports an app: it must fail."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "core" / "forbidden.py").write_text("from clusters.models import Unit\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "core.forbidden -> clusters.models" in result.stdout
    assert "BROKEN" in result.stdout


def _strings(tree):
    """The string constants of a module, docstrings left out."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.value


def test_core_names_no_app_label_or_view_of_the_apps():
    pattern = re.compile(rf"\b({'|'.join(APPS)})[.:_]\w")
    found = [
        (str(path.relative_to(ROOT)), text)
        for path in modules("core")
        for text in _strings(ast.parse(path.read_text()))
        if pattern.search(text)
    ]
    assert found == []


def _cycles(graph):
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycle():
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    assert _cycles(grimp.build_graph(*PACKAGES)) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for importer, imported in [("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")]:
        graph.add_import(importer=importer, imported=imported)
    assert _cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_no_project_module_is_imported_inside_a_function():
    """Except in AppConfig.ready(), where Django requires it: a function-level import of the
    project's own code would be hiding an import cycle."""
    found = []
    for path in modules(*PACKAGES):
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if function.name == "ready" and path.name == "apps.py":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    if name.split(".")[0] in PACKAGES:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert found == []


PREFIXED = re.compile(
    r"^(urls_\w+|\w+_(views|urls|forms|models|access|admin|selectors|services|mail|"
    r"notifications|dashboard|documents|excel|tasks))\.py$"
)


def test_no_filename_prefix_stands_for_a_package():
    found = [
        str(path.relative_to(ROOT)) for path in modules(*PACKAGES) if PREFIXED.match(path.name)
    ]
    assert found == []


def test_the_prefix_rule_recognises_the_old_names():
    for name in ["signing_views.py", "award_access.py", "urls_signing.py", "vote_models.py"]:
        assert PREFIXED.match(name), name
    for name in ["views.py", "audit_labels.py", "prepared_files.py", "selectors.py"]:
        assert not PREFIXED.match(name), name
