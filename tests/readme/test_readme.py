"""The README's local session runs verbatim and prints what the README shows (see tests/readme/session.py)."""

import shutil
import sys
from pathlib import Path

import pytest

from readme.session import README, differences, parse, run_session


def test_the_commands_are_on_the_venvs_path():
    """``make setup`` puts anvil and cast next to ``ape`` in the venv: the README's shell finds all three there."""
    bin_dir = Path(sys.executable).parent
    for tool in ("ape", "anvil", "cast"):
        assert shutil.which(tool, path=str(bin_dir)), f"{tool} is not in {bin_dir}: run make setup"


@pytest.mark.slow
def test_the_readme_session_prints_what_the_readme_shows(tmp_path):
    blocks = parse(README.read_text())
    assert sum(len(block.steps) for block in blocks) >= 25 and any(block.kind == "python" for block in blocks)
    run_session(blocks, tmp_path)
    found = differences(blocks)
    assert not found, (
        "the README's session prints something else than the README shows (if on purpose: "
        "python tests/readme/session.py --write):\n\n" + "\n\n".join(found)
    )
