#!/usr/bin/env python3
"""Checks AWS snapshot files against botocore's EC2 service model.

Each JSON file is matched to its describe command by its top-level key (as shibori reads
it) and validated against that operation's output shape: every key must be a member of its
structure, every value of the member's type. Usage: aws_shapes.py DIR_OR_FILE...
Exit 0 when every file conforms, 1 on a violation, 3 when botocore is not installed.
"""
import json
import pathlib
import sys

try:
    import botocore.session
except ImportError:
    print("botocore is not installed (scripts/install-validators.sh installs it into .venv)", file=sys.stderr)
    sys.exit(3)

OPERATIONS = {
    "ClientVpnEndpoints": "DescribeClientVpnEndpoints",
    "ClientVpnTargetNetworks": "DescribeClientVpnTargetNetworks",
    "AuthorizationRules": "DescribeClientVpnAuthorizationRules",
    "Routes": "DescribeClientVpnRoutes",
    "SecurityGroups": "DescribeSecurityGroups",
    "SecurityGroupRules": "DescribeSecurityGroupRules",
    "NetworkAcls": "DescribeNetworkAcls",
    "Subnets": "DescribeSubnets",
    "Vpcs": "DescribeVpcs",
}


def check(value, shape, path, errors):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object ({shape.name})")
            return
        for k, v in value.items():
            if k not in shape.members:
                errors.append(f"{path}.{k}: not a member of {shape.name}")
                continue
            check(v, shape.members[k], f"{path}.{k}", errors)
    elif t == "list":
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list ({shape.name})")
            return
        for i, v in enumerate(value):
            check(v, shape.member, f"{path}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map")
    elif t == "string":
        if not isinstance(value, str):
            errors.append(f"{path}: expected a string")
        elif shape.enum and value not in shape.enum:
            errors.append(f"{path}: `{value}` is not one of {shape.enum}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{path}: expected an integer")
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected a boolean")
    elif t == "timestamp":
        if not isinstance(value, (str, int, float)):
            errors.append(f"{path}: expected a timestamp")
    elif t in ("double", "float"):
        if not isinstance(value, (int, float)):
            errors.append(f"{path}: expected a number")


def main(args):
    model = botocore.session.get_session().get_service_model("ec2")
    files = []
    for a in args:
        p = pathlib.Path(a)
        files += sorted(p.rglob("*.json")) if p.is_dir() else [p]
    failures = 0
    checked = 0
    for f in files:
        doc = json.loads(f.read_text())
        keys = [k for k in doc if k in OPERATIONS] if isinstance(doc, dict) else []
        if not keys:
            continue
        op = model.operation_model(OPERATIONS[keys[0]])
        errors = []
        check(doc, op.output_shape, keys[0], errors)
        checked += 1
        if errors:
            failures += 1
            print(f"{f}: does not match {op.name} output:", file=sys.stderr)
            for e in errors[:20]:
                print(f"  {e}", file=sys.stderr)
    print(f"{checked} snapshot files checked against botocore {botocore.__version__} ec2 model, {failures} failing")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
