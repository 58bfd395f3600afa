locals {
  target_network_associations = {
    "vpn-a" = {
      subnet_id = var.subnet_id_vpn_a
    }
    "vpn-b" = {
      subnet_id = var.subnet_id_vpn_b
    }
  }
  authorization_rules = {
    "10.0.0.0/9.all-users" = {
      target_network_cidr  = "10.0.0.0/9"
      access_group_id      = null
      authorize_all_groups = true
      description          = "shibori: corporate"
    }
    "10.20.0.0/16.fin" = {
      target_network_cidr  = "10.20.0.0/16"
      access_group_id      = "fin"
      authorize_all_groups = null
      description          = "shibori: finance"
    }
    "10.30.0.0/16.ops" = {
      target_network_cidr  = "10.30.0.0/16"
      access_group_id      = "ops"
      authorize_all_groups = null
      description          = "shibori: operations"
    }
  }
  routes = {
    "vpn-a.10.0.0.0/9" = {
      target_network         = "vpn-a"
      destination_cidr_block = "10.0.0.0/9"
      target_vpc_subnet_id   = var.subnet_id_vpn_a
      description            = "shibori: corporate, finance, operations"
    }
    "vpn-b.10.0.0.0/9" = {
      target_network         = "vpn-b"
      destination_cidr_block = "10.0.0.0/9"
      target_vpc_subnet_id   = var.subnet_id_vpn_b
      description            = "shibori: corporate, finance, operations"
    }
  }
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description            = "Client VPN endpoint partner-carveout (managed by shibori)"
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

  tags = merge(var.tags, { Name = "partner-carveout-client-vpn", ManagedBy = "shibori" })
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
