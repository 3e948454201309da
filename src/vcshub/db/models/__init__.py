"""ORM models, one module per aggregate. Importing this package registers every table."""

from vcshub.db.models.audit import AuditEntry
from vcshub.db.models.base import Base
from vcshub.db.models.comment import Comment, CommentVersion, ReviewStatus
from vcshub.db.models.gist import Gist
from vcshub.db.models.journal import JournalEntry
from vcshub.db.models.login_failure import LoginFailure
from vcshub.db.models.permission import (
    PermissionGeneration,
    RepoGroupUserGroupPermission,
    RepoGroupUserPermission,
    RepoUserGroupPermission,
    RepoUserPermission,
    UserGroupGlobalPermission,
    UserGlobalPermission,
    UserGroupUserGroupPermission,
    UserGroupUserPermission,
)
from vcshub.db.models.pull_request import PullRequest, PullRequestReviewer, PullRequestVersion
from vcshub.db.models.repo import RepoField, Repository, UserFollowing
from vcshub.db.models.repo_group import RepoGroup
from vcshub.db.models.repo_setting import RepoSetting
from vcshub.db.models.setting import Setting
from vcshub.db.models.task import NodeProcess, TaskRun
from vcshub.db.models.user import AuthToken, User, UserEmail, UserIpAddress, UserSshKey
from vcshub.db.models.user_group import UserGroup, UserGroupMember

__all__ = [
    "AuditEntry",
    "AuthToken",
    "Base",
    "Comment",
    "CommentVersion",
    "Gist",
    "JournalEntry",
    "LoginFailure",
    "NodeProcess",
    "PermissionGeneration",
    "PullRequest",
    "PullRequestReviewer",
    "PullRequestVersion",
    "RepoField",
    "RepoGroup",
    "RepoGroupUserGroupPermission",
    "RepoGroupUserPermission",
    "RepoSetting",
    "RepoUserGroupPermission",
    "RepoUserPermission",
    "Repository",
    "ReviewStatus",
    "Setting",
    "TaskRun",
    "User",
    "UserEmail",
    "UserFollowing",
    "UserGlobalPermission",
    "UserGroup",
    "UserGroupGlobalPermission",
    "UserGroupMember",
    "UserGroupUserGroupPermission",
    "UserGroupUserPermission",
    "UserIpAddress",
    "UserSshKey",
]
