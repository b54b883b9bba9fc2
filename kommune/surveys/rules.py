"""Permissions of surveys and opinion maps, checked with ``user.has_perm(name, municipality)``.

Answering a survey, writing a statement and voting need no permission of their own: who may take part is a
property of the survey (everyone with a confirmed account, or verified residents) and of the running phase,
checked by services.answer_refusal and services.participation_refusal.
"""

import rules

from kommune.core.rules import is_staff

# Create and publish surveys and opinion maps, enter paper questionnaires, see and export results before the
# public does, start the computation of an opinion map.
rules.add_perm("surveys.manage", is_staff)
