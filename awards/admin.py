"""Admin: the honours catalogue and its dated rules are edited here; nominations are read here.

Nominations change only through the services (with events and notifications),
so their admin pages are read-only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    DossierDocument,
    Honour,
    HonourRuleSet,
    Nomination,
    NominationEvent,
    QuotaRule,
    RequiredDocument,
    ReviewNote,
    RuleOverride,
)
from .services.nominations import nomination_rule_sets_refresh


class RuleSetInline(admin.TabularInline):
    model = HonourRuleSet
    fields = ("effective_from", "effective_until", "legal_basis")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Honour)
class HonourAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "recipients", "is_active", "position")
    list_filter = ("level", "recipients", "is_active")
    search_fields = ("name", "code")
    list_editable = ("position",)
    inlines = [RuleSetInline]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    fields = ("position", "code", "title", "description", "required", "generated")
    extra = 0


class QuotaRuleInline(admin.TabularInline):
    model = QuotaRule
    fields = ("subject_kind", "scope", "kind", "ratio", "minimum", "fixed", "hard", "note")
    extra = 0


@admin.register(HonourRuleSet)
class HonourRuleSetAdmin(admin.ModelAdmin):
    list_display = ("honour", "effective_from", "effective_until", "deadline_kind", "ballot_only")
    list_filter = ("honour",)
    list_select_related = ("honour",)
    search_fields = ("honour__name", "legal_basis")
    date_hierarchy = "effective_from"
    inlines = [RequiredDocumentInline, QuotaRuleInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Open dossiers follow the rules now in force (sent ones keep theirs).
        nomination_rule_sets_refresh(honour=form.instance.honour)

    fieldsets = (
        (None, {"fields": ("honour", "effective_from", "effective_until", "legal_basis")}),
        (
            _("Điều kiện"),
            {"fields": ("eligibility", "ballot_only", "max_state_honours_per_subject")},
        ),
        (
            _("Thời hạn"),
            {
                "fields": (
                    "deadline_kind",
                    "deadline_days",
                    ("deadline_day", "deadline_month"),
                    "deadline_hard",
                    "review_days",
                )
            },
        ),
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = NominationEvent
    fields = ("at", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = DossierDocument
    fields = (
        "requirement_code",
        "original_name",
        "generated",
        "uploaded_by",
        "uploaded_at",
        "superseded_at",
        "sha256",
    )
    readonly_fields = fields


class NoteInline(ReadOnlyInline):
    model = ReviewNote
    fields = ("at", "reviewer", "requirement_code", "verdict", "comment")
    readonly_fields = fields


class OverrideInline(ReadOnlyInline):
    model = RuleOverride
    fields = ("at", "reviewer", "rule_code", "reason")
    readonly_fields = fields


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    """Đề nghị khen thưởng: read-only; every change goes through the portal's pages."""

    list_display = (
        "subject_name",
        "honour",
        "province",
        "cluster_year",
        "source",
        "status",
        "assigned_reviewer",
        "deadline",
    )
    list_filter = ("status", "honour", "source", "cluster_year__year", "cluster_year__cluster")
    search_fields = ("subject_name", "province__name", "decision_number")
    list_select_related = ("honour", "province", "cluster_year__cluster", "assigned_reviewer")
    inlines = [DocumentInline, NoteInline, OverrideInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
