output "client_vpn_endpoint_id" {
  description = "ID of the Client VPN endpoint"
  value       = aws_ec2_client_vpn_endpoint.this.id
}

output "client_vpn_endpoint_dns_name" {
  description = "DNS name of the Client VPN endpoint (for the client configuration)"
  value       = aws_ec2_client_vpn_endpoint.this.dns_name
}

output "security_group_ids" {
  description = "ID of every security group the rules use, by plan key (`endpoint` is the endpoint's)"
  value = {
    "endpoint" = aws_security_group.this["endpoint"].id
    "app-ssh"  = aws_security_group.this["app-ssh"].id
  }
}

output "target_security_group_ids" {
  description = "Security group that each target's instances must carry, by target name"
  value = {
    "app-ssh" = aws_security_group.this["app-ssh"].id
  }
}
