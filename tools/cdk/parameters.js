'use strict';
// Plausible dummy values for the Parameters of a CloudFormation template, of the right shape
// for each parameter's type (and AllowedPattern / AllowedValues / Min/MaxLength when given),
// so that the template can be included with CfnInclude and synthesized offline.

const ID = '0123456789abcdef0';

// [name pattern, value] candidates for String parameters, tried in order.
const STRING_CANDIDATES = [
  [/vpc/i, `vpc-${ID}`],
  [/subnet/i, `subnet-${ID}`],
  [/acl/i, `acl-${ID}`],
  [/(security.?group|sg)/i, `sg-${ID}`],
  [/route.?table|rtb/i, `rtb-${ID}`],
  [/endpoint/i, `cvpn-endpoint-${ID}`],
  [/cert/i, 'arn:aws:acm:us-east-1:123456789012:certificate/01234567-89ab-cdef-0123-456789abcdef'],
  [/self.?service.*saml|saml.*self.?service/i, 'arn:aws:iam::123456789012:saml-provider/shibori-self-service'],
  [/saml/i, 'arn:aws:iam::123456789012:saml-provider/shibori'],
  [/directory|(^|[^a-z])ad([^a-z]|$)/i, 'd-0123456789'],
  [/log.?group/i, 'shibori-client-vpn'],
  [/log.?stream/i, 'connections'],
  [/lambda|function/i, 'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-shibori'],
  [/cidr/i, '10.0.0.0/16'],
  [/group/i, '01234567-89ab-cdef-0123-456789abcdef'],
  [/dns/i, '10.0.0.2'],
  [/(zone|az)/i, 'us-east-1a'],
  [/name/i, 'shibori'],
];

const AWS_TYPES = {
  'AWS::EC2::VPC::Id': `vpc-${ID}`,
  'AWS::EC2::Subnet::Id': `subnet-${ID}`,
  'AWS::EC2::SecurityGroup::Id': `sg-${ID}`,
  'AWS::EC2::SecurityGroup::GroupName': 'shibori',
  'AWS::EC2::AvailabilityZone::Name': 'us-east-1a',
  'AWS::EC2::Image::Id': `ami-${ID}`,
  'AWS::EC2::Instance::Id': `i-${ID}`,
  'AWS::EC2::KeyPair::KeyName': 'shibori',
  'AWS::EC2::Volume::Id': `vol-${ID}`,
  'AWS::Route53::HostedZone::Id': 'Z0123456789ABCDEFGHIJ',
};

function accepts(spec, value) {
  if (typeof value !== 'string') return true;
  if (spec.AllowedValues && !spec.AllowedValues.map(String).includes(value)) return false;
  if (spec.AllowedPattern && !new RegExp(`^(?:${spec.AllowedPattern})$`).test(value)) return false;
  if (spec.MinLength !== undefined && value.length < Number(spec.MinLength)) return false;
  if (spec.MaxLength !== undefined && value.length > Number(spec.MaxLength)) return false;
  return true;
}

function stringValue(name, spec) {
  if (spec.Default !== undefined) return String(spec.Default);
  if (spec.AllowedValues && spec.AllowedValues.length) return String(spec.AllowedValues[0]);
  const byName = STRING_CANDIDATES.filter(([re]) => re.test(name)).map(([, v]) => v);
  const all = STRING_CANDIDATES.map(([, v]) => v);
  for (const v of [...byName, ...all, 'shibori']) {
    if (accepts(spec, v)) return v;
  }
  throw new Error(
    `parameter ${name}: no plausible dummy value matches its constraints ` +
      `(AllowedPattern ${JSON.stringify(spec.AllowedPattern)}); extend tools/cdk/parameters.js`,
  );
}

function valueFor(name, spec) {
  const type = String(spec.Type || 'String');
  let m;
  if ((m = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type))) {
    return valueFor(name, { ...spec, Type: m[1] });
  }
  if ((m = /^List<(.+)>$/.exec(type))) {
    if (spec.Default !== undefined) return String(spec.Default).split(',');
    return [valueFor(name, { Type: m[1] })];
  }
  if (type === 'CommaDelimitedList') {
    if (spec.Default !== undefined) return String(spec.Default).split(',');
    return [stringValue(name, spec)];
  }
  if (type === 'Number') {
    if (spec.Default !== undefined) return Number(spec.Default);
    if (spec.AllowedValues && spec.AllowedValues.length) return Number(spec.AllowedValues[0]);
    if (spec.MinValue !== undefined) return Number(spec.MinValue);
    return 1;
  }
  if (AWS_TYPES[type]) return AWS_TYPES[type];
  if (type === 'String' || type === 'AWS::SSM::Parameter::Name') return stringValue(name, spec);
  throw new Error(`parameter ${name}: unsupported parameter type ${type}; extend tools/cdk/parameters.js`);
}

/** Dummy values for every parameter of a parsed template. */
function dummyParameters(template) {
  const out = {};
  for (const [name, spec] of Object.entries(template.Parameters || {})) {
    out[name] = valueFor(name, spec || {});
  }
  return out;
}

module.exports = { dummyParameters };
