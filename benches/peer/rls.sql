-- Row-level security for PostGraphile on the API's database (benches/peer.sh), mirroring the
-- opdrachten visibility rule of src/db/policy/opdracht.rs and docs/access.md: a caller sees an
-- opdracht when its organisation is the owner (eigenaar), the opdrachtgever or an executing
-- institution (opdracht_uitvoerders), or when it is a kennismakelaar whose regions include the
-- opdracht's region; the programme office sees all (it queries as the superuser, which
-- bypasses these policies). The link tables of an opdracht are visible with their opdracht.
--
-- The caller comes from the JWT (graphile.config.mjs): `jwt.claims.org` (OIN or schacHome),
-- `jwt.claims.rol`, `jwt.claims.regio` (comma-separated). Every other table is public to
-- PostGraphile's users here (the comparison is about opdrachten).
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ipt_peer_lezer') THEN
    CREATE ROLE ipt_peer_lezer NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO ipt_peer_lezer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ipt_peer_lezer;

-- The caller's organisation id (NULL without one): evaluated once per statement.
CREATE OR REPLACE FUNCTION ipt_peer_org() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT id FROM organisaties
  WHERE oin = current_setting('jwt.claims.org', true)
     OR schac_home = current_setting('jwt.claims.org', true)
$$;

-- The ids of the opdrachten an organisation executes. SECURITY DEFINER (owned by the
-- superuser): it reads opdracht_uitvoerders without that table's own policy, which refers back
-- to opdrachten (a policy may not recurse).
CREATE OR REPLACE FUNCTION ipt_peer_uitgevoerd(org integer) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE SET search_path = public AS $$
  SELECT opdracht_id FROM opdracht_uitvoerders WHERE organisatie_id = org
$$;

-- A kennismakelaar's regions (empty for every other role).
CREATE OR REPLACE FUNCTION ipt_peer_regios() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN current_setting('jwt.claims.rol', true) = 'kennismakelaar'
    THEN string_to_array(nullif(current_setting('jwt.claims.regio', true), ''), ',')
    ELSE '{}'::text[] END
$$;

ALTER TABLE opdrachten ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS zichtbaar ON opdrachten;
CREATE POLICY zichtbaar ON opdrachten FOR SELECT TO ipt_peer_lezer USING (
  eigenaar_id = (SELECT ipt_peer_org())
  OR opdrachtgever_id = (SELECT ipt_peer_org())
  OR id IN (SELECT ipt_peer_uitgevoerd((SELECT ipt_peer_org())))
  OR regio = ANY (ipt_peer_regios())
);

ALTER TABLE opdracht_uitvoerders ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS zichtbaar ON opdracht_uitvoerders;
CREATE POLICY zichtbaar ON opdracht_uitvoerders FOR SELECT TO ipt_peer_lezer
  USING (EXISTS (SELECT FROM opdrachten o WHERE o.id = opdracht_id));

ALTER TABLE opdracht_themas ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS zichtbaar ON opdracht_themas;
CREATE POLICY zichtbaar ON opdracht_themas FOR SELECT TO ipt_peer_lezer
  USING (EXISTS (SELECT FROM opdrachten o WHERE o.id = opdracht_id));
