# .certfit.hcl: commit it next to your code (certfit also looks in ~/.certfit.hcl, or pass
# --config / set CERTFIT_CONFIG). Command-line flags win over what is written here.

config {
  # as_of                  = "2026-11-30"   # judge as AWS stood on a date (default: today)
  expiry_days              = 30             # certificate_expiring's window
  call_module_type         = "local"        # all | local | none (as tflint)
  minimum_failure_severity = "warning"      # error | warning | notice
  fail_on_unresolved       = false          # true: certificates certfit cannot know fail the run
  varfile                  = []             # e.g. ["envs/prod/terraform.tfvars"]
}

# Switch a rule off, or change its severity.
rule "certificate_expiring" {
  severity = "error"
}

rule "weak_key" {
  enabled = true
}

# The key behind a certificate managed outside this code (an unresolved_certificate notice
# says which ARNs need one). key_algorithm takes ACM's names.
certificate "arn:aws:acm:eu-west-1:123456789012:certificate/0b7d3d0e-2c55-4c1f-9d5e-4e2f6a9c8b11" {
  key_algorithm = "EC_prime256v1"
}

# Or point at the certificate's PEM (inside the project); delivery says how it reached AWS.
certificate "arn:aws:iam::123456789012:server-certificate/partner" {
  pem_file = "certs/partner.pem"
  delivery = "iam"
}

# Accept findings for a while, with the reason. A suppression that matches nothing is
# reported as unused_ignore.
suppress {
  rules  = ["certificate_expiring"]
  file   = "legacy/main.tf"
  reason = "the legacy stack is retired in January"
}
