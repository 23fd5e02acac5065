"""The synthetic demo company: deterministic from a seed, written in the same shapes real customers hand us."""
