"""Documentation is tested: every CLI command and every DAG is in the README."""

import re
from pathlib import Path

from pipeline.cli import build_parser

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
DAGS = Path(__file__).parent.parent / "dags"


def _commands(parser, prefix="tieup"):
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in action.choices.items():
            if sub._subparsers:
                yield from _commands(sub, f"{prefix} {name}")
            else:
                yield f"{prefix} {name}"


def test_every_cli_command_is_documented():
    commands = list(_commands(build_parser()))
    assert "tieup run" in commands and "tieup feeds add" in commands
    missing = [c for c in commands if f"`{c}" not in README]
    assert not missing, f"undocumented commands: {missing}"


def test_every_dag_is_documented():
    dag_ids = re.findall(r'dag_id="([a-z_]+)"', "".join(p.read_text() for p in DAGS.glob("*.py")))
    assert "news_ingest" in dag_ids
    missing = [d for d in dag_ids if f"`{d}`" not in README]
    assert not missing, f"undocumented DAGs: {missing}"


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README
