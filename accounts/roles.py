"""The roles of the portal, as groups of permissions.

A role is a Django group; what it may do is the permissions listed here. Migrations call
`sync_role_groups` so that the groups in the database always match this table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FOCAL_POINT = "focal_point", _("Focal point")
    REVIEWER = "secretariat_reviewer", _("Secretariat reviewer")
    ADMIN = "secretariat_admin", _("Secretariat admin")
    BOARD = "board_member", _("Executive Board member")
    CONTRIBUTOR = "contributor", _("National contributor")
    PEER = "peer_reviewer", _("Peer reviewer")


SECRETARIAT_ROLES = (Role.REVIEWER, Role.ADMIN)

_MUNICIPALITIES = [
    "countries.view_municipality",
    "countries.add_municipality",
    "countries.change_municipality",
    "countries.delete_municipality",
]
_READ_ALL_COUNTRIES = [
    "countries.view_country",
    "countries.view_all_countries",
    "countries.view_focalpoint",
]
# Partners of the Global Network on Safer Cities and the Safer Cities tools countries use.
_VIEW_NETWORK_RECORDS = [
    "countries.view_partner",
    "countries.view_safercitiestool",
    "countries.view_tooluse",
]
_MANAGE_NETWORK_RECORDS = [
    *_VIEW_NETWORK_RECORDS,
    "countries.add_partner",
    "countries.change_partner",
    "countries.delete_partner",
    "countries.add_safercitiestool",
    "countries.change_safercitiestool",
    "countries.delete_safercitiestool",
    "countries.add_tooluse",
    "countries.change_tooluse",
    "countries.delete_tooluse",
]
_READ_ALL_CYCLES = ["indicators.view_reviewcycle", "indicators.view_all_cycles"]
_REVIEWER = [
    "accounts.use_secretariat",
    "reviews.view_contributor",
    *_READ_ALL_CYCLES,
    "reviews.view_review",
    "reviews.view_all_reviews",
    "reviews.comment_review",
    "reviews.decide_review",
    # peers of the review mechanism (reviews/peers.py)
    "reviews.assign_peer",
    "reviews.view_peerassessment",
    # the Expert Group Meetings of each cycle (meetings/)
    "meetings.view_meeting",
    "meetings.view_all_meetings",
    "meetings.add_meeting",
    "meetings.change_meeting",
    "reports.compile_reports",
    "reports.view_download_log",
    *_READ_ALL_COUNTRIES,
    *_MUNICIPALITIES,
    "countries.change_country_status",
    *_MANAGE_NETWORK_RECORDS,
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.FOCAL_POINT: [
        "countries.view_country",
        "countries.view_focalpoint",
        *_MUNICIPALITIES,
        "indicators.view_reviewcycle",
        "reviews.view_review",
        "reviews.add_review",
        "reviews.change_review",
        "reviews.submit_review",
        "reviews.comment_review",
        # their country's national drafting team (reviews/contributors.py)
        "reviews.view_contributor",
        "reviews.add_contributor",
        "reviews.change_contributor",
        # a focal point may be a peer of another Member State's review (reviews/peers.py)
        "reviews.assess_review",
        # the meetings their country is invited to, and its delegation (meetings/)
        "meetings.view_meeting",
        "meetings.register_delegation",
    ],
    Role.REVIEWER: _REVIEWER,
    Role.ADMIN: [
        *_REVIEWER,
        "accounts.administer_portal",
        "countries.add_country",
        "countries.change_country",
        "countries.add_focalpoint",
        "countries.change_focalpoint",
        "indicators.add_reviewcycle",
        "indicators.change_reviewcycle",
        "indicators.change_matrix",
        "reviews.reopen_review",
    ],
    Role.BOARD: [
        "accounts.read_board_documents",
        *_READ_ALL_COUNTRIES,
        *_READ_ALL_CYCLES,
        *_VIEW_NETWORK_RECORDS,
        "reviews.view_review",
        "meetings.view_meeting",  # the held meetings of published cycles
    ],
    # A member of a country's national drafting team: writes the sections and indicator
    # outcomes a focal point assigned (reviews/contributors.py); never submits.
    Role.CONTRIBUTOR: [
        "reviews.view_review",
        "reviews.contribute_review",
    ],
    # An expert of a partner organisation of the Global Network, invited by the secretariat to
    # assess the submitted reviews assigned to them, and nothing else (reviews/peers.py).
    Role.PEER: [
        "reviews.assess_review",
    ],
}


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = [tuple(name.split(".", 1)) for name in names]
        perms = [
            p
            for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(perms)
