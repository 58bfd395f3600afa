locals {
  security_groups = {
    "endpoint" = {
      name        = "merge-economy-client-vpn-endpoint"
      description = "Client VPN endpoint merge-economy (no inbound; managed by shibori)"
    }
    "api-0" = {
      name        = "merge-economy-api-0"
      description = "Client VPN access to api-0 (managed by shibori)"
    }
    "api-1" = {
      name        = "merge-economy-api-1"
      description = "Client VPN access to api-1 (managed by shibori)"
    }
    "api-2" = {
      name        = "merge-economy-api-2"
      description = "Client VPN access to api-2 (managed by shibori)"
    }
    "api-3" = {
      name        = "merge-economy-api-3"
      description = "Client VPN access to api-3 (managed by shibori)"
    }
    "ops-0" = {
      name        = "merge-economy-ops-0"
      description = "Client VPN access to ops-0 (managed by shibori)"
    }
    "ops-1" = {
      name        = "merge-economy-ops-1"
      description = "Client VPN access to ops-1 (managed by shibori)"
    }
    "ops-2" = {
      name        = "merge-economy-ops-2"
      description = "Client VPN access to ops-2 (managed by shibori)"
    }
    "ops-3" = {
      name        = "merge-economy-ops-3"
      description = "Client VPN access to ops-3 (managed by shibori)"
    }
  }
  security_group_ingress_rules = {
    "api-0.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["api-0"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: api-0 tcp/443"
    }
    "api-0.ingress.tcp-8000-8009.sg-endpoint" = {
      security_group_id            = aws_security_group.this["api-0"].id
      ip_protocol                  = "tcp"
      from_port                    = 8000
      to_port                      = 8009
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: api-0 tcp/8000-8009"
    }
    "api-1.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["api-1"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: api-1 tcp/443"
    }
    "api-1.ingress.tcp-8000-8009.sg-endpoint" = {
      security_group_id            = aws_security_group.this["api-1"].id
      ip_protocol                  = "tcp"
      from_port                    = 8000
      to_port                      = 8009
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: api-1 tcp/8000-8009"
    }
    "api-2.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["api-2"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: api-2 tcp/443"
    }
    "api-2.ingress.tcp-8010-8019.sg-endpoint" = {
      security_group_id            = aws_security_group.this["api-2"].id
      ip_protocol                  = "tcp"
      from_port                    = 8010
      to_port                      = 8019
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: api-2 tcp/8010-8019"
    }
    "api-3.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["api-3"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: api-3 tcp/443"
    }
    "api-3.ingress.tcp-8010-8019.sg-endpoint" = {
      security_group_id            = aws_security_group.this["api-3"].id
      ip_protocol                  = "tcp"
      from_port                    = 8010
      to_port                      = 8019
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: api-3 tcp/8010-8019"
    }
    "ops-0.ingress.tcp-22.sg-endpoint" = {
      security_group_id            = aws_security_group.this["ops-0"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: ops-0 tcp/22"
    }
    "ops-0.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["ops-0"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: ops-0 tcp/443"
    }
    "ops-1.ingress.tcp-22.sg-endpoint" = {
      security_group_id            = aws_security_group.this["ops-1"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: ops-1 tcp/22"
    }
    "ops-1.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["ops-1"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: ops-1 tcp/443"
    }
    "ops-2.ingress.tcp-22.sg-endpoint" = {
      security_group_id            = aws_security_group.this["ops-2"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: ops-2 tcp/22"
    }
    "ops-2.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["ops-2"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: ops-2 tcp/443"
    }
    "ops-3.ingress.tcp-22.sg-endpoint" = {
      security_group_id            = aws_security_group.this["ops-3"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: ops-3 tcp/22"
    }
    "ops-3.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["ops-3"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: ops-3 tcp/443"
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
  # checkov:skip=CKV2_AWS_5:the caller attaches these groups to the targets' instances, through the target_security_group_ids output
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
