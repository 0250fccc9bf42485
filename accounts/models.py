"""The portal's user. Roles are data on the user; the coordinator right is not.

Whether an officer coordinates a cluster in a year follows from that year's
leadership (``clusters``), so it is derived there and never stored here.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Cán bộ of a member province's emulation board; bound to one province.
    OFFICER = "officer", _("Cán bộ tỉnh")
    # Staff of the Central Board: read every cluster, review dossiers.
    REVIEWER = "reviewer", _("Chuyên viên Ban Thi đua - Khen thưởng Trung ương")
    # Council members and leaders: read-only.
    OBSERVER = "observer", _("Quan sát viên")
    # System administrators: Django admin, reference data, users.
    ADMIN = "admin", _("Quản trị hệ thống")


class UserQuerySet(models.QuerySet):
    def officers(self):
        """Active provincial officers."""
        return self.filter(is_active=True, role=Role.OFFICER)

    def of_province(self, province_id: int):
        """Active officers of one province."""
        return self.officers().filter(province_id=province_id)


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: an officer, a Central Board reviewer, an observer or an admin."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=30, blank=True)
    role = models.CharField(
        _("vai trò"), max_length=16, choices=Role.choices, default=Role.OBSERVER, db_index=True
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        help_text=_("Bắt buộc với cán bộ tỉnh; để trống với các vai trò khác."),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["username"]
        constraints = [
            # A provincial officer belongs to exactly one province; nobody else does.
            models.CheckConstraint(
                condition=(Q(role=Role.OFFICER) & Q(province__isnull=False))
                | (~Q(role=Role.OFFICER) & Q(province__isnull=True)),
                name="user_province_iff_officer",
                violation_error_message=_(
                    "Cán bộ tỉnh phải gắn với một tỉnh; các vai trò khác không gắn với tỉnh."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class AuditEntry(models.Model):
    """One recorded change to something a user entered: who, when, before and after.

    Written only by ``accounts.audit.audit_record`` from inside the service
    that made the change, in the same transaction.
    """

    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("loại dữ liệu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("mã bản ghi"), max_length=64)
    object_repr = models.CharField(_("bản ghi"), max_length=300)
    action = models.CharField(_("thao tác"), max_length=40)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"


class Notification(models.Model):
    """One in-app notice to one user (thông báo), e.g. "Hồ sơ đề nghị bị trả lại".

    Written only by ``accounts.notifications.notify``, which also emails it.
    """

    recipient = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # What happened, as a stable code (``nomination_returned``…), for filters and tests.
    verb = models.CharField(_("loại thông báo"), max_length=40)
    text = models.CharField(_("nội dung"), max_length=500)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The list and the unread count read one user's notices, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens not revoked (a revoked token never authenticates again)."""
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token (khóa API) that a user creates, names and revokes.

    The plaintext is shown once, at creation; only its SHA-256 is stored, so a
    copy of the database does not give anyone a working token. ``prefix`` (the
    first characters of the plaintext) finds the row without a scan and lets the
    owner tell tokens apart.
    """

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên khóa"), max_length=100)
    # First characters of the plaintext: looked up on every request, hence the index.
    prefix = models.CharField(_("tiền tố"), max_length=8, db_index=True)
    key_hash = models.CharField(_("mã băm SHA-256 của khóa"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
