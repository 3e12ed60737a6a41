-- 0014: what the review web app needs to stay fast at 100,000 events.
--
-- The inbox pages through events newest first (keyset on first_seen_at, id), with
-- or without a review-state filter: one index for each.
CREATE INDEX alliance_events_inbox_idx ON alliance_events (first_seen_at DESC, id DESC);
CREATE INDEX alliance_events_inbox_state_idx
    ON alliance_events (review_state, first_seen_at DESC, id DESC);

-- tieup_company_of runs once per party name of every event row the views show. Its
-- first form (`lower(name) = ... OR id IN (aliases)`) could not use the lower() indexes
-- of 0010 through the OR and scanned the whole companies table on each call:
-- `tieup review list` took 50 s at 100,000 events. The same answer (an exact name
-- first, else an alias, lowest id first) from two index probes.

CREATE OR REPLACE FUNCTION tieup_company_of(p_name text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT name FROM (
        SELECT c.name, 0 AS rank, c.id FROM companies c WHERE lower(c.name) = lower(btrim(p_name))
        UNION ALL
        SELECT c.name, 1, c.id FROM company_aliases a JOIN companies c ON c.id = a.company_id
         WHERE lower(a.alias) = lower(btrim(p_name))
    ) found ORDER BY rank, id LIMIT 1
$$;
