locals {
  authorization_rules = {
    "10.8.4.10/32.all-users" = {
      target_network_cidr  = "10.8.4.10/32"
      access_group_id      = null
      authorize_all_groups = true
      description          = "shibori: app"
    }
  }
  routes = {}
}

resource "aws_ec2_client_vpn_authorization_rule" "this" {
  for_each = local.authorization_rules

  client_vpn_endpoint_id = "cvpn-endpoint-0a1b2c3d4e5f60718"
  target_network_cidr    = each.value.target_network_cidr
  access_group_id        = each.value.access_group_id
  authorize_all_groups   = each.value.authorize_all_groups
  description            = each.value.description
}

resource "aws_ec2_client_vpn_route" "this" {
  for_each = local.routes

  client_vpn_endpoint_id = "cvpn-endpoint-0a1b2c3d4e5f60718"
  destination_cidr_block = each.value.destination_cidr_block
  target_vpc_subnet_id   = each.value.target_vpc_subnet_id
  description            = each.value.description
}
