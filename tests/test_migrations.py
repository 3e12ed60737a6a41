"""Migrations: applied once in order, recorded with checksums, edited files refused."""

import pytest

from pipeline import db
from pipeline.errors import MigrationError
from pipeline.store.migrations import Migration, applied_migrations, bundled_migrations, migrate


def test_migrate_twice_is_a_no_op(empty_database_url):
    conn = db.connect(empty_database_url)
    first = migrate(conn)
    assert first == [m.version for m in bundled_migrations()]
    second = migrate(conn)
    assert second == []
    assert set(applied_migrations(conn)) == set(first)
    conn.close()


def test_changed_applied_file_is_refused(empty_database_url):
    conn = db.connect(empty_database_url)
    migrate(conn)
    original = bundled_migrations()[0]
    edited = Migration(original.version, original.name, original.sql + "\n-- edited\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(conn, [edited, *bundled_migrations()[1:]])
    conn.close()


def test_failed_migration_rolls_back_whole_file(empty_database_url):
    conn = db.connect(empty_database_url)
    broken = Migration("0001", "0001_broken.sql",
                       "CREATE TABLE half_done (id int); SELECT no_such_function();")
    with pytest.raises(MigrationError, match="0001_broken.sql failed"):
        migrate(conn, [broken], views=[])
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('half_done')")
        assert cur.fetchone()[0] is None
    assert applied_migrations(conn) == {}
    conn.close()


def test_raw_pages_are_stored_without_a_second_compression(conn):
    """body_gz is already gzip: TOAST keeps it out of line as is (storage 'e'), never pglz."""
    with conn.cursor() as cur:
        cur.execute("""SELECT attstorage FROM pg_attribute
                        WHERE attrelid = 'raw_pages'::regclass AND attname = 'body_gz'""")
        assert cur.fetchone()[0] == "e"
