"""The first hour with the CLI: options where users put them, one line per error, no tracebacks."""

import subprocess
import sys

import pytest

from pipeline import runfile
from pipeline.cli import main


def tieup(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True,
                          text=True, timeout=120, **kwargs)


def test_database_url_after_the_subcommand(database_url, capsys):
    assert main(["review", "list", "--database-url", database_url]) == 0
    assert main(["feeds", "list", "--database-url", database_url, "-v"]) == 0
    assert main(["db", "migrate", "--database-url", database_url]) == 0
    assert "none pending" in capsys.readouterr().out


def test_the_cli_finds_the_service_make_run_started(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runfile.write(database_url)
    assert (tmp_path / ".data" / "tieup.env").stat().st_mode & 0o077 == 0
    assert main(["feeds", "list"]) == 0
    assert "no feeds yet" in capsys.readouterr().out
    shell = subprocess.run(["sh", "-c", ". .data/tieup.env && printf %s \"$DATABASE_URL\""],
                           capture_output=True, text=True, check=True)
    assert shell.stdout == database_url  # the file is also a shell file
    runfile.remove()
    assert main(["feeds", "list"]) == 1
    assert "DATABASE_URL is not set" in capsys.readouterr().err


def test_missing_input_file_is_one_line_and_a_usage_error(database_url, tmp_path):
    for args in (["ingest", "missing.jsonl"], ["extract", "missing.jsonl"], ["classify", "missing.jsonl"]):
        proc = tieup(*args, "--database-url", database_url, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == "tieup: cannot read missing.jsonl: No such file or directory\n"
        assert proc.stdout == ""


def test_unwritable_output_and_bad_since_are_usage_errors(database_url, tmp_path):
    for args in (["export", "--out", str(tmp_path / "no" / "x.csv")],
                 ["report", "--out", str(tmp_path / "no" / "x.txt")],
                 ["report", "--since", "last week"]):
        proc = tieup(*args, "--database-url", database_url)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
        assert "Traceback" not in proc.stderr


def test_closed_pipe_ends_quietly(database_url):
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "export", "--format", "csv",
                             "--database-url", database_url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` that has read all it wanted
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert err == ""
    assert proc.returncode == 141


@pytest.mark.parametrize("url", ["mysql://user:s3cret@db.example/news", "not a url",
                                 "host=db password=s3cret nonsense"])
def test_invalid_database_url_says_so(url, capsys):
    assert main(["feeds", "list", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tieup: not a PostgreSQL URL") and err.count("\n") == 1
    assert "s3cret" not in err and "rerun" not in err


def test_unmigrated_database_says_run_migrate(empty_database_url, capsys):
    for args in (["feeds", "list"], ["review", "list"], ["export"]):
        assert main([*args, "--database-url", empty_database_url]) == 1
        err = capsys.readouterr().err
        assert err == "tieup: the database has no tieup schema: run `tieup db migrate`\n", err


def test_bad_option_values_are_usage_errors(database_url, capsys):
    for args, message in ((["review", "list", "--limit", "-3"], "not a positive whole number"),
                          (["reclassify", "--since", "yesterday"], "not a YYYY-MM-DD date")):
        with pytest.raises(SystemExit) as exit_:
            main([*args, "--database-url", database_url])
        assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_unreachable_database_is_one_line(tmp_path, monkeypatch, capsys):
    url = f"postgresql://u@/tieup?host={tmp_path}"  # no server on that socket
    assert main(["feeds", "list", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tieup: cannot connect to the database") and err.count("\n") == 1
    monkeypatch.chdir(tmp_path)  # the same URL, left behind by a `make run` that was killed
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runfile.write(url)
    assert main(["feeds", "list"]) == 1
    assert "is `make run` still running?" in capsys.readouterr().err
