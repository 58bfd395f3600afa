locals {
  authorization_rules = {
    "10.10.1.0/24.developers" = {
      target_network_cidr  = "10.10.1.0/24"
      access_group_id      = "developers"
      authorize_all_groups = null
      description          = "shibori: app"
    }
    "10.20.2.10/32.dba" = {
      target_network_cidr  = "10.20.2.10/32"
      access_group_id      = "dba"
      authorize_all_groups = null
      description          = "shibori: db"
    }
    "10.50.0.0/24.all-users" = {
      target_network_cidr  = "10.50.0.0/24"
      access_group_id      = null
      authorize_all_groups = true
      description          = "shibori: intranet"
    }
  }
  routes = {
    "tgw.10.10.0.0/16" = {
      destination_cidr_block = "10.10.0.0/16"
      description            = "shibori: app"
    }
    "tgw.10.20.0.0/16" = {
      destination_cidr_block = "10.20.0.0/16"
      description            = "shibori: db"
    }
    "tgw.10.50.0.0/24" = {
      destination_cidr_block = "10.50.0.0/24"
      description            = "shibori: intranet"
    }
  }
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description            = "Client VPN endpoint tgw-hub (managed by shibori)"
  client_cidr_block      = "172.16.0.0/22"
  server_certificate_arn = var.server_certificate_arn
  split_tunnel           = true
  transport_protocol     = "udp"
  vpn_port               = 443

  transit_gateway_configuration {
    transit_gateway_id = "tgw-0123456789abcdef0"
    availability_zones = ["ap-northeast-1a", "ap-northeast-1c"]
  }

  authentication_options {
    type              = "federated-authentication"
    saml_provider_arn = var.saml_provider_arn
  }

  connection_log_options {
    enabled = false
  }

  tags = merge(var.tags, { Name = "tgw-hub-client-vpn", ManagedBy = "shibori" })
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
  description            = each.value.description
}
