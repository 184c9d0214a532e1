// Adds the post_validate requests a test run recorded (RECORD_VALIDATE=<file>, one JSON a line)
// to src/backend/fixtures/posts/validate-requests.json, without duplicates; then `make fixtures`.
import { readFileSync, writeFileSync } from 'node:fs';

const target = new URL('../src/backend/fixtures/posts/validate-requests.json', import.meta.url);
const canonical = (v) =>
  Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
  : v !== null && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
  : JSON.stringify(v);
const list = JSON.parse(readFileSync(target, 'utf8'));
const seen = new Set(list.map(canonical));
for (const line of readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)) {
  const r = JSON.parse(line);
  if (!seen.has(canonical(r))) list.push(r);
  seen.add(canonical(r));
}
writeFileSync(target, `[\n${list.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`);
console.log(`${list.length} requests`);
