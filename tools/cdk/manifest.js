#!/usr/bin/env node
// Usage: node manifest.js OUT.json TEMPLATE...
// Writes the manifest that app.js reads from SHIBORI_MANIFEST: one stack per template, with
// a plausible dummy value for every template parameter (see parameters.js).
//
// A template with AWS::CloudFormation::Stack resources whose TemplateURL is a relative file
// path (shibori's nested output) gets them in `nested` (logical ID -> template file), which
// app.js passes to CfnInclude as loadNestedStacks, the way the rendered cdk-json README
// tells CDK users to. Their parameters come from the parent's Stack resource, so they get no
// dummy values. A template loaded that way is not also included as a stack of its own.
'use strict';
const fs = require('fs');
const path = require('path');
const { dummyParameters } = require('./parameters');

const [out, ...templates] = process.argv.slice(2);
if (!out || templates.length === 0) {
  console.error('usage: node manifest.js OUT.json TEMPLATE...');
  process.exit(2);
}

function read(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** logical ID -> absolute template file, for every nested stack with a relative TemplateURL. */
function nestedStacks(file, template) {
  const nested = {};
  for (const [id, r] of Object.entries(template.Resources || {})) {
    if (!r || r.Type !== 'AWS::CloudFormation::Stack') continue;
    const url = r.Properties && r.Properties.TemplateURL;
    if (typeof url !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(url)) {
      throw new Error(`${file}: nested stack ${id} has no relative TemplateURL (${JSON.stringify(url)})`);
    }
    const child = path.resolve(path.dirname(file), url);
    if (!fs.existsSync(child)) throw new Error(`${file}: nested stack ${id}: ${child} does not exist`);
    nested[id] = child;
  }
  return nested;
}

const parsed = templates.map((t) => {
  const file = path.resolve(t);
  const template = read(file);
  return { display: t, file, template, nested: nestedStacks(file, template) };
});
const loadedAsNested = new Set(parsed.flatMap((p) => Object.values(p.nested)));

const used = new Set();
const entries = [];
parsed.forEach((p, i) => {
  if (loadedAsNested.has(p.file)) return;
  // Stack names: letters, digits and dashes, starting with a letter, unique.
  let stack = `S${i}-${p.display}`.replace(/\.template\.json$/, '').replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 120);
  while (used.has(stack)) stack += 'x';
  used.add(stack);
  const entry = { template: p.file, display: p.display, stack, parameters: dummyParameters(p.template) };
  if (Object.keys(p.nested).length) {
    entry.nested = Object.fromEntries(Object.entries(p.nested).map(([id, f]) => [id, { template: f }]));
  }
  entries.push(entry);
});
fs.writeFileSync(out, JSON.stringify(entries, null, 2) + '\n');
