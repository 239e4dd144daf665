"""The tables of cases: the case and its materials, timeline, clock and visits; 一件事 cases
(`cases.bundles.models`) and joint reviews (`cases.joint.models`) live with their feature and
are registered with the app from here."""

from tongban.cases.bundles.models import BundleCase, BundleCaseState, BundleNumberCounter
from tongban.cases.joint.models import JointOpinion, JointReview, JointReviewState, OpinionKind
from tongban.cases.models.case import (
    BEFORE_DECISION,
    FINAL_STATES,
    QUEUE_STATES,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseNumberCounter,
    CaseState,
    Channel,
    Decision,
    Warning,
)
from tongban.cases.models.clock import Extension, Suspension
from tongban.cases.models.visits import Visit

__all__ = [
    "BEFORE_DECISION",
    "FINAL_STATES",
    "QUEUE_STATES",
    "BundleCase",
    "BundleCaseState",
    "BundleNumberCounter",
    "Case",
    "CaseEvent",
    "CaseMaterial",
    "CaseNumberCounter",
    "CaseState",
    "Channel",
    "Decision",
    "Extension",
    "JointOpinion",
    "JointReview",
    "JointReviewState",
    "OpinionKind",
    "Suspension",
    "Visit",
    "Warning",
]
