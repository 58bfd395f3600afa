locals {
  network_acl_rules = {
    "tools.ingress.tcp-3389.172.30.0.0/23" = {
      network_acl_id = var.network_acl_id_tools
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "172.30.0.0/23"
      from_port      = 3389
      to_port        = 3389
      icmp_type      = null
      icmp_code      = null
    }
    "tools.egress.tcp-1024-65535.172.30.0.0/23" = {
      network_acl_id = var.network_acl_id_tools
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "172.30.0.0/23"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.ingress.tcp-1024-65535.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.ingress.udp-1024-65535.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 110
      egress         = false
      protocol       = "17"
      cidr_block     = "0.0.0.0/0"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.ingress.icmp-type-0.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 120
      egress         = false
      protocol       = "1"
      cidr_block     = "0.0.0.0/0"
      from_port      = null
      to_port        = null
      icmp_type      = 0
      icmp_code      = -1
    }
    "vpn-a.egress.tcp-53.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 53
      to_port        = 53
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.egress.tcp-80.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 110
      egress         = true
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 80
      to_port        = 80
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.egress.tcp-443.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 120
      egress         = true
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.egress.udp-53.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 130
      egress         = true
      protocol       = "17"
      cidr_block     = "0.0.0.0/0"
      from_port      = 53
      to_port        = 53
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.egress.icmp-type-8.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 140
      egress         = true
      protocol       = "1"
      cidr_block     = "0.0.0.0/0"
      from_port      = null
      to_port        = null
      icmp_type      = 8
      icmp_code      = -1
    }
    "vpn-a.egress.tcp-3389.172.30.10.0/24" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 150
      egress         = true
      protocol       = "6"
      cidr_block     = "172.30.10.0/24"
      from_port      = 3389
      to_port        = 3389
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.ingress.tcp-1024-65535.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.ingress.udp-1024-65535.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 110
      egress         = false
      protocol       = "17"
      cidr_block     = "0.0.0.0/0"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.ingress.icmp-type-0.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 120
      egress         = false
      protocol       = "1"
      cidr_block     = "0.0.0.0/0"
      from_port      = null
      to_port        = null
      icmp_type      = 0
      icmp_code      = -1
    }
    "vpn-b.egress.tcp-53.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 53
      to_port        = 53
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.egress.tcp-80.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 110
      egress         = true
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 80
      to_port        = 80
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.egress.tcp-443.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 120
      egress         = true
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.egress.udp-53.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 130
      egress         = true
      protocol       = "17"
      cidr_block     = "0.0.0.0/0"
      from_port      = 53
      to_port        = 53
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.egress.icmp-type-8.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 140
      egress         = true
      protocol       = "1"
      cidr_block     = "0.0.0.0/0"
      from_port      = null
      to_port        = null
      icmp_type      = 8
      icmp_code      = -1
    }
    "vpn-b.egress.tcp-3389.172.30.10.0/24" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 150
      egress         = true
      protocol       = "6"
      cidr_block     = "172.30.10.0/24"
      from_port      = 3389
      to_port        = 3389
      icmp_type      = null
      icmp_code      = null
    }
  }
}

resource "aws_network_acl_rule" "this" {
  for_each = local.network_acl_rules

  network_acl_id = each.value.network_acl_id
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = "allow"
  cidr_block     = each.value.cidr_block
  from_port      = each.value.from_port
  to_port        = each.value.to_port
  icmp_type      = each.value.icmp_type
  icmp_code      = each.value.icmp_code
}
