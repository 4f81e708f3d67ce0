"""Who may reach what, the same way everywhere (SPEC §2).

Every view opens with one decorator, `@permission_required(...)` or
`@any_permission_required(...)`:

- with `reach=`, the object the URL names is fetched first, through its scoped queryset
  (`Model.objects.visible_to(user)`, each written with `scoped` below): an object out of the
  user's reach answers 404, whatever their rights, so nobody learns what exists elsewhere; the
  view receives the object in place of the URL's argument;
- then a user without the permissions named answers 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest

BOARD = "accounts.read_board_documents"


@dataclass(frozen=True)
class Reach:
    """How a view finds the object its URL names among what the user may reach."""

    argument: str  # the URL's keyword argument ("iso3", "pk")
    fetch: Callable[[Any, Any], Any]  # (request, value) → the object, or Http404


def _door(allowed: Callable[[Any], bool], reach: Reach | None):
    def decorator(view):
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs):
            if reach is not None:
                args = (reach.fetch(request, kwargs.pop(reach.argument)), *args)
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


def permission_required(*perms: str, reach: Reach | None = None):
    """404 out of `reach`, then 403 unless the user holds every one of `perms`."""
    return _door(lambda user: user.has_perms(perms), reach)


def any_permission_required(*perms: str, reach: Reach | None = None):
    """404 out of `reach`, then 403 unless the user holds at least one of `perms`."""
    return _door(lambda user: any(user.has_perm(perm) for perm in perms), reach)


def scoped(
    queryset: QuerySet,
    user,
    *,
    everything: str,
    country: str | None = None,
    focal_point: Q | None = None,
    board: Q | None = None,
    contributor: Q | None = None,
) -> QuerySet:
    """What `user` may reach of `queryset`, by the one rule of the portal:

    - whoever holds `everything` (a permission): all of it;
    - a Board member, where `board` is given: the rows it selects;
    - a focal point: the rows of their own country (`country`: the lookup of the country's id,
      "pk" for countries themselves; None when rows have no country), narrowed by
      `focal_point`;
    - a national contributor, where `contributor` is given: the rows of their country it
      selects;
    - anyone else, or a focal point where neither is given: nothing.
    """
    if not user.is_authenticated:
        return queryset.none()
    if user.has_perm(everything):
        return queryset
    if board is not None and user.has_perm(BOARD):
        return queryset.filter(board)
    contribution = user.contribution
    if contribution:
        if contributor is None:
            return queryset.none()
        rows = queryset.filter(**{country: contribution.country_id}) if country else queryset
        return rows.filter(contributor)
    focal = user.focal_point
    if focal and (country or focal_point is not None):
        rows = queryset.filter(**{country: focal.country_id}) if country else queryset
        return rows.filter(focal_point) if focal_point is not None else rows
    return queryset.none()
