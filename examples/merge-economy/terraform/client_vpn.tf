locals {
  target_network_associations = {
    "vpn-a" = {
      subnet_id = var.subnet_id_vpn_a
    }
    "vpn-b" = {
      subnet_id = var.subnet_id_vpn_b
    }
    "vpn-c" = {
      subnet_id = var.subnet_id_vpn_c
    }
    "vpn-d" = {
      subnet_id = var.subnet_id_vpn_d
    }
  }
  authorization_rules = {
    "10.0.0.10/32.S-1-5-21-1004" = {
      target_network_cidr  = "10.0.0.10/32"
      access_group_id      = "S-1-5-21-1004"
      authorize_all_groups = null
      description          = "shibori: api-0"
    }
    "10.0.0.20/32.S-1-5-21-1005" = {
      target_network_cidr  = "10.0.0.20/32"
      access_group_id      = "S-1-5-21-1005"
      authorize_all_groups = null
      description          = "shibori: ops-0"
    }
    "10.0.1.10/32.S-1-5-21-1004" = {
      target_network_cidr  = "10.0.1.10/32"
      access_group_id      = "S-1-5-21-1004"
      authorize_all_groups = null
      description          = "shibori: api-1"
    }
    "10.0.1.20/32.S-1-5-21-1005" = {
      target_network_cidr  = "10.0.1.20/32"
      access_group_id      = "S-1-5-21-1005"
      authorize_all_groups = null
      description          = "shibori: ops-1"
    }
    "10.0.2.10/32.S-1-5-21-1004" = {
      target_network_cidr  = "10.0.2.10/32"
      access_group_id      = "S-1-5-21-1004"
      authorize_all_groups = null
      description          = "shibori: api-2"
    }
    "10.0.2.20/32.S-1-5-21-1005" = {
      target_network_cidr  = "10.0.2.20/32"
      access_group_id      = "S-1-5-21-1005"
      authorize_all_groups = null
      description          = "shibori: ops-2"
    }
    "10.0.3.10/32.S-1-5-21-1004" = {
      target_network_cidr  = "10.0.3.10/32"
      access_group_id      = "S-1-5-21-1004"
      authorize_all_groups = null
      description          = "shibori: api-3"
    }
    "10.0.3.20/32.S-1-5-21-1005" = {
      target_network_cidr  = "10.0.3.20/32"
      access_group_id      = "S-1-5-21-1005"
      authorize_all_groups = null
      description          = "shibori: ops-3"
    }
  }
  routes = {}
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description            = "Client VPN endpoint merge-economy (managed by shibori)"
  client_cidr_block      = "172.24.0.0/22"
  server_certificate_arn = var.server_certificate_arn
  split_tunnel           = true
  transport_protocol     = "udp"
  vpn_port               = 443
  vpc_id                 = var.vpc_id
  security_group_ids     = [aws_security_group.this["endpoint"].id]

  authentication_options {
    type                = "directory-service-authentication"
    active_directory_id = var.active_directory_id
  }

  connection_log_options {
    enabled = false
  }

  tags = merge(var.tags, { Name = "merge-economy-client-vpn", ManagedBy = "shibori" })
}

resource "aws_ec2_client_vpn_network_association" "this" {
  for_each = local.target_network_associations

  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this.id
  subnet_id              = each.value.subnet_id
}

resource "aws_ec2_client_vpn_authorization_rule" "this" {
  for_each = local.authorization_rules

  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this.id
  target_network_cidr    = each.value.target_network_cidr
  access_group_id        = each.value.access_group_id
  authorize_all_groups   = each.value.authorize_all_groups
  description            = each.value.description
}

resource "aws_ec2_client_vpn_route" "this" {
  for_each = local.routes

  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this.id
  destination_cidr_block = each.value.destination_cidr_block
  target_vpc_subnet_id   = each.value.target_vpc_subnet_id
  description            = each.value.description

  depends_on = [aws_ec2_client_vpn_network_association.this]
}
