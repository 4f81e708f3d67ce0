import hashlib
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import SECRETARIAT_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their e-mail address."""

    # Sign-in by e-mail and one full name: AbstractUser's fields removed (the stubs type them
    # as always present).
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # When the person last opened their home page: what was published after it is "new" on
    # the Board's home (dashboard/homes.py). `last_login` cannot serve: Django overwrites it
    # at each sign-in, before anything could read the previous value.
    home_visited_at = models.DateTimeField(_("last visit to the home page"), null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # by e-mail

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        permissions = [
            ("use_secretariat", _("Use the secretariat pages")),
            ("administer_portal", _("Administer cycles, matrices and users")),
            ("read_board_documents", _("Read published reviews and compiled reports")),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name or self.email

    @cached_property
    def role(self) -> Role | None:
        names = {g.name for g in self.groups.all()}
        return next((role for role in Role if role.value in names), None)

    @property
    def is_secretariat(self) -> bool:
        return self.role in SECRETARIAT_ROLES

    @cached_property
    def focal_point(self):
        """The active focal point designation of this user, if any."""
        return (
            self.focal_points.filter(is_active=True).select_related("country").first()
            if self.pk
            else None
        )

    @cached_property
    def contribution(self):
        """The active contribution of this user to their country's reviews, if any (a member
        of a national drafting team, reviews.models.Contributor)."""
        return (
            self.contributions.filter(is_active=True).select_related("country").first()
            if self.pk
            else None
        )

    @property
    def country(self):
        """The country a focal point or a contributor works for."""
        if self.focal_point:
            return self.focal_point.country
        return self.contribution.country if self.contribution else None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        ).exclude(token_hash="")


class Invitation(models.Model):
    """A one-time e-mail link with which an invited person sets their password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # Only the hash is stored; the token itself exists in the e-mail alone.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
