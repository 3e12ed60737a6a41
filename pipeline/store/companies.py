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
