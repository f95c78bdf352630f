"""The shape of a route's entry in the isolation registry (one module per app area)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    """How to exercise one route.

    audience: "staff" / "portal" / "member" pages (login and membership required), "api"
        (DRF: 401/403 JSON for strangers), or "public" (reachable without login, on purpose).
    methods: the HTTP methods the route serves.
    objects: URL arguments naming a tenant-owned object -> the world's key for it.
    extra: other URL arguments -> the world's key for their value.
    post: a body that succeeds when the object is one's own (proved by the control test).
    post_objects: body fields naming a tenant-owned object -> the world's key for it, taken
        from the side whose URL is requested.
    patch: the same for PATCH (sent as JSON, the way API clients send it).
    anonymous: for public routes and fixed answers, the status an anonymous visitor gets.
    why: for public routes, why anyone may reach them.
    partner_scoped: a partner user may reach it for their own partner's objects; the objects
        of another partner of the same tenant (Side attribute "<key>_of_other_partner")
        answer 404.
    as_partner_user: an API route only partner users may use (staff get 403): the tests of
        another tenant's object and their control sign in as the partner user, as for portal
        routes.
    """

    audience: str
    methods: tuple[str, ...] = ("GET",)
    objects: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    post: dict[str, str] = field(default_factory=dict)
    post_objects: dict[str, str] = field(default_factory=dict)
    patch: dict[str, str] = field(default_factory=dict)
    anonymous: dict[str, int] = field(default_factory=dict)
    why: str = ""
    partner_scoped: bool = False
    as_partner_user: bool = False
