locals {
  network_acl_rules = {
    "build.ingress.tcp-22.2600:1f18:4000:8800::/64" = {
      network_acl_id  = var.network_acl_id_build
      rule_number     = 100
      egress          = false
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8800::/64"
      from_port       = 22
      to_port         = 22
      icmp_type       = null
      icmp_code       = null
    }
    "build.egress.tcp-1024-65535.2600:1f18:4000:8800::/64" = {
      network_acl_id  = var.network_acl_id_build
      rule_number     = 100
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8800::/64"
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.ingress.tcp-1024-65535.2001:db8:77::/48" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 100
      egress          = false
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2001:db8:77::/48"
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.ingress.tcp-1024-65535.2600:1f18:4000:8810::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 110
      egress          = false
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8810::/64"
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.ingress.icmpv6-type-129.2600:1f18:4000:8810::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 120
      egress          = false
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8810::/64"
      from_port       = null
      to_port         = null
      icmp_type       = 129
      icmp_code       = -1
    }
    "vpn-a.ingress.tcp-1024-65535.2600:1f18:4000:8820::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 130
      egress          = false
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8820::/64"
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.egress.tcp-443.2001:db8:77::/48" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 100
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2001:db8:77::/48"
      from_port       = 443
      to_port         = 443
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.egress.tcp-443.2600:1f18:4000:8810::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 110
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8810::/64"
      from_port       = 443
      to_port         = 443
      icmp_type       = null
      icmp_code       = null
    }
    "vpn-a.egress.icmpv6-type-128.2600:1f18:4000:8810::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 120
      egress          = true
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8810::/64"
      from_port       = null
      to_port         = null
      icmp_type       = 128
      icmp_code       = -1
    }
    "vpn-a.egress.tcp-22.2600:1f18:4000:8820::/64" = {
      network_acl_id  = var.network_acl_id_vpn_a
      rule_number     = 130
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8820::/64"
      from_port       = 22
      to_port         = 22
      icmp_type       = null
      icmp_code       = null
    }
    "web.ingress.tcp-443.2600:1f18:4000:8800::/64" = {
      network_acl_id  = var.network_acl_id_web
      rule_number     = 100
      egress          = false
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8800::/64"
      from_port       = 443
      to_port         = 443
      icmp_type       = null
      icmp_code       = null
    }
    "web.ingress.icmpv6-type-128.2600:1f18:4000:8800::/64" = {
      network_acl_id  = var.network_acl_id_web
      rule_number     = 110
      egress          = false
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8800::/64"
      from_port       = null
      to_port         = null
      icmp_type       = 128
      icmp_code       = -1
    }
    "web.egress.tcp-1024-65535.2600:1f18:4000:8800::/64" = {
      network_acl_id  = var.network_acl_id_web
      rule_number     = 100
      egress          = true
      protocol        = "6"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8800::/64"
      from_port       = 1024
      to_port         = 65535
      icmp_type       = null
      icmp_code       = null
    }
    "web.egress.icmpv6-type-129.2600:1f18:4000:8800::/64" = {
      network_acl_id  = var.network_acl_id_web
      rule_number     = 110
      egress          = true
      protocol        = "58"
      cidr_block      = null
      ipv6_cidr_block = "2600:1f18:4000:8800::/64"
      from_port       = null
      to_port         = null
      icmp_type       = 129
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
