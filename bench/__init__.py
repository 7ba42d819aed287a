"""Benchmarks that print figures (quality per method, speed, memory); run them as scripts."""
