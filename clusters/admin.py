from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import (
    Cluster,
    ClusterYear,
    CriteriaTable,
    CriteriaVersion,
    Criterion,
    CriterionGroup,
    Evidence,
    Leadership,
    Membership,
    PhaseChange,
    PhaseWindow,
    Pledge,
    PledgeSignature,
    Result,
    Submission,
    SubmissionEvent,
    Target,
)


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


# --- The competition year: what users enter goes through the services; admin reads it. ---


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services (with their history); admins read them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PhaseWindow)
class PhaseWindowAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "phase", "opens_on", "due_on")
    list_filter = ("phase", "cluster_year__year")
    list_select_related = ("cluster_year__cluster",)


@admin.register(PhaseChange)
class PhaseChangeAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "from_phase", "to_phase", "moved_by", "moved_at")
    list_filter = ("to_phase", "cluster_year__year")
    list_select_related = ("cluster_year__cluster", "moved_by")
    date_hierarchy = "moved_at"


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CriteriaTable)
class CriteriaTableAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "content_points", "bonus_cap", "penalty_cap", "version")
    list_select_related = ("cluster_year__cluster",)
    inlines = [CriterionGroupInline]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "kind", "max_points", "target_applies", "retired", "table")
    list_filter = ("kind", "retired", "table__cluster_year__year")
    search_fields = ("code", "title")
    list_select_related = ("table__cluster_year__cluster",)


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(ReadOnlyAdmin):
    list_display = ("table", "number", "created_by", "created_at", "reason")
    list_select_related = ("table__cluster_year__cluster", "created_by")


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ("province", "criterion", "value", "updated_by", "updated_at")
    list_filter = ("cluster_year__year", "province")
    search_fields = ("province__name", "criterion__code")
    list_select_related = ("province", "criterion", "updated_by")


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ("title", "cluster_year", "signing_place", "signing_date", "updated_at")
    list_select_related = ("cluster_year__cluster",)


@admin.register(PledgeSignature)
class PledgeSignatureAdmin(ReadOnlyAdmin):
    list_display = ("province", "cluster_year", "signer_name", "signed_by", "signed_at")
    list_filter = ("cluster_year__year",)
    list_select_related = ("province", "cluster_year__cluster", "signed_by")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("province", "cluster_year", "status", "submitted_at", "submitted_by")
    list_filter = ("status", "cluster_year__year")
    list_select_related = ("province", "cluster_year__cluster", "submitted_by")


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(ReadOnlyAdmin):
    list_display = ("submission", "from_status", "to_status", "actor", "at")
    list_select_related = ("submission__province", "submission__cluster_year__cluster", "actor")


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = (
        "province",
        "criterion",
        "achieved_value",
        "self_score",
        "updated_by",
        "updated_at",
    )
    list_filter = ("cluster_year__year", "province")
    search_fields = ("province__name", "criterion__code")
    list_select_related = ("province", "criterion", "updated_by")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "result",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "superseded_at",
    )
    list_filter = ("content_type",)
    search_fields = ("original_name", "sha256")
    list_select_related = ("result__province", "result__criterion", "uploaded_by")
    exclude = ("file",)  # files are served only through the access-checked view
