"""Small template helpers for the public registry pages."""

from django import template

register = template.Library()


@register.inclusion_tag("deputies/_photo.html")
def deputy_photo(person, size="sm"):
    """The person's photo, or a neutral placeholder with the first character of the name."""
    return {
        "url": person.photo.url if person.photo else "",
        "name": person.name,
        "initial": person.name[:1],
        "size": size,
    }
