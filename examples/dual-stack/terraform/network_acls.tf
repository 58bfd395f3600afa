locals {
  network_acl_rules = {
    "app.ingress.tcp-22.10.20.0.0/23" = {
      network_acl_id  = var.network_acl_id_app
      rule_number     = 100
      egress          = false
      protocol        = "6"
      cidr_block      = "10.20.0.0/23"
      ipv6_cidr_block = null
      from_port       = 22
      to_port         = 22
      icmp_type       = null
      icmp_code       = null
    }
    "app.ingress.icmp-type-8.10.20.0.0/23" = {
      network_acl_id  = var.network_acl_id_app
      rule_number     = 110
      egress          = false
      protocol        = "1"
      cidr_block      = "10.20.0.0/23"
      ipv6_cidr_block = null
      from_port       = null
      to_port         = null
      icmp_type       = 8
      icmp_code       = -1
    }
    "app.egress.tcp-1024-65535.10.20.0.0/23" = {
      network_acl_id  = var.network_acl_id_app
      rule_number     = 100
      egress          = true
      protocol        = "6"
      cidr_block      = "10.20.0.0/23"
      ipv6_cidr_block = null
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "app.egress.icmp-type-0.10.20.0.0/23" = {
      network_acl_id  = var.network_acl_id_app
      rule_number     = 110
      egress          = true
      protocol        = "1"
      cidr_block      = "10.20.0.0/23"
      ipv6_cidr_block = null
      from_port       = null
      to_port         = null
      icmp_type       = 0
      icmp_code       = -1
    }
    "vpn-a.ingress.tcp-1024-65535.0.0.0.0/0" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 100
      egress          = false
      protocol        = "6"
      cidr_block      = "0.0.0.0/0"
      ipv6_cidr_block = null
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.ingress.icmp-type-0.10.20.10.0/24" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 110
      egress          = false
      protocol        = "1"
      cidr_block      = "10.20.10.0/24"
      ipv6_cidr_block = null
      from_port       = null
      to_port         = null
      icmp_type       = 0
      icmp_code       = -1
    }
    "vpn-a.egress.tcp-443.0.0.0.0/0" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 100
      egress          = true
      protocol        = "6"
      cidr_block      = "0.0.0.0/0"
      ipv6_cidr_block = null
      from_port       = 443
      to_port         = 443
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.egress.tcp-22.10.20.10.0/24" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 110
      egress          = true
      protocol        = "6"
      cidr_block      = "10.20.10.0/24"
      ipv6_cidr_block = null
      from_port       = 22
      to_port         = 22
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.egress.icmp-type-8.10.20.10.0/24" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 120
      egress          = true
      protocol        = "1"
      cidr_block      = "10.20.10.0/24"
      ipv6_cidr_block = null
      from_port       = null
      to_port         = null
      icmp_type       = 8
      icmp_code       = -1
    }
    "vpn-b.ingress.tcp-1024-65535.0.0.0.0/0" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 100
      egress          = false
      protocol        = "6"
      cidr_block      = "0.0.0.0/0"
      ipv6_cidr_block = null
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-b.ingress.icmp-type-0.10.20.10.0/24" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 110
      egress          = false
      protocol        = "1"
      cidr_block      = "10.20.10.0/24"
      ipv6_cidr_block = null
      from_port       = null
      to_port         = null
      icmp_type       = 0
      icmp_code       = -1
    }
    "vpn-b.egress.tcp-443.0.0.0.0/0" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 100
      egress          = true
      protocol        = "6"
      cidr_block      = "0.0.0.0/0"
      ipv6_cidr_block = null
      from_port       = 443
      to_port         = 443
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-b.egress.tcp-22.10.20.10.0/24" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 110
      egress          = true
      protocol        = "6"
      cidr_block      = "10.20.10.0/24"
      ipv6_cidr_block = null
      from_port       = 22
      to_port         = 22
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-b.egress.icmp-type-8.10.20.10.0/24" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 120
      egress          = true
      protocol        = "1"
      cidr_block      = "10.20.10.0/24"
      ipv6_cidr_block = null
      from_port       = null
      to_port         = null
      icmp_type       = 8
      icmp_code       = -1
    }
    "app.ingress.tcp-22.2600:1f18:abcd:1200::/63" = {
      network_acl_id  = var.network_acl_id_app
      rule_number     = 120
      egress          = false
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1200::/63"
      from_port       = 22
      to_port         = 22
      icmp_type       = null
      icmp_code       = null
    }
    "app.ingress.icmpv6-type-128.2600:1f18:abcd:1200::/63" = {
      network_acl_id  = var.network_acl_id_app
      rule_number     = 130
      egress          = false
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1200::/63"
      from_port       = null
      to_port         = null
      icmp_type       = 128
      icmp_code       = -1
    }
    "app.egress.tcp-1024-65535.2600:1f18:abcd:1200::/63" = {
      network_acl_id  = var.network_acl_id_app
      rule_number     = 120
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1200::/63"
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "app.egress.icmpv6-type-129.2600:1f18:abcd:1200::/63" = {
      network_acl_id  = var.network_acl_id_app
      rule_number     = 130
      egress          = true
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1200::/63"
      from_port       = null
      to_port         = null
      icmp_type       = 129
      icmp_code       = -1
    }
    "vpn-a.ingress.tcp-1024-65535.::/0" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 120
      egress          = false
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "::/0"
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.ingress.icmpv6-type-129.2600:1f18:abcd:1210::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 130
      egress          = false
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1210::/64"
      from_port       = null
      to_port         = null
      icmp_type       = 129
      icmp_code       = -1
    }
    "vpn-a.egress.tcp-443.::/0" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 130
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "::/0"
      from_port       = 443
      to_port         = 443
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.egress.tcp-22.2600:1f18:abcd:1210::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 140
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1210::/64"
      from_port       = 22
      to_port         = 22
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.egress.icmpv6-type-128.2600:1f18:abcd:1210::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 150
      egress          = true
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1210::/64"
      from_port       = null
      to_port         = null
      icmp_type       = 128
      icmp_code       = -1
    }
    "vpn-b.ingress.tcp-1024-65535.::/0" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 120
      egress          = false
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "::/0"
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-b.ingress.icmpv6-type-129.2600:1f18:abcd:1210::/64" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 130
      egress          = false
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1210::/64"
      from_port       = null
      to_port         = null
      icmp_type       = 129
      icmp_code       = -1
    }
    "vpn-b.egress.tcp-443.::/0" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 130
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "::/0"
      from_port       = 443
      to_port         = 443
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-b.egress.tcp-22.2600:1f18:abcd:1210::/64" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 140
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1210::/64"
      from_port       = 22
      to_port         = 22
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-b.egress.icmpv6-type-128.2600:1f18:abcd:1210::/64" = {
      network_acl_id  = var.network_acl_id_vpn_b
      rule_number     = 150
      egress          = true
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:abcd:1210::/64"
      from_port       = null
      to_port         = null
      icmp_type       = 128
      icmp_code       = -1
    }
  }
}

resource "aws_network_acl_rule" "this" {
  for_each = local.network_acl_rules

  network_acl_id  = each.value.network_acl_id
  rule_number     = each.value.rule_number
  egress          = each.value.egress
  protocol        = each.value.protocol
  rule_action     = "allow"
  cidr_block      = each.value.cidr_block
  ipv6_cidr_block = each.value.ipv6_cidr_block
  from_port       = each.value.from_port
  to_port         = each.value.to_port
  icmp_type       = each.value.icmp_type
  icmp_code       = each.value.icmp_code
}
