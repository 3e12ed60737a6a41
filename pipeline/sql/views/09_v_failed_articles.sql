-- v_failed_articles: one row per article parked as failed, with why and where.
DROP VIEW IF EXISTS v_failed_articles CASCADE;
CREATE VIEW v_failed_articles AS
SELECT a.id                  AS article_id,
       a.url,
       a.source_domain,
       f.name                AS feed_name,
       a.title,
       a.failed_stage,
       a.last_error,
       a.attempts,
       e.occurred_at         AS failed_at,
       e.transient           AS last_error_transient,
       a.discovered_at
FROM articles a
LEFT JOIN feeds f ON f.id = a.feed_id
LEFT JOIN LATERAL (SELECT ie.occurred_at, ie.transient FROM item_errors ie
                    WHERE ie.item_kind = 'article' AND ie.item_id = a.id
                    ORDER BY ie.occurred_at DESC, ie.id DESC LIMIT 1) e ON true
WHERE a.state = 'failed'
ORDER BY e.occurred_at DESC NULLS LAST, a.id DESC;

COMMENT ON VIEW v_failed_articles IS 'One row per article parked as failed: the step it failed in, the error and when.';
COMMENT ON COLUMN v_failed_articles.article_id IS 'Article id (articles.id).';
COMMENT ON COLUMN v_failed_articles.url IS 'The URL the article was first seen under.';
COMMENT ON COLUMN v_failed_articles.source_domain IS 'Host of its canonical URL.';
COMMENT ON COLUMN v_failed_articles.feed_name IS 'Feed that listed it (null for archive records).';
COMMENT ON COLUMN v_failed_articles.title IS 'Title from the feed or the page, if any.';
COMMENT ON COLUMN v_failed_articles.failed_stage IS 'Step it was parked in: fetch, dedupe, classify or load.';
COMMENT ON COLUMN v_failed_articles.last_error IS 'Why: the error type and message of its last attempt.';
COMMENT ON COLUMN v_failed_articles.attempts IS 'Attempts counted before it was parked.';
COMMENT ON COLUMN v_failed_articles.failed_at IS 'When its last attempt ended (item_errors.occurred_at).';
COMMENT ON COLUMN v_failed_articles.last_error_transient IS 'Whether the last error was one a retry could cure (parked after too many attempts) or terminal.';
COMMENT ON COLUMN v_failed_articles.discovered_at IS 'When the article was first discovered.';
