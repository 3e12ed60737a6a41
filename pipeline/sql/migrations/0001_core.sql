-- Core schema for tieup: feeds, articles moving through states, raw pages,
-- duplicates and stories, organisations, alliances with their events and
-- evidence, review columns, pipeline runs and per-item errors.

CREATE TABLE feeds (
    id                   bigserial PRIMARY KEY,
    url                  text NOT NULL UNIQUE,
    name                 text NOT NULL,
    enabled              boolean NOT NULL DEFAULT true,
    origin               text NOT NULL DEFAULT 'cli' CHECK (origin IN ('feeds.yml', 'cli')),
    etag                 text,
    last_modified        text,
    last_polled_at       timestamptz,
    last_status          integer,
    last_error           text,
    last_entry_count     integer,
    consecutive_failures integer NOT NULL DEFAULT 0,
    next_poll_at         timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE articles (
    id                  bigserial PRIMARY KEY,
    canonical_url       text NOT NULL,
    url_hash            bytea NOT NULL UNIQUE,   -- sha256 of canonical_url: the article's identity
    url                 text NOT NULL,           -- the first URL we saw it under
    source_domain       text NOT NULL,
    feed_id             bigint REFERENCES feeds(id) ON DELETE SET NULL,
    title               text,
    summary             text,
    author              text,
    site_name           text,
    language            text,
    feed_published_at   timestamptz,
    published_at        timestamptz,
    modified_at         timestamptz,
    text                text,
    text_hash           bytea,
    -- processing state: the database is the queue
    state               text NOT NULL DEFAULT 'discovered'
                        CHECK (state IN ('discovered', 'fetched', 'extracted', 'deduped',
                                         'classified', 'loaded', 'failed')),
    attempts            integer NOT NULL DEFAULT 0,
    last_error          text,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    leased_until        timestamptz,
    lease_owner         text,
    failed_stage        text,
    -- dedupe
    duplicate_of        bigint REFERENCES articles(id),
    duplicate_kind      text CHECK (duplicate_kind IN ('exact', 'near')),
    duplicate_similarity real,
    story_id            bigint,
    -- classification (latest classifier run)
    is_auto             boolean,
    is_alliance         boolean,
    deal_type           text,
    deal_status         text,
    parties             text[],
    focus_areas         text[],
    confidence          real,
    evidence            text[],
    event_date          date,
    classifier_version  text,
    classified_at       timestamptz,
    discovered_at       timestamptz NOT NULL DEFAULT now(),
    fetched_at          timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_queue_idx ON articles (state, next_attempt_at) WHERE state NOT IN ('loaded', 'failed');
CREATE INDEX articles_text_hash_idx ON articles (text_hash);
CREATE INDEX articles_story_idx ON articles (story_id);
CREATE INDEX articles_duplicate_of_idx ON articles (duplicate_of);
CREATE INDEX articles_published_idx ON articles (published_at);

-- One row per (feed, entry identity): entry id/GUID, else the canonical link.
CREATE TABLE feed_entries (
    feed_id       bigint NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    entry_key     text NOT NULL,
    article_id    bigint NOT NULL REFERENCES articles(id),
    link          text NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feed_id, entry_key)
);
CREATE INDEX feed_entries_article_idx ON feed_entries (article_id);

-- Raw fetched bytes, compressed, so a new extractor/classifier can reprocess without refetching.
CREATE TABLE raw_pages (
    article_id    bigint PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    final_url     text NOT NULL,
    http_status   integer NOT NULL,
    content_type  text,
    charset       text,
    headers       jsonb NOT NULL DEFAULT '{}',
    body_gz       bytea NOT NULL,
    body_bytes    integer NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT now()
);

-- Per-host politeness shared by every worker: next allowed request time and cached robots.txt.
CREATE TABLE hosts (
    host               text PRIMARY KEY,
    next_request_at    timestamptz NOT NULL DEFAULT now(),
    robots_txt         text,
    robots_status      integer,
    robots_fetched_at  timestamptz,
    crawl_delay        real
);

-- Near-duplicate index: MinHash signatures split into LSH bands, looked up by (band, bucket).
CREATE TABLE article_signatures (
    article_id   bigint PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    minhash      bytea NOT NULL,
    token_count  integer NOT NULL
);
CREATE TABLE lsh_buckets (
    band        smallint NOT NULL,
    bucket      bigint NOT NULL,
    article_id  bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket, article_id)
);

CREATE TABLE stories (
    id                        bigserial PRIMARY KEY,
    representative_article_id bigint REFERENCES articles(id),
    parties                   text[] NOT NULL DEFAULT '{}',
    deal_type                 text,
    first_published_at        timestamptz,
    last_published_at         timestamptz,
    created_at                timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE articles ADD CONSTRAINT articles_story_fk FOREIGN KEY (story_id) REFERENCES stories(id);
CREATE INDEX stories_parties_idx ON stories USING gin (parties);
CREATE INDEX stories_published_idx ON stories (first_published_at);

-- Organisations, synced from the gazetteer data file.
CREATE TABLE companies (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    kind       text,
    country    text,
    parent_id  bigint REFERENCES companies(id)
);
CREATE TABLE company_aliases (
    alias       text NOT NULL,
    company_id  bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    PRIMARY KEY (alias, company_id)
);
CREATE TABLE article_mentions (
    article_id  bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    company     text NOT NULL,
    mentions    integer NOT NULL,
    PRIMARY KEY (article_id, company)
);
CREATE INDEX article_mentions_company_idx ON article_mentions (company);

-- Alliances: one per set of parties (party_key = sorted names joined by '|').
CREATE TABLE alliances (
    id          bigserial PRIMARY KEY,
    party_key   text NOT NULL UNIQUE,
    parties     text[] NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alliances_parties_idx ON alliances USING gin (parties);

CREATE TABLE alliance_events (
    id              bigserial PRIMARY KEY,
    alliance_id     bigint NOT NULL REFERENCES alliances(id),
    deal_type       text NOT NULL CHECK (deal_type IN ('strategic_alliance', 'mou', 'joint_venture',
                        'merger', 'acquisition', 'supply_agreement', 'licensing', 'dissolution')),
    status          text NOT NULL CHECK (status IN ('rumored', 'announced', 'completed', 'terminated')),
    event_date      date,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    focus_areas     text[] NOT NULL DEFAULT '{}',
    confidence      real NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- review columns belong to people; the pipeline never writes them
    review_state    text NOT NULL DEFAULT 'pending'
                    CHECK (review_state IN ('pending', 'confirmed', 'rejected', 'corrected')),
    reviewer        text,
    review_note     text,
    reviewed_at     timestamptz,
    corrected_parties    text[],
    corrected_deal_type  text CHECK (corrected_deal_type IN ('strategic_alliance', 'mou', 'joint_venture',
                        'merger', 'acquisition', 'supply_agreement', 'licensing', 'dissolution')),
    corrected_status     text CHECK (corrected_status IN ('rumored', 'announced', 'completed', 'terminated')),
    corrected_event_date date
);
CREATE INDEX alliance_events_alliance_idx ON alliance_events (alliance_id, deal_type, status, event_date);

CREATE TABLE event_articles (
    event_id     bigint NOT NULL REFERENCES alliance_events(id) ON DELETE CASCADE,
    article_id   bigint NOT NULL REFERENCES articles(id),
    story_id     bigint REFERENCES stories(id),
    evidence     text[] NOT NULL,
    confidence   real NOT NULL,
    classifier_version text NOT NULL,
    linked_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, article_id)
);
CREATE INDEX event_articles_article_idx ON event_articles (article_id);

-- Every review decision, kept forever.
CREATE TABLE review_audit (
    id          bigserial PRIMARY KEY,
    event_id    bigint NOT NULL REFERENCES alliance_events(id),
    reviewer    text NOT NULL,
    decided_at  timestamptz NOT NULL DEFAULT now(),
    action      text NOT NULL CHECK (action IN ('confirm', 'reject', 'correct')),
    old_values  jsonb NOT NULL,
    new_values  jsonb NOT NULL,
    note        text
);

CREATE TABLE pipeline_runs (
    id           bigserial PRIMARY KEY,
    trigger      text NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    counts       jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE item_errors (
    id           bigserial PRIMARY KEY,
    run_id       bigint REFERENCES pipeline_runs(id),
    item_kind    text NOT NULL CHECK (item_kind IN ('feed', 'article')),
    item_id      bigint NOT NULL,
    stage        text NOT NULL,
    transient    boolean NOT NULL,
    error        text NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_errors_item_idx ON item_errors (item_kind, item_id);
