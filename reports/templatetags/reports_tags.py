from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ dict|get_item:key }}`: a dictionary value by a variable key."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.inclusion_tag("reports/_home_articles.html")
def latest_articles(count: int = 5):
    """`{% load reports_tags %}{% latest_articles 5 %}`: the newest published articles (one query)."""
    from reports.models import Article

    return {"articles": list(Article.objects.published().order_by("-published_at", "-id")[:count])}
