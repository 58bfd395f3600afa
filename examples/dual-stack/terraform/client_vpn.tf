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
    "0.0.0.0/0.all-users" = {
      target_network_cidr  = "0.0.0.0/0"
      access_group_id      = null
      authorize_all_groups = true
      description          = "shibori: internet"
    }
    "10.20.10.0/24.eng" = {
      target_network_cidr  = "10.20.10.0/24"
      access_group_id      = "eng"
      authorize_all_groups = null
      description          = "shibori: app-ssh"
    }
    "::/0.all-users" = {
      target_network_cidr  = "::/0"
      access_group_id      = null
      authorize_all_groups = true
      description          = "shibori: internet6"
    }
    "2600:1f18:abcd:1210::/64.eng" = {
      target_network_cidr  = "2600:1f18:abcd:1210::/64"
      access_group_id      = "eng"
      authorize_all_groups = null
      description          = "shibori: app-ssh"
    }
  }
  routes = {
    "vpn-a.0.0.0.0/0" = {
      target_network         = "vpn-a"
      destination_cidr_block = "0.0.0.0/0"
      target_vpc_subnet_id   = var.subnet_id_vpn_a
      description            = "shibori: internet"
    }
    "vpn-b.0.0.0.0/0" = {
      target_network         = "vpn-b"
      destination_cidr_block = "0.0.0.0/0"
      target_vpc_subnet_id   = var.subnet_id_vpn_b
      description            = "shibori: internet"
    }
    "vpn-a.::/0" = {
      target_network         = "vpn-a"
      destination_cidr_block = "::/0"
      target_vpc_subnet_id   = var.subnet_id_vpn_a
      description            = "shibori: internet6"
    }
    "vpn-b.::/0" = {
      target_network         = "vpn-b"
      destination_cidr_block = "::/0"
      target_vpc_subnet_id   = var.subnet_id_vpn_b
      description            = "shibori: internet6"
    }
  }
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description              = "Client VPN endpoint corp-dual-stack (managed by shibori)"
  client_cidr_block        = "172.31.0.0/22"
  endpoint_ip_address_type = "dual-stack"
  traffic_ip_address_type  = "dual-stack"
  server_certificate_arn   = var.server_certificate_arn
  split_tunnel             = false
  transport_protocol       = "udp"
  vpn_port                 = 443
  vpc_id                   = var.vpc_id
  security_group_ids       = [aws_security_group.this["endpoint"].id]

  authentication_options {
    type              = "federated-authentication"
    saml_provider_arn = var.saml_provider_arn
  }

  connection_log_options {
    enabled = false
  }

  tags = merge(var.tags, { Name = "corp-dual-stack-client-vpn", ManagedBy = "shibori" })
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
