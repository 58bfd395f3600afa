output "client_vpn_endpoint_id" {
  description = "ID of the Client VPN endpoint"
  value       = "cvpn-endpoint-0a1b2c3d4e5f60718"
}

output "security_group_ids" {
  description = "ID of every security group the rules use, by plan key (`endpoint` is the endpoint's)"
  value = {
    "endpoint"             = aws_security_group.this["endpoint"].id
    "sg-0c3c3c3c3c3c3c3c3" = "sg-0c3c3c3c3c3c3c3c3"
  }
}

output "target_security_group_ids" {
  description = "Security group that each target's instances must carry, by target name"
  value = {
    "app" = "sg-0c3c3c3c3c3c3c3c3"
  }
}
