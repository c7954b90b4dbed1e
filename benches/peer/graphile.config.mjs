// PostGraphile v5 (amber preset) on the API's PostgreSQL database, for benches/peer.sh.
//
// Production settings: no GraphiQL, no watch mode, no explain. The caller's token is the
// API's own HS256 JWT (same secret, issuer and audience), verified here as PostGraphile's
// users verify theirs in `grafast.context`:
// - the programme office (`rol: programmabureau`) queries as the connecting superuser, so
//   row-level security does not apply: it sees everything, as in the API;
// - every other token (and no token) queries as the role `ipt_peer_lezer`, with its claims
//   `org` (OIN or schacHome), `rol` and `regio` (comma-separated) as `jwt.claims.*`, which
//   the policies of benches/peer/rls.sql read.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import jwt from "jsonwebtoken";

const secret = process.env.JWT_SECRET;
const verifyOptions = {
  algorithms: ["HS256"],
  audience: process.env.JWT_AUDIENCE ?? "ipartnerschap-api",
  issuer: process.env.JWT_ISSUER ?? "ipartnerschap",
};

function pgSettingsFor(authorization) {
  const anonymous = { role: "ipt_peer_lezer" };
  if (typeof authorization !== "string" || !authorization.startsWith("Bearer ")) {
    return anonymous;
  }
  const claims = jwt.verify(authorization.slice(7), secret, verifyOptions);
  if (claims.rol === "programmabureau") {
    return {};
  }
  const regio = Array.isArray(claims.regio) ? claims.regio : claims.regio ? [claims.regio] : [];
  return {
    role: "ipt_peer_lezer",
    "jwt.claims.org": String(claims.org ?? ""),
    "jwt.claims.rol": String(claims.rol ?? ""),
    "jwt.claims.regio": regio.join(","),
  };
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: Number(process.env.DATABASE_MAX_CONNECTIONS ?? 10) },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphiql: false,
    watch: false,
    graphqlPath: "/graphql",
  },
  grafast: {
    explain: false,
    context(requestContext) {
      const authorization = requestContext.node?.req?.headers?.authorization;
      return { pgSettings: pgSettingsFor(authorization) };
    },
  },
};

export default preset;
