locals {
  security_groups = {
    "endpoint" = {
      name        = "partner-carveout-client-vpn-endpoint"
      description = "Client VPN endpoint partner-carveout (no inbound; managed by shibori)"
    }
  }
  security_group_ingress_rules = {}
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
  vpc_id      = var.vpc_id
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
