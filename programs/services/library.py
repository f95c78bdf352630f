"""Writes of the content library: assets, their versions and their visibility.

Keyword-only, tenant explicit, every program and tier checked against the tenant, audited in
the same transaction. Validation errors name the field they concern. An upload's type is read
from its bytes (the `filetype` package), never from its name or the browser's word; an office
file is a zip container, so its detected type and its extension must agree. A double submit
creates nothing twice: the new-asset form carries a one-time token (unique per tenant), and a
version's sha256 is unique per asset.
"""

import hashlib
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, created_values, field_changes, register_action_labels
from accounts.models import Tenant, User
from accounts.transactions import service
from programs.models import (
    Asset,
    AssetCategory,
    AssetKind,
    AssetLanguage,
    AssetProgram,
    AssetTier,
    AssetVersion,
    Program,
    Tier,
)

register_action_labels(
    {
        "asset.created": gettext_lazy("Library asset added"),
        "asset.updated": gettext_lazy("Library asset updated"),
        "asset.archived": gettext_lazy("Library asset archived"),
        "asset.version_added": gettext_lazy("Library asset version uploaded"),
    }
)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class AllowedType:
    mime: str
    extensions: tuple[str, ...]


# What the library accepts, by the type detected from the content.
ALLOWED_TYPES = {
    "pdf": AllowedType("application/pdf", ("pdf",)),
    "pptx": AllowedType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)
    ),
    "docx": AllowedType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
    ),
    "xlsx": AllowedType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
    ),
    "png": AllowedType("image/png", ("png",)),
    "jpg": AllowedType("image/jpeg", ("jpg", "jpeg")),
}
UPDATE_FIELDS = ("title", "description", "category", "language")


def max_upload_bytes() -> int:
    return int(getattr(settings, "PRM_LIBRARY_MAX_BYTES", DEFAULT_MAX_BYTES))


def new_asset_token() -> str:
    """The new-asset form's one-time token."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    extension: str
    content_type: str
    sha256: str


def _file_name(upload) -> str:
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:255] or "file"


def check_upload(upload, *, field: str = "file") -> CheckedFile:
    """The upload's bytes and its detected type, or a ValidationError on `field` saying what
    is wrong with it (too large, not an allowed type, a name that lies about the content)."""
    name = _file_name(upload)
    limit = max_upload_bytes()
    too_large = _("“%(name)s” is larger than %(size)s MB: upload a smaller file.") % {
        "name": name,
        "size": limit // (1024 * 1024),
    }
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({field: too_large})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({field: too_large})
    if not content:
        raise ValidationError({field: _("“%(name)s” is empty.") % {"name": name}})
    kind = filetype.guess(content)
    allowed = ALLOWED_TYPES.get(kind.extension) if kind is not None else None
    if allowed is None:
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is not a PDF, PowerPoint, Word, Excel, PNG or JPEG file: "
                    "upload one of those."
                )
                % {"name": name}
            }
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in allowed.extensions:
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is a %(kind)s file by its content but its name says "
                    "otherwise: rename it to .%(extension)s or upload the right file."
                )
                % {"name": name, "kind": kind.extension.upper(), "extension": allowed.extensions[0]}
            }
        )
    return CheckedFile(
        name=name,
        content=content,
        extension=allowed.extensions[0],
        content_type=allowed.mime,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def check_link(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(url) > 1000:
        raise ValidationError({"url": _("Enter a web address starting with http:// or https://.")})
    return url


def _clean(fields: dict) -> dict:
    errors = {}
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = " ".join((cleaned["title"] or "").split())
        if not cleaned["title"]:
            errors["title"] = _("Give the asset a title.")
        elif len(cleaned["title"]) > 200:
            errors["title"] = _("Use at most %(max)s characters.") % {"max": 200}
    if "description" in cleaned:
        cleaned["description"] = (cleaned["description"] or "").strip()
        if len(cleaned["description"]) > 5000:
            errors["description"] = _("Use at most %(max)s characters.") % {"max": 5000}
    if "category" in cleaned and cleaned["category"] not in AssetCategory.values:
        errors["category"] = _("Choose a category.")
    if "language" in cleaned and cleaned["language"] not in AssetLanguage.values:
        errors["language"] = _("Choose a language.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def visibility_check(
    tenant: Tenant, programs: list[Program], tiers: list[Tier]
) -> tuple[list[Program], list[Tier]]:
    """The chosen programs and tiers of any content shown by program and tier (assets,
    courses, announcements), each checked to be this tenant's; a tier counts only with its
    program chosen."""
    for program in programs:
        if program.tenant_id != tenant.pk:
            # SECURITY(tenant): another tenant's program is no choice; the content would
            # otherwise name it (and a later portal query could follow it).
            raise ValidationError({"programs": _("Choose one of this organization's own.")})
    program_ids = {program.pk for program in programs}
    for tier in tiers:
        if tier.tenant_id != tenant.pk:
            # SECURITY(tenant): the same for a tier.
            raise ValidationError({"tiers": _("Choose one of this organization's own.")})
        if tier.program_id not in program_ids:
            raise ValidationError({"tiers": _("Choose tiers of the chosen programs only.")})
    return list(programs), list(tiers)


def _set_visibility(tenant: Tenant, asset: Asset, programs: list[Program], tiers: list[Tier]):
    AssetProgram.objects.filter(tenant=tenant, asset=asset).delete()
    AssetTier.objects.filter(tenant=tenant, asset=asset).delete()
    AssetProgram.objects.bulk_create(
        AssetProgram(tenant=tenant, asset=asset, program=program) for program in programs
    )
    AssetTier.objects.bulk_create(
        AssetTier(tenant=tenant, asset=asset, tier=tier) for tier in tiers
    )


def _store_version(
    tenant: Tenant, actor: User | None, asset: Asset, checked: CheckedFile
) -> AssetVersion:
    last = (
        AssetVersion.objects.filter(tenant=tenant, asset=asset).aggregate(last=Max("number"))[
            "last"
        ]
        or 0
    )
    version = AssetVersion(
        tenant=tenant,
        asset=asset,
        number=last + 1,
        file_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    version.file.save(f"asset.{checked.extension}", ContentFile(checked.content), save=False)
    version.save()
    # A rolled-back transaction leaves the stored file behind: unreachable (its path is
    # random and no row names it) and harmless.
    return version


def _locked_asset(tenant: Tenant, asset: Asset) -> Asset:
    if asset.tenant_id != tenant.pk:
        # SECURITY(tenant): an asset of another tenant is never changed here.
        raise ValidationError(_("This asset is not one of this organization's."))
    return Asset.objects.select_for_update().get(tenant=tenant, pk=asset.pk)


@service
def asset_create(
    *,
    tenant: Tenant,
    actor: User | None,
    title: str,
    category: str,
    language: str,
    token: str,
    description: str = "",
    upload=None,
    url: str = "",
    programs: list[Program] = (),
    tiers: list[Tier] = (),
) -> Asset:
    """A new asset: a file (its first version from `upload`) or a link (`url`). The second
    submit of one form (the same `token`) returns the first one's asset."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise ValidationError({"token": _("The form has expired: open it again.")})
    existing = Asset.objects.filter(tenant=tenant, create_token=token).first()
    if existing is not None:
        return existing
    fields = _clean(
        {"title": title, "description": description, "category": category, "language": language}
    )
    programs, tiers = visibility_check(tenant, list(programs), list(tiers))
    if upload is not None and url:
        raise ValidationError({"url": _("Upload a file or enter a link, not both.")})
    if upload is not None:
        checked = check_upload(upload)
        kind, url = AssetKind.FILE, ""
    elif url:
        checked, kind, url = None, AssetKind.LINK, check_link(url)
    else:
        raise ValidationError({"file": _("Upload a file or enter a link.")})
    try:
        # Two submits of one token at once: the second waits on the unique key and then finds
        # the first's asset.
        with transaction.atomic():
            asset = Asset.objects.create(
                tenant=tenant, kind=kind, url=url, create_token=token, created_by=actor, **fields
            )
    except IntegrityError:
        return Asset.objects.get(tenant=tenant, create_token=token)
    _set_visibility(tenant, asset, programs, tiers)
    changes = created_values(asset, ("title", "category", "language", "kind", "url"))
    changes["programs"] = [str(program) for program in programs]
    changes["tiers"] = [str(tier) for tier in tiers]
    if checked is not None:
        version = _store_version(tenant, actor, asset, checked)
        changes["file"] = f"{version.file_name} (v{version.number})"
    audit_record(tenant=tenant, actor=actor, action="asset.created", target=asset, changes=changes)
    return asset


@service
def asset_version_add(*, tenant: Tenant, actor: User | None, asset: Asset, upload) -> AssetVersion:
    """A new version of a file asset; the earlier ones stay. The same file uploaded again
    (a double submit) returns the version it already is."""
    checked = check_upload(upload)
    asset = _locked_asset(tenant, asset)
    if asset.kind != AssetKind.FILE:
        raise ValidationError({"file": _("A link has no file versions: edit its link instead.")})
    if asset.is_archived:
        raise ValidationError({"file": _("This asset is archived.")})
    existing = AssetVersion.objects.filter(
        tenant=tenant, asset=asset, sha256=checked.sha256
    ).first()
    if existing is not None:
        return existing
    version = _store_version(tenant, actor, asset, checked)
    Asset.objects.filter(tenant=tenant, pk=asset.pk).update(updated_at=timezone.now())
    audit_record(
        tenant=tenant,
        actor=actor,
        action="asset.version_added",
        target=asset,
        changes={"file": f"{version.file_name} (v{version.number})"},
    )
    return version


@service
def asset_update(
    *,
    tenant: Tenant,
    actor: User | None,
    asset: Asset,
    programs: list[Program],
    tiers: list[Tier],
    **fields,
) -> Asset:
    """Change the title, description, category, language and who sees the asset."""
    unknown = sorted(set(fields) - set(UPDATE_FIELDS))
    if unknown:
        raise ValueError(f"unknown asset fields: {', '.join(unknown)}")
    fields = _clean(fields)
    programs, tiers = visibility_check(tenant, list(programs), list(tiers))
    asset = _locked_asset(tenant, asset)
    changes = field_changes(asset, list(UPDATE_FIELDS), fields)
    old_programs = sorted(str(p) for p in asset.programs.all())
    old_tiers = sorted(str(t) for t in asset.tiers.all())
    new_programs = sorted(str(p) for p in programs)
    new_tiers = sorted(str(t) for t in tiers)
    if old_programs != new_programs:
        changes["programs"] = [old_programs, new_programs]
    if old_tiers != new_tiers:
        changes["tiers"] = [old_tiers, new_tiers]
    if not changes:
        return asset
    for name, value in fields.items():
        setattr(asset, name, value)
    asset.updated_at = timezone.now()
    asset.save(update_fields=[*fields, "updated_at"])
    _set_visibility(tenant, asset, programs, tiers)
    audit_record(tenant=tenant, actor=actor, action="asset.updated", target=asset, changes=changes)
    return asset


@service
def asset_archive(*, tenant: Tenant, actor: User | None, asset: Asset) -> Asset:
    """Hide the asset from partners; it and its versions stay for the record. Archiving an
    archived asset changes nothing."""
    asset = _locked_asset(tenant, asset)
    if asset.is_archived:
        return asset
    asset.is_archived = True
    asset.updated_at = timezone.now()
    asset.save(update_fields=["is_archived", "updated_at"])
    audit_record(tenant=tenant, actor=actor, action="asset.archived", target=asset)
    return asset
