#!/usr/bin/env python3
"""Writes an intent with one subnet per target: N targets (default 1000), each in a
subnet of its own whose network ACL is an input, behind 2 target networks. The ACLs and
their IDs grow with the targets, which is what keeps a nested-stack parent template
within CloudFormation's limits (docs/architecture.md#nested-stacks). Same as
`spread_intent` in tests/render.rs.

    python3 benches/gen_spread_intent.py 1000 > /tmp/spread.yaml
    shibori render /tmp/spread.yaml -f cloudformation -o /tmp/out
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
out = [
    "version: 1",
    "name: spread",
    "vpc:",
    "  cidr: 10.0.0.0/8",
    "endpoint:",
    "  client_cidr: 172.16.0.0/20",
    "  split_tunnel: true",
    "  authentication: saml",
    "  egress: strict",
    "subnets:",
]
for i, az in enumerate("ab"):
    out += [f"  vpn-{i}:", f"    cidr: 10.255.{i}.0/24", f"    az: eu-west-1{az}"]
for t in range(n):
    out += [f"  app-{t}:", f"    cidr: 10.{t // 256}.{t % 256}.0/24"]
out += ["target_networks: [vpn-0, vpn-1]", "targets:"]
for t in range(n):
    out += [
        f"  - name: t{t}",
        f"    subnet: app-{t}",
        f"    hosts: [10.{t // 256}.{t % 256}.10/32]",
        "    ports: [ssh, https]",
        f"    groups: [g{t % 20}]",
    ]
print("\n".join(out))
