"""Annotation of the candidate records: population frequency and consequences."""
