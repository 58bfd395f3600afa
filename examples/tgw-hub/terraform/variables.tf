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
