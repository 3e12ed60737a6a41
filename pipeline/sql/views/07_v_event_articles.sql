-- v_event_articles: one row per (event, article) link with the evidence it gives.
DROP VIEW IF EXISTS v_event_articles CASCADE;
CREATE VIEW v_event_articles AS
SELECT ea.event_id,
       ea.article_id,
       a.title,
       a.canonical_url,
       a.source_domain,
       a.published_at,
       ea.evidence,
       ea.confidence,
       ea.classifier_version,
       ea.linked_at
FROM event_articles ea
JOIN articles a ON a.id = ea.article_id;

COMMENT ON VIEW v_event_articles IS 'The articles reporting each alliance event, with their evidence sentences.';
COMMENT ON COLUMN v_event_articles.event_id IS 'The event (v_alliance_events.event_id).';
COMMENT ON COLUMN v_event_articles.article_id IS 'The article (v_articles.article_id).';
COMMENT ON COLUMN v_event_articles.title IS 'Headline of the article.';
COMMENT ON COLUMN v_event_articles.canonical_url IS 'Canonical URL of the article.';
COMMENT ON COLUMN v_event_articles.source_domain IS 'Host name of the article''s URL.';
COMMENT ON COLUMN v_event_articles.published_at IS 'Publication time of the article.';
COMMENT ON COLUMN v_event_articles.evidence IS 'Verbatim sentences of the article that report the event.';
COMMENT ON COLUMN v_event_articles.confidence IS 'Classifier confidence for this article, 0 to 1.';
COMMENT ON COLUMN v_event_articles.classifier_version IS 'Classifier version that made the link.';
COMMENT ON COLUMN v_event_articles.linked_at IS 'When the article was linked to the event.';
