-- Source kinds (#17): a feed row says what kind of source it is, and polling asks
-- pipeline/sources/ for that kind's reader. 'rss' (RSS and Atom) is the only kind
-- today; a new kind (a sitemap, an archive) is a module in pipeline/sources/, an
-- entry in pipeline/vocabulary.py SOURCE_KINDS and a migration widening this CHECK.
ALTER TABLE feeds ADD COLUMN kind text NOT NULL DEFAULT 'rss' CHECK (kind IN ('rss'));
