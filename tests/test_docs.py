"""Docs stay true: every setting documented, the README's commands exist, CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from dyads.cli import app
from dyads.config import settings_table

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_docs_config():
    text = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    for key, _, default, _ in settings_table():
        assert f"`{key}`" in text, key
        assert f"`{default!r}`" in text, f"{key}: default {default!r} not in docs/config.md"


def test_readme_has_the_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.MULTILINE)


def test_every_dyads_command_in_the_docs_exists():
    runner = CliRunner()
    texts = [p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]]
    blocks = [block for text in texts for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.DOTALL)]
    commands = {m for block in blocks for m in re.findall(r"^\s*(?:\$ )?dyads ([a-z-]+)", block, flags=re.MULTILINE)}
    assert {"code", "ingest", "events", "evaluate"} <= commands
    for command in commands:
        assert runner.invoke(app, [command, "--help"]).exit_code == 0, f"`dyads {command}` is in the docs but not in the CLI"


def test_architecture_names_every_stage_module():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for module in (ROOT / "src" / "dyads" / "stages").glob("*.py"):
        if module.stem not in {"__init__", "extensions"}:
            assert f"stages/{module.name}" in text, module.name
