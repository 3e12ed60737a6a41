"""Database roles: tieup_reviewer (analysts) and tieup_pipeline (the service).

Both are NOLOGIN group roles; people and services log in as their own roles
and are made members (GRANT tieup_reviewer TO alice). Their privileges live in
sql/views/99_role_grants.sql, re-applied on every migrate.
"""

from __future__ import annotations

from importlib import resources

from psycopg2 import sql

from .migrations import MIGRATION_LOCK_KEY

ROLES = ("tieup_reviewer", "tieup_pipeline")
GRANTS_FILE = "99_role_grants.sql"

# Idempotent and safe against a concurrent creator: a role that appears between
# the check and CREATE ROLE is fine.
_CREATE_ROLES = """
DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['tieup_reviewer', 'tieup_pipeline'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END $$;
"""


def grants_sql() -> str:
    """The SQL that (re-)grants the roles' privileges."""
    return (resources.files("pipeline") / "sql" / "views" / GRANTS_FILE).read_text(encoding="utf-8")


def create_roles(conn) -> list[str]:
    """Create the roles if missing and apply their grants; returns the roles that were new."""
    with conn.cursor() as cur:
        # the migrate lock: grants must not interleave with a migrate re-creating views
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        cur.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(ROLES),))
        existing = {r[0] for r in cur.fetchall()}
        cur.execute(_CREATE_ROLES)
        cur.execute(grants_sql())
    conn.commit()
    return [r for r in ROLES if r not in existing]


def login_privileges(conn) -> dict:
    """What the connected login may do: superuser, its group roles, the tables it can write."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT r.rolsuper OR r.rolbypassrls,
                   ARRAY(SELECT g.rolname FROM pg_roles g
                         WHERE g.oid <> r.oid AND pg_has_role(r.oid, g.oid, 'MEMBER') ORDER BY 1),
                   ARRAY(SELECT c.relname FROM pg_class c
                         WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
                           AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
                                OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
                         ORDER BY 1)
            FROM pg_roles r WHERE r.rolname = current_user""")
        superuser, groups, writable = cur.fetchone()
    conn.rollback()
    return {"superuser": superuser, "groups": list(groups), "writable_tables": list(writable)}


def create_login(conn, name: str, group: str = "tieup_reviewer", password: str | None = None) -> bool:
    """Create LOGIN role `name` as a member of `group` if missing (its password set to
    `password` when given, also for an existing one); True when it was created now."""
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        created = cur.fetchone() is None
        if created:
            cur.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(sql.Identifier(name),
                                                                          sql.Identifier(group)))
        if password:
            cur.execute(sql.SQL("ALTER ROLE {} PASSWORD %s").format(sql.Identifier(name)), (password,))
    conn.commit()
    return created
