from django import template

from ..services.checks import RuleCode

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}`` for dicts built by the views."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def rule_label(code):
    """The label of a rule-check code ("Chỉ tiêu số lượng")."""
    try:
        return RuleCode(code).label
    except ValueError:
        return code


@register.filter
def short_hash(value, length=12):
    return (value or "")[: int(length)]
