"""REST routes for the caller, business units, users and API keys (thin: parse, call, shape)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from aitower.core.access import apikeys, service
from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission, Role
from aitower.core.access.schemas import (
    ApiKeyIn,
    ApiKeyOut,
    CreatedApiKeyOut,
    MeOut,
    RevokedKeysOut,
    UnitIn,
    UnitOut,
    UserIn,
    UserOut,
    UserPatch,
)
from aitower.core.errors import NotFound
from aitower.core.web.deps import DbDep, LoggedIn, change_context, guard
from aitower.core.web.pagination import Page, PageDep


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/me", tags=["access"], summary="Who am I")
    def me(principal: LoggedIn) -> MeOut:
        return MeOut.of(principal)

    # --- units --------------------------------------------------------------------------
    @router.get("/units", tags=["access"], summary="List business units")
    def list_units(
        db: DbDep,
        page: PageDep,
        _: Annotated[Principal, guard(CorePermission.units_read)],
    ) -> Page[UnitOut]:
        with db.reading() as session:
            units = service.list_units(session)
        chosen = units[page.offset : page.offset + page.limit]
        return Page.of([UnitOut.of(u) for u in chosen], len(units), page)

    @router.post(
        "/units", tags=["access"], status_code=status.HTTP_201_CREATED, summary="Create a unit"
    )
    def create_unit(
        body: UnitIn,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(CorePermission.units_write)],
    ) -> UnitOut:
        with db.writing() as session:
            unit = service.create_unit(
                session, change_context(request, principal), body.name, body.description
            )
        return UnitOut.of(unit)

    @router.get("/units/{unit_id}", tags=["access"], summary="One business unit")
    def get_unit(
        unit_id: uuid.UUID, db: DbDep, _: Annotated[Principal, guard(CorePermission.units_read)]
    ) -> UnitOut:
        with db.reading() as session:
            return UnitOut.of(service.get_unit(session, unit_id))

    # --- users --------------------------------------------------------------------------
    @router.get("/users", tags=["access"], summary="List users")
    def list_users(
        db: DbDep,
        page: PageDep,
        principal: Annotated[Principal, guard(CorePermission.users_read)],
        role: Annotated[Role | None, Query(description="Only users with this role")] = None,
        unit: Annotated[uuid.UUID | None, Query(description="Only members of this unit")] = None,
        q: Annotated[
            str | None, Query(max_length=100, description="Name or email contains")
        ] = None,
        include_disabled: bool = True,
    ) -> Page[UserOut]:
        with db.reading() as session:
            users, total = service.list_users(
                session,
                principal,
                role=role,
                unit_id=unit,
                query_text=q,
                include_disabled=include_disabled,
                limit=page.limit,
                offset=page.offset,
            )
        return Page.of([UserOut.of(u) for u in users], total, page)

    @router.post(
        "/users", tags=["access"], status_code=status.HTTP_201_CREATED, summary="Create a user"
    )
    def create_user(
        body: UserIn,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(CorePermission.users_write)],
    ) -> UserOut:
        new = service.NewUser(
            username=body.username,
            email=body.email,
            role=body.role,
            password=body.password,
            display_name=body.display_name,
            unit_refs=tuple(body.units),
            all_units=body.all_units,
        )
        with db.writing() as session:
            user = service.create_user(session, change_context(request, principal), new)
        return UserOut.of(user)

    @router.get("/users/{user_id}", tags=["access"], summary="One user")
    def get_user(
        user_id: uuid.UUID,
        db: DbDep,
        principal: Annotated[Principal, guard(CorePermission.users_read)],
    ) -> UserOut:
        with db.reading() as session:
            user = service.get_user(session, user_id)
        if principal.unit_ids is not None and not principal.unit_ids & set(user.unit_ids):
            raise NotFound(f"no user {str(user_id)!r}")
        return UserOut.of(user)

    @router.patch("/users/{user_id}", tags=["access"], summary="Change role, units or status")
    def update_user(
        user_id: uuid.UUID,
        body: UserPatch,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(CorePermission.users_write)],
    ) -> UserOut:
        ctx = change_context(request, principal)
        with db.writing() as session:
            user = service.get_user(session, user_id)
            if body.role is not None or body.units is not None or body.all_units is not None:
                user = service.update_user_access(
                    session,
                    ctx,
                    user_id,
                    role=body.role,
                    unit_refs=None if body.units is None else tuple(body.units),
                    all_units=body.all_units,
                )
            if body.disabled is not None and body.disabled != user.disabled:
                user = service.set_user_disabled(session, ctx, user_id, body.disabled)
        return UserOut.of(user)

    # --- API keys -----------------------------------------------------------------------
    @router.get("/api-keys", tags=["access"], summary="List API keys")
    def list_keys(
        db: DbDep,
        page: PageDep,
        principal: Annotated[Principal, guard(CorePermission.apikeys_read)],
        include_revoked: bool = True,
        owner: Annotated[
            str | None, Query(max_length=64, description="Only this user's keys (name or id)")
        ] = None,
    ) -> Page[ApiKeyOut]:
        with db.reading() as session:
            keys, total = apikeys.list_api_keys(
                session,
                principal,
                include_revoked=include_revoked,
                owner_ref=owner,
                limit=page.limit,
                offset=page.offset,
            )
        return Page.of([ApiKeyOut.of(k) for k in keys], total, page)

    @router.post(
        "/api-keys",
        tags=["access"],
        status_code=status.HTTP_201_CREATED,
        summary="Create an API key (the secret is in this answer only)",
    )
    def create_key(
        body: ApiKeyIn,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(CorePermission.apikeys_write)],
    ) -> CreatedApiKeyOut:
        with db.writing() as session:
            created = apikeys.create_api_key(
                session,
                change_context(request, principal),
                name=body.name,
                role=body.role,
                unit_ref=body.unit,
                expires_at=body.expires_at,
                owner_ref=body.owner,
            )
        return CreatedApiKeyOut(**ApiKeyOut.of(created.key).model_dump(), secret=created.secret)

    @router.post("/api-keys/{key_id}/revoke", tags=["access"], summary="Revoke an API key")
    def revoke_key(
        key_id: uuid.UUID,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(CorePermission.apikeys_write)],
    ) -> ApiKeyOut:
        with db.writing() as session:
            key = apikeys.revoke_api_key(session, change_context(request, principal), key_id)
        return ApiKeyOut.of(key)

    @router.post(
        "/users/{user_id}/revoke-keys",
        tags=["access"],
        summary="Revoke every live API key of a user",
    )
    def revoke_user_keys(
        user_id: uuid.UUID,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(CorePermission.apikeys_write)],
    ) -> RevokedKeysOut:
        with db.writing() as session:
            count = apikeys.revoke_user_keys(session, change_context(request, principal), user_id)
        return RevokedKeysOut(revoked=count)

    return router
