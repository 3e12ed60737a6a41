-- v_article_text and v_companies: what the review page reads that no other view
-- gives a reviewer: an article's full text (to show evidence in context) and the
-- companies with their aliases (to complete party names).
DROP VIEW IF EXISTS v_article_text CASCADE;
CREATE VIEW v_article_text AS
SELECT a.id AS article_id, a.title, a.text
FROM articles a;

COMMENT ON VIEW v_article_text IS 'The extracted text of each article (for reading evidence in context).';
COMMENT ON COLUMN v_article_text.article_id IS 'Article id (v_articles.article_id).';
COMMENT ON COLUMN v_article_text.title IS 'Headline of the article.';
COMMENT ON COLUMN v_article_text.text IS 'Main text as extracted.';

DROP VIEW IF EXISTS v_companies CASCADE;
CREATE VIEW v_companies AS
SELECT c.name AS company, c.kind, c.country, c.origin,
       coalesce(array_agg(a.alias ORDER BY a.alias) FILTER (WHERE a.alias <> c.name), '{}') AS aliases
FROM companies c
LEFT JOIN company_aliases a ON a.company_id = c.id
GROUP BY c.id;

COMMENT ON VIEW v_companies IS 'Every company with its aliases (the gazetteer and what reviewers added).';
COMMENT ON COLUMN v_companies.company IS 'Canonical company name (what parties are spelled as).';
COMMENT ON COLUMN v_companies.kind IS 'automaker, supplier, battery, tech, ... or other.';
COMMENT ON COLUMN v_companies.country IS 'Country code, when known.';
COMMENT ON COLUMN v_companies.origin IS 'gazetteer (the data file) or review (added by a reviewer).';
COMMENT ON COLUMN v_companies.aliases IS 'Other names that resolve to the company (brands, other scripts).';
