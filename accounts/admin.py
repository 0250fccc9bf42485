from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, AuditEntry, Role, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "province", "email", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser", "province")
    search_fields = ("username", "full_name", "email", "province__name")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "position", "email", "phone")}),
        (_("Vai trò"), {"fields": ("role", "province")}),
        (
            _("Quyền hạn"),
            {"fields": ("is_active", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Lần đăng nhập, ngày tạo"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Vai trò"), {"fields": ("full_name", "role", "province")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        # is_staff follows the role (see accounts.services); admins never set it by hand.
        obj.is_staff = obj.role == Role.ADMIN or obj.is_superuser
        if obj.role != Role.OFFICER:
            obj.province = None
        super().save_model(request, obj, form, change)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Nhật ký thay đổi: read-only; entries are written by the services."""

    list_display = ("at", "actor", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor__username", "action")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Khóa API: read-only (no key is ever shown); users create and revoke their own."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    exclude = ("key_hash",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
