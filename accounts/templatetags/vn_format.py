"""Number formatting for every page: Vietnamese grouping and decimal comma (87.183,5).

Lives on the ground floor so every app's templates can load it.
"""

from django import template

from accounts.formatting import number_text

register = template.Library()


@register.filter
def number(value, places=None):
    """87183.50 → "87.183,5"; ``places`` fixes the decimals (``|number:2`` → "87.183,50")."""
    return number_text(value, None if places in (None, "") else int(places))
