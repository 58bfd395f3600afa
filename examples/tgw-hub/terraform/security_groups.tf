locals {
  security_groups = {
    "app" = {
      name        = "tgw-hub-app"
      description = "Client VPN access to app (managed by shibori)"
      vpc_id      = "vpc-0a1a1a1a1a1a1a1a1"
    }
    "db" = {
      name        = "tgw-hub-db"
      description = "Client VPN access to db (managed by shibori)"
      vpc_id      = "vpc-0b2b2b2b2b2b2b2b2"
    }
  }
  security_group_ingress_rules = {
    "app.ingress.tcp-22.172.16.0.0/22" = {
      security_group_id            = aws_security_group.this["app"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = "172.16.0.0/22"
      referenced_security_group_id = null
      description                  = "shibori: app tcp/22"
    }
    "app.ingress.tcp-443.172.16.0.0/22" = {
      security_group_id            = aws_security_group.this["app"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = "172.16.0.0/22"
      referenced_security_group_id = null
      description                  = "shibori: app tcp/443"
    }
    "db.ingress.tcp-5432.172.16.0.0/22" = {
      security_group_id            = aws_security_group.this["db"].id
      ip_protocol                  = "tcp"
      from_port                    = 5432
      to_port                      = 5432
      cidr_ipv4                    = "172.16.0.0/22"
      referenced_security_group_id = null
      description                  = "shibori: db tcp/5432"
    }
  }
  security_group_egress_rules = {}
}

resource "aws_security_group" "this" {
  # checkov:skip=CKV2_AWS_5:the caller attaches these groups to the targets' instances, through the target_security_group_ids output
  for_each = local.security_groups

  name        = each.value.name
  description = each.value.description
  vpc_id      = each.value.vpc_id
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
