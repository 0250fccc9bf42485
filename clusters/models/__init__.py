from .cluster import Cluster, ClusterYear, Leadership, LeadershipRole, Membership, Phase

__all__ = ["Cluster", "ClusterYear", "Leadership", "LeadershipRole", "Membership", "Phase"]
