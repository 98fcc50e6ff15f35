// The schema's regular expressions as an editor runs them (ECMA-262).
//
//   node patterns.mjs SCHEMA
//     compiles every `pattern` and `patternProperties` key with
//     `new RegExp(p, 'u')`, as yaml-language-server does, and refuses
//     inline modifiers (`(?i:...)`, `(?i)`): ES2025 added the first, but
//     Node 20 and 22 and the editors built on them do not take it, and
//     yaml-language-server then reports "Invalid pattern" on every value
//     the pattern checks. Prints each bad one and a count; exits 1 on any.
//
//   node patterns.mjs SCHEMA --match JSON_POINTER STRING...
//     prints `yes` or `no` per STRING: does the pattern at JSON_POINTER
//     match it, under ECMA-262 semantics.
import { readFileSync } from 'node:fs';

const [schemaPath, flag, pointer, ...strings] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));

if (flag === '--match') {
  let at = schema;
  for (const part of pointer.split('/').slice(1)) at = at?.[part];
  if (typeof at !== 'string') {
    console.error(`no pattern at ${pointer}`);
    process.exit(2);
  }
  let regex;
  try {
    regex = new RegExp(at, 'u');
  } catch (e) {
    console.error(`#   ${e.message}`);
    process.exit(1);
  }
  for (const s of strings) console.log(regex.test(s) ? 'yes' : 'no');
  process.exit(0);
}

const found = [];
(function walk(value, path) {
  if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}/${i}`));
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'pattern' && typeof v === 'string') found.push([`${path}/pattern`, v]);
    if (key === 'patternProperties' && v && typeof v === 'object') {
      for (const p of Object.keys(v)) found.push([`${path}/patternProperties`, p]);
    }
    walk(v, `${path}/${key}`);
  }
})(schema, '#');

let bad = 0;
for (const [where, pattern] of found) {
  let why = '';
  try {
    new RegExp(pattern, 'u');
  } catch (e) {
    why = e.message;
  }
  if (!why && /\(\?[A-Za-z-]/.test(pattern)) why = 'an inline modifier, which editors do not take';
  if (why) {
    bad += 1;
    console.log(`#   ${JSON.stringify(pattern)} at ${where}: ${why}`);
  }
}
console.log(`#   ${found.length - bad} of ${found.length} patterns compile as ECMA-262`);
if (found.length === 0) bad += 1;
process.exitCode = bad ? 1 : 0;
