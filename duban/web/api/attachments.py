"""Attachments of an item (办结报告, 佐证材料): upload, list (in the item), download.

Limits come from the settings: ``web.attachments.max_bytes`` (20 MiB by default) and
``web.attachments.types`` (office documents, PDF, OFD, images, text). The declared type
must also match the file's first bytes, so a script cannot travel as a "PDF". Files are
kept by an attachment storage (``duban_register_attachment_stores``; on disk by
default); the store keeps the record (name, type, size, SHA-256, who, when).

An attachment is as confidential as its item: reading or uploading one needs the right
to see the item (else 404), and a download of a confidential item's file is recorded in
the read audit. Uploading needs some action the engine would let the caller take on the
item now — a file is evidence for an action, not a place to store things.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Request, Response, UploadFile

from duban.runtime.offers import offers
from duban.store.identity import AttachmentRecord
from duban.web.api.items import visible_item
from duban.web.api.models import ACT_PROBLEMS, PROBLEMS
from duban.web.attachments import storage_for
from duban.web.auth import deployment, lease, now, require_user
from duban.web.deployment import Lease
from duban.web.identity import User
from duban.web.problems import Problem

router = APIRouter(prefix="/api/v1/items/{item_id}/attachments", tags=["attachments"])
Caller = Annotated[User, Depends(require_user)]
Store = Annotated[Lease, Depends(lease)]
ItemId = Annotated[str, Path(min_length=1, max_length=64)]
KINDS = ("办结报告", "佐证材料")

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/zip": (b"PK\x03\x04",),
    "application/ofd": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/msword": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0",),
}


def _matches(content_type: str, head: bytes) -> bool:
    """Whether the file's first bytes are what its declared type says."""
    if content_type == "text/plain":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:  # a multi-byte character cut at the edge is fine
            return exc.start >= len(head) - 3 and b"\x00" not in head
        return b"\x00" not in head
    magic = _MAGIC.get(content_type)
    return magic is None or head.startswith(magic)


def clean_filename(name: str | None) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?').strip(". ")
    return base[:200] or "附件"


@router.post("", status_code=201, responses={**ACT_PROBLEMS, 413: PROBLEMS[422],
                                              415: PROBLEMS[422]})
async def upload(request: Request, item_id: ItemId, user: Caller, borrowed: Store,
                 file: Annotated[UploadFile, File(description="文件")],
                 kind: Annotated[Literal["办结报告", "佐证材料"], Form()] = "佐证材料",
                 ) -> dict[str, object]:
    """Upload a file for the item; the answer's ``id`` goes into an action's
    ``attachments`` (e.g. the 办结报告 with ``report``)."""
    settings = deployment(request).settings
    data = await file.read(settings.attachment_max_bytes + 1)
    if len(data) > settings.attachment_max_bytes:
        raise Problem(f"文件超过 {settings.attachment_max_bytes} 字节的上限 / file too large",
                      "payload_too_large")
    content_type = (file.content_type or "").split(";")[0].strip().lower()
    if content_type not in settings.attachment_types or not _matches(content_type, data[:512]):
        raise Problem(f"不接受此类文件（{content_type[:60] or '未声明类型'}）；可用："
                      f"{'、'.join(settings.attachment_types)} / unsupported or mismatched "
                      "file type", "unsupported_media_type")
    return await _keep(request, item_id, user, borrowed, kind, clean_filename(file.filename),
                       content_type, data)


async def _keep(request: Request, item_id: str, user: User, borrowed: Lease, kind: str,
                filename: str, content_type: str, data: bytes) -> dict[str, object]:
    from starlette.concurrency import run_in_threadpool

    def work() -> dict[str, object]:
        policy, item = visible_item(borrowed, user, item_id)
        at = now(request)
        if not offers(policy, item, user.actor(policy, item), at.astimezone(policy.timezone)):
            raise Problem(f"您现在对事项 {item_id} 没有可办理的动作，不能上传附件 / nothing "
                          "you may do on this item now", "permission_denied")
        attachment_id = secrets.token_hex(8)
        key = f"{attachment_id}-{hashlib.sha256(item_id.encode()).hexdigest()[:12]}"
        storage_for(deployment(request)).put(key, data)
        record = AttachmentRecord(attachment_id, item_id, kind, filename, content_type,
                                  len(data), hashlib.sha256(data).hexdigest(), key, user.name,
                                  at.isoformat())
        borrowed.identity.add_attachment(record)
        return record.to_json()

    return await run_in_threadpool(work)


def withdraw(request: Request, borrowed: Lease, attachment_id: str) -> None:
    """Undo an upload whose action did not happen (the web page uploads the file and then
    acts; a refused action must leave nothing attached): the record goes, and the file
    with it where the storage can delete."""
    record = borrowed.identity.attachment(attachment_id)
    if record is None:
        return
    borrowed.identity.remove_attachment(attachment_id)
    delete = getattr(storage_for(deployment(request)), "delete", None)  # optional
    if delete is not None:
        delete(record.storage_key)


@router.get("/{attachment_id}", response_class=Response, responses=PROBLEMS)
def download(request: Request, item_id: ItemId,
             attachment_id: Annotated[str, Path(max_length=40)], user: Caller,
             borrowed: Store) -> Response:
    """The file, as uploaded (always as a download, never rendered inline)."""
    _, item = visible_item(borrowed, user, item_id)
    record = borrowed.identity.attachment(attachment_id)
    if record is None or record.item_id != item_id:
        raise Problem(f"事项 {item_id} 没有附件 {attachment_id} / unknown attachment",
                      "not_found")
    data = storage_for(deployment(request)).get(record.storage_key)
    if item.confidential:
        borrowed.identity.audit_read(user.name, item_id, f"attachment:{record.id}",
                                     now(request))
    return Response(data, media_type=record.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(record.filename)}"})
