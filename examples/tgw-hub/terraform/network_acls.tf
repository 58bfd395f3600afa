locals {
  network_acl_rules = {
    "acl-0a1a1a1a1a1a1a1a1.ingress.tcp-22.172.16.0.0/22" = {
      network_acl_id = "acl-0a1a1a1a1a1a1a1a1"
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "172.16.0.0/22"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1a1a1a1a1a1a1a1.ingress.tcp-443.172.16.0.0/22" = {
      network_acl_id = "acl-0a1a1a1a1a1a1a1a1"
      rule_number    = 110
      egress         = false
      protocol       = "6"
      cidr_block     = "172.16.0.0/22"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0a1a1a1a1a1a1a1a1.egress.tcp-1024-65535.172.16.0.0/22" = {
      network_acl_id = "acl-0a1a1a1a1a1a1a1a1"
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "172.16.0.0/22"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0b2b2b2b2b2b2b2b2.ingress.tcp-5432.172.16.0.0/22" = {
      network_acl_id = "acl-0b2b2b2b2b2b2b2b2"
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "172.16.0.0/22"
      from_port      = 5432
      to_port        = 5432
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0b2b2b2b2b2b2b2b2.egress.tcp-1024-65535.172.16.0.0/22" = {
      network_acl_id = "acl-0b2b2b2b2b2b2b2b2"
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "172.16.0.0/22"
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
