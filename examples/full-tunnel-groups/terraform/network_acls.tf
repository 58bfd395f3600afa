locals {
  network_acl_rules = {
    "app.ingress.tcp-22.10.20.0.0/23" = {
      network_acl_id = var.network_acl_id_app
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "10.20.0.0/23"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "app.egress.tcp-1024-65535.10.20.0.0/23" = {
      network_acl_id = var.network_acl_id_app
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "10.20.0.0/23"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "db.ingress.tcp-5432.10.20.0.0/23" = {
      network_acl_id = var.network_acl_id_db
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "10.20.0.0/23"
      from_port      = 5432
      to_port        = 5432
      icmp_type      = null
      icmp_code      = null
    }
    "db.egress.tcp-1024-65535.10.20.0.0/23" = {
      network_acl_id = var.network_acl_id_db
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "10.20.0.0/23"
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
    "vpn-a.egress.tcp-80.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 100
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
      rule_number    = 110
      egress         = true
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.egress.tcp-22.10.20.10.0/24" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 120
      egress         = true
      protocol       = "6"
      cidr_block     = "10.20.10.0/24"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-a.egress.tcp-5432.10.20.20.0/24" = {
      network_acl_id = var.network_acl_id_vpn_a
      rule_number    = 130
      egress         = true
      protocol       = "6"
      cidr_block     = "10.20.20.0/24"
      from_port      = 5432
      to_port        = 5432
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
    "vpn-b.egress.tcp-80.0.0.0.0/0" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 100
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
      rule_number    = 110
      egress         = true
      protocol       = "6"
      cidr_block     = "0.0.0.0/0"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.egress.tcp-22.10.20.10.0/24" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 120
      egress         = true
      protocol       = "6"
      cidr_block     = "10.20.10.0/24"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "vpn-b.egress.tcp-5432.10.20.20.0/24" = {
      network_acl_id = var.network_acl_id_vpn_b
      rule_number    = 130
      egress         = true
      protocol       = "6"
      cidr_block     = "10.20.20.0/24"
      from_port      = 5432
      to_port        = 5432
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
