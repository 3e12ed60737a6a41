-- Raw pages arrive gzip-compressed: PostgreSQL's own TOAST compression (pglz) can
-- only fail on them, and trying costs about a fifth of each insert. Store them
-- out of line as they are. Applies to rows written from now on.
ALTER TABLE raw_pages ALTER COLUMN body_gz SET STORAGE EXTERNAL;
