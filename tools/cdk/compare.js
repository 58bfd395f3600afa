#!/usr/bin/env node
// Usage: node compare.js MANIFEST.json CDK_OUT_DIR
// For every manifest entry, asserts that the template CDK synthesized holds the same resources
// (logical IDs and types) and the same outputs as the input template; for an entry with
// `nested` (loadNestedStacks), the same for every nested stack template CDK wrote into
// CDK_OUT_DIR, found through the asset that the parent's TemplateURL now names. Exit 1 on any
// difference. Prints one line per template and a total of the resources compared.
'use strict';
const fs = require('fs');
const path = require('path');

const [manifestFile, outDir] = process.argv.slice(2);
if (!manifestFile || !outDir) {
  console.error('usage: node compare.js MANIFEST.json CDK_OUT_DIR');
  process.exit(2);
}
const entries = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
let failures = 0;
let resources = 0;
let templates = 0;

function read(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Problems between an input template and the template CDK synthesized from it. */
function differences(inputTemplate, synthTemplate) {
  const input = inputTemplate.Resources || {};
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
  if (Object.keys(input).length === 0) problems.push('the input template has no resources');
  return problems;
}

function report(display, inputTemplate, synthTemplate, problems) {
  templates++;
  if (problems.length) {
    failures++;
    console.log(`FAIL ${display}:`);
    for (const p of problems) console.log(`       ${p}`);
    return;
  }
  const n = Object.keys(inputTemplate.Resources || {}).length;
  resources += n;
  console.log(
    `ok   ${display}: ${n} resources and ${Object.keys(synthTemplate.Outputs || {}).length} outputs, same logical IDs and types after cdk synth`,
  );
}

/** The file in outDir that a synthesized nested Stack resource's TemplateURL names. */
function nestedTemplateFile(stackName, resource) {
  const meta = resource.Metadata && resource.Metadata['aws:asset:path'];
  if (meta) return path.join(outDir, meta);
  // --no-asset-metadata: the object key in the TemplateURL is the asset's hash.
  const key = /([0-9a-f]{64})\.json/.exec(JSON.stringify(resource.Properties && resource.Properties.TemplateURL));
  const assetsFile = path.join(outDir, `${stackName}.assets.json`);
  if (!key || !fs.existsSync(assetsFile)) return undefined;
  const asset = (read(assetsFile).files || {})[key[1]];
  return asset && asset.source && asset.source.path ? path.join(outDir, asset.source.path) : undefined;
}

for (const e of entries) {
  const inputTemplate = read(e.template);
  const synthFile = path.join(outDir, `${e.stack}.template.json`);
  if (!fs.existsSync(synthFile)) {
    console.log(`FAIL ${e.display}: cdk synth wrote no ${synthFile}`);
    failures++;
    continue;
  }
  const synthTemplate = read(synthFile);
  report(e.display, inputTemplate, synthTemplate, differences(inputTemplate, synthTemplate));
  for (const [id, n] of Object.entries(e.nested || {})) {
    const display = `${e.display} > ${id} (${path.basename(n.template)})`;
    const childInput = read(n.template);
    const resource = (synthTemplate.Resources || {})[id];
    const file = resource && nestedTemplateFile(e.stack, resource);
    if (!resource || resource.Type !== 'AWS::CloudFormation::Stack' || !file || !fs.existsSync(file)) {
      console.log(`FAIL ${display}: cdk synth wrote no nested stack template for ${id}`);
      failures++;
      continue;
    }
    const childSynth = read(file);
    report(display, childInput, childSynth, differences(childInput, childSynth));
  }
}
console.log(`${failures ? 'FAIL' : 'ok  '} ${templates} template(s), ${resources} resources compared`);
process.exit(failures ? 1 : 0);
