"""Coverage-guided fuzzing of certfit's front ends (atheris/libFuzzer), one target per front
end: see fuzz/targets.py for the targets, fuzz/run.py for `make fuzz`, and docs/security.md,
section "Fuzzing"."""
