"""``IdentityStore.update_user`` on SQLite and PostgreSQL: a change replaces only the
fields it gives, in one statement; the name is the key; an unknown name changes nothing
and says so (the web layer answers 404 from it)."""

from __future__ import annotations

import datetime as dt

from duban.store.base import Store
from duban.store.identity import UserChange, UserRecord, identity_for

AT = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def test_a_change_replaces_only_what_it_gives(store: Store) -> None:
    identity = identity_for(store)
    identity.add_user(UserRecord("李副局长", ("局领导",), ("分管局领导",), ("总经理",),
                                 "hash", oversees=("征管科",)), AT)
    identity.add_token("0123456789ab", "李副局长", "digest", "", AT)
    before = identity.user("李副局长")
    assert identity.update_user("李副局长", UserChange(oversees=("办公室", "征管科")))
    after = identity.user("李副局长")
    assert after is not None and before is not None
    assert after.oversees == ("办公室", "征管科")
    assert after == UserRecord(**{**before.__dict__, "oversees": ("办公室", "征管科")})
    found = identity.token_user("0123456789ab")  # what each API request reads
    assert found is not None and found[1].oversees == ("办公室", "征管科")
    assert identity.update_user("李副局长", UserChange(departments=(), proxy_roles=(),
                                                      roles=("督办单位",), admin=True))
    again = identity.user("李副局长")
    assert again is not None and again.departments == () and again.proxy_roles == ()
    assert again.roles == ("督办单位",) and again.admin and again.password_hash == "hash"
    assert identity.update_user("李副局长", UserChange())  # nothing to change: still known


def test_an_unknown_user_is_not_created(store: Store) -> None:
    identity = identity_for(store)
    assert not identity.update_user("无此人", UserChange(oversees=("办公室",)))
    assert not identity.update_user("无此人", UserChange())
    assert identity.users() == []
