from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import (
    Ballot,
    BallotCandidate,
    BallotParticipation,
    BallotQuestion,
    BallotRule,
    Cluster,
    ClusterYear,
    CriteriaTable,
    CriteriaVersion,
    Criterion,
    CriterionGroup,
    Evidence,
    JobStatus,
    Leadership,
    LeadershipProposal,
    Membership,
    NarrativeSection,
    PeerAssignment,
    PeerScore,
    PhaseChange,
    PhaseWindow,
    Pledge,
    PledgeSignature,
    RankingSnapshot,
    ReportJob,
    Result,
    ScoringSettings,
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


# --- Scoring, the vote and reports -----------------------------------------


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(ReadOnlyAdmin):
    list_display = (
        "cluster_year",
        "mode",
        "scorers_per_member",
        "aggregation",
        "vote_quorum",
        "vote_pass",
    )
    list_select_related = ("cluster_year__cluster",)


@admin.register(PeerAssignment)
class PeerAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "scorer", "scored", "source", "withdrawn_at")
    list_filter = ("source", "cluster_year__year")
    list_select_related = ("cluster_year__cluster", "scorer", "scored")


@admin.register(PeerScore)
class PeerScoreAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "criterion", "score", "updated_by", "updated_at")
    list_select_related = (
        "assignment__scorer",
        "assignment__scored",
        "assignment__cluster_year",
        "criterion",
        "updated_by",
    )


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "method", "method_version", "sha256", "frozen_by", "frozen_at")
    list_select_related = ("cluster_year__cluster", "frozen_by")
    exclude = ("inputs",)


@admin.register(BallotRule)
class BallotRuleAdmin(admin.ModelAdmin):
    """Dated defaults for seats, quorum and threshold: data, editable as the rules change."""

    list_display = (
        "effective_from",
        "flag_ratio",
        "flag_minimum",
        "certificate_ratio",
        "certificate_minimum",
        "quorum",
        "pass_ratio",
        "legal_basis",
    )


class BallotQuestionInline(admin.TabularInline):
    model = BallotQuestion
    fields = ("honour", "title", "seats")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    """Ballots and their status. Choices are never shown; counts only on final ballots."""

    list_display = ("cluster_year", "round", "status", "electorate", "ballots_cast", "closed_at")
    list_filter = ("status", "cluster_year__year")
    list_select_related = ("cluster_year__cluster",)
    inlines = [BallotQuestionInline]


@admin.register(BallotCandidate)
class BallotCandidateAdmin(ReadOnlyAdmin):
    list_display = ("province", "question", "rank", "votes_if_final", "elected")
    list_select_related = ("province", "question__ballot__cluster_year__cluster")

    @admin.display(description=_("số phiếu"))
    def votes_if_final(self, obj):
        # Counts exist only after close; an open ballot shows nothing.
        return obj.votes if obj.question.ballot.is_final else "—"


@admin.register(BallotParticipation)
class BallotParticipationAdmin(ReadOnlyAdmin):
    list_display = ("ballot", "province", "cast_by")
    list_select_related = ("ballot__cluster_year__cluster", "province", "cast_by")


@admin.register(LeadershipProposal)
class LeadershipProposalAdmin(ReadOnlyAdmin):
    list_display = (
        "cluster_year",
        "leader",
        "deputy",
        "second_deputy",
        "status",
        "decision_reference",
    )
    list_select_related = ("cluster_year__cluster", "leader", "deputy", "second_deputy")


@admin.action(description=_("Thử lại các yêu cầu bị lỗi"))
def retry_failed_jobs(modeladmin, request, queryset):
    from .services.reports import report_retry

    for job in queryset.filter(status=JobStatus.FAILED):
        report_retry(job=job, actor=request.user)


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    list_display = (
        "cluster_year",
        "kind",
        "draft",
        "status",
        "progress",
        "requested_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "kind", "draft")
    list_select_related = ("cluster_year__cluster", "requested_by")
    actions = [retry_failed_jobs]

    def has_change_permission(self, request, obj=None):
        # Needed for the retry action; the form stays read-only.
        return obj is None and request.user.is_superuser


@admin.register(NarrativeSection)
class NarrativeSectionAdmin(ReadOnlyAdmin):
    list_display = ("title", "cluster_year", "position", "updated_by", "updated_at")
    list_select_related = ("cluster_year__cluster", "updated_by")
