#!/usr/bin/env node
// Usage: node compare.js MANIFEST.json CDK_OUT_DIR
// For every manifest entry, asserts that the template CDK synthesized holds the same resources
// (logical IDs and types) and the same outputs as the input template. Exit 1 on any difference.
'use strict';
const fs = require('fs');
const path = require('path');

const [manifestFile, outDir] = process.argv.slice(2);
const entries = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
let failures = 0;
for (const e of entries) {
  const inputTemplate = JSON.parse(fs.readFileSync(e.template, 'utf8'));
  const input = inputTemplate.Resources || {};
  const synthFile = path.join(outDir, `${e.stack}.template.json`);
  if (!fs.existsSync(synthFile)) {
    console.log(`FAIL ${e.display}: cdk synth wrote no ${synthFile}`);
    failures++;
    continue;
  }
  const synthTemplate = JSON.parse(fs.readFileSync(synthFile, 'utf8'));
  const synth = synthTemplate.Resources || {};
  const problems = [];
  for (const [id, r] of Object.entries(input)) {
    if (!(id in synth)) problems.push(`missing resource ${id} (${r.Type})`);
    else if (synth[id].Type !== r.Type) problems.push(`resource ${id}: type ${synth[id].Type}, expected ${r.Type}`);
  }
  for (const [id, r] of Object.entries(synth)) {
    if (!(id in input)) problems.push(`extra resource ${id} (${r.Type})`);
  }
  const inOutputs = Object.keys(inputTemplate.Outputs || {}).sort().join(',');
  const synthOutputs = Object.keys(synthTemplate.Outputs || {}).sort().join(',');
  if (inOutputs !== synthOutputs) problems.push(`outputs differ: [${synthOutputs}], expected [${inOutputs}]`);
  const n = Object.keys(input).length;
  if (n === 0) problems.push('the input template has no resources');
  if (problems.length) {
    failures++;
    console.log(`FAIL ${e.display}:`);
    for (const p of problems) console.log(`       ${p}`);
  } else {
    console.log(
      `ok   ${e.display}: ${n} resources and ${Object.keys(synthTemplate.Outputs || {}).length} outputs, same logical IDs and types after cdk synth`,
    );
  }
}
process.exit(failures ? 1 : 0);
