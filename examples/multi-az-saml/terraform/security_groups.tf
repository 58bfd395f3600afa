locals {
  security_groups = {
    "endpoint" = {
      name        = "prod-access-client-vpn-endpoint"
      description = "Client VPN endpoint prod-access (no inbound; managed by shibori)"
    }
    "bastionless-ssh" = {
      name        = "prod-access-bastionless-ssh"
      description = "Client VPN access to bastionless-ssh (managed by shibori)"
    }
    "web" = {
      name        = "prod-access-web"
      description = "Client VPN access to web (managed by shibori)"
    }
    "cache" = {
      name        = "prod-access-cache"
      description = "Client VPN access to cache (managed by shibori)"
    }
  }
  security_group_ingress_rules = {
    "bastionless-ssh.ingress.tcp-22.sg-endpoint" = {
      security_group_id            = aws_security_group.this["bastionless-ssh"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: bastionless-ssh tcp/22"
    }
    "bastionless-ssh.ingress.icmp.sg-endpoint" = {
      security_group_id            = aws_security_group.this["bastionless-ssh"].id
      ip_protocol                  = "icmp"
      from_port                    = 8
      to_port                      = -1
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: bastionless-ssh icmp"
    }
    "web.ingress.tcp-443.sg-endpoint" = {
      security_group_id            = aws_security_group.this["web"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: web tcp/443"
    }
    "web.ingress.tcp-8080-8081.sg-endpoint" = {
      security_group_id            = aws_security_group.this["web"].id
      ip_protocol                  = "tcp"
      from_port                    = 8080
      to_port                      = 8081
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: web tcp/8080-8081"
    }
    "cache.ingress.tcp-6379.sg-endpoint" = {
      security_group_id            = aws_security_group.this["cache"].id
      ip_protocol                  = "tcp"
      from_port                    = 6379
      to_port                      = 6379
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: cache tcp/6379"
    }
  }
  security_group_egress_rules = {
    "endpoint.egress.tcp-22.sg-bastionless-ssh" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["bastionless-ssh"].id
      description                  = "shibori: bastionless-ssh tcp/22"
    }
    "endpoint.egress.icmp.sg-bastionless-ssh" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "icmp"
      from_port                    = 8
      to_port                      = -1
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["bastionless-ssh"].id
      description                  = "shibori: bastionless-ssh icmp"
    }
    "endpoint.egress.tcp-6379.sg-cache" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "tcp"
      from_port                    = 6379
      to_port                      = 6379
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["cache"].id
      description                  = "shibori: cache tcp/6379"
    }
    "endpoint.egress.tcp-443.sg-web" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["web"].id
      description                  = "shibori: web tcp/443"
    }
    "endpoint.egress.tcp-8080-8081.sg-web" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "tcp"
      from_port                    = 8080
      to_port                      = 8081
      cidr_ipv4                    = null
      referenced_security_group_id = aws_security_group.this["web"].id
      description                  = "shibori: web tcp/8080-8081"
    }
    "endpoint.egress.tcp-5432.192.168.50.0/24" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "tcp"
      from_port                    = 5432
      to_port                      = 5432
      cidr_ipv4                    = "192.168.50.0/24"
      referenced_security_group_id = null
      description                  = "shibori: onprem-db tcp/5432"
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
