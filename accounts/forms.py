from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Login with one generic message for any wrong credential (no user enumeration)."""

    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại "
            "(mật khẩu phân biệt chữ hoa, chữ thường)."
        ),
        "inactive": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại "
            "(mật khẩu phân biệt chữ hoa, chữ thường)."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khóa"),
        max_length=100,
        help_text=_("Để nhận ra khóa sau này, ví dụ: “Báo cáo tự động của Sở Nội vụ”."),
    )
