-- EXPLAIN (ANALYZE, BUFFERS) of the statements of `statistieken` as the programme office
-- (no filter), new and old, on PostgreSQL: run after benches/statistieken.sh postgres has
-- loaded ipt_stats (psql .../ipt_stats -f benches/statistieken-explain.sql).
\timing on
-- new: every opdracht figure in one grouped statement
EXPLAIN (ANALYZE, BUFFERS) SELECT status, onderwijssoort, soort, regio, CAST(EXTRACT(YEAR FROM startdatum) AS INTEGER) AS jaar, COUNT(*) AS aantal,
  CAST(COALESCE(SUM(aantal_studenten), 0) AS BIGINT) AS studenten,
  CAST(COALESCE(SUM(CASE WHEN soort = 'STAGE' THEN aantal_studenten ELSE 0 END), 0) AS BIGINT) AS stage
  FROM opdrachten GROUP BY status, onderwijssoort, soort, regio, CAST(EXTRACT(YEAR FROM startdatum) AS INTEGER);
-- new: per status alone
EXPLAIN (ANALYZE, BUFFERS) SELECT status, CAST(NULL AS TEXT) AS onderwijssoort, COUNT(*) AS aantal,
  CAST(COALESCE(SUM(aantal_studenten), 0) AS BIGINT) AS studenten,
  CAST(COALESCE(SUM(CASE WHEN soort = 'STAGE' THEN aantal_studenten ELSE 0 END), 0) AS BIGINT) AS stage
  FROM opdrachten GROUP BY status;
-- PostGraphile-like: five totalCounts
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM opdrachten WHERE status = 'AFGEROND';
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM opdrachten;
-- themes (old and new)
EXPLAIN (ANALYZE, BUFFERS) SELECT thema_code, COUNT(*) FROM opdracht_themas WHERE opdracht_id IN (SELECT id FROM opdrachten) GROUP BY thema_code;
-- new: the range of start years
EXPLAIN (ANALYZE, BUFFERS) SELECT CAST(EXTRACT(YEAR FROM MIN(startdatum)) AS INTEGER), CAST(EXTRACT(YEAR FROM MAX(startdatum)) AS INTEGER) FROM opdrachten WHERE startdatum IS NOT NULL;
-- old statements
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*), CAST(COALESCE(SUM(aantal_studenten), 0) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN soort = 'STAGE' THEN aantal_studenten ELSE 0 END), 0) AS BIGINT) FROM opdrachten;
EXPLAIN (ANALYZE, BUFFERS) SELECT status, COUNT(*) FROM opdrachten GROUP BY status;
EXPLAIN (ANALYZE, BUFFERS) SELECT onderwijssoort, COUNT(*) FROM opdrachten GROUP BY onderwijssoort;
EXPLAIN (ANALYZE, BUFFERS) SELECT soort, COUNT(*) FROM opdrachten GROUP BY soort;
EXPLAIN (ANALYZE, BUFFERS) SELECT regio, COUNT(*) FROM opdrachten GROUP BY regio;
EXPLAIN (ANALYZE, BUFFERS) SELECT CAST(EXTRACT(YEAR FROM startdatum) AS INTEGER), status, COUNT(*) FROM opdrachten WHERE startdatum IS NOT NULL GROUP BY CAST(EXTRACT(YEAR FROM startdatum) AS INTEGER), status;
EXPLAIN (ANALYZE, BUFFERS) SELECT MIN(CAST(EXTRACT(YEAR FROM startdatum) AS INTEGER)), MAX(CAST(EXTRACT(YEAR FROM startdatum) AS INTEGER)) FROM opdrachten WHERE startdatum IS NOT NULL;
