-- v_articles: one row per stored article with its source, dates, language,
-- duplicate link, story and classification.
DROP VIEW IF EXISTS v_articles CASCADE;
CREATE VIEW v_articles AS
SELECT a.id                 AS article_id,
       a.canonical_url,
       a.url,
       a.source_domain,
       f.name               AS feed_name,
       a.title,
       a.author,
       a.site_name,
       a.language,
       a.published_at,
       a.modified_at,
       a.discovered_at,
       a.fetched_at,
       a.state,
       a.attempts,
       a.last_error,
       a.duplicate_of,
       a.duplicate_kind,
       a.duplicate_similarity,
       a.story_id,
       a.is_auto,
       a.is_alliance,
       a.deal_type,
       a.deal_status,
       a.parties,
       a.focus_areas,
       a.confidence,
       a.evidence,
       a.classifier_version,
       a.classified_at,
       length(a.text)       AS text_length,
       CASE WHEN a.parties IS NULL OR a.parties = '{}' THEN '{}'::text[]
            ELSE tieup_unresolved_parties(a.parties) END AS unresolved_parties,
       a.stake_pct
FROM articles a
LEFT JOIN feeds f ON f.id = a.feed_id;

COMMENT ON VIEW v_articles IS 'One row per stored article: source, dates, language, duplicate link, story and latest classification.';
COMMENT ON COLUMN v_articles.article_id IS 'Article id (articles.id).';
COMMENT ON COLUMN v_articles.canonical_url IS 'URL without tracking parameters or fragment; the article''s identity.';
COMMENT ON COLUMN v_articles.url IS 'The first URL the article was seen under.';
COMMENT ON COLUMN v_articles.source_domain IS 'Host name of the canonical URL.';
COMMENT ON COLUMN v_articles.feed_name IS 'Feed that first listed the article.';
COMMENT ON COLUMN v_articles.title IS 'Headline (page title, else the feed entry title).';
COMMENT ON COLUMN v_articles.author IS 'Author named by the page, if any.';
COMMENT ON COLUMN v_articles.site_name IS 'Publisher name given by the page, if any.';
COMMENT ON COLUMN v_articles.language IS 'Detected language code (ISO 639-1).';
COMMENT ON COLUMN v_articles.published_at IS 'Publication time from the page, else from the feed.';
COMMENT ON COLUMN v_articles.modified_at IS 'Last modification time given by the page.';
COMMENT ON COLUMN v_articles.discovered_at IS 'When a feed first listed the article.';
COMMENT ON COLUMN v_articles.fetched_at IS 'When the page was last fetched.';
COMMENT ON COLUMN v_articles.state IS 'Processing state: discovered, extracted, deduped, classified, loaded or failed.';
COMMENT ON COLUMN v_articles.attempts IS 'Failed attempts of the current step.';
COMMENT ON COLUMN v_articles.last_error IS 'Error of the last failed attempt.';
COMMENT ON COLUMN v_articles.duplicate_of IS 'Article this one copies (null for originals).';
COMMENT ON COLUMN v_articles.duplicate_kind IS 'exact (same text) or near (similar text).';
COMMENT ON COLUMN v_articles.duplicate_similarity IS 'Estimated text similarity to duplicate_of, 0 to 1.';
COMMENT ON COLUMN v_articles.story_id IS 'Story (articles reporting the same news) the article belongs to.';
COMMENT ON COLUMN v_articles.is_auto IS 'The classifier judged the article to be auto-industry news.';
COMMENT ON COLUMN v_articles.is_alliance IS 'The classifier judged the article to report alliance news.';
COMMENT ON COLUMN v_articles.deal_type IS 'Deal type found by the classifier (strategic_alliance, mou, joint_venture, merger, acquisition, supply_agreement, licensing, dissolution).';
COMMENT ON COLUMN v_articles.deal_status IS 'Deal status found by the classifier (rumored, announced, completed, terminated).';
COMMENT ON COLUMN v_articles.parties IS 'Organisations party to the deal: canonical gazetteer names, and organisations the gazetteer lacks as the article spells them.';
COMMENT ON COLUMN v_articles.focus_areas IS 'Focus areas of the deal (ev, batteries, software, ...).';
COMMENT ON COLUMN v_articles.confidence IS 'Classifier confidence, 0 to 1.';
COMMENT ON COLUMN v_articles.evidence IS 'Verbatim sentences of the article that support the classification.';
COMMENT ON COLUMN v_articles.classifier_version IS 'Version of the classifier that produced the classification.';
COMMENT ON COLUMN v_articles.classified_at IS 'When the article was last classified.';
COMMENT ON COLUMN v_articles.text_length IS 'Length of the extracted text in characters.';
COMMENT ON COLUMN v_articles.unresolved_parties IS 'Parties that no company or alias matches yet, as spelled in the article.';
COMMENT ON COLUMN v_articles.stake_pct IS 'Stake percentage the article states for an acquisition, else NULL.';
