"""Which renderer each result type gets (imported only to render: after the command ran)."""

from __future__ import annotations

from typing import Any

import agents_cli.cli.render.conversations as conversation_results
import agents_cli.cli.render.plan as plan_results
import agents_cli.cli.render.project as project_results
import agents_cli.cli.render.resources as resource_results
import agents_cli.cli.render.sync as sync_results
import agents_cli.cli.render.tests as test_results
from agents_cli.cli.render.base import Renderer
from agents_cli.commands.auth import Whoami
from agents_cli.commands.chat import ChatResult
from agents_cli.commands.conversations import ConversationList
from agents_cli.commands.delete import Deletion
from agents_cli.commands.list_resources import ResourceList
from agents_cli.commands.plan import PlanReport
from agents_cli.commands.pull import Pulled, PullListing
from agents_cli.commands.status import Status
from agents_cli.commands.sync import SyncReport
from agents_cli.commands.templates import TemplateList, TemplateShown
from agents_cli.commands.test import TestRun
from agents_cli.commands.validate import ValidationResult
from agents_cli.commands.widget import Widget

RENDERERS: dict[type, Renderer[Any]] = {
    TemplateList: project_results.TEMPLATE_LIST,
    TemplateShown: project_results.TEMPLATE_SHOWN,
    ValidationResult: project_results.VALIDATION,
    Widget: resource_results.WIDGET,
    ResourceList: resource_results.RESOURCE_LIST,
    Status: resource_results.STATUS,
    Deletion: resource_results.DELETION,
    Whoami: resource_results.WHOAMI,
    PullListing: resource_results.PULL_LISTING,
    Pulled: resource_results.PULLED,
    PlanReport: plan_results.PLAN,
    SyncReport: sync_results.SYNC,
    TestRun: test_results.TEST_RUN,
    ChatResult: conversation_results.CHAT,
    ConversationList: conversation_results.CONVERSATION_LIST,
}
