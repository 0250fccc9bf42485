"""Provinces as units that exist between two dates, their lineage and yearly statistics."""
