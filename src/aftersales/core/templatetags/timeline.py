from django import template

from aftersales.core.timeline import timeline_for

register = template.Library()


@register.inclusion_tag("core/partials/timeline.html")
def timeline(obj, limit: int = 50):
    return {"events": timeline_for(obj, limit=limit)}
