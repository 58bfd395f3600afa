locals {
  security_groups = {
    "endpoint" = {
      name        = "lab-ipv6-client-vpn-endpoint"
      description = "Client VPN endpoint lab-ipv6 (no inbound; managed by shibori)"
    }
    "web" = {
      name        = "lab-ipv6-web"
      description = "Client VPN access to web (managed by shibori)"
    }
    "build-ssh" = {
      name        = "lab-ipv6-build-ssh"
      description = "Client VPN access to build-ssh (managed by shibori)"
    }
  }
  security_group_ingress_rules = {
    "web.ingress.tcp-443.2600:1f18:4000:8800::/64" = {
      security_group_id            = aws_security_group.this["web"].id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      cidr_ipv6                    = "2600:1f18:4000:8800::/64"
      referenced_security_group_id = null
      description                  = "shibori: web tcp/443"
    }
    "web.ingress.icmp.2600:1f18:4000:8800::/64" = {
      security_group_id            = aws_security_group.this["web"].id
      ip_protocol                  = "icmpv6"
      from_port                    = 128
      to_port                      = -1
      cidr_ipv4                    = null
      cidr_ipv6                    = "2600:1f18:4000:8800::/64"
      referenced_security_group_id = null
      description                  = "shibori: web icmp"
    }
    "build-ssh.ingress.tcp-22.2600:1f18:4000:8800::/64" = {
      security_group_id            = aws_security_group.this["build-ssh"].id
      ip_protocol                  = "tcp"
      from_port                    = 22
      to_port                      = 22
      cidr_ipv4                    = null
      cidr_ipv6                    = "2600:1f18:4000:8800::/64"
      referenced_security_group_id = null
      description                  = "shibori: build-ssh tcp/22"
    }
  }
  security_group_egress_rules = {
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
