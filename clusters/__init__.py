"""Clusters and their years: membership, leadership, pledge, results, scoring, vote, reports."""
