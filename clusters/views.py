from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clusters import access


@require_GET
@login_required
def cluster_year_detail(request, pk):
    cluster_year = access.get_cluster_year(request.user, pk)
    return render(
        request,
        "clusters/cluster_year_detail.html",
        {
            "cluster_year": cluster_year,
            "memberships": access.active_memberships(cluster_year),
            "can_manage": access.can_manage_cluster_year(request.user, cluster_year),
        },
    )
