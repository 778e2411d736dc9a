"""The generated API page matches the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_api_page_is_current():
    spec = importlib.util.spec_from_file_location("generate_api", DOCS / "generate_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DOCS / "api.md").read_text() == module.render(), "run: python docs/generate_api.py"


def test_adapter_tables_are_current():
    spec = importlib.util.spec_from_file_location("generate_adapter_tables", DOCS / "generate_adapter_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() in (DOCS / "adapters.md").read_text(), (
        "run: python docs/generate_adapter_tables.py and paste its output over the generated block of docs/adapters.md")


def test_conformance_page_tables_are_current():
    spec = importlib.util.spec_from_file_location("generate_adapter_tables", DOCS / "generate_adapter_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = (DOCS / "conformance.md").read_text()
    for name, body in module.conformance_blocks().items():
        begin, end = module.CONFORMANCE_BLOCKS[name]
        assert f"{begin}\n{body}\n{end}" in page, f"run: python docs/generate_adapter_tables.py --write ({name})"
