locals {
  target_network_associations = {
    "vpn-a" = {
      subnet_id = var.subnet_id_vpn_a
    }
  }
  authorization_rules = {
    "2001:db8:77::/48.all-users" = {
      target_network_cidr  = "2001:db8:77::/48"
      access_group_id      = null
      authorize_all_groups = true
      description          = "shibori: partner-api"
    }
    "2600:1f18:4000:8810::/64.all-users" = {
      target_network_cidr  = "2600:1f18:4000:8810::/64"
      access_group_id      = null
      authorize_all_groups = true
      description          = "shibori: web"
    }
    "2600:1f18:4000:8820::10/128.ci-admins" = {
      target_network_cidr  = "2600:1f18:4000:8820::10/128"
      access_group_id      = "ci-admins"
      authorize_all_groups = null
      description          = "shibori: build-ssh"
    }
  }
  routes = {
    "vpn-a.2001:db8:77::/48" = {
      target_network         = "vpn-a"
      destination_cidr_block = "2001:db8:77::/48"
      target_vpc_subnet_id   = var.subnet_id_vpn_a
      description            = "shibori: partner-api"
    }
  }
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description              = "Client VPN endpoint lab-ipv6 (managed by shibori)"
  endpoint_ip_address_type = "ipv6"
  traffic_ip_address_type  = "ipv6"
  server_certificate_arn   = var.server_certificate_arn
  split_tunnel             = true
  transport_protocol       = "udp"
  vpn_port                 = 443
  vpc_id                   = var.vpc_id
  security_group_ids       = [aws_security_group.this["endpoint"].id]

  authentication_options {
    type                = "directory-service-authentication"
    active_directory_id = var.active_directory_id
  }

  connection_log_options {
    enabled = false
  }

  tags = merge(var.tags, { Name = "lab-ipv6-client-vpn", ManagedBy = "shibori" })
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
