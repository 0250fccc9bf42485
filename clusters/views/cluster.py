"""Cluster pages: list, a cluster over the years, and one cluster-year."""

from django.shortcuts import render

from .. import access, selectors


def cluster_list(request):
    clusters = selectors.cluster_list(user=request.user)
    return render(request, "clusters/cluster_list.html", {"clusters": clusters})


def cluster_detail(request, code: str):
    cluster = access.cluster_for_user(request.user, code)
    years = selectors.cluster_detail(cluster=cluster)
    return render(request, "clusters/cluster_detail.html", {"cluster": cluster, "years": years})


def cluster_year_detail(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    members, leaderships = selectors.cluster_year_page(cluster_year=cluster_year)
    overview = selectors.cluster_year_overview(cluster_year=cluster_year, members=members)
    return render(
        request,
        "clusters/cluster_year_detail.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "members": members,
            "leaderships": leaderships,
            "overview": overview,
            "can_manage": access.can_manage_cluster_year(request.user, cluster_year),
        },
    )
