variable "vpc_id" {
  description = "ID of the VPC that holds the target networks"
  type        = string

  validation {
    condition     = can(regex("^vpc-([0-9a-f]{8}|[0-9a-f]{17})$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID: vpc- and 8 or 17 hex digits."
  }
}

variable "subnet_id_vpn_a" {
  description = "ID of subnet `vpn-a` (10.20.0.0/24), a target network of the endpoint"
  type        = string

  validation {
    condition     = can(regex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", var.subnet_id_vpn_a))
    error_message = "subnet_id_vpn_a must be a subnet ID: subnet- and 8 or 17 hex digits."
  }
}

variable "subnet_id_vpn_b" {
  description = "ID of subnet `vpn-b` (10.20.1.0/24), a target network of the endpoint"
  type        = string

  validation {
    condition     = can(regex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", var.subnet_id_vpn_b))
    error_message = "subnet_id_vpn_b must be a subnet ID: subnet- and 8 or 17 hex digits."
  }
}

variable "network_acl_id_app" {
  description = "ID of the network ACL of subnet(s) app"
  type        = string

  validation {
    condition     = can(regex("^acl-([0-9a-f]{8}|[0-9a-f]{17})$", var.network_acl_id_app))
    error_message = "network_acl_id_app must be a network ACL ID: acl- and 8 or 17 hex digits."
  }
}

variable "network_acl_id_vpn_a" {
  description = "ID of the network ACL of subnet(s) vpn-a"
  type        = string

  validation {
    condition     = can(regex("^acl-([0-9a-f]{8}|[0-9a-f]{17})$", var.network_acl_id_vpn_a))
    error_message = "network_acl_id_vpn_a must be a network ACL ID: acl- and 8 or 17 hex digits."
  }
}

variable "network_acl_id_vpn_b" {
  description = "ID of the network ACL of subnet(s) vpn-b"
  type        = string

  validation {
    condition     = can(regex("^acl-([0-9a-f]{8}|[0-9a-f]{17})$", var.network_acl_id_vpn_b))
    error_message = "network_acl_id_vpn_b must be a network ACL ID: acl- and 8 or 17 hex digits."
  }
}

variable "server_certificate_arn" {
  description = "ARN of the endpoint's server certificate in ACM"
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.server_certificate_arn))
    error_message = "server_certificate_arn must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)."
  }
}

variable "saml_provider_arn" {
  description = "ARN of the IAM SAML identity provider that authenticates users"
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:saml-provider/[A-Za-z0-9_.-]+$", var.saml_provider_arn))
    error_message = "saml_provider_arn must be an IAM SAML provider ARN (arn:aws:iam::ACCOUNT:saml-provider/NAME)."
  }
}

variable "tags" {
  description = "Tags for every taggable resource; shibori sets Name and ManagedBy itself"
  type        = map(string)
  default     = {}
}
