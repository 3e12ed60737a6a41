-- Open-world parties and stakes (#14). The classifier keeps organisations the
-- gazetteer lacks as spelled; the views tell them apart, and a reviewer maps a
-- name to a company or adds the company, so the gazetteer grows from review.

ALTER TABLE articles ADD COLUMN stake_pct numeric(6, 3)
    CHECK (stake_pct IS NULL OR (stake_pct > 0 AND stake_pct <= 100));
ALTER TABLE alliance_events ADD COLUMN stake_pct numeric(6, 3)
    CHECK (stake_pct IS NULL OR (stake_pct > 0 AND stake_pct <= 100));
-- A story is one event: its status keeps talks and the signing days later apart.
ALTER TABLE stories ADD COLUMN status text;

-- Where a company or alias came from: the gazetteer file (synced on every
-- migrate, which removes what the file dropped) or a reviewer (never removed).
ALTER TABLE companies ADD COLUMN origin text NOT NULL DEFAULT 'gazetteer'
    CHECK (origin IN ('gazetteer', 'review'));
ALTER TABLE company_aliases ADD COLUMN origin text NOT NULL DEFAULT 'gazetteer'
    CHECK (origin IN ('gazetteer', 'review'));
CREATE INDEX companies_lower_name_idx ON companies (lower(name));
CREATE INDEX company_aliases_lower_alias_idx ON company_aliases (lower(alias));

-- Every change reviewers make to the companies, like review_audit for events.
CREATE TABLE company_audit (
    id          bigserial PRIMARY KEY,
    action      text NOT NULL CHECK (action IN ('add_company', 'map_alias')),
    name        text NOT NULL,
    company     text NOT NULL,
    reviewer    text NOT NULL,
    db_user     text NOT NULL DEFAULT session_user,
    note        text,
    decided_at  timestamptz NOT NULL DEFAULT now()
);

-- The company a name means (canonical name or alias, any case), or NULL. Runs with
-- its owner's rights: the views use it, and reviewers may read views, not tables.
CREATE FUNCTION tieup_company_of(p_name text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT c.name FROM companies c
     WHERE lower(c.name) = lower(btrim(p_name))
        OR c.id IN (SELECT company_id FROM company_aliases WHERE lower(alias) = lower(btrim(p_name)))
     ORDER BY lower(c.name) = lower(btrim(p_name)) DESC, c.id LIMIT 1
$$;

-- Parties with every known name spelled as the companies table spells it;
-- unknown names kept as written. Distinct and sorted.
CREATE FUNCTION tieup_resolved_parties(p_names text[]) RETURNS text[]
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT coalesce(tieup_company_of(n), n) ORDER BY coalesce(tieup_company_of(n), n)), '{}')
      FROM unnest(p_names) AS n
$$;

-- The parties no company or alias matches yet, sorted.
CREATE FUNCTION tieup_unresolved_parties(p_names text[]) RETURNS text[]
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT n ORDER BY n), '{}')
      FROM unnest(p_names) AS n WHERE tieup_company_of(n) IS NULL
$$;

CREATE FUNCTION tieup_check_reviewer_text(p_value text, p_what text, p_max int) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF coalesce(btrim(p_value), '') = '' THEN
        RAISE EXCEPTION '% is required', p_what USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF length(p_value) > p_max THEN
        RAISE EXCEPTION '% is longer than % characters', p_what, p_max USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN btrim(p_value);
END $$;

-- Add a company a reviewer found in the news (an unresolved party). Runs with its
-- owner's rights, like tieup_review_event, and writes the audit row in the same
-- transaction. Returns the audit row's id.
CREATE FUNCTION tieup_add_company(p_name text, p_reviewer text, p_kind text DEFAULT 'other',
                                  p_country text DEFAULT NULL, p_note text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_name text := tieup_check_reviewer_text(p_name, 'company name', 200);
    v_reviewer text := tieup_check_reviewer_text(p_reviewer, 'reviewer', 200);
    v_id bigint;
    audit_id bigint;
BEGIN
    IF length(coalesce(p_note, '')) > 2000 THEN
        RAISE EXCEPTION 'note is longer than 2000 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kind IS NULL OR p_kind NOT IN ('automaker', 'brand', 'supplier', 'battery', 'chip',
            'autonomous_driving', 'software', 'tech', 'mobility', 'charging', 'joint_venture',
            'materials', 'conglomerate', 'energy', 'airline', 'pharma', 'bank', 'other') THEN
        RAISE EXCEPTION 'unknown company kind %', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF tieup_company_of(v_name) IS NOT NULL THEN
        RAISE EXCEPTION 'company % already exists as %', v_name, tieup_company_of(v_name)
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO companies (name, kind, country, origin) VALUES (v_name, p_kind, p_country, 'review')
    RETURNING id INTO v_id;
    INSERT INTO company_aliases (alias, company_id, origin) VALUES (v_name, v_id, 'review');
    INSERT INTO company_audit (action, name, company, reviewer, note)
    VALUES ('add_company', v_name, v_name, v_reviewer, p_note) RETURNING id INTO audit_id;
    RETURN audit_id;
END $$;

-- Map a name (an unresolved party) to an existing company: an alias from review.
CREATE FUNCTION tieup_map_company_alias(p_alias text, p_company text, p_reviewer text,
                                        p_note text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_alias text := tieup_check_reviewer_text(p_alias, 'name', 200);
    v_reviewer text := tieup_check_reviewer_text(p_reviewer, 'reviewer', 200);
    v_company text := tieup_company_of(p_company);
    v_current text := tieup_company_of(p_alias);
    audit_id bigint;
BEGIN
    IF length(coalesce(p_note, '')) > 2000 THEN
        RAISE EXCEPTION 'note is longer than 2000 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_company IS NULL THEN
        RAISE EXCEPTION 'unknown company %', p_company USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_current IS NOT NULL AND v_current <> v_company THEN
        RAISE EXCEPTION '% already means %', v_alias, v_current USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO company_aliases (alias, company_id, origin)
    SELECT v_alias, id, 'review' FROM companies WHERE name = v_company
    ON CONFLICT DO NOTHING;
    INSERT INTO company_audit (action, name, company, reviewer, note)
    VALUES ('map_alias', v_alias, v_company, v_reviewer, p_note) RETURNING id INTO audit_id;
    RETURN audit_id;
END $$;

REVOKE ALL ON FUNCTION tieup_add_company(text, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tieup_map_company_alias(text, text, text, text) FROM PUBLIC;
