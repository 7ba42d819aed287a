"""Build tools that are not part of the lab: generators of the shipped preset data."""
