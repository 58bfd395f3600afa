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
    "10.0.1.10/31.sre" = {
      target_network_cidr  = "10.0.1.10/31"
      access_group_id      = "sre"
      authorize_all_groups = null
      description          = "shibori: bastionless-ssh"
    }
    "10.0.2.0/24.developers" = {
      target_network_cidr  = "10.0.2.0/24"
      access_group_id      = "developers"
      authorize_all_groups = null
      description          = "shibori: web"
    }
    "10.0.2.0/24.sre" = {
      target_network_cidr  = "10.0.2.0/24"
      access_group_id      = "sre"
      authorize_all_groups = null
      description          = "shibori: web"
    }
    "100.64.1.20/32.developers" = {
      target_network_cidr  = "100.64.1.20/32"
      access_group_id      = "developers"
      authorize_all_groups = null
      description          = "shibori: cache"
    }
    "192.168.50.0/24.dba" = {
      target_network_cidr  = "192.168.50.0/24"
      access_group_id      = "dba"
      authorize_all_groups = null
      description          = "shibori: onprem-db"
    }
  }
  routes = {
    "vpn-a.192.168.50.0/24" = {
      target_network         = "vpn-a"
      destination_cidr_block = "192.168.50.0/24"
      target_vpc_subnet_id   = var.subnet_id_vpn_a
      description            = "shibori: onprem-db"
    }
    "vpn-b.192.168.50.0/24" = {
      target_network         = "vpn-b"
      destination_cidr_block = "192.168.50.0/24"
      target_vpc_subnet_id   = var.subnet_id_vpn_b
      description            = "shibori: onprem-db"
    }
  }
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description                   = "Client VPN endpoint prod-access (managed by shibori)"
  client_cidr_block             = "172.20.0.0/20"
  server_certificate_arn        = var.server_certificate_arn
  split_tunnel                  = true
  transport_protocol            = "udp"
  vpn_port                      = 443
  vpc_id                        = var.vpc_id
  security_group_ids            = [aws_security_group.this["endpoint"].id]
  dns_servers                   = ["10.0.0.2"]
  session_timeout_hours         = 10
  disconnect_on_session_timeout = true
  self_service_portal           = "enabled"

  authentication_options {
    type              = "federated-authentication"
    saml_provider_arn = var.saml_provider_arn
  }

  connection_log_options {
    enabled               = true
    cloudwatch_log_group  = "/aws/clientvpn/prod-access"
    cloudwatch_log_stream = "connections"
  }

  client_login_banner_options {
    enabled     = true
    banner_text = "Authorized use only. Activity is logged."
  }

  client_route_enforcement_options {
    enforced = true
  }

  tags = merge(var.tags, { Name = "prod-access-client-vpn", ManagedBy = "shibori" })
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
