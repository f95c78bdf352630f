from django.urls import reverse


def tenant_reverse(tenant, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})
