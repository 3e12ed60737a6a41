-- Review workflow: the one function through which analysts change review data,
-- plus the feed bookkeeping the data-quality checks need.

-- When a feed last polled successfully; kept by a trigger so that whichever
-- code records polls only has to reset consecutive_failures on success.
ALTER TABLE feeds ADD COLUMN last_success_at timestamptz;
UPDATE feeds SET last_success_at = last_polled_at
WHERE consecutive_failures = 0 AND last_polled_at IS NOT NULL;

CREATE FUNCTION tieup_feeds_track_success() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.consecutive_failures = 0 AND NEW.last_polled_at IS NOT NULL
       AND NEW.last_polled_at IS DISTINCT FROM OLD.last_polled_at THEN
        NEW.last_success_at := NEW.last_polled_at;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER feeds_track_success BEFORE UPDATE OF last_polled_at ON feeds
FOR EACH ROW EXECUTE FUNCTION tieup_feeds_track_success();

-- The reviewer name is what the analyst says; db_user is who PostgreSQL
-- authenticated (session_user is not changed by SECURITY DEFINER).
ALTER TABLE review_audit ADD COLUMN db_user text NOT NULL DEFAULT session_user;

CREATE INDEX review_audit_event_idx ON review_audit (event_id, decided_at);
CREATE INDEX alliance_events_seen_idx ON alliance_events (last_seen_at);

-- The values an analyst sees for an event (corrections win), as jsonb for the audit.
CREATE FUNCTION tieup_event_review_values(e alliance_events) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT jsonb_build_object(
        'review_state', e.review_state,
        'reviewer', e.reviewer,
        'review_note', e.review_note,
        'parties', to_jsonb(coalesce(e.corrected_parties,
                                     (SELECT al.parties FROM alliances al WHERE al.id = e.alliance_id))),
        'deal_type', coalesce(e.corrected_deal_type, e.deal_type),
        'status', coalesce(e.corrected_status, e.status),
        'event_date', coalesce(e.corrected_event_date, e.event_date))
$$;

-- Party names as the gazetteer spells them (case-insensitive, aliases too),
-- distinct and sorted. Once the companies table is filled, an unknown name is
-- refused rather than stored as a new spelling of a company.
CREATE FUNCTION tieup_canonical_parties(names text[]) RETURNS text[]
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    raw       text;
    canonical text;
    result    text[] := '{}';
    gazetteer boolean := EXISTS (SELECT 1 FROM companies);
BEGIN
    FOREACH raw IN ARRAY names LOOP
        CONTINUE WHEN coalesce(btrim(raw), '') = '';
        SELECT c.name INTO canonical FROM companies c
        WHERE lower(c.name) = lower(btrim(raw))
           OR c.id IN (SELECT company_id FROM company_aliases WHERE lower(alias) = lower(btrim(raw)))
        ORDER BY lower(c.name) = lower(btrim(raw)) DESC, c.id LIMIT 1;
        IF canonical IS NULL AND gazetteer THEN
            RAISE EXCEPTION 'unknown company %', btrim(raw) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        result := result || coalesce(canonical, btrim(raw));
    END LOOP;
    RETURN ARRAY(SELECT DISTINCT n FROM unnest(result) n ORDER BY 1);
END $$;

-- Confirm, reject or correct one event. Runs with its owner's rights so that
-- reviewers need no privilege on any table: this function is the only way
-- they can change review columns, and it always writes the audit row in the
-- same transaction. Returns the id of the audit row.
CREATE FUNCTION tieup_review_event(
    p_event_id   bigint,
    p_action     text,
    p_reviewer   text,
    p_note       text DEFAULT NULL,
    p_parties    text[] DEFAULT NULL,
    p_deal_type  text DEFAULT NULL,
    p_status     text DEFAULT NULL,
    p_event_date date DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
-- pg_temp last: a caller's temporary tables must not shadow ours.
SET search_path = public, pg_temp
AS $$
DECLARE
    ev       alliance_events;
    parties  text[];
    audit_id bigint;
    new_state text;
BEGIN
    IF p_action NOT IN ('confirm', 'reject', 'correct') OR p_action IS NULL THEN
        RAISE EXCEPTION 'action must be confirm, reject or correct, not %', p_action
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(btrim(p_reviewer), '') = '' THEN
        RAISE EXCEPTION 'a reviewer name is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_deal_type IS NOT NULL AND p_deal_type NOT IN ('strategic_alliance', 'mou', 'joint_venture',
            'merger', 'acquisition', 'supply_agreement', 'licensing', 'dissolution') THEN
        RAISE EXCEPTION 'unknown deal type %', p_deal_type USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_status IS NOT NULL AND p_status NOT IN ('rumored', 'announced', 'completed', 'terminated') THEN
        RAISE EXCEPTION 'unknown status %', p_status USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_parties IS NOT NULL THEN
        parties := tieup_canonical_parties(p_parties);
        IF cardinality(parties) < 2 THEN
            RAISE EXCEPTION 'an alliance needs at least two distinct parties, got %', p_parties
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    IF p_action = 'correct' AND parties IS NULL AND p_deal_type IS NULL
       AND p_status IS NULL AND p_event_date IS NULL THEN
        RAISE EXCEPTION 'correct needs at least one corrected value (parties, deal type, status, date)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_action <> 'correct' AND (parties IS NOT NULL OR p_deal_type IS NOT NULL
       OR p_status IS NOT NULL OR p_event_date IS NOT NULL) THEN
        RAISE EXCEPTION 'only correct takes corrected values' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    SELECT * INTO ev FROM alliance_events WHERE id = p_event_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no alliance event %', p_event_id USING ERRCODE = 'no_data_found';
    END IF;

    new_state := CASE p_action WHEN 'confirm' THEN 'confirmed'
                               WHEN 'reject' THEN 'rejected' ELSE 'corrected' END;
    -- Corrections accumulate: correcting the status keeps an earlier corrected date.
    UPDATE alliance_events SET
        review_state = new_state,
        reviewer = btrim(p_reviewer),
        review_note = p_note,
        reviewed_at = now(),
        corrected_parties = coalesce(parties, corrected_parties),
        corrected_deal_type = coalesce(p_deal_type, corrected_deal_type),
        corrected_status = coalesce(p_status, corrected_status),
        corrected_event_date = coalesce(p_event_date, corrected_event_date)
    WHERE id = p_event_id;

    INSERT INTO review_audit (event_id, reviewer, action, old_values, new_values, note)
    SELECT p_event_id, btrim(p_reviewer), p_action, tieup_event_review_values(ev),
           tieup_event_review_values(e), p_note
    FROM alliance_events e WHERE e.id = p_event_id
    RETURNING id INTO audit_id;
    RETURN audit_id;
END $$;

-- Functions are executable by PUBLIC by default; only reviewers (and the owner)
-- may review, and the helpers are for tieup_review_event alone.
REVOKE EXECUTE ON FUNCTION tieup_review_event(bigint, text, text, text, text[], text, text, date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION tieup_canonical_parties(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION tieup_event_review_values(alliance_events) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION tieup_feeds_track_success() FROM PUBLIC;

COMMENT ON FUNCTION tieup_review_event(bigint, text, text, text, text[], text, text, date) IS
    'Confirm, reject or correct an alliance event (action confirm|reject|correct) and record '
    'the decision in review_audit; the only way tieup_reviewer can change review data.';
COMMENT ON COLUMN feeds.last_success_at IS 'When the feed was last polled successfully (kept by a trigger).';
