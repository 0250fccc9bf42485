"""Who may see and act on nominations. Every awards view goes through here.

Built only on the role predicates of ``accounts.roles`` (and the coordinator
right that ``clusters.access`` derives from a year's leadership):

* Central Board reviewers, observers and admins read every nomination;
* an officer reads their own province's nominations, and, as coordinator,
  every nomination of the cluster-years their province leads;
* anyone else reads none.

Acting is narrower: only the proposing province's officers change and send a
dossier; only reviewers (and admins) review and decide.
"""

from django.db.models import Q
from django.http import Http404

from accounts import roles
from clusters import access as cluster_access
from clusters.models import ClusterYear

from .models import DossierDocument, Nomination


def nominations_visible_to(user):
    """The nominations ``user`` may read (not yet joined or ordered)."""
    if roles.reads_everything(user):
        return Nomination.objects.all()
    if roles.is_officer(user):
        coordinated = cluster_access.coordinated_cluster_year_ids(user)
        return Nomination.objects.filter(
            Q(province_id=user.province_id) | Q(cluster_year_id__in=coordinated)
        )
    return Nomination.objects.none()


def nomination_for_user(user, pk: int) -> Nomination:
    """One nomination the user may read, or 404 (never 403: no hint that it exists)."""
    nomination = nominations_visible_to(user).with_related().filter(pk=pk).first()
    if nomination is None:
        raise Http404
    return nomination


def document_for_user(user, pk: int) -> DossierDocument:
    """A dossier file of a nomination the user may read, or 404."""
    document = (
        DossierDocument.objects.filter(
            pk=pk, nomination__in=nominations_visible_to(user).values("pk")
        )
        .select_related("nomination")
        .first()
    )
    if document is None:
        raise Http404
    return document


def can_review(user) -> bool:
    """Central Board reviewers (and admins): review, assign, override, decide."""
    return roles.is_reviewer(user) or roles.is_admin(user)


def can_see_queue(user) -> bool:
    """The review queue: the Board, admins, and observers (read-only)."""
    return roles.reads_everything(user)


def can_propose(user) -> bool:
    """Provincial officers create nominations for their own province."""
    return roles.is_officer(user)


def can_edit(user, nomination: Nomination) -> bool:
    """An officer of the proposing province, while the dossier is a draft or returned."""
    return roles.officer_of(user, nomination.province_id) and nomination.is_editable


def can_send(user, nomination: Nomination) -> bool:
    """An officer of the proposing province may send it ("Gửi hồ sơ" / "Gửi lại")."""
    return roles.officer_of(user, nomination.province_id)


def proposable_cluster_years(user):
    """Cluster-years in which the officer's province is a member, newest first."""
    if not roles.is_officer(user):
        return ClusterYear.objects.none()
    return (
        ClusterYear.objects.filter(memberships__province_id=user.province_id)
        .select_related("cluster")
        .order_by("-year", "cluster__name")
    )


def can_read_history(user) -> bool:
    """A province's honours history: like province pages, every signed-in portal user."""
    return roles.is_officer(user) or roles.reads_everything(user)
