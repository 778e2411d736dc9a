"""The worked example in docs/adapters.md is complete: copied as-is, it passes the harmonics chapter."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from assay.cli import _plugin_args

DOC = Path(__file__).resolve().parents[2] / "docs" / "adapters.md"


def test_worked_example_adapter_passes_its_chapter(tmp_path):
    code = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)[0]
    (tmp_path / "scipy_adapter.py").write_text(code)
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pytest", "--pyargs", "assay.conformance.so3.test_so3_harmonics", *_plugin_args(),
               "--assay-impl=scipy_adapter:ScipyAdapter", "--assay-profile=quick", f"--assay-report={report}",
               "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                [str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])])})
    assert result.returncode == 0, result.stdout[-3000:]
    data = json.loads(report.read_text())
    assert data["implementation"]["name"] == "scipy.special"
    # l = 0..6 and the deep probe l = 40, values and norms
    assert data["summary"]["passed"] == 16 and data["summary"]["failed"] == 0
