"""SQL for the companies and company_aliases tables, synced from the gazetteer data file."""

from __future__ import annotations

import psycopg2.extras


def sync_companies(conn, organisations) -> int:
    """Upsert every organisation, its parent and its aliases; returns how many there are.

    The gazetteer file is the source of truth for its own entries: aliases no longer
    listed are removed, while companies and aliases added by reviewers stay.
    """
    orgs = list(organisations)
    with conn.cursor() as cur:
        psycopg2.extras.execute_values(cur, """
            INSERT INTO companies (name, kind, country) VALUES %s
            ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, country = EXCLUDED.country,
                                             origin = 'gazetteer'
            WHERE (companies.kind, companies.country, companies.origin)
                  IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.country, 'gazetteer')""",
                                       [(o.name, o.kind, o.country) for o in orgs])
        psycopg2.extras.execute_values(cur, """
            UPDATE companies c SET parent_id = p.id
            FROM (VALUES %s) AS v(name, parent) LEFT JOIN companies p ON p.name = v.parent
            WHERE c.name = v.name AND c.parent_id IS DISTINCT FROM p.id""",
                                       [(o.name, o.parent) for o in orgs])
        aliases = sorted({(a, o.name) for o in orgs for a in (o.name, *o.aliases)})
        cur.execute("CREATE TEMP TABLE gazetteer_aliases (alias text, company text) ON COMMIT DROP")
        psycopg2.extras.execute_values(cur, "INSERT INTO gazetteer_aliases VALUES %s", aliases)
        cur.execute("""
            DELETE FROM company_aliases ca USING companies c
            WHERE ca.company_id = c.id AND ca.origin = 'gazetteer' AND NOT EXISTS (
                SELECT 1 FROM gazetteer_aliases g WHERE g.alias = ca.alias AND g.company = c.name)""")
        cur.execute("""
            INSERT INTO company_aliases (alias, company_id)
            SELECT g.alias, c.id FROM gazetteer_aliases g JOIN companies c ON c.name = g.company
            ON CONFLICT DO NOTHING""")
    conn.commit()
    return len(orgs)


def unresolved_parties(conn, limit: int = 100) -> list[dict]:
    """Party names no company or alias matches yet, with how many events and articles name them."""
    with conn.cursor() as cur:
        cur.execute("""SELECT name, event_count, article_count, last_seen_at FROM v_unresolved_parties
                       ORDER BY event_count DESC, name LIMIT %s""", (limit,))
        columns = [c.name for c in cur.description]
        return [dict(zip(columns, row)) for row in cur.fetchall()]


def find_companies(conn, text: str, limit: int = 20) -> list[dict]:
    """Companies whose name or an alias contains `text` (case-insensitive), with their origin."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT c.name, c.kind, c.country, c.origin,
                   array_agg(a.alias ORDER BY a.alias) FILTER (WHERE a.alias <> c.name) AS aliases
              FROM companies c LEFT JOIN company_aliases a ON a.company_id = c.id
             WHERE c.name ILIKE %(pattern)s OR c.id IN (
                   SELECT company_id FROM company_aliases WHERE alias ILIKE %(pattern)s)
             GROUP BY c.id ORDER BY c.name LIMIT %(limit)s""",
                    {"pattern": "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%",
                     "limit": limit})
        columns = [c.name for c in cur.description]
        return [dict(zip(columns, row)) for row in cur.fetchall()]


def add_company(conn, name: str, reviewer: str, kind: str = "other", country: str | None = None,
                note: str | None = None) -> int:
    """Add a company through the audited review function; returns the audit row's id."""
    with conn.cursor() as cur:
        cur.execute("SELECT tieup_add_company(%s, %s, %s, %s, %s)", (name, reviewer, kind, country, note))
        audit_id = cur.fetchone()[0]
    conn.commit()
    return audit_id


def map_alias(conn, name: str, company: str, reviewer: str, note: str | None = None) -> int:
    """Make `name` an alias of `company` through the audited review function; returns the audit id."""
    with conn.cursor() as cur:
        cur.execute("SELECT tieup_map_company_alias(%s, %s, %s, %s)", (name, company, reviewer, note))
        audit_id = cur.fetchone()[0]
    conn.commit()
    return audit_id
