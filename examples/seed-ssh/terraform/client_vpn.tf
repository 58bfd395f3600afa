locals {
  target_network_associations = {
    "vpn-a" = {
      subnet_id = "subnet-0aaaaaaaaaaaaaaaa"
    }
  }
  authorization_rules = {
    "192.168.1.63/32.all-users" = {
      target_network_cidr  = "192.168.1.63/32"
      access_group_id      = null
      authorize_all_groups = true
      description          = "shibori: ssh"
    }
  }
  routes = {}
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description            = "Client VPN endpoint tokyo-ssh (managed by shibori)"
  client_cidr_block      = "172.31.0.0/22"
  server_certificate_arn = var.server_certificate_arn
  split_tunnel           = true
  transport_protocol     = "udp"
  vpn_port               = 443
  vpc_id                 = "vpc-0123456789abcdef0"
  security_group_ids     = [aws_security_group.this["endpoint"].id]

  authentication_options {
    type                       = "certificate-authentication"
    root_certificate_chain_arn = var.client_root_certificate_chain_arn
  }

  connection_log_options {
    enabled = false
  }

  tags = merge(var.tags, { Name = "tokyo-ssh-client-vpn", ManagedBy = "shibori" })
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
