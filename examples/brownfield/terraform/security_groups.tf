locals {
  security_groups = {
    "endpoint" = {
      name        = "legacy-access-client-vpn-endpoint"
      description = "Client VPN endpoint legacy-access (no inbound; managed by shibori)"
    }
  }
  security_group_ingress_rules = {
    "sg-0c3c3c3c3c3c3c3c3.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = "sg-0c3c3c3c3c3c3c3c3"
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: app tcp/443"
    }
    "sg-0c3c3c3c3c3c3c3c3.ingress.tcp-8443.sg-endpoint" = {
      security_group_id            = "sg-0c3c3c3c3c3c3c3c3"
      ip_protocol                  = "tcp"
      from_port                    = 8443
      to_port                      = 8443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: app tcp/8443"
    }
  }
  security_group_egress_rules = {
    "endpoint.egress.all.0.0.0.0/0" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "-1"
      from_port                    = null
      to_port                      = null
      cidr_ipv4                    = "0.0.0.0/0"
      referenced_security_group_id = null
      description                  = "shibori: all traffic out (egress: all); destinations filter"
    }
  }
}

resource "aws_security_group" "this" {
  for_each = local.security_groups

  name        = each.value.name
  description = each.value.description
  vpc_id      = "vpc-0b1c2d3e4f5a60718"
  tags        = merge(var.tags, { Name = each.value.name, ManagedBy = "shibori" })
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = local.security_group_ingress_rules

  security_group_id            = each.value.security_group_id
  ip_protocol                  = each.value.ip_protocol
  from_port                    = each.value.from_port
  to_port                      = each.value.to_port
  cidr_ipv4                    = each.value.cidr_ipv4
  referenced_security_group_id = each.value.referenced_security_group_id
  description                  = each.value.description
  tags                         = merge(var.tags, { Name = each.key, ManagedBy = "shibori" })
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = local.security_group_egress_rules

  security_group_id            = each.value.security_group_id
  ip_protocol                  = each.value.ip_protocol
  from_port                    = each.value.from_port
  to_port                      = each.value.to_port
  cidr_ipv4                    = each.value.cidr_ipv4
  referenced_security_group_id = each.value.referenced_security_group_id
  description                  = each.value.description
  tags                         = merge(var.tags, { Name = each.key, ManagedBy = "shibori" })
}
