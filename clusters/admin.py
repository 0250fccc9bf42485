from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Cluster, ClusterYear, Leadership, Membership


class ClusterYearInline(admin.TabularInline):
    model = ClusterYear
    fields = ("year", "phase")
    readonly_fields = ("phase",)
    extra = 0
    show_change_link = True


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "short_name", "established_year", "dissolved_year")
    search_fields = ("name", "code", "short_name")
    inlines = [ClusterYearInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ("province",)
    extra = 0


class LeadershipInline(admin.TabularInline):
    model = Leadership
    autocomplete_fields = ("province",)
    extra = 0


@admin.register(ClusterYear)
class ClusterYearAdmin(admin.ModelAdmin):
    list_display = ("cluster", "year", "phase", "member_count")
    list_filter = ("phase", "year", "cluster")
    search_fields = ("cluster__name",)
    list_select_related = ("cluster",)
    # The phase moves only through the phase service (with its event), never by hand.
    readonly_fields = ("phase",)
    inlines = [MembershipInline, LeadershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description=_("số thành viên"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("province", "cluster_year")
    list_filter = ("cluster_year__year", "cluster_year__cluster")
    search_fields = ("province__name", "cluster_year__cluster__name")
    list_select_related = ("province", "cluster_year__cluster")
    autocomplete_fields = ("province",)


@admin.register(Leadership)
class LeadershipAdmin(admin.ModelAdmin):
    list_display = ("province", "role", "cluster_year", "decided_by")
    list_filter = ("role", "cluster_year__year", "cluster_year__cluster")
    search_fields = ("province__name", "cluster_year__cluster__name")
    list_select_related = ("province", "cluster_year__cluster")
    autocomplete_fields = ("province",)
