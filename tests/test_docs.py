"""The docs sources are current and the site's build hooks do what they say (no build here: tests/browser builds)."""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_adapter_tables_are_current():
    module = _load(DOCS / "generate_adapter_tables.py")
    assert module.render() in (DOCS / "adapters.md").read_text(), (
        "run: python docs/generate_adapter_tables.py and paste its output over the generated block of docs/adapters.md")


def test_adapter_tables_block_appears_once_and_write_keeps_it():
    module = _load(DOCS / "generate_adapter_tables.py")
    page = (DOCS / "adapters.md").read_text()
    assert page.count(module.BEGIN) == 1 and page.count(module.END) == 1
    # what --write would produce from the page as it is: the same page (writing twice adds nothing)
    assert module._replace_between(page, module.BEGIN, module.END, module.adapters_block()) == page


def test_conformance_page_tables_are_current():
    module = _load(DOCS / "generate_adapter_tables.py")
    page = (DOCS / "conformance.md").read_text()
    for name, body in module.conformance_blocks().items():
        begin, end = module.CONFORMANCE_BLOCKS[name]
        assert f"{begin}\n{body}\n{end}" in page, f"run: python docs/generate_adapter_tables.py --write ({name})"


def test_generated_cells_are_not_reference_links():
    module = _load(DOCS / "generate_adapter_tables.py")
    assert module.cell("A[σ][:, σ] | x*y") == "A\\[σ]\\[:, σ] \\| x\\*y"


def _bash_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_quickstart_carries_the_readme_commands():
    readme = _bash_blocks((ROOT / "README.md").read_text())
    quickstart = _bash_blocks((DOCS / "quickstart.md").read_text())
    assert len(readme) >= 2, "the README's two commands come first"
    assert quickstart[:2] == readme[:2]


def test_the_docs_command_is_documented():
    command = 'pip install -e ".[docs]" && mkdocs build --strict'
    for page in (ROOT / "README.md", DOCS / "index.md", DOCS / "quickstart.md"):
        assert command in page.read_text(), page.name
    assert "mkdocs build --strict" in (ROOT / ".ci" / "run").read_text()


# --- the API pages ------------------------------------------------------------------------------------------------

def _directives() -> list[str]:
    return [name for page in sorted((DOCS / "api").glob("*.md"))
            for name in re.findall(r"^::: (\S+)", page.read_text(), re.M)]


def test_api_pages_cover_every_domain_and_role():
    directives = _directives()
    assert not (DOCS / "api.md").exists(), "docs/api.md is replaced by the mkdocstrings pages of docs/api/"
    for role in ("reference", "kernels", "properties"):
        domains = [p.name for p in (ROOT / "assay" / role).iterdir() if (p / "__init__.py").is_file()]
        assert len(domains) >= 5
        for domain in domains:
            package = f"assay.{role}.{domain}"
            assert any(d == package or d.startswith(package + ".") for d in directives), f"no API page shows {package}"
    for package in ("assay.core", "assay.conformance", "assay.conformance.adapters", "assay.conformance.registry"):
        assert package in directives


def test_api_directives_name_importable_objects():
    for name in _directives():
        module_name, _, attribute = name.rpartition(".")
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            assert hasattr(importlib.import_module(module_name), attribute), name


def test_sphinx_roles_become_code_spans():
    roles = _load(DOCS / "gen" / "griffe_roles.py")
    text = "see :func:`wigner_3j`, :class:`~assay.core.exact.SqrtRational` and :mod:`assay.core.exact`"
    assert roles.strip_roles(text) == "see `wigner_3j`, `SqrtRational` and `assay.core.exact`"


# --- the conformance matrix page ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def matrix_page():
    return _load(DOCS / "gen" / "matrix_page.py")


def test_matrix_page_links_every_failing_cell(matrix_page):
    markdown = (DOCS / "conformance-matrix.md").read_text()
    page = matrix_page.linked_matrix(markdown, (DOCS / "conformance-matrix.html").read_text())
    failing = sum(cell.strip().startswith("fail (") for line in markdown.splitlines() if line.startswith("| ")
                  for cell in line.split(" | "))
    links = re.findall(r"<a href='#(msg-\d+)'>fail \(", page)
    assert failing > 0 and len(links) == failing
    for anchor in links:
        assert f"<h3 id='{anchor}'>" in page
    assert "## Failure messages" in page
    assert page.startswith(markdown.split("\n|", 1)[0])  # the command and the implementations are kept


def test_matrix_page_refuses_files_of_different_runs(matrix_page):
    markdown = (DOCS / "conformance-matrix.md").read_text()
    html = (DOCS / "conformance-matrix.html").read_text()
    changed = markdown.replace("pass · max 0 ulp (bound 0)", "pass · max 1 ulp (bound 0)", 1)
    assert changed != markdown
    with pytest.raises(matrix_page.MatrixMismatch, match="different runs"):
        matrix_page.linked_matrix(changed, html)
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    with pytest.raises(matrix_page.MatrixMismatch, match="rows"):
        matrix_page.linked_matrix(markdown.replace(table_rows[-1] + "\n", ""), html)


# --- the benchmarks page ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def benchmark_tables():
    return _load(DOCS / "gen" / "benchmark_tables.py")


def test_benchmarks_page_gathers_every_section(benchmark_tables):
    source = (DOCS / "benchmarks.md").read_text()
    directives = benchmark_tables.DIRECTIVE.findall(source)
    assert len(directives) >= 6
    page = benchmark_tables.expand(source, DOCS)
    assert "<!-- tables:" not in page
    for name, heading in directives:
        section_table = next(line for line in (DOCS / name).read_text().split(heading, 1)[1].splitlines()
                             if line.startswith("|"))
        assert section_table in page, (name, heading)
        assert f"]({name}#{benchmark_tables.anchor(heading)})" in page


def test_benchmarks_page_refuses_a_missing_section(benchmark_tables):
    for directive, message in [("<!-- tables: optics.md | ## No such heading -->", "found 0 times"),
                               ("<!-- tables: nowhere.md | ## Speed -->", "not in"),
                               ("<!-- tables: index.md | ## Start here -->", "no table")]:
        with pytest.raises(benchmark_tables.TablesNotFound, match=message):
            benchmark_tables.expand(directive, DOCS)


def test_section_ends_at_the_next_heading_of_its_level(benchmark_tables):
    text = "# T\n\n## A\n\ncap a\n\n| x |\n|---|\n| 1 |\n\n### A.1\n\n| y |\n|---|\n\n## B\n\n| z |\n|---|\n"
    gathered = benchmark_tables.gathered_tables(text, "t.md", "## A")
    assert "| 1 |" in gathered and "| y |" in gathered and "| z |" not in gathered
    assert gathered.startswith("From [T › A](t.md#a):") and "cap a\n\n| x |" in gathered
