#!/usr/bin/env node
// Usage: node flatten.js PARENT.template.json OUT.template.json
// Merges shibori's nested output back into one flat template, for the benchmark's "flat"
// mode (one CDK stack with every resource, the app a CDK user would first write): the parent's
// resources except its AWS::CloudFormation::Stack resources, plus every resource and output
// of each nested template (relative TemplateURL), where a `Ref` to a nested parameter becomes
// the value the parent passes it. Such a stack is above CloudFormation's 500 resources, so
// `cdk synth` of it needs -c @aws-cdk/core:stackResourceLimit=0.
'use strict';
const fs = require('fs');
const path = require('path');

const [parentFile, outFile] = process.argv.slice(2);
if (!parentFile || !outFile) {
  console.error('usage: node flatten.js PARENT.template.json OUT.template.json');
  process.exit(2);
}
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const parent = read(parentFile);
const flat = { ...parent, Resources: {}, Outputs: { ...(parent.Outputs || {}) } };

function substitute(value, params) {
  if (Array.isArray(value)) return value.map((v) => substitute(v, params));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string' && value.Ref in params) {
    return params[value.Ref];
  }
  return Object.fromEntries(keys.map((k) => [k, substitute(value[k], params)]));
}

function add(section, id, value, from) {
  if (id in flat[section]) throw new Error(`flatten.js: ${section} ${id} of ${from} is already defined`);
  flat[section][id] = value;
}

const nested = [];
for (const [id, r] of Object.entries(parent.Resources || {})) {
  if (r.Type !== 'AWS::CloudFormation::Stack') add('Resources', id, r, parentFile);
  else nested.push([id, r]);
}
for (const [id, r] of nested) {
  const props = r.Properties || {};
  if (typeof props.TemplateURL !== 'string') throw new Error(`flatten.js: ${id} has no TemplateURL`);
  const childFile = path.resolve(path.dirname(parentFile), props.TemplateURL);
  const child = read(childFile);
  const params = props.Parameters || {};
  for (const name of Object.keys(child.Parameters || {})) {
    if (!(name in params)) throw new Error(`flatten.js: ${id} passes no value for ${name} of ${childFile}`);
  }
  if (child.Conditions || child.Mappings) throw new Error(`flatten.js: ${childFile}: Conditions/Mappings are not supported`);
  for (const [rid, res] of Object.entries(child.Resources || {})) add('Resources', rid, substitute(res, params), childFile);
  for (const [oid, out] of Object.entries(child.Outputs || {})) add('Outputs', oid, substitute(out, params), childFile);
}
if (JSON.stringify(flat).includes('"Outputs.')) {
  throw new Error('flatten.js: the parent reads a nested stack output (GetAtt Outputs.X): not supported');
}
fs.writeFileSync(outFile, JSON.stringify(flat, null, 1) + '\n');
console.log(`${outFile}: ${Object.keys(flat.Resources).length} resources, ${Object.keys(flat.Outputs).length} outputs from ${nested.length + 1} template(s)`);
