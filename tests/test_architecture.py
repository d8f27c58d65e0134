"""The package's layers, read from its imports: no cycle, no Sphinx below the site, no tools.

Every module of ``src/nea_edition`` is parsed with ``ast`` (nothing is imported), and every
import counts: at the top, inside functions and under ``if TYPE_CHECKING``. An import names one
module: ``import a.b`` names ``a.b``; ``from a import b`` names ``a.b`` when that is a module of
the package, else ``a``; relative imports are resolved against the importing module's package.
The test then asserts what the README's layout says:

* the graph of the package's modules has no cycle;
* ``citation``, ``data``, ``figures`` and ``checks`` reach neither Sphinx (or docutils and the
  Sphinx extensions the site loads) nor ``nea_edition.site``, directly or through another
  module of the package;
* ``site/`` holds Sphinx adapters only: each of its modules is an extension with ``setup``,
  and ``_config.yml`` names every one of them (so it shows everything the site loads), and
  nothing it names under ``nea_edition.`` is anything else;
* nothing in the package imports the developer tools (``tools/devtools``);
* the README's layout lists every module of the package, and nothing that is not there.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "nea_edition"
#: Layers that must build, test and run without Sphinx.
SPHINX_FREE = ("citation", "data", "figures", "checks")
#: Top-level packages that mean Sphinx: Sphinx itself, docutils and the extensions the site loads.
SPHINX_PACKAGES = frozenset(
    {"sphinx", "sphinxcontrib", "docutils", "myst_parser", "myst_nb", "jupyter_book"}
)
#: The developer tools (tools/devtools), which the edition never imports.
TOOLS_PACKAGES = frozenset({"devtools"})


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    #: Every module name an import statement in it names (resolved, absolute).
    imports: set[str] = field(default_factory=set)
    tree: ast.Module | None = None


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def resolve_from(module: Module, node: ast.ImportFrom) -> str:
    """The absolute name of the module an ``from ... import`` statement imports from."""
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.is_package:
        package = package[:-1]
    if node.level > 1:
        package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def read_package(src: Path, package: str = PACKAGE) -> dict[str, Module]:
    """Every module of ``package`` under ``src``, with the modules each one imports."""
    modules = {}
    for path in sorted((src / package).rglob("*.py")):
        name = module_name(path, src)
        modules[name] = Module(name, path, path.name == "__init__.py")
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
        module.tree = tree
        for node in ast.walk(tree):  # every statement, at any depth (functions, TYPE_CHECKING)
            if isinstance(node, ast.Import):
                module.imports |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = resolve_from(module, node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    module.imports.add(sub if sub in modules else base)
    return modules


def internal_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Module -> the modules of the package it imports (itself excluded)."""
    return {
        name: {target for target in module.imports if target in modules and target != name}
        for name, module in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def reachable(graph: dict[str, set[str]], start: str) -> dict[str, list[str]]:
    """Every module ``start`` imports, directly or not, each with the path that reaches it."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        node = todo.pop()
        for target in sorted(graph.get(node, ())):
            if target not in paths:
                paths[target] = [*paths[node], target]
                todo.append(target)
    return paths


def top(name: str) -> str:
    return name.split(".")[0]


def in_layer(name: str, layer: str) -> bool:
    return name == layer or name.startswith(layer + ".")


def defines_setup(module: Module) -> bool:
    assert module.tree is not None
    return any(
        isinstance(node, ast.FunctionDef) and node.name == "setup" and node.args.args
        for node in module.tree.body
    )


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    return read_package(SRC)


# ----------------------------------------------------------------------------------------------
# the reader itself


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_reader_counts_imports_inside_functions_and_type_checking(tmp_path: Path) -> None:
    src = write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "def f():\n    from pkg import b\n",
            "pkg/b.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import c\n"
            ),
            "pkg/c.py": "from .sub.d import x\n",
            "pkg/sub/__init__.py": "from ..a import f\n",
            "pkg/sub/d.py": "import pkg.a\n",
        },
    )
    graph = internal_graph(read_package(src, "pkg"))
    assert graph["pkg.a"] == {"pkg.b"}
    assert graph["pkg.b"] == {"pkg.c"}
    assert graph["pkg.c"] == {"pkg.sub.d"}
    assert graph["pkg.sub"] == {"pkg.a"}
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.c", "pkg.sub.d", "pkg.a"]


def test_a_cycle_planted_in_the_package_is_found(tmp_path: Path) -> None:
    """The check below can fail: a copy of the package with one import added has a cycle."""
    copy = tmp_path / "src"
    for path in (SRC / PACKAGE).rglob("*.py"):
        target = copy / path.relative_to(SRC)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    model = copy / PACKAGE / "citation" / "model.py"
    planted = "\n\ndef _planted():\n    from nea_edition.site import cite\n"
    model.write_text(model.read_text(encoding="utf-8") + planted, encoding="utf-8")
    cycle = find_cycle(internal_graph(read_package(copy)))
    assert cycle is not None and cycle[0] == cycle[-1]
    assert {"nea_edition.citation.model", "nea_edition.site.cite"} <= set(cycle)


# ----------------------------------------------------------------------------------------------
# the package


def test_there_is_no_import_cycle(modules: dict[str, Module]) -> None:
    cycle = find_cycle(internal_graph(modules))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("layer", SPHINX_FREE)
def test_the_core_layers_reach_neither_sphinx_nor_the_site(
    modules: dict[str, Module], layer: str
) -> None:
    layer = f"{PACKAGE}.{layer}"
    graph = internal_graph(modules)
    problems = []
    for name in sorted(n for n in modules if in_layer(n, layer)):
        for target, path in reachable(graph, name).items():
            via = " -> ".join(path)
            if in_layer(target, f"{PACKAGE}.site"):
                problems.append(f"{via}: a Sphinx adapter")
            sphinx = sorted(i for i in modules[target].imports if top(i) in SPHINX_PACKAGES)
            if sphinx:
                problems.append(f"{via} imports {', '.join(sphinx)}")
    assert not problems, "\n".join(problems)


def site_modules(modules: dict[str, Module]) -> list[str]:
    site = f"{PACKAGE}.site"
    return sorted(name for name in modules if name.startswith(site + "."))


def test_the_site_holds_sphinx_extensions_only(modules: dict[str, Module]) -> None:
    assert site_modules(modules)
    missing = [name for name in site_modules(modules) if not defines_setup(modules[name])]
    assert not missing, f"not Sphinx extensions (no setup(app)), move them out of site/: {missing}"


def configured_extensions() -> list[str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return list(config["sphinx"]["config"]["extensions"])


def test_config_names_every_extension_of_the_site(modules: dict[str, Module]) -> None:
    ours = [name for name in configured_extensions() if top(name) == PACKAGE]
    not_extensions = [n for n in ours if n not in modules or not defines_setup(modules[n])]
    assert not not_extensions, f"_config.yml loads modules without setup(app): {not_extensions}"
    unlisted = sorted(set(site_modules(modules)) - set(ours))
    assert not unlisted, f"site modules _config.yml does not load: {unlisted}"


def test_the_edition_never_imports_the_developer_tools(modules: dict[str, Module]) -> None:
    found = {
        name: sorted(i for i in module.imports if top(i) in TOOLS_PACKAGES)
        for name, module in modules.items()
    }
    assert not {name: tools for name, tools in found.items() if tools}


# ----------------------------------------------------------------------------------------------
# the README's layout


def layout_entries(readme: str, folder: str = f"src/{PACKAGE}/") -> set[str]:
    """The paths the README's layout lists under ``folder``, relative to it.

    The layout is a code block under "## Layout": one entry a line, indented two spaces a
    level, its names (``a.py, b.css``) before a description; deeper-indented lines continue a
    description.
    """
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    entries: set[str] = set()
    inside = False
    parents: list[tuple[int, str]] = []
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip():
            continue
        if indent == 0:
            inside = line.startswith(folder)
            parents = []
            continue
        if not inside or indent > 8:  # a description's continuation
            continue
        names_part = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        while parents and parents[-1][0] >= indent:
            parents.pop()
        prefix = "".join(name for _, name in parents)
        names = [name.strip() for name in names_part.split(",")]
        for name in names:
            entries.add(prefix + name)
        if len(names) == 1 and names[0].endswith("/"):
            parents.append((indent, names[0]))
    return entries


def test_layout_reader() -> None:
    readme = (
        "## Layout\n\n```\nsrc/pkg/   the package:\n  a.py, a.css   one\n  sub/   two\n"
        "    b.py       three, described\n               on two lines\n  c.py  four\n"
        "tests/   tests\n```\n"
    )
    assert layout_entries(readme, "src/pkg/") == {"a.py", "a.css", "sub/", "sub/b.py", "c.py"}


def test_the_readme_layout_lists_every_module_and_nothing_else() -> None:
    listed = layout_entries((ROOT / "README.md").read_text(encoding="utf-8"))
    package = SRC / PACKAGE
    modules = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
    }
    packages = {
        path.parent.relative_to(package).as_posix() + "/"
        for path in package.rglob("__init__.py")
        if path.parent != package
    }
    assert sorted((modules | packages) - listed) == [], "in the tree, not in the README's layout"
    gone = sorted(name for name in listed if not (package / name.rstrip("/")).exists())
    assert gone == [], "in the README's layout, not in the tree"
