"""The CDK adapter: an Aspect that runs certfit's rules on a construct tree."""
