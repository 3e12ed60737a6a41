-- Near-duplicate lookups probe lsh_buckets with one array of buckets
-- (bucket = ANY(...)): a single index scan instead of one nested-loop probe per
-- (band, bucket) pair. Buckets are already salted with their band number, so the
-- bucket alone is selective; band stays in the key so an article keeps one row per band.
ALTER TABLE lsh_buckets DROP CONSTRAINT lsh_buckets_pkey;
ALTER TABLE lsh_buckets ADD PRIMARY KEY (bucket, band, article_id);
