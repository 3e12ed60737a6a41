"""Documentation is tested: every CLI command and every DAG is in the README."""

import re
from pathlib import Path

import pytest

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


ROOT = Path(__file__).parent.parent
# Paths the docs name that exist only while or after something runs.
GENERATED = (".data/", "bench/out/", "digests/", "/path/")


def _table_commands():
    """Each `tieup ...` command named in a README table row, as its words (no options or arguments)."""
    for line in README.splitlines():
        if line.startswith("|"):
            for text in re.findall(r"`tieup ([^`]*)`", line):
                words = []
                for word in text.split():
                    if not re.fullmatch(r"[a-z][a-z-]*", word):
                        break
                    words.append(word)
                yield words


def test_every_command_in_the_readme_tables_runs_with_help(capsys):
    commands = list(_table_commands())
    assert ["feeds", "add"] in commands and ["review", "confirm"] in commands
    for words in commands:
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args([*words, "--help"])
        assert exit_.value.code == 0, words
        assert "--database-url" in capsys.readouterr().out, words


def _named_paths(text: str):
    """Project paths a text names: `dir/file` under a top-level folder, or a Markdown file."""
    tops = "|".join(p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("."))
    yield from re.findall(rf"(?<![\w/.$-])((?:{tops})/[\w./-]*[\w/])", text)
    yield from re.findall(r"(?<![\w/.-])([\w-]+\.md)\b", text)


def _docs_and_code():
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml", ROOT / "Dockerfile",
             ROOT / "docker-compose.yml", *ROOT.glob("pipeline/**/*.py"), *ROOT.glob("dags/*.py"),
             *ROOT.glob("tests/**/*.md"), *ROOT.glob("bench/*.md"), *ROOT.glob("bench/*.py"),
             *ROOT.glob("tests/*.py")]
    return [f for f in files if f.is_file()]


def test_every_file_the_docs_name_exists():
    all_md = {p.name for p in ROOT.rglob("*.md") if ".venv" not in p.parts}
    missing = []
    for source in _docs_and_code():
        for path in _named_paths(source.read_text(encoding="utf-8")):
            if path.startswith(GENERATED) or "*" in path or "NNNN" in path or path.endswith("_"):
                continue
            exists = path in all_md if "/" not in path else (ROOT / path).exists()
            if not exists:
                missing.append(f"{source.relative_to(ROOT)}: {path}")
    assert not missing, f"named but missing: {missing}"


def test_every_make_target_the_readme_names_exists():
    makefile = (ROOT / "Makefile").read_text()
    for target in set(re.findall(r"`make ([a-z-]+)", README)):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_every_view_column_is_in_the_readme(conn):
    with conn.cursor() as cur:
        cur.execute("""SELECT c.table_name, c.column_name FROM information_schema.columns c
                       JOIN information_schema.views v USING (table_schema, table_name)
                       WHERE c.table_schema = 'public' AND c.table_name LIKE 'v\\_%'
                       ORDER BY 1, c.ordinal_position""")
        columns = cur.fetchall()
    assert ("v_feed_health", "health") in columns
    missing = [f"{view}.{column}" for view, column in columns
               if not re.search(rf"`{view}`", README) or not re.search(rf"`{column}[` ]", README)]
    assert not missing, f"view columns not in the README: {missing}"


def test_the_offline_demo_leaves_nothing_untracked():
    import subprocess
    from .site import demo_parser
    default = demo_parser().parse_args([]).feeds_file
    ignored = subprocess.run(["git", "check-ignore", "-q", str(default)], cwd=ROOT)
    assert ignored.returncode == 0, f"{default} would be left untracked in the project"
    assert f"TIEUP_FEEDS_FILE={default}" in README
