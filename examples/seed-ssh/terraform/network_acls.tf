locals {
  network_acl_rules = {
    "acl-0aaaaaaaaaaaaaaaa.ingress.tcp-1024-65535.192.168.1.0/24" = {
      network_acl_id = "acl-0aaaaaaaaaaaaaaaa"
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "192.168.1.0/24"
      from_port      = 1024
      to_port        = 65535
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0aaaaaaaaaaaaaaaa.egress.tcp-22.192.168.1.0/24" = {
      network_acl_id = "acl-0aaaaaaaaaaaaaaaa"
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "192.168.1.0/24"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0cccccccccccccccc.ingress.tcp-22.192.168.10.0/24" = {
      network_acl_id = "acl-0cccccccccccccccc"
      rule_number    = 100
      egress         = false
      protocol       = "6"
      cidr_block     = "192.168.10.0/24"
      from_port      = 22
      to_port        = 22
      icmp_type      = null
      icmp_code      = null
    }
    "acl-0cccccccccccccccc.egress.tcp-1024-65535.192.168.10.0/24" = {
      network_acl_id = "acl-0cccccccccccccccc"
      rule_number    = 100
      egress         = true
      protocol       = "6"
      cidr_block     = "192.168.10.0/24"
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
