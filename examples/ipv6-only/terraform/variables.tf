variable "vpc_id" {
  description = "ID of the VPC that holds the target networks"
  type        = string

  validation {
    condition     = can(regex("^vpc-([0-9a-f]{8}|[0-9a-f]{17})$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID: vpc- and 8 or 17 hex digits."
  }
}

variable "subnet_id_vpn_a" {
  description = "ID of subnet `vpn-a` (10.40.0.0/24), a target network of the endpoint"
  type        = string

  validation {
    condition     = can(regex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", var.subnet_id_vpn_a))
    error_message = "subnet_id_vpn_a must be a subnet ID: subnet- and 8 or 17 hex digits."
  }
}

variable "network_acl_id_build" {
  description = "ID of the network ACL of subnet(s) build"
  type        = string

  validation {
    condition     = can(regex("^acl-([0-9a-f]{8}|[0-9a-f]{17})$", var.network_acl_id_build))
    error_message = "network_acl_id_build must be a network ACL ID: acl- and 8 or 17 hex digits."
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

variable "network_acl_id_web" {
  description = "ID of the network ACL of subnet(s) web"
  type        = string

  validation {
    condition     = can(regex("^acl-([0-9a-f]{8}|[0-9a-f]{17})$", var.network_acl_id_web))
    error_message = "network_acl_id_web must be a network ACL ID: acl- and 8 or 17 hex digits."
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

variable "active_directory_id" {
  description = "ID of the AWS Directory Service directory that authenticates users"
  type        = string

  validation {
    condition     = can(regex("^d-[0-9a-f]{10}$", var.active_directory_id))
    error_message = "active_directory_id must be a directory ID: d- and 10 hex digits."
  }
}

variable "tags" {
  description = "Tags for every taggable resource; shibori sets Name and ManagedBy itself"
  type        = map(string)
  default     = {}
}
