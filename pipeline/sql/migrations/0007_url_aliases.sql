-- Canonical URLs an article was known under before its page named another one
-- (rel=canonical, or a redirect). Discovery and backfill look here as well as at
-- articles.url_hash, so a feed that keeps listing the old URL finds the same article.
CREATE TABLE url_aliases (
    url_hash    bytea PRIMARY KEY,
    url         text NOT NULL,
    article_id  bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX url_aliases_article_idx ON url_aliases (article_id);
