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
    "api-0"    = aws_security_group.this["api-0"].id
    "api-1"    = aws_security_group.this["api-1"].id
    "api-2"    = aws_security_group.this["api-2"].id
    "api-3"    = aws_security_group.this["api-3"].id
    "ops-0"    = aws_security_group.this["ops-0"].id
    "ops-1"    = aws_security_group.this["ops-1"].id
    "ops-2"    = aws_security_group.this["ops-2"].id
    "ops-3"    = aws_security_group.this["ops-3"].id
  }
}

output "target_security_group_ids" {
  description = "Security group that each target's instances must carry, by target name"
  value = {
    "api-0" = aws_security_group.this["api-0"].id
    "api-1" = aws_security_group.this["api-1"].id
    "api-2" = aws_security_group.this["api-2"].id
    "api-3" = aws_security_group.this["api-3"].id
    "ops-0" = aws_security_group.this["ops-0"].id
    "ops-1" = aws_security_group.this["ops-1"].id
    "ops-2" = aws_security_group.this["ops-2"].id
    "ops-3" = aws_security_group.this["ops-3"].id
  }
}
