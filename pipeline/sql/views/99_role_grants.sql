-- Privileges of the tieup roles. This file sorts last and is re-applied after
-- every migrate, because re-created views lose their grants and later
-- migrations add tables. It does nothing until `tieup db roles` has created
-- the roles (CREATE ROLE is cluster-wide and needs CREATEROLE, which the
-- migrating user may not have).
DO $$
DECLARE
    schema_name text := current_schema();
    rel record;
    review_fn regprocedure := to_regprocedure(
        'tieup_review_event(bigint, text, text, text, text[], text, text, date)');
BEGIN
    -- tieup_reviewer: read the v_* views, change review data only through
    -- tieup_review_event (which audits), nothing else.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tieup_reviewer') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO tieup_reviewer', schema_name);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM tieup_reviewer', schema_name);
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM tieup_reviewer', schema_name);
        FOR rel IN SELECT c.relname FROM pg_class c
                   WHERE c.relnamespace = schema_name::regnamespace AND c.relkind = 'v'
                     AND c.relname LIKE 'v\_%' LOOP
            EXECUTE format('GRANT SELECT ON %I.%I TO tieup_reviewer', schema_name, rel.relname);
        END LOOP;
        IF review_fn IS NOT NULL THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO tieup_reviewer', review_fn);
        END IF;
        IF to_regprocedure('tieup_add_company(text, text, text, text, text)') IS NOT NULL THEN
            GRANT EXECUTE ON FUNCTION tieup_add_company(text, text, text, text, text) TO tieup_reviewer;
            GRANT EXECUTE ON FUNCTION tieup_map_company_alias(text, text, text, text) TO tieup_reviewer;
        END IF;
    END IF;

    -- tieup_pipeline: the service. Reads and writes pipeline data, owns
    -- nothing, runs no DDL, and cannot write review data: alliance_events
    -- columns are granted one by one, review_audit is read-only to it.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tieup_pipeline') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO tieup_pipeline', schema_name);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM tieup_pipeline', schema_name);
        FOR rel IN SELECT c.relname, c.relkind FROM pg_class c
                   WHERE c.relnamespace = schema_name::regnamespace AND c.relkind IN ('r', 'p', 'v')
                     AND c.relname NOT IN ('schema_migrations', 'review_audit', 'company_audit',
                                           'alliance_events', 'watchlists', 'watchlist_companies',
                                           'watchlist_subscribers') LOOP
            EXECUTE format(CASE WHEN rel.relkind = 'v' THEN 'GRANT SELECT ON %I.%I TO tieup_pipeline'
                                ELSE 'GRANT SELECT, INSERT, UPDATE, DELETE ON %I.%I TO tieup_pipeline' END,
                           schema_name, rel.relname);
        END LOOP;
        IF to_regclass('alliance_events') IS NOT NULL THEN
            GRANT SELECT, DELETE ON alliance_events TO tieup_pipeline;
            GRANT INSERT (alliance_id, deal_type, status, event_date, first_seen_at, last_seen_at,
                          focus_areas, confidence, updated_at, stake_pct),
                  UPDATE (deal_type, status, event_date, last_seen_at, focus_areas, confidence,
                          updated_at, stake_pct)
                ON alliance_events TO tieup_pipeline;
        END IF;
        IF to_regclass('review_audit') IS NOT NULL THEN
            GRANT SELECT ON review_audit TO tieup_pipeline;
        END IF;
        IF to_regclass('company_audit') IS NOT NULL THEN
            GRANT SELECT ON company_audit TO tieup_pipeline;
        END IF;
        -- Watchlists decide where data is sent: the owner edits them (`tieup watch`),
        -- the pipeline only reads them and records its deliveries.
        IF to_regclass('watchlists') IS NOT NULL THEN
            GRANT SELECT ON watchlists, watchlist_companies, watchlist_subscribers TO tieup_pipeline;
        END IF;
        IF to_regclass('schema_migrations') IS NOT NULL THEN
            GRANT SELECT ON schema_migrations TO tieup_pipeline;
        END IF;
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO tieup_pipeline', schema_name);
    END IF;
END $$;
