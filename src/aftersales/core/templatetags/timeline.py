from django import template

from aftersales.core.timeline import timeline_for

register = template.Library()


@register.inclusion_tag("core/partials/timeline.html", takes_context=True)
def timeline(context, obj, limit: int = 50):
    request = context.get("request")
    reader = getattr(request, "user", None)
    return {"events": timeline_for(obj, limit=limit, reader=reader)}
