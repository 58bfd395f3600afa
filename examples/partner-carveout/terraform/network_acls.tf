locals {
  network_acl_rules = {
    "acl-0fedcba9876543210.ingress.tcp-1024-65535.10.0.0.0/9" = {
      network_acl_id = "acl-0fedcba9876543210"
      rule_number    = 100
      egress         = false
      protocol       = "6"
      rule_action    = "allow"
      cidr_block     = "10.0.0.0/9"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0fedcba9876543210.egress.deny.tcp-443.10.30.0.0/16" = {
      network_acl_id = "acl-0fedcba9876543210"
      rule_number    = 100
      egress         = true
      protocol       = "6"
      rule_action    = "deny"
      cidr_block     = "10.30.0.0/16"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0fedcba9876543210.egress.tcp-443.10.0.0.0/9" = {
      network_acl_id = "acl-0fedcba9876543210"
      rule_number    = 110
      egress         = true
      protocol       = "6"
      rule_action    = "allow"
      cidr_block     = "10.0.0.0/9"
      from_port      = 443
      to_port        = 443
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0fedcba9876543210.egress.tcp-22.10.20.0.0/16" = {
      network_acl_id = "acl-0fedcba9876543210"
      rule_number    = 120
      egress         = true
      protocol       = "6"
      rule_action    = "allow"
      cidr_block     = "10.20.0.0/16"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0fedcba9876543210.egress.tcp-3389.10.30.0.0/16" = {
      network_acl_id = "acl-0fedcba9876543210"
      rule_number    = 130
      egress         = true
      protocol       = "6"
      rule_action    = "allow"
      cidr_block     = "10.30.0.0/16"
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
  rule_action    = each.value.rule_action
  cidr_block     = each.value.cidr_block
  from_port      = each.value.from_port
  to_port        = each.value.to_port
  icmp_type      = each.value.icmp_type
  icmp_code      = each.value.icmp_code
}
