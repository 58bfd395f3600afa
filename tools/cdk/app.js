#!/usr/bin/env node
// Minimal AWS CDK v2 app that includes shibori cdk-json templates as L1 constructs with
// cloudformation_include.CfnInclude, the way the rendered README tells CDK users to.
//
// One template (environment variable, or CDK context with -c):
//   SHIBORI_TEMPLATE   / -c template=PATH        the <name>.template.json to include
//   SHIBORI_PARAMETERS / -c parameters=JSON      a JSON object: template parameter -> value
//   SHIBORI_STACK      / -c stack=NAME           stack name (default: from the file name)
// Many templates at once (one stack each, one synth; written by manifest.js):
//   SHIBORI_MANIFEST   / -c manifest=PATH        JSON array of {template, parameters, stack,
//                                                nested}; nested (optional) maps the logical
//                                                ID of each AWS::CloudFormation::Stack to
//                                                {template}: CfnInclude's loadNestedStacks
// A stack above CloudFormation's 500 resources (a flat template, see flatten.js) needs CDK's
// own check switched off: cdk synth -c @aws-cdk/core:stackResourceLimit=0
//
// The stacks are environment-agnostic and use no bootstrap resources, so `cdk synth` needs
// neither AWS credentials nor network access.
'use strict';

const fs = require('fs');
const path = require('path');
const cdk = require('aws-cdk-lib');
const cfninc = require('aws-cdk-lib/cloudformation-include');

const app = new cdk.App({ analyticsReporting: false });

function input(envName, contextKey) {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const fromContext = app.node.tryGetContext(contextKey);
  return fromContext === undefined ? undefined : String(fromContext);
}

function parseObject(raw, what) {
  let value;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new Error(`app.js: ${what} is not valid JSON: ${e.message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`app.js: ${what} must be a JSON object`);
  }
  return value;
}

function stackNameFor(templateFile) {
  return (
    path
      .basename(templateFile)
      .replace(/\.template\.json$/, '')
      .replace(/[^A-Za-z0-9-]/g, '-')
      .replace(/^[^A-Za-z]+/, '') || 'Shibori'
  );
}

function include({ template, parameters, stack, nested }) {
  const templateFile = path.resolve(template);
  const s = new cdk.Stack(app, stack || stackNameFor(templateFile), {
    synthesizer: new cdk.DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  const props = { templateFile, parameters: parameters || {} };
  if (nested && Object.keys(nested).length) {
    // The nested templates' parameters are what the parent's Stack resource passes them.
    props.loadNestedStacks = Object.fromEntries(
      Object.entries(nested).map(([id, n]) => [id, { templateFile: path.resolve(n.template) }]),
    );
  }
  new cfninc.CfnInclude(s, 'Shibori', props);
}

const manifest = input('SHIBORI_MANIFEST', 'manifest');
const template = input('SHIBORI_TEMPLATE', 'template');
if (manifest) {
  const entries = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new Error(`app.js: ${manifest} must be a non-empty JSON array`);
  }
  entries.forEach(include);
} else if (template) {
  const raw = input('SHIBORI_PARAMETERS', 'parameters');
  include({
    template,
    parameters: raw ? parseObject(raw, 'SHIBORI_PARAMETERS') : {},
    stack: input('SHIBORI_STACK', 'stack'),
  });
} else {
  throw new Error('app.js: set SHIBORI_TEMPLATE (or -c template=PATH), or SHIBORI_MANIFEST');
}

app.synth();
