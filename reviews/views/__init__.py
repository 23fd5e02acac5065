"""Pages, one module per job: home, packets, auth (self_review, team, cycles, audit, roi as they come)."""
