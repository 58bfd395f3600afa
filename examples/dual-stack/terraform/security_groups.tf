locals {
  security_groups = {
    "endpoint" = {
      name        = "corp-dual-stack-client-vpn-endpoint"
      description = "Client VPN endpoint corp-dual-stack (no inbound; managed by shibori)"
    }
    "app-ssh" = {
      name        = "corp-dual-stack-app-ssh"
      description = "Client VPN access to app-ssh (managed by shibori)"
    }
  }
  security_group_ingress_rules = {
    "app-ssh.ingress.tcp-22.sg-endpoint" = {
      security_group_id            = aws_security_group.this["app-ssh"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      cidr_ipv6                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: app-ssh tcp/22"
    }
    "app-ssh.ingress.icmp.sg-endpoint" = {
      security_group_id            = aws_security_group.this["app-ssh"].id
      ip_protocol                  = "icmp"
      from_port                    = 8
      to_port                      = -1
      cidr_ipv4                    = null
      cidr_ipv6                    = null
      referenced_security_group_id = aws_security_group.this["endpoint"].id
      description                  = "shibori: app-ssh icmp"
    }
    "app-ssh.ingress.tcp-22.2600:1f18:abcd:1200::/63" = {
      security_group_id            = aws_security_group.this["app-ssh"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      cidr_ipv6                    = "2600:1f18:abcd:1200::/63"
      referenced_security_group_id = null
      description                  = "shibori: app-ssh tcp/22"
    }
    "app-ssh.ingress.icmp.2600:1f18:abcd:1200::/63" = {
      security_group_id            = aws_security_group.this["app-ssh"].id
      ip_protocol                  = "icmpv6"
      from_port                    = 128
      to_port                      = -1
      cidr_ipv4                    = null
      cidr_ipv6                    = "2600:1f18:abcd:1200::/63"
      referenced_security_group_id = null
      description                  = "shibori: app-ssh icmp"
    }
  }
  security_group_egress_rules = {
    "endpoint.egress.all.0.0.0.0/0" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "-1"
      from_port                    = null
      to_port                      = null
      cidr_ipv4                    = "0.0.0.0/0"
      cidr_ipv6                    = null
      referenced_security_group_id = null
      description                  = "shibori: all traffic out (egress: all); destinations filter"
    }
    "endpoint.egress.all.::/0" = {
      security_group_id            = aws_security_group.this["endpoint"].id
      ip_protocol                  = "-1"
      from_port                    = null
      to_port                      = null
      cidr_ipv4                    = null
      cidr_ipv6                    = "::/0"
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
  cidr_ipv6                    = each.value.cidr_ipv6
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
  cidr_ipv6                    = each.value.cidr_ipv6
  referenced_security_group_id = each.value.referenced_security_group_id
  description                  = each.value.description
  tags                         = merge(var.tags, { Name = each.key, ManagedBy = "shibori" })
}
