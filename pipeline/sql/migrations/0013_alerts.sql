-- Watchlists and alerts (#20). A watchlist names companies (ids from companies, so
-- aliases are resolved when the list is edited), deal types, statuses and a minimum
-- confidence; its subscribers are email addresses or named chat channels. The URL of
-- a chat channel is a secret and lives in an Airflow connection or the environment,
-- never here: target holds only the channel's name.
CREATE TABLE watchlists (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    -- empty means any
    deal_types      text[] NOT NULL DEFAULT '{}' CHECK (deal_types <@ ARRAY['strategic_alliance', 'mou',
                        'joint_venture', 'merger', 'acquisition', 'supply_agreement', 'licensing',
                        'dissolution']::text[]),
    statuses        text[] NOT NULL DEFAULT '{}' CHECK (statuses <@ ARRAY['rumored', 'announced',
                        'completed', 'terminated']::text[]),
    min_confidence  real NOT NULL DEFAULT 0 CHECK (min_confidence BETWEEN 0 AND 1),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT current_user
);

CREATE TABLE watchlist_companies (
    watchlist_id  bigint NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    company_id    bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    PRIMARY KEY (watchlist_id, company_id)
);

CREATE TABLE watchlist_subscribers (
    id            bigserial PRIMARY KEY,
    watchlist_id  bigint NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    channel       text NOT NULL CHECK (channel IN ('email', 'slack', 'webhook')),
    -- an email address, or the name of a chat channel (its URL is a secret kept elsewhere)
    target        text NOT NULL CHECK (length(target) BETWEEN 1 AND 254),
    digest        boolean NOT NULL DEFAULT true,   -- email: also the morning digest
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (watchlist_id, channel, target)
);

-- The alert-relevant values of each event (effective parties, deal type, status,
-- rejected, the reviewer's corrections), one row per change the alerts task saw.
-- Keyed on (event, version): two alert runs recording the same change collide on
-- the key and one of them records it.
CREATE TABLE alert_event_versions (
    event_id     bigint NOT NULL REFERENCES alliance_events(id) ON DELETE CASCADE,
    version      integer NOT NULL CHECK (version >= 1),
    change       text NOT NULL CHECK (change IN ('created', 'status', 'deal_type', 'parties',
                                                 'corrected', 'rejected', 'reopened')),
    fingerprint  text NOT NULL,
    event_values jsonb NOT NULL,
    changed_at   timestamptz NOT NULL,     -- when the change happened, as far as the row says
    detected_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, version)
);

-- The outbox: one row per (event version, subscriber) alert and per (subscriber, day)
-- digest. The unique indexes make queuing idempotent; sending claims rows with
-- FOR UPDATE SKIP LOCKED and a lease, like the article stages.
CREATE TABLE alert_deliveries (
    id               bigserial PRIMARY KEY,
    subscriber_id    bigint NOT NULL REFERENCES watchlist_subscribers(id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('alert', 'digest')),
    event_id         bigint,
    version          integer,
    digest_date      date,
    period_start     timestamptz,
    period_end       timestamptz,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    leased_until     timestamptz,
    lease_owner      text,
    last_error       text CHECK (length(last_error) <= 2000),
    last_attempt_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    FOREIGN KEY (event_id, version) REFERENCES alert_event_versions(event_id, version) ON DELETE CASCADE,
    CHECK ((kind = 'alert') = (event_id IS NOT NULL AND version IS NOT NULL)),
    CHECK ((kind = 'digest') = (digest_date IS NOT NULL AND period_start IS NOT NULL
                                AND period_end IS NOT NULL))
);
CREATE UNIQUE INDEX alert_deliveries_alert_key ON alert_deliveries (event_id, version, subscriber_id)
    WHERE kind = 'alert';
CREATE UNIQUE INDEX alert_deliveries_digest_key ON alert_deliveries (subscriber_id, digest_date)
    WHERE kind = 'digest';
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX alert_deliveries_subscriber_idx ON alert_deliveries (subscriber_id, state);
