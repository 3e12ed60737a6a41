-- 0011: a repeated identical review decision is a no-op.
-- Confirming an already confirmed event (or correcting to the values already
-- corrected) used to write a second audit row that recorded nothing new. The
-- function is replaced with the same signature, so its owner, SECURITY DEFINER,
-- fixed search_path and privileges (EXECUTE revoked from PUBLIC, granted to
-- tieup_reviewer by sql/views/99_role_grants.sql) carry over; SECURITY DEFINER,
-- the search_path and the REVOKE are restated so the definition reads complete.

CREATE OR REPLACE FUNCTION tieup_review_event(
    p_event_id   bigint,
    p_action     text,
    p_reviewer   text,
    p_note       text DEFAULT NULL,
    p_parties    text[] DEFAULT NULL,
    p_deal_type  text DEFAULT NULL,
    p_status     text DEFAULT NULL,
    p_event_date date DEFAULT NULL
) RETURNS bigint  -- the audit row's id; NULL when the decision repeats the current one
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
    -- A repeated identical decision (same state, no corrected value changes, no new
    -- note) changes nothing: no update, no second audit row. NULL tells the caller.
    IF ev.review_state = new_state
       AND ev.corrected_parties IS NOT DISTINCT FROM coalesce(parties, ev.corrected_parties)
       AND ev.corrected_deal_type IS NOT DISTINCT FROM coalesce(p_deal_type, ev.corrected_deal_type)
       AND ev.corrected_status IS NOT DISTINCT FROM coalesce(p_status, ev.corrected_status)
       AND ev.corrected_event_date IS NOT DISTINCT FROM coalesce(p_event_date, ev.corrected_event_date)
       AND (p_note IS NULL OR p_note IS NOT DISTINCT FROM ev.review_note) THEN
        RETURN NULL;
    END IF;
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

REVOKE EXECUTE ON FUNCTION tieup_review_event(bigint, text, text, text, text[], text, text, date) FROM PUBLIC;

COMMENT ON FUNCTION tieup_review_event(bigint, text, text, text, text[], text, text, date) IS
    'Confirm, reject or correct an alliance event (action confirm|reject|correct) and record '
    'the decision in review_audit; returns the audit row id, or NULL when the decision repeats '
    'the current one (nothing changed, nothing recorded). The only way tieup_reviewer can '
    'change review data.';
