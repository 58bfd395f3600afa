#!/usr/bin/env node
// Usage: node manifest.js OUT.json TEMPLATE...
// Writes the manifest that app.js reads from SHIBORI_MANIFEST: one stack per template, with
// a plausible dummy value for every template parameter (see parameters.js).
'use strict';
const fs = require('fs');
const path = require('path');
const { dummyParameters } = require('./parameters');

const [out, ...templates] = process.argv.slice(2);
if (!out || templates.length === 0) {
  console.error('usage: node manifest.js OUT.json TEMPLATE...');
  process.exit(2);
}
const used = new Set();
const entries = templates.map((t, i) => {
  const file = path.resolve(t);
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  // Stack names: letters, digits and dashes, starting with a letter, unique.
  let stack = `S${i}-${t}`.replace(/\.template\.json$/, '').replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 120);
  while (used.has(stack)) stack += 'x';
  used.add(stack);
  return { template: file, display: t, stack, parameters: dummyParameters(template) };
});
fs.writeFileSync(out, JSON.stringify(entries, null, 2) + '\n');
