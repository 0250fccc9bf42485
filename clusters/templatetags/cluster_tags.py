from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}`` for dicts built by selectors."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def percent_of(board, row):
    """``{{ board|percent_of:row }}``: a member's share of content criteria self-scored."""
    return board.percent(row)
