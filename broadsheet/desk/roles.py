"""The newsroom's three roles as Wagtail groups, page permissions and one review workflow.

Writer: drafts and submits their own stories. Editor: edits any story, approves and publishes.
Chief editor: an editor who also runs the outlet's settings and the newsroom's accounts.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from broadsheet.desk.models import DeskApprovalTask
from broadsheet.home.models import HomePage

WRITERS, EDITORS, CHIEF_EDITORS = "Writers", "Editors", "Chief editors"
REVIEW_WORKFLOW = "Desk review"
REVIEW_TASK = "Editor approval"

# Wagtail page permissions, granted on the home page so they cover every section and story.
# add_page alone lets a writer create pages and edit only their own.
PAGE_PERMISSIONS = {
    WRITERS: ["add_page"],
    EDITORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    CHIEF_EDITORS: [
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
        "delete_page",
    ],
}

_ADMIN = [("wagtailadmin", "admin", "access_admin")]
_IMAGES_WRITE = [("wagtailimages", "image", c) for c in ("add_image", "choose_image")]
_PEOPLE_AND_TOPICS = [
    (app, model, f"{action}_{model}")
    for app, model in (("topics", "topic"), ("authors", "author"), ("experts", "expert"))
    for action in ("add", "change", "view")
]
_BREAKING_NEWS = [
    ("desk", "breakingnews", f"{action}_breakingnews")
    for action in ("add", "change", "delete", "view")
]
_QUEUE = [
    ("desk", "queueentry", f"{action}_queueentry") for action in ("add", "change", "delete", "view")
]
# The Telegram delivery records are read-only in the admin; editors follow them there.
_DELIVERIES = [("distribution", "telegramdelivery", "view_telegramdelivery")]
MODEL_PERMISSIONS = {
    WRITERS: _ADMIN + _IMAGES_WRITE + [("topics", "topic", "view_topic")],
    EDITORS: _ADMIN
    + _IMAGES_WRITE
    + [("wagtailimages", "image", "change_image")]
    + _PEOPLE_AND_TOPICS
    + _BREAKING_NEWS
    + _QUEUE
    + _DELIVERIES,
    CHIEF_EDITORS: _ADMIN
    + _IMAGES_WRITE
    + [("wagtailimages", "image", "change_image"), ("wagtailimages", "image", "delete_image")]
    + _PEOPLE_AND_TOPICS
    + _BREAKING_NEWS
    + _QUEUE
    + _DELIVERIES
    + [
        ("desk", "desksettings", "change_desksettings"),
        ("desk", "desksettings", "view_desksettings"),
    ]
    + [("core", "outletsettings", "change_outletsettings")]
    + [("auth", "user", c) for c in ("add_user", "change_user", "view_user")],
}


@transaction.atomic
def desk_roles_ensure() -> dict[str, Group]:
    """Create or bring up to date the three groups and the review workflow; idempotent."""
    home = Page.objects.type(HomePage).first()
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(MODEL_PERMISSIONS[name]))
        page_permissions = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        )
        GroupPagePermission.objects.filter(group=group).exclude(
            permission__in=page_permissions
        ).delete()
        if home is not None:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=home, permission=permission
                )
        groups[name] = group
    if home is not None:
        _review_workflow_ensure(home=home, approvers=[groups[EDITORS], groups[CHIEF_EDITORS]])
    return groups


def _permissions(triples):
    found = []
    for app_label, model, codename in triples:
        found.append(
            Permission.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
        )
    return found


def _review_workflow_ensure(*, home: Page, approvers: list[Group]) -> Workflow:
    """Writers submit; an editor or chief editor approves (now or into the queue), or asks for
    changes with a comment."""
    task, _ = DeskApprovalTask.objects.get_or_create(name=REVIEW_TASK)
    task.groups.set(approvers)
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW, defaults={"active": True})
    # Earlier installs reviewed with a plain group task; the desk task replaces it.
    WorkflowTask.objects.filter(workflow=workflow).exclude(task=task).delete()
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    # The nearest assignment wins, so this replaces Wagtail's default "Moderators approval" below.
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow
