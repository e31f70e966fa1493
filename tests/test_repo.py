"""Repository hygiene: lint, the Dockerfile, and the README's test command matching CI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def commands(script: str) -> list[str]:
    """The command lines of a shell snippet: comments, blank lines and prompts removed."""
    found = []
    for line in script.splitlines():
        line = line.split(" #", 1)[0].strip().removeprefix("$ ")
        if line and not line.startswith("#"):
            found.append(" ".join(line.split()))
    return found


def test_ruff_check_passes():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_passes_hadolint_without_warnings():
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    if hadolint is None:
        pytest.fail("hadolint is missing: install the test extras (pip install -e '.[test]')")
    result = subprocess.run(
        [hadolint, "--no-color", "--failure-threshold", "info", "Dockerfile"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_dockerfile_installs_the_torch_that_pyproject_pins():
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = next(d for d in dependencies if re.match(r"torch\s*==", d))
    dockerfile = (REPO / "Dockerfile").read_text()
    install = re.search(r"pip install [^\n]*torch==(\S+)[^\n]*--index-url (\S+)", dockerfile)
    assert install, "the Dockerfile must install torch from the PyTorch CPU index first"
    assert pinned.replace(" ", "") == f"torch=={install.group(1)}"
    assert install.group(2) == "https://download.pytorch.org/whl/cpu"
    assert dockerfile.index("torch==") < dockerfile.index("pip install --no-cache-dir .")


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set(commands((REPO / ".dockerignore").read_text()))
    assert {".env", ".git", ".venv", ".cache", "indexes"} <= ignored
    assert "**/__pycache__" in ignored or "__pycache__" in ignored


def test_readme_test_command_is_what_ci_runs():
    ci = commands((REPO / ".ci" / "run").read_text())
    ci_command = next(c for c in reversed(ci) if not c.startswith(("set ", "cd ")))
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", readme, flags=re.M | re.S)
    test_commands = [
        c for block in blocks for c in commands(block) if re.search(r"\b(pytest|make test)\b", c)
    ]
    assert test_commands, "README.md shows no command that runs the tests"
    assert set(test_commands) == {ci_command}, (
        f"README.md says {test_commands}, .ci/run runs {ci_command!r}"
    )
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^test:.*\n\t.*pytest", makefile, flags=re.M), "make test must run pytest"
