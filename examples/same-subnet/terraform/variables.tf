variable "vpc_id" {
  description = "ID of the VPC that holds the target networks"
  type        = string

  validation {
    condition     = can(regex("^vpc-([0-9a-f]{8}|[0-9a-f]{17})$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID: vpc- and 8 or 17 hex digits."
  }
}

variable "subnet_id_app_c" {
  description = "ID of subnet `app-c` (10.20.1.0/24), a target network of the endpoint"
  type        = string

  validation {
    condition     = can(regex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", var.subnet_id_app_c))
    error_message = "subnet_id_app_c must be a subnet ID: subnet- and 8 or 17 hex digits."
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

variable "client_root_certificate_chain_arn" {
  description = "ARN of the client root certificate chain in ACM (mutual authentication)"
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.client_root_certificate_chain_arn))
    error_message = "client_root_certificate_chain_arn must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)."
  }
}

variable "tags" {
  description = "Tags for every taggable resource; shibori sets Name and ManagedBy itself"
  type        = map(string)
  default     = {}
}
