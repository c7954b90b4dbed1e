// Runs the graphql-http server audits against a running API: `node audit.mjs URL`.
// Exits 1 if any MUST audit fails; prints every result, so SHOULD and MAY outcomes are visible.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:8080/graphql');
  process.exit(1);
}
const results = await Promise.all(serverAudits({ url }).map((audit) => audit.fn()));
let mustFailures = 0;
const counts = { ok: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  const line = `${result.status.padEnd(5)} ${result.id} ${result.name}`;
  if (result.status === 'ok') {
    console.log(line);
  } else {
    const reason = result.reason ?? '';
    console.log(`${line}\n      ${reason}`);
    if (result.status === 'error') mustFailures += 1;
  }
}
console.log(`\n${results.length} audits: ${counts.ok} ok, ${counts.warn} warnings (SHOULD/MAY), ${counts.error} errors (MUST)`);
process.exit(mustFailures > 0 ? 1 : 0);
