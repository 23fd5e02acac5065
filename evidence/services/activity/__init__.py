"""Repository activity: local git and GitHub imports, commit storage, durability, AI share."""
