"""What the tracking page tells the citizen: the state in plain words that fit who handles it (a
deputy, or the liaison body when no deputy relayed it), and the next step with its date."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import OpinionState

S = OpinionState


def _by(opinion) -> str:
    if opinion.due_at is None:
        return ""
    return formats.date_format(timezone.localtime(opinion.due_at).date(), "DATE_FORMAT")


def explanation(opinion) -> str:
    """The state in plain words; a deputy is named only when a deputy handles it."""
    with_deputy = bool(opinion.deputy_id)
    words = {
        S.RECEIVED: _("您的意见已收到，正在等待代表或联络机构处理。")
        if with_deputy
        else _("您的意见已收到，正在等待街镇人大联络机构处理。"),
        S.MODERATION: _("您的意见已收到，正在进行人工审核。"),
        S.ANSWERED: _("代表已直接答复您的意见。") if with_deputy else _("联络机构已直接答复您的意见。"),
        S.VERIFYING: _("工作人员正在核实您反映的情况。"),
        S.ROUTED: _("您的意见已转交有关机构。"),
        S.ASSIGNED: _("您的意见已交承办单位办理。"),
        S.REPLIED: _("承办单位已经答复，代表将向您反馈。")
        if with_deputy
        else _("承办单位已经答复，联络机构将向您反馈。"),
        S.RELAYED: _("答复已送达代表，代表将向您反馈。"),
        S.FED_BACK: _("代表已向您反馈办理结果，欢迎评价。")
        if with_deputy
        else _("联络机构已向您反馈办理结果，欢迎评价。"),
        S.CLOSED: _("您的意见已办结。"),
        S.REJECTED: _("您的意见不予受理，原因见下方说明。"),
        S.MERGED: _("您的意见与相同内容的意见合并办理。"),
    }
    return words.get(opinion.state, "")


def next_step(opinion) -> str:
    """The next step and, where there is a deadline, the date by which it is due."""
    by = _by(opinion)
    who = _("代表") if opinion.deputy_id else _("联络机构")
    state = opinion.state
    if state in (S.RECEIVED, S.VERIFYING):
        if by:
            return _("下一步：%(who)s核实情况，直接答复您或转交有关机构，最迟在%(date)s前。") % {
                "who": who,
                "date": by,
            }
        return _("下一步：%(who)s核实情况，直接答复您或转交有关机构。") % {"who": who}
    if state == S.MODERATION:
        return _("下一步：工作人员审核后转入办理，请耐心等待。")
    if state == S.ROUTED:
        return _("下一步：有关机构把您的意见交承办单位办理。")
    if state == S.ASSIGNED:
        if by:
            return _("下一步：承办单位答复，答复期限为%(date)s。") % {"date": by}
        return _("下一步：承办单位答复。")
    if state in (S.REPLIED, S.RELAYED):
        if by:
            return _("下一步：%(who)s把办理结果反馈给您，最迟在%(date)s前。") % {"who": who, "date": by}
        return _("下一步：%(who)s把办理结果反馈给您。") % {"who": who}
    if state in (S.ANSWERED, S.FED_BACK):
        return _("下一步：请您在本页评价办理结果。")
    if state == S.CLOSED:
        return _("已办结，您无需再做什么。如仍有问题，可以再次反映。")
    return ""
