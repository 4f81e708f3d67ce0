import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.access import scoped

NETWORK_TARGET = 10  # municipalities in a National Tool Network (concept note's target)


class Region(models.TextChoices):
    AFRICA = "Africa", _("Africa")
    AMERICAS = "Americas", _("Americas")
    ASIA = "Asia", _("Asia")
    EUROPE = "Europe", _("Europe")
    OCEANIA = "Oceania", _("Oceania")


class Engagement(models.TextChoices):
    NOT_ENGAGED = "not_engaged", _("Not engaged")
    INTERESTED = "interested", _("Interested")
    COMMITTED = "committed", _("Committed")
    REPORTING = "reporting", _("Reporting")


class CountryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every country for the secretariat and the Board; a focal point's own, else none."""
        return scoped(self, user, everything="countries.view_all_countries", country="pk")

    def network_editable_by(self, user):
        if not user.has_perm("countries.change_municipality"):
            return self.none()
        return self.visible_to(user)


class Country(models.Model):
    """A UN Member State (or an observer state an admin added)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    iso2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    m49 = models.CharField(_("M49 code"), max_length=3, unique=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    subregion = models.CharField(_("sub-region"), max_length=60)
    is_member_state = models.BooleanField(_("UN Member State"), default=True)

    is_champion = models.BooleanField(_("champion country"), default=False)
    champion_since = models.DateField(_("champion since"), null=True, blank=True)
    interest_expressed_on = models.DateField(_("expression of interest on"), null=True, blank=True)
    interest_note = models.TextField(_("note on the expression of interest"), blank=True)
    engagement = models.CharField(
        _("engagement status"),
        max_length=20,
        choices=Engagement.choices,
        default=Engagement.NOT_ENGAGED,
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]
        permissions = [
            ("view_all_countries", _("See every country")),
            ("change_country_status", _("Change champion and engagement status")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(iso2__regex=r"^[A-Z]{2}$")
                & Q(iso3__regex=r"^[A-Z]{3}$")
                & Q(m49__regex=r"^[0-9]{3}$"),
                name="country_codes_format",
            ),
            models.CheckConstraint(
                condition=Q(is_champion=True) | Q(champion_since__isnull=True),
                name="country_champion_since_only_for_champions",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def letter_upload_to(instance: "FocalPoint", filename: str) -> str:
    # Random stored names: the original name is never used as a path.
    return f"letters/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:8]}"


class FocalPointKind(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    ALTERNATE = "alternate", _("Alternate")


class FocalPointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class FocalPoint(models.Model):
    """The designation of a person as a focal point of one country."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="focal_points"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="focal_points")
    kind = models.CharField(
        _("designation"),
        max_length=10,
        choices=FocalPointKind.choices,
        default=FocalPointKind.PRIMARY,
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    institution = models.CharField(_("institution or ministry"), max_length=300)
    designated_on = models.DateField(_("designated on"))
    letter_reference = models.CharField(
        _("reference of the designating letter"),
        max_length=200,
        blank=True,
        help_text=_("For example the number of the note verbale."),
    )
    letter = models.FileField(
        _("designating letter"), upload_to=letter_upload_to, blank=True, max_length=200
    )
    letter_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FocalPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        ordering = ["country", "kind", "user__name"]
        constraints = [
            # A person is the active focal point of one country at most.
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_active=True), name="one_active_designation_per_user"
            ),
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(is_active=True, kind="primary"),
                name="one_active_primary_per_country",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.country})"


class Municipality(models.Model):
    """A local municipality taking part in a country's National Tool Network."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="municipalities")
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province or state"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    joined_on = models.DateField(_("joined the network on"), null=True, blank=True)
    has_safety_strategy = models.BooleanField(_("has a local safety strategy"), default=False)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name", "province"], name="municipality_unique_in_country"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerType(models.TextChoices):
    UN_ENTITY = "un_entity", _("UN entity")
    GOVERNMENT = "government", _("Government")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    OTHER = "other", _("Other")


class PartnerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Partner(models.Model):
    """An organisation in the Global Network on Safer Cities, kept by the secretariat."""

    organisation = models.CharField(_("organisation"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=PartnerType.choices)
    # A partner is placed in a country, a region, or both (a regional office of a country body).
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("country"),
    )
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    joined_on = models.DateField(_("joined the network on"))
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["organisation"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False) | ~Q(region=""),
                name="partner_country_or_region",
                violation_error_message=_("Give the partner's country or region."),
            ),
        ]

    def __str__(self) -> str:
        return self.organisation


class SaferCitiesTool(models.Model):
    """A Safer Cities tool that countries share with each other or pilot."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"))
    owner = models.CharField(
        _("owner"), max_length=200, help_text=_("Who owns and maintains it, e.g. UN-Habitat.")
    )
    url = models.URLField(_("web address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Safer Cities tool")
        verbose_name_plural = _("Safer Cities tools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ToolUseKind(models.TextChoices):
    SHARED = "shared", _("Shared")
    PILOTED = "piloted", _("Piloted")


class ToolUse(models.Model):
    """That a country shared or piloted a Safer Cities tool on a date."""

    tool = models.ForeignKey(
        SaferCitiesTool, on_delete=models.CASCADE, related_name="uses", verbose_name=_("tool")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="tool_uses", verbose_name=_("country")
    )
    kind = models.CharField(_("shared or piloted"), max_length=10, choices=ToolUseKind.choices)
    on = models.DateField(_("on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("use of a tool")
        verbose_name_plural = _("uses of tools")
        ordering = ["on", "country__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "country", "kind", "on"], name="tool_use_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tool} · {self.country} · {self.get_kind_display()} · {self.on}"
