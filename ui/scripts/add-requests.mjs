// Adds the requests a test run found no answer for (RECORD_REQUESTS=<file>: one
// { scenario, list, request } a line) to what `make fixtures` answers: a scenario's to
// src/backend/fixtures/seeds/<scenario>.json under requests.<list>; those any scenario shares
// (validate, schedule, campaign: each request carries what decides it) to
// src/backend/fixtures/requests/<list>.json. Without duplicates; then `make fixtures`.
import { readFileSync, writeFileSync } from 'node:fs';

const fixtures = new URL('../src/backend/fixtures/', import.meta.url);
const canonical = (v) =>
  Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
  : v !== null && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
  : JSON.stringify(v);
const files = new Map();
const open = (path) => {
  if (!files.has(path)) files.set(path, JSON.parse(readFileSync(new URL(path, fixtures), 'utf8')));
  return files.get(path);
};
let added = 0;
for (const line of readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)) {
  const { scenario, list, request } = JSON.parse(line);
  let into;
  if (['validate', 'schedule', 'campaign'].includes(list)) into = open(`requests/${list}.json`);
  else if (scenario && ['analytics', 'post_results', 'best_times', 'score_model'].includes(list)) {
    const seed = open(`seeds/${scenario}.json`);
    seed.requests ??= {};
    into = seed.requests[list] ??= [];
  } else {
    console.warn(`left out (add it to the seed by hand): ${line}`);
    continue;
  }
  if (!into.some((r) => canonical(r) === canonical(request))) {
    into.push(request);
    added += 1;
  }
}
for (const [path, value] of files) {
  const text = path.startsWith('requests/')
    ? `[\n${value.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`
    : `${JSON.stringify(value, null, 2)}\n`;
  writeFileSync(new URL(path, fixtures), text);
}
console.log(`${added} requests added`);
