#!/usr/bin/env python3
"""Writes a large intent for timing `shibori render`: N targets (default 1000) behind 5
target networks, SAML groups, two services each, spread over 8 destination subnets.

    python3 benches/gen_large_intent.py 1000 > /tmp/large.yaml
    time shibori render /tmp/large.yaml -f cloudformation -o /tmp/out
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
out = [
    "version: 1",
    "name: large",
    "vpc:",
    "  cidr: 10.0.0.0/16",
    "endpoint:",
    "  client_cidr: 172.16.0.0/20",
    "  split_tunnel: true",
    "  authentication: saml",
    "  egress: strict",
    "subnets:",
]
for i in range(5):
    out += [f"  vpn-{i}:", f"    cidr: 10.0.{i}.0/24", f"    az: eu-west-1{'abcde'[i]}"]
for s in range(8):
    out += [f"  app-{s}:", f"    cidr: 10.0.{8 + s}.0/24"]
out += ["target_networks: [vpn-0, vpn-1, vpn-2, vpn-3, vpn-4]", "nacl:", "  quota: 40", "targets:"]
for t in range(n):
    s = t % 8
    host = 4 + t // 8
    out += [
        f"  - name: t{t}",
        f"    subnet: app-{s}",
        f"    hosts: [10.0.{8 + s}.{host}/32]",
        "    ports: [ssh, https]",
        f"    groups: [g{t % 20}]",
    ]
print("\n".join(out))
