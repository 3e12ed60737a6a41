-- More sources (#19): news sitemaps and GDELT queries next to RSS feeds, and WARC backfill.
--
-- feeds.kind gains 'sitemap' and 'gdelt' (pipeline/vocabulary.py SOURCE_KINDS).
-- feeds.poll_state is where a source's last pass ended, kept between passes: a
-- sitemap's child sitemaps and their <lastmod>, a GDELT query's window end. A pass
-- after an outage reads it and resumes from there.
ALTER TABLE feeds DROP CONSTRAINT IF EXISTS feeds_kind_check;
ALTER TABLE feeds ADD CONSTRAINT feeds_kind_check CHECK (kind IN ('rss', 'sitemap', 'gdelt'));
ALTER TABLE feeds ADD COLUMN poll_state jsonb NOT NULL DEFAULT '{}'::jsonb;

-- WARC files read by `tieup ingest FILE.warc.gz`: how far each got, so a rerun resumes
-- after the last record stored and a finished file is skipped. A file is known by
-- the SHA-256 of its first MiB and its size (renaming or moving it keeps its place).
CREATE TABLE archive_files (
    id               bigserial PRIMARY KEY,
    file_key         bytea NOT NULL UNIQUE,
    path             text NOT NULL,
    size_bytes       bigint NOT NULL,
    next_offset      bigint NOT NULL DEFAULT 0,   -- where the first record not yet stored starts
    records_read     bigint NOT NULL DEFAULT 0,
    records_stored   bigint NOT NULL DEFAULT 0,
    records_filtered bigint NOT NULL DEFAULT 0,
    records_invalid  bigint NOT NULL DEFAULT 0,
    finished         boolean NOT NULL DEFAULT false,
    last_error       text,
    started_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
