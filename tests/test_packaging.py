"""A non-editable install (as Docker and users do it) ships the SQL and data files."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def test_wheel_contains_sql_and_data(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("tieup-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = {p.name for p in (ROOT / "sql" / "migrations").glob("*.sql")}
    views = {p.name for p in (ROOT / "sql" / "views").glob("*.sql")}
    assert {f"pipeline/sql/migrations/{m}" for m in migrations} <= names
    assert {f"pipeline/sql/views/{v}" for v in views} <= names
    assert {"pipeline/data/feeds.yml", "pipeline/data/org_names.yml"} <= names
    web = {f"pipeline/web/{p.relative_to(ROOT / 'pipeline' / 'web')}"
           for folder in ("templates", "static") for p in (ROOT / "pipeline" / "web" / folder).iterdir()}
    assert web and web <= names      # the review pages' templates and assets
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "pipeline.web.airflow_plugin:TieupReviewPlugin" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert not any(n.startswith(("tests/", "dags/")) for n in names)


@pytest.mark.parametrize("name", ["gazetteer.yml", "classify_lexicon.yml", "feeds.yml", "org_names.yml"])
def test_packaged_yaml_reads_the_same_with_the_fast_loader(name):
    import yaml
    from pipeline import yamlfile
    text = (Path(__file__).parents[1] / "pipeline" / "data" / name).read_text(encoding="utf-8")
    assert yamlfile.SAFE_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert yamlfile.safe_load(text) == yaml.safe_load(text)
