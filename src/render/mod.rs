//! Renderers: format the plan as Terraform, Terraform JSON, CloudFormation, CDK-ready JSON.
//! They decide nothing; every rule and number comes from the plan.
