variable "tags" {
  description = "Tags for every taggable resource; shibori sets Name and ManagedBy itself"
  type        = map(string)
  default     = {}
}
