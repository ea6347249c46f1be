"""OpenAPI generation tweaks."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema


class AutoSchema(BaseAutoSchema):
    """Name nested serializers after their view: ``UserListCreateApi.InputSerializer`` becomes
    the component ``UserListCreateInput``, so every API may call its serializers
    ``InputSerializer``/``OutputSerializer`` (the HackSoft convention) without name clashes."""

    def get_serializer_name(self, serializer, direction) -> str:
        cls = serializer.__class__
        outer, _, inner = cls.__qualname__.rpartition(".")
        if not outer:
            return cls.__name__
        outer = outer.split(".")[-1].removesuffix("Api")
        return outer + inner.removesuffix("Serializer")
