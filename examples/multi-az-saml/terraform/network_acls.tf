locals {
  network_acl_rules = {
    "acl-0123456789abcdef1.ingress.tcp-22.10.0.100.0/23" = {
      network_acl_id = "acl-0123456789abcdef1"
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "10.0.100.0/23"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0123456789abcdef1.ingress.tcp-443.10.0.100.0/23" = {
      network_acl_id = "acl-0123456789abcdef1"
      rule_number    = 110
      egress         = false
      protocol       = "6"
      cidr_block     = "10.0.100.0/23"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0123456789abcdef1.ingress.tcp-8080-8081.10.0.100.0/23" = {
      network_acl_id = "acl-0123456789abcdef1"
      rule_number    = 120
      egress         = false
      protocol       = "6"
      cidr_block     = "10.0.100.0/23"
      from_port      = 8080
      to_port        = 8081
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0123456789abcdef1.ingress.icmp-type-8.10.0.100.0/23" = {
      network_acl_id = "acl-0123456789abcdef1"
      rule_number    = 130
      egress         = false
      protocol       = "1"
      cidr_block     = "10.0.100.0/23"
      from_port      = null
      to_port        = null
      icmp_type      = 8
      icmp_code      = -1
    }
    "acl-0123456789abcdef1.egress.tcp-1024-65535.10.0.100.0/23" = {
      network_acl_id = "acl-0123456789abcdef1"
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "10.0.100.0/23"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0123456789abcdef1.egress.icmp-type-0.10.0.100.0/23" = {
      network_acl_id = "acl-0123456789abcdef1"
      rule_number    = 110
      egress         = true
      protocol       = "1"
      cidr_block     = "10.0.100.0/23"
      from_port      = null
      to_port        = null
      icmp_type      = 0
      icmp_code      = -1
    }
    "acl-0a1b2c3d4e5f60718.ingress.tcp-1024-65535.10.0.1.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "10.0.1.0/24"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1b2c3d4e5f60718.ingress.icmp-type-0.10.0.1.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 110
      egress         = false
      protocol       = "1"
      cidr_block     = "10.0.1.0/24"
      from_port      = null
      to_port        = null
      icmp_type      = 0
      icmp_code      = -1
    }
    "acl-0a1b2c3d4e5f60718.ingress.tcp-1024-65535.10.0.2.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 120
      egress         = false
      protocol       = "6"
      cidr_block     = "10.0.2.0/24"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1b2c3d4e5f60718.ingress.tcp-1024-65535.100.64.1.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 130
      egress         = false
      protocol       = "6"
      cidr_block     = "100.64.1.0/24"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1b2c3d4e5f60718.ingress.tcp-1024-65535.192.168.50.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 140
      egress         = false
      protocol       = "6"
      cidr_block     = "192.168.50.0/24"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1b2c3d4e5f60718.egress.tcp-22.10.0.1.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "10.0.1.0/24"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1b2c3d4e5f60718.egress.icmp-type-8.10.0.1.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 110
      egress         = true
      protocol       = "1"
      cidr_block     = "10.0.1.0/24"
      from_port      = null
      to_port        = null
      icmp_type      = 8
      icmp_code      = -1
    }
    "acl-0a1b2c3d4e5f60718.egress.tcp-443.10.0.2.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 120
      egress         = true
      protocol       = "6"
      cidr_block     = "10.0.2.0/24"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1b2c3d4e5f60718.egress.tcp-8080-8081.10.0.2.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 130
      egress         = true
      protocol       = "6"
      cidr_block     = "10.0.2.0/24"
      from_port      = 8080
      to_port        = 8081
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1b2c3d4e5f60718.egress.tcp-6379.100.64.1.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 140
      egress         = true
      protocol       = "6"
      cidr_block     = "100.64.1.0/24"
      from_port      = 6379
      to_port        = 6379
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1b2c3d4e5f60718.egress.tcp-5432.192.168.50.0/24" = {
      network_acl_id = "acl-0a1b2c3d4e5f60718"
      rule_number    = 150
      egress         = true
      protocol       = "6"
      cidr_block     = "192.168.50.0/24"
      from_port      = 5432
      to_port        = 5432
      icmp_type      = null
      icmp_code      = null
    }
    "data.ingress.tcp-6379.10.0.100.0/23" = {
      network_acl_id = var.network_acl_id_data
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "10.0.100.0/23"
      from_port      = 6379
      to_port        = 6379
      icmp_type      = null
      icmp_code      = null
    }
    "data.egress.tcp-1024-65535.10.0.100.0/23" = {
      network_acl_id = var.network_acl_id_data
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "10.0.100.0/23"
      from_port      = 1024
      to_port        = 65535
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
