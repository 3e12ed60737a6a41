-- Near-duplicate lookups probe lsh_buckets with a batch of buckets (bucket = ANY(...)).
-- A hash index answers each probe from one bucket page; the B-tree of 0003 walked four
-- levels per probe, and at a million articles (44 million rows) that walk was most of
-- a lookup's cost (bench_dedupe: about 5,200 batched lookups per second on the B-tree,
-- 6,900 on the hash index, same run).
-- The key moves to (article_id, band, bucket): still one row per key of an article,
-- now in the order rows are written (cheap inserts), and it serves the deletes by
-- article (stale buckets, ON DELETE CASCADE) that had no index before.
ALTER TABLE lsh_buckets DROP CONSTRAINT lsh_buckets_pkey;
ALTER TABLE lsh_buckets ADD PRIMARY KEY (article_id, band, bucket);
CREATE INDEX lsh_buckets_bucket_hash ON lsh_buckets USING hash (bucket);
